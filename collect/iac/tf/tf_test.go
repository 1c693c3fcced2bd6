package tf

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

// summary renders the CORS-relevant facts of APIs for comparison.
func summary(apis []*apimodel.API) []string {
	var out []string
	for _, a := range apis {
		out = append(out, fmt.Sprintf("%s %s name=%s", a.Kind, a.ID, a.Name))
		for _, r := range a.Resources {
			for _, m := range r.Methods {
				line := fmt.Sprintf("  %s %s auth=%s key=%s", m.HTTPMethod, r.Path, m.AuthorizationType.String(), m.APIKeyRequired)
				if m.Integration != nil {
					line += " integration=" + string(m.Integration.Type)
					for _, ir := range m.Integration.Responses {
						for _, k := range apimodel.SortedKeys(ir.ResponseParameters) {
							line += fmt.Sprintf(" %s:%s=%s", ir.StatusCode, strings.TrimPrefix(k, "method.response.header."), ir.ResponseParameters[k].String())
						}
					}
				}
				out = append(out, line)
			}
		}
		for _, d := range a.Deployments {
			out = append(out, fmt.Sprintf("  deployment %s redeploys=%s", d.ID, d.Redeploys))
		}
		if c := a.Cors; c != nil {
			var os []string
			for _, o := range c.AllowOrigins {
				if !o.Unknown {
					os = append(os, o.S)
				}
			}
			ma := ""
			if c.MaxAge != nil {
				ma = c.MaxAge.String()
			}
			out = append(out, fmt.Sprintf("  cors origins=%v credentials=%s maxAge=%s", os, c.AllowCredentials, ma))
		}
	}
	sort.Strings(out)
	return out
}

func loadModule(t *testing.T) []*apimodel.API {
	t.Helper()
	name := filepath.Join("testdata", "module", "main.tf")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	apis, errs := Parse(filepath.Dir(name), []File{{Name: name, Data: b}}, nil, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return apis
}

func TestParseModule(t *testing.T) {
	t.Parallel()
	apis := loadModule(t)
	want := []string{
		"  OPTIONS /items auth=<unknown: var.options_auth> key=no integration=MOCK 200:Access-Control-Allow-Origin='https://app.example.com'",
		"  PUT /items auth=NONE key=no",
		"  cors origins=[https://app.example.com] credentials=yes maxAge=300",
		"  deployment aws_api_gateway_deployment.prod redeploys=no",
		"HTTP aws_apigatewayv2_api.http name=items-http",
		"REST aws_api_gateway_rest_api.api name=items",
	}
	if d := cmp.Diff(want, summary(apis)); d != "" {
		t.Errorf("model (-want +got):\n%s", d)
	}
	// Unknown values keep the expression and the location.
	var unknown apimodel.Value
	for _, a := range apis {
		if a.Cors != nil {
			unknown = a.Cors.AllowOrigins[1]
		}
	}
	if !unknown.Unknown || unknown.Expr != "var.extra_origin" || unknown.Source.Line != 50 {
		t.Errorf("unknown origin = %+v, want var.extra_origin at line 50", unknown)
	}
}

// loadPlan parses a testdata plan JSON file.
func loadPlan(t *testing.T, name string) []*apimodel.API {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	root, err := tree.Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	if !DetectPlan(root) {
		t.Fatal("plan not detected")
	}
	return ParsePlan(name, root, nil, nil)
}

// TestPlanAgreesWithHCL: the plan JSON of the module gives the same model
// as its .tf source.
func TestPlanAgreesWithHCL(t *testing.T) {
	t.Parallel()
	name := filepath.Join("testdata", "module", "plan.json")
	plan := loadPlan(t, name)
	if d := cmp.Diff(summary(loadModule(t)), summary(plan)); d != "" {
		t.Errorf("plan and HCL disagree (-hcl +plan):\n%s", d)
	}
	for _, a := range plan {
		if a.Source.File != name || a.Source.Line == 0 {
			t.Errorf("%s: source %v does not point into the plan", a.ID, a.Source)
		}
	}
}

func TestParseInvalidHCL(t *testing.T) {
	t.Parallel()
	good := File{Name: "good.tf", Data: []byte("resource \"aws_api_gateway_rest_api\" \"a\" {\n  name = \"x\"\n}\n")}
	bad := File{Name: "bad.tf", Data: []byte("resource \"aws_api_gateway_rest_api\" \"b\" {\n  name = \n")}
	apis, errs := Parse(".", []File{bad, good}, nil, nil)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "bad.tf:") {
		t.Fatalf("errs = %v, want one error located in bad.tf", errs)
	}
	if len(apis) != 1 || apis[0].ID != "aws_api_gateway_rest_api.a" {
		t.Errorf("the good file was not read: %v", summary(apis))
	}
}

// testdataBlocks returns every top-level block of the testdata .tf
// files as its own small file: the seeds of FuzzParse.
func testdataBlocks(tb testing.TB) [][]byte {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join("testdata", "*", "*.tf"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*", "*", "*.tf"))
	names = append(names, more...)
	var out [][]byte
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		hf, diags := hclsyntax.ParseConfig(src, name, hcl.Pos{Line: 1, Column: 1})
		if diags.HasErrors() {
			tb.Fatalf("%s: %v", name, diags)
		}
		for _, b := range hf.Body.(*hclsyntax.Body).Blocks {
			r := b.Range()
			out = append(out, append([]byte(nil), src[r.Start.Byte:r.End.Byte]...))
		}
	}
	if len(out) == 0 {
		tb.Fatal("no block in testdata")
	}
	return out
}

// fuzzParse: one file gives APIs or errors, never both.
func fuzzParse(t *testing.T, data []byte) {
	apis, errs := Parse(".", []File{{Name: "f.tf", Data: data}}, nil, nil)
	if len(errs) > 0 && len(apis) > 0 {
		t.Fatalf("both APIs and errors for one file")
	}
}

// FuzzParse: small files, one block of the testdata each (thousands of
// executions a second).
func FuzzParse(f *testing.F) {
	for _, b := range testdataBlocks(f) {
		f.Add(b)
	}
	f.Add([]byte("resource \"aws_lambda_function_url\" \"u\" {\n cors {\n allow_origins = [\"*\"]\n }\n}\n"))
	f.Fuzz(fuzzParse)
}

// FuzzParseModule: whole testdata modules (references across blocks,
// bodies, jsonencode).
func FuzzParseModule(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*", "*.tf"))
	for _, name := range names {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Fuzz(fuzzParse)
}

func FuzzParsePlan(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("testdata", "module", "plan.json"))
	f.Add(b)
	f.Add([]byte(`{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"a.b","type":"aws_apigatewayv2_api","values":{"id":"x"}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := tree.Parse("plan.json", data)
		if err != nil {
			return
		}
		if DetectPlan(root) {
			ParsePlan("plan.json", root, nil, nil)
		}
	})
}

func TestBodyFromFile(t *testing.T) {
	t.Parallel()
	name := filepath.Join("testdata", "body", "main.tf")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	apis, errs := Parse(filepath.Dir(name), []File{{Name: name, Data: b}}, os.ReadFile, nil)
	if len(errs) > 0 || len(apis) != 1 {
		t.Fatalf("apis %v errs %v", apis, errs)
	}
	res := apis[0].Resource("/items")
	if res == nil || res.Method("DELETE") == nil {
		t.Fatalf("templatefile() body not read: %v", summary(apis))
	}
	if src := res.Method("DELETE").Source; src.File != filepath.Join("testdata", "body", "openapi.yaml") || src.Line != 5 {
		t.Errorf("method located at %v", src)
	}
}

func TestBodyJSONEncode(t *testing.T) {
	t.Parallel()
	name := filepath.Join("testdata", "jsonencode", "main.tf")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	apis, errs := Parse(filepath.Dir(name), []File{{Name: name, Data: b}}, nil, nil)
	if len(errs) > 0 || len(apis) != 1 {
		t.Fatalf("apis %v errs %v", apis, errs)
	}
	res := apis[0].Resource("/items")
	if res == nil || res.Method("PUT") == nil || res.Method("OPTIONS") == nil {
		t.Fatalf("jsonencode() body not read: %v", summary(apis))
	}
	put := res.Method("PUT")
	if put.Source.Line != 8 || put.Source.File != name {
		t.Errorf("PUT located at %v, want %s:8", put.Source, name)
	}
	if uri := put.Integration.URI; !uri.Unknown || uri.Expr != "!expr aws_lambda_function.fn.invoke_arn" {
		t.Errorf("reference inside jsonencode must be unknown, got %+v", uri)
	}
	if fn := put.Integration.Function; fn == nil || fn.ID != "aws_lambda_function.fn" {
		t.Errorf("function not linked through the URI reference: %+v", fn)
	}
	v, _ := res.Method("OPTIONS").Integration.Responses[0].Header("Access-Control-Allow-Origin")
	if v.S != "'https://app.example.com'" || v.Source.Line != 22 {
		t.Errorf("ACAO = %+v", v)
	}
}

// TestLocalModules: a local module call is followed with its arguments
// (for_each, count, dynamic blocks, locals and defaults evaluated), its
// references reach the caller's resources; registry modules and
// resources whose for_each is unknown are named as not evaluated.
func TestLocalModules(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "modules", "root")
	b, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	list := func(d string) ([]string, error) { return filepath.Glob(filepath.Join(d, "*.tf")) }
	var notes tree.Notes
	apis, errs := ParseWith(dir, []File{{Name: filepath.Join(dir, "main.tf"), Data: b}}, Options{Read: os.ReadFile, List: list, Notes: &notes})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	checkModules(t, apis)
	var what []string
	for _, n := range notes.List {
		what = append(what, n.What)
	}
	sort.Strings(what)
	if d := cmp.Diff([]string{`module "vpc" (source "terraform-aws-modules/vpc/aws")`, "module.routes.aws_apigatewayv2_route.later"}, what); d != "" {
		t.Errorf("not evaluated (-want +got):\n%s", d)
	}
}

// TestPlanModuleInstances: in plan JSON each count/for_each instance is a
// resource of its own (module.routes.aws_apigatewayv2_route.this["GET
// /orders"]), and var.api_id inside a module follows the module call's
// argument, so the plan of testdata/modules gives the routes the .tf
// files give (TestLocalModules).
func TestPlanModuleInstances(t *testing.T) {
	t.Parallel()
	name := filepath.Join("testdata", "modules", "plan.json")
	checkModules(t, loadPlan(t, name))
}

// checkModules checks the model of testdata/modules (its .tf files or its
// plan): the for_each routes of module routes on the root API, the
// function URL's dynamic cors block, and no API from count = 0.
func checkModules(t *testing.T, apis []*apimodel.API) {
	t.Helper()
	var routes, url []string
	for _, a := range apis {
		for _, r := range a.Routes {
			routes = append(routes, a.ID+" "+r.Key+" "+r.AuthorizationType.String())
		}
		if a.Kind == apimodel.FunctionURL && a.Cors != nil {
			url = append(url, a.ID, a.Cors.AllowOrigins[0].String(), fmt.Sprint(len(a.Cors.AllowMethods)), a.Cors.AllowCredentials.String())
		}
	}
	sort.Strings(routes)
	if d := cmp.Diff([]string{"aws_apigatewayv2_api.http GET /orders NONE", "aws_apigatewayv2_api.http POST /orders JWT"}, routes); d != "" {
		t.Errorf("routes through the module (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"module.routes.aws_lambda_function_url.url", "https://app.example.com", "2", "no"}, url); d != "" {
		t.Errorf("dynamic cors block (-want +got):\n%s", d)
	}
	if len(apis) != 2 {
		t.Errorf("count = 0 creates no API: %d APIs", len(apis))
	}
}
