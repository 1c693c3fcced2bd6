package yamledit

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func mapping(kv ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Content: kv} }

// path follows keys from the root.
func path(t *testing.T, d *Doc, keys ...string) *yaml.Node {
	t.Helper()
	n := d.Root()
	for _, k := range keys {
		n = Get(n, k)
		if n == nil {
			t.Fatalf("no %s", strings.Join(keys, "."))
		}
	}
	return n
}

func TestEdits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, in, want string
		edit           func(t *testing.T, d *Doc) error
	}{
		{
			desc: "scalar keeps single quotes and comment",
			in:   "a:\n  b: 'x' # keep\n  c: 1\n",
			want: "a:\n  b: 'y''s' # keep\n  c: 1\n",
			edit: func(t *testing.T, d *Doc) error { return d.SetScalar(path(t, d, "a", "b"), "y's") },
		},
		{
			desc: "scalar keeps double quotes",
			in:   "a: \"'*'\"\n",
			want: "a: \"'https://app.example.com'\"\n",
			edit: func(t *testing.T, d *Doc) error { return d.SetScalar(path(t, d, "a"), "'https://app.example.com'") },
		},
		{
			desc: "tagged scalar keeps its short-form tag",
			in:   "a: !Sub '${X}-y' # c\n",
			want: "a: !Sub '${X}-z' # c\n",
			edit: func(t *testing.T, d *Doc) error { return d.SetScalar(path(t, d, "a"), "${X}-z") },
		},
		{
			desc: "plain scalar needing quotes gets them",
			in:   "a: x\n",
			want: "a: \"true\"\n",
			edit: func(t *testing.T, d *Doc) error { return d.SetScalarTag(path(t, d, "a"), "true", "!!str") },
		},
		{
			desc: "bool in flow mapping",
			in:   "Auth: {DefaultAuthorizer: J, AddDefaultAuthorizerToCorsPreflight: true}\n",
			want: "Auth: {DefaultAuthorizer: J, AddDefaultAuthorizerToCorsPreflight: false}\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Set(path(t, d, "Auth"), "AddDefaultAuthorizerToCorsPreflight", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"})
			},
		},
		{
			desc: "insert into block mapping keeps trailing comments and blank lines",
			in:   "# head\nA:\n  x: 1 # one\n\n  y: 2\n\n# tail\nB: 3\n",
			want: "# head\nA:\n  x: 1 # one\n\n  y: 2\n  z:\n    k: v\n\n# tail\nB: 3\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Insert(path(t, d, "A"), "z", mapping(str("k"), str("v")))
			},
		},
		{
			// A block scalar's content line that starts with '#' (a VTL
			// mapping template: "#set(...)") is content, not a comment:
			// an insert after it must not cut it off the mapping.
			desc: "insert after a block scalar whose last line starts with #",
			in:   "A:\n  t: |\n    #set($x = 1) $x\n  u: >-\n    #if($y)\n\n    #end\nB: 1\n",
			want: "A:\n  t: |\n    #set($x = 1) $x\n  u: >-\n    #if($y)\n\n    #end\n  z: v\nB: 1\n",
			edit: func(t *testing.T, d *Doc) error { return d.Insert(path(t, d, "A"), "z", str("v")) },
		},
		{
			desc: "insert follows a 4-space indent and compact sequences",
			in:   "A:\n    L:\n    - 1\n    M: x\n",
			want: "A:\n    L:\n    - 1\n    M: x\n    N:\n    - a\n    - b\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Insert(path(t, d, "A"), "N", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{str("a"), str("b")}})
			},
		},
		{
			desc: "insert into flow mapping",
			in:   "P: {RestApiId: !Ref Api, PathPart: items} # c\n",
			want: "P: {RestApiId: !Ref Api, PathPart: items, X: 'y'} # c\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Insert(path(t, d, "P"), "X", &yaml.Node{Kind: yaml.ScalarNode, Style: yaml.SingleQuotedStyle, Value: "y"})
			},
		},
		{
			desc: "insert into empty flow mapping",
			in:   "P: {}\n",
			want: "P: {a: b}\n",
			edit: func(t *testing.T, d *Doc) error { return d.Insert(path(t, d, "P"), "a", str("b")) },
		},
		{
			desc: "insert at end of file without newline",
			in:   "A: 1",
			want: "A: 1\nB: 2",
			edit: func(t *testing.T, d *Doc) error { return d.Insert(d.Root(), "B", scalar("2")) },
		},
		{
			desc: "nested edits on a new node render with it",
			in:   "R:\n  a: 1\n",
			want: "R:\n  a: 1\n  N:\n    x: 1\n    y: 2\n",
			edit: func(t *testing.T, d *Doc) error {
				n := mapping(str("x"), scalar("1"))
				if err := d.Insert(path(t, d, "R"), "N", n); err != nil {
					return err
				}
				return d.Set(n, "y", scalar("2"))
			},
		},
		{
			desc: "append to block sequence",
			in:   "L:\n  - a: 1\n    b: 2\n  - c\nZ: 1\n",
			want: "L:\n  - a: 1\n    b: 2\n  - c\n  - d: 3\n    e: 4\nZ: 1\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Append(path(t, d, "L"), mapping(str("d"), scalar("3"), str("e"), scalar("4")))
			},
		},
		{
			desc: "append to flow sequence",
			in:   "DependsOn: [A, B]\n",
			want: "DependsOn: [A, B, C]\n",
			edit: func(t *testing.T, d *Doc) error { return d.Append(path(t, d, "DependsOn"), str("C")) },
		},
		{
			desc: "replace scalar by block mapping",
			in:   "Cors: \"'*'\" # c\nX: 1\n",
			want: "Cors: # c\n  AllowOrigin: \"'https://a.example'\"\nX: 1\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Set(d.Root(), "Cors", mapping(str("AllowOrigin"), str("'https://a.example'")))
			},
		},
		{
			desc: "replace empty value by mapping",
			in:   "A:\nB: 1\n",
			want: "A:\n  k: v\nB: 1\n",
			edit: func(t *testing.T, d *Doc) error { return d.Set(d.Root(), "A", mapping(str("k"), str("v"))) },
		},
		{
			desc: "delete block key",
			in:   "M:\n  AuthorizationType: CUSTOM\n  AuthorizerId: !Ref Auth # x\n  HttpMethod: OPTIONS\n",
			want: "M:\n  AuthorizationType: NONE\n  # x\n  HttpMethod: OPTIONS\n",
			edit: func(t *testing.T, d *Doc) error {
				if err := d.SetScalar(path(t, d, "M", "AuthorizationType"), "NONE"); err != nil {
					return err
				}
				return d.Delete(path(t, d, "M"), "AuthorizerId")
			},
		},
		{
			desc: "delete flow key",
			in:   "M: {a: 1, b: 2, c: 3}\n",
			want: "M: {a: 1, c: 3}\n",
			edit: func(t *testing.T, d *Doc) error { return d.Delete(path(t, d, "M"), "b") },
		},
		{
			desc: "json insert keeps indentation",
			in:   "{\n    \"A\": {\n        \"x\": 1\n    }\n}\n",
			want: "{\n    \"A\": {\n        \"x\": 1,\n        \"y\": {\n            \"k\": [\n                \"v\"\n            ]\n        }\n    }\n}\n",
			edit: func(t *testing.T, d *Doc) error {
				return d.Insert(path(t, d, "A"), "y", mapping(str("k"), &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{str("v")}}))
			},
		},
		{
			desc: "json one-line object",
			in:   "{\"A\": {\"x\": 1}, \"B\": []}",
			want: "{\"A\": {\"x\": 1, \"y\": true}, \"B\": [\"z\"]}",
			edit: func(t *testing.T, d *Doc) error {
				if err := d.Insert(path(t, d, "A"), "y", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}); err != nil {
					return err
				}
				return d.Append(path(t, d, "B"), str("z"))
			},
		},
		{
			desc: "json empty object in multi-line file",
			in:   "{\n  \"A\": {},\n  \"B\": 1\n}\n",
			want: "{\n  \"A\": {\n    \"k\": \"v\"\n  },\n  \"B\": 1\n}\n",
			edit: func(t *testing.T, d *Doc) error { return d.Insert(path(t, d, "A"), "k", str("v")) },
		},
		{
			desc: "json scalar and delete",
			in:   "{\n\t\"A\": \"'*'\",\n\t\"B\": 2,\n\t\"C\": 3\n}\n",
			want: "{\n\t\"A\": \"'https://x.example'\",\n\t\"C\": 3\n}\n",
			edit: func(t *testing.T, d *Doc) error {
				if err := d.SetScalar(path(t, d, "A"), "'https://x.example'"); err != nil {
					return err
				}
				return d.Delete(d.Root(), "B")
			},
		},
		{
			desc: "json append to multi-line array",
			in:   "{\n  \"D\": [\n    \"a\"\n  ]\n}",
			want: "{\n  \"D\": [\n    \"a\",\n    \"b\"\n  ]\n}",
			edit: func(t *testing.T, d *Doc) error { return d.Append(path(t, d, "D"), str("b")) },
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			d, err := Parse("t.yaml", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(t, d); err != nil {
				t.Fatalf("edit: %v", err)
			}
			got, err := d.Bytes()
			if err != nil {
				t.Fatalf("Bytes: %v", err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	t.Parallel()
	d, err := Parse("t.yaml", []byte("a: |\n  text\nb: plain\n  continued\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetScalar(Get(d.Root(), "a"), "x"); err == nil {
		t.Error("block scalar edited")
	}
	if err := d.SetScalar(Get(d.Root(), "b"), "x"); err == nil {
		t.Error("multi-line plain scalar edited")
	}
	if _, err := Parse("t.yaml", []byte("a: 1\n---\nb: 2\n")); err == nil {
		t.Error("multi-document stream accepted")
	}
}

func TestNoEditIsIdentity(t *testing.T) {
	t.Parallel()
	in := "# c\nA:   {x: 1}\n"
	d, err := Parse("t.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Bytes()
	if err != nil || string(got) != in {
		t.Errorf("got %q, %v", got, err)
	}
}

// FuzzEdits inserts a key into every mapping and sets every scalar of
// arbitrary documents: the result must read back as the edited tree (or
// the edit is refused), and nothing may panic.
func FuzzEdits(f *testing.F) {
	for _, s := range []string{
		"a: 1\nb:\n  c: [1, 2]\n  d: {e: f}\n",
		"Resources:\n  Api: # c\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: !Sub '${A}'}\n",
		"{\"a\": {\"b\": [1, {\"c\": \"d\"}]}}",
		"{\n  \"a\": {\n    \"b\": \"c\"\n  }\n}\n",
		"l:\n- a: 1\n  b: 2\n- 'x'\n",
		"k: \"multi\n  line\"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		d, err := Parse("f.yaml", []byte(s))
		if err != nil {
			return
		}
		var maps, scalars []*yaml.Node
		var walk func(n *yaml.Node, depth int)
		walk = func(n *yaml.Node, depth int) {
			if depth > 20 {
				return
			}
			switch n.Kind {
			case yaml.MappingNode:
				maps = append(maps, n)
				for i := 1; i < len(n.Content); i += 2 {
					if n.Content[i].Kind == yaml.ScalarNode {
						scalars = append(scalars, n.Content[i])
					}
				}
			}
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
		walk(d.Root(), 0)
		for i, m := range maps {
			if i%2 == 0 {
				_ = d.Insert(m, "zz-corsdoctor", str("v"))
			}
		}
		for i, sc := range scalars {
			if i%3 == 0 {
				_ = d.SetScalar(sc, "new value")
			}
		}
		// Bytes verifies the round trip itself; an error is a refusal,
		// not a failure. A corrupt result would have been an error too.
		if b, err := d.Bytes(); err == nil {
			if _, err := Parse("f.yaml", b); err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, b)
			}
		}
	})
}

func TestRepeatedInserts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"L: [a]\nM: {x: 1}\n", "L: [a, b, c]\nM: {x: 1, y: 2, z: 3}\n"},
		{"L:\n  - a\nM:\n  x: 1\n", "L:\n  - a\n  - b\n  - c\nM:\n  x: 1\n  y: 2\n  z: 3\n"},
		{"{\n  \"L\": [\n    \"a\"\n  ],\n  \"M\": {\n    \"x\": 1\n  }\n}\n", "{\n  \"L\": [\n    \"a\",\n    \"b\",\n    \"c\"\n  ],\n  \"M\": {\n    \"x\": 1,\n    \"y\": 2,\n    \"z\": 3\n  }\n}\n"},
		{"L: []\nM: {}\n", "L: [b, c]\nM: {y: 2, z: 3}\n"},
	} {
		d, err := Parse("t", []byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		l, m := Get(d.Root(), "L"), Get(d.Root(), "M")
		for _, x := range []string{"b", "c"} {
			if err := d.Append(l, str(x)); err != nil {
				t.Fatal(err)
			}
		}
		for _, kv := range [][2]string{{"y", "2"}, {"z", "3"}} {
			if err := d.Insert(m, kv[0], scalar(kv[1])); err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestInsertsIntoEmptyJSONObject(t *testing.T) {
	t.Parallel()
	d, err := Parse("t.json", []byte("{\n  \"M\": {},\n  \"N\": 1\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := Get(d.Root(), "M")
	for _, k := range []string{"a", "b"} {
		if err := d.Insert(m, k, str("v")); err != nil {
			t.Fatal(err)
		}
	}
	got, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"M\": {\n    \"a\": \"v\",\n    \"b\": \"v\"\n  },\n  \"N\": 1\n}\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
