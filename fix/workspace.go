package fix

import (
	"fmt"
	"os"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// workspace holds the run's files: what is on disk, and the bytes of
// every file changed by an accepted fix. Lint reads through it, so the
// proof sees the rewritten files before anything is written.
type workspace struct {
	disk     func(string) ([]byte, error)
	original map[string][]byte
	current  map[string][]byte
}

func newWorkspace(read func(string) ([]byte, error)) *workspace {
	if read == nil {
		read = readBounded
	}
	return &workspace{disk: read, original: map[string][]byte{}, current: map[string][]byte{}}
}

func readBounded(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Size() > tree.MaxSize {
		return nil, fmt.Errorf("%s: file larger than %d bytes", name, tree.MaxSize)
	}
	return os.ReadFile(name)
}

// read returns the current bytes of name.
func (w *workspace) read(name string) ([]byte, error) {
	if b, ok := w.current[name]; ok {
		return b, nil
	}
	return w.disk(name)
}

// overlay reads through pending changes first.
func (w *workspace) overlay(pending map[string][]byte) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if b, ok := pending[name]; ok {
			return b, nil
		}
		return w.read(name)
	}
}

// apply makes pending changes current.
func (w *workspace) apply(pending map[string][]byte) error {
	for name, b := range pending {
		if _, ok := w.original[name]; !ok {
			orig, err := w.read(name)
			if err != nil {
				return err
			}
			w.original[name] = orig
		}
		w.current[name] = b
	}
	return nil
}

// changed lists files whose bytes differ from the original, sorted.
func (w *workspace) changed() []string {
	var out []string
	for name, b := range w.current {
		if string(b) != string(w.original[name]) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// tx is one fix's view of the files (fixer.Files).
type tx struct {
	w     *workspace
	docs  map[string]*yamledit.Doc
	hcls  map[string]*hclwrite.File
	texts map[string][]byte
	names []string
}

func (w *workspace) begin(names []string) *tx {
	return &tx{w: w, docs: map[string]*yamledit.Doc{}, hcls: map[string]*hclwrite.File{}, texts: map[string][]byte{}, names: names}
}

func (t *tx) Names() []string { return t.names }

func (t *tx) Read(name string) ([]byte, error) {
	if b, ok := t.texts[name]; ok {
		return b, nil
	}
	return t.w.read(name)
}

func (t *tx) Write(name string, b []byte) error {
	if _, ok := t.docs[name]; ok {
		return fmt.Errorf("%s: edited as a document and as text in one fix", name)
	}
	t.texts[name] = b
	return nil
}

func (t *tx) Doc(name string) (*yamledit.Doc, error) {
	if d, ok := t.docs[name]; ok {
		return d, nil
	}
	b, err := t.w.read(name)
	if err != nil {
		return nil, err
	}
	d, err := yamledit.Parse(name, b)
	if err != nil {
		return nil, err
	}
	t.docs[name] = d
	return d, nil
}

func (t *tx) HCL(name string) (*hclwrite.File, error) {
	if f, ok := t.hcls[name]; ok {
		return f, nil
	}
	b, err := t.w.read(name)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	f, diags := hclwrite.ParseConfig(b, name, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", name, diags.Error())
	}
	t.hcls[name] = f
	return f, nil
}

// bytes renders every file the fix touched; unchanged files are left
// out.
func (t *tx) bytes() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, d := range t.docs {
		if !d.Changed() {
			continue
		}
		b, err := d.Bytes()
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	for name, f := range t.hcls {
		// No hclwrite.Format: untouched tokens keep their layout.
		b := f.Bytes()
		old, _ := t.w.read(name)
		if string(b) == string(old) {
			continue
		}
		// hclwrite output must parse as HCL again.
		if _, diags := hclwrite.ParseConfig(b, name, hcl.Pos{Line: 1, Column: 1}); diags.HasErrors() {
			return nil, fmt.Errorf("rewritten %s does not parse: %s", name, diags.Error())
		}
		out[name] = b
	}
	for name, b := range t.texts {
		old, _ := t.w.read(name)
		if string(b) != string(old) {
			out[name] = b
		}
	}
	return out, nil
}
