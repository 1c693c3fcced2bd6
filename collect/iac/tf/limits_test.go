package tf

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestCheckLimits(t *testing.T) {
	t.Parallel()
	deep := MaxNesting + 1
	for _, tc := range []struct {
		desc string
		src  string
		// line:col of the error, "" when the file is within the limits.
		at string
	}{
		{"ordinary module", "resource \"aws_api_gateway_rest_api\" \"a\" {\n  name = \"x\"\n  tags = { a = [1, 2, (3)] }\n}\n", ""},
		{"parentheses", "a = " + strings.Repeat("(", deep) + "1" + strings.Repeat(")", deep) + "\n", "1:261"},
		{"objects", "a = " + strings.Repeat("{x=", deep) + "1" + strings.Repeat("}", deep) + "\n", "1:773"},
		{"lists on lines", "a = " + strings.Repeat("[\n", deep) + "1" + strings.Repeat("]", deep) + "\n", "257:1"},
		{"blocks", strings.Repeat("b {\n", deep) + strings.Repeat("}\n", deep), "257:3"},
		{"interpolations", "a = " + strings.Repeat("\"${", deep) + "1" + strings.Repeat("}\"", deep) + "\n", "1:774"},
		{"unary chain", "a = " + strings.Repeat("!", deep) + "true\n", "1:261"},
		{"negative chain", "a = " + strings.Repeat("- ", deep) + "1\n", "1:517"},
		{"at the limit", "a = " + strings.Repeat("(", MaxNesting) + "1" + strings.Repeat(")", MaxNesting) + "\n", ""},
		{"brackets in strings do not count", "a = \"" + strings.Repeat("(", 3*deep) + "\"\n", ""},
		{"escaped interpolation", "a = \"" + strings.Repeat("$${", deep) + "\"\n", ""},
		{"escaped quote", `a = "\"(((" ` + "\n" + "b = 1\n", ""},
		{"comments", "# " + strings.Repeat("{", deep) + "\n// " + strings.Repeat("[", deep) + "\n/* " + strings.Repeat("(", deep) + "\n*/\na = 1\n", ""},
		{"heredoc", "a = <<EOT\n" + strings.Repeat("{", deep) + "\nEOT\nb = " + strings.Repeat("(", 3) + "1)))\n", ""},
		{"indented heredoc", "a = <<-EOT\n  " + strings.Repeat("[", deep) + "\n  EOT\n", ""},
		{"heredoc interpolation counts", "a = <<EOT\n" + strings.Repeat("${", deep) + "\nEOT\n", "2:514"},
		{"closers recover depth", strings.Repeat("a = "+strings.Repeat("(", 200)+"1"+strings.Repeat(")", 200)+"\n", 10), ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			err := CheckLimits("main.tf", []byte(tc.src))
			if tc.at == "" {
				if err != nil {
					t.Fatalf("CheckLimits: %v", err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("CheckLimits = %v, want a *LimitError", err)
			}
			if !strings.HasPrefix(err.Error(), "main.tf:"+tc.at+": ") {
				t.Errorf("error %q, want it at main.tf:%s", err, tc.at)
			}
		})
	}
}

func TestCheckLimitsTokens(t *testing.T) {
	t.Parallel()
	src := []byte("a = 1" + strings.Repeat("+1", MaxTokens/2+10) + "\n")
	if err := CheckLimits("big.tf", src); err == nil || !strings.Contains(err.Error(), "more than 500000 tokens") {
		t.Fatalf("CheckLimits = %v", err)
	}
}

// TestCheckLimitsAcceptsTestdata: every .tf file of the repository's
// testdata is within the limits.
func TestCheckLimitsAcceptsTestdata(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"testdata", "testdata/module", "testdata/body", "testdata/jsonencode"} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".tf") {
				continue
			}
			b, err := os.ReadFile(dir + "/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckLimits(e.Name(), b); err != nil {
				t.Errorf("%s/%s: %v", dir, e.Name(), err)
			}
		}
	}
}

// FuzzCheckLimits: never panics, and a file it accepts parses without
// running out of stack (hclsyntax is the judge).
func FuzzCheckLimits(f *testing.F) {
	for _, s := range []string{"a = 1\n", "b {\n c = \"${x}\"\n}\n", "a = <<EOT\n${\nEOT\n", "a = ((((1))))", "/* (", "a = \"$${\"", "a = !!-1"} {
		f.Add([]byte(s))
	}
	for _, b := range testdataBlocks(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if CheckLimits("f.tf", src) != nil {
			return
		}
		hclsyntax.ParseConfig(src, "f.tf", hcl.Pos{Line: 1, Column: 1})
	})
}
