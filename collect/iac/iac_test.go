package iac

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const restTemplate = "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: a}\n"

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"stack/template.yaml":             restTemplate,
		"cdk.out/Stack.template.json":     `{"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi", "Metadata": {"aws:cdk:path": "S/Api"}}}}`,
		"cdk.out/manifest.json":           `{"version": "36.0.0"}`,
		"cdk.out/asset.123/template.yaml": restTemplate,
		"node_modules/pkg/template.yaml":  restTemplate,
		"api/openapi.json":                `{"openapi": "3.0.1", "info": {"title": "x"}, "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}`,
		"svc/serverless.yml":              "service: s\nprovider: {name: aws}\nfunctions: {f: {handler: h.h, events: [{http: 'GET a'}]}}\n",
		"tf/main.tf":                      "resource \"aws_apigatewayv2_api\" \"h\" {\n  name = \"h\"\n  protocol_type = \"HTTP\"\n}\n",
		"tf/routes.tf":                    "resource \"aws_apigatewayv2_route\" \"r\" {\n  api_id = aws_apigatewayv2_api.h.id\n  route_key = \"GET /a\"\n}\n",
		"k8s/deploy.yaml":                 "apiVersion: apps/v1\nkind: Deployment\n",
		"broken/template.yaml":            "Resources:\n  A: [\n",
		"package.json":                    `{"name": "x"}`,
	})
	res := Load([]string{dir}, Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), filepath.Join("broken", "template.yaml")+":") {
		t.Errorf("errors = %v, want one located in broken/template.yaml", res.Errors)
	}
	want := map[string]int{"cloudformation": 1, "cdk": 1, "openapi": 1, "serverless": 1, "terraform": 2}
	if !reflect.DeepEqual(res.Formats, want) {
		t.Errorf("formats = %v, want %v", res.Formats, want)
	}
	if len(res.APIs) != 5 {
		t.Errorf("got %d APIs, want 5", len(res.APIs))
	}
	for _, a := range res.APIs {
		if a.ID == "aws_apigatewayv2_api.h" && len(a.Routes) != 1 {
			t.Errorf("Terraform files of one directory are one module: routes %v", a.Routes)
		}
	}
}

func TestLoadDeterministic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for i := 0; i < 40; i++ {
		files[filepath.Join("d"+string(rune('a'+i%26))+string(rune('a'+i/26)), "template.yaml")] = restTemplate
	}
	write(t, dir, files)
	ids := func(workers int) []string {
		var out []string
		for _, a := range Load([]string{dir}, Options{Workers: workers}).APIs {
			out = append(out, a.Source.String())
		}
		return out
	}
	one := ids(1)
	if len(one) != 40 {
		t.Fatalf("got %d APIs", len(one))
	}
	for i := 0; i < 3; i++ {
		if got := ids(8); !reflect.DeepEqual(got, one) {
			t.Fatalf("order depends on concurrency:\n%v\n%v", one, got)
		}
	}
}

func TestLoadExplicitFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, map[string]string{"notes.yaml": "title: not a template\n"})
	res := Load([]string{filepath.Join(dir, "notes.yaml"), filepath.Join(dir, "missing.yaml")}, Options{})
	if len(res.Errors) != 2 {
		t.Fatalf("errors = %v, want a missing file and an unrecognised file", res.Errors)
	}
	for _, e := range res.Errors {
		if !strings.HasPrefix(e.Error(), dir) {
			t.Errorf("error does not start with the file: %v", e)
		}
	}
}

// TestLoadSkipUnknown: with SkipUnknown (lint --skip-unknown, the
// pre-commit hook), given files that are not infrastructure code are
// skipped as in a directory walk; missing files and templates that do
// not parse are still errors, and templates are still read.
func TestLoadSkipUnknown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"notes.yaml":    "title: not a template\n",
		"package.json":  `{"name": "x", "version": "1.0.0"}`,
		"settings.json": "{ // a comment: not JSON\n}",
		"broken.yaml":   "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n",
		"template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: a}\n",
	})
	var paths []string
	for _, n := range []string{"notes.yaml", "package.json", "settings.json", "broken.yaml", "template.yaml", "missing.yaml"} {
		paths = append(paths, filepath.Join(dir, n))
	}
	res := Load(paths, Options{SkipUnknown: true})
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, filepath.Base(strings.SplitN(e.Error(), ":", 2)[0]))
	}
	if strings.Join(errs, " ") != "broken.yaml missing.yaml" && strings.Join(errs, " ") != "missing.yaml broken.yaml" {
		t.Errorf("errors for %v, want broken.yaml and missing.yaml only: %v", errs, res.Errors)
	}
	if len(res.APIs) != 1 {
		t.Errorf("APIs = %d, want the template's", len(res.APIs))
	}
}

func TestLoadDropsIncludedDefinitions(t *testing.T) {
	t.Parallel()
	res := Load([]string{filepath.Join("cfn", "testdata")}, Options{})
	for _, a := range res.APIs {
		if a.Format == "openapi" && strings.HasSuffix(a.Source.File, filepath.Join("api", "openapi.yaml")) {
			t.Errorf("the OpenAPI file included by sam-defuri.yaml is also linted on its own")
		}
	}
	if res.Formats["openapi"] != 1 {
		t.Errorf("the included file is still read and counted: %v", res.Formats)
	}
}

// TestLoadBoundsTimePerFile: a file whose parsing does not end in
// FileTimeout is an error naming it, and the other files are read.
func TestLoadBoundsTimePerFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	slow := filepath.Join(dir, "slow.yaml")
	if err := os.WriteFile(slow, []byte("openapi: 3.0.0\npaths: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hold := make(chan struct{})
	defer close(hold)
	res := Load([]string{slow}, Options{FileTimeout: time.Millisecond, hold: hold})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "slow.yaml: parsing took longer than 1ms; skipped") {
		t.Fatalf("errors = %v", res.Errors)
	}
}

// TestLoadDeepTerraform: a .tf file nested 100,000 levels deep (it
// overflowed the Go stack and killed the process) is an error at its
// line and column, and the module's other files are still read.
func TestLoadDeepTerraform(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	deep := "locals {\n  x = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "deep.tf"), []byte(deep), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := "resource \"aws_apigatewayv2_api\" \"a\" {\n  name = \"a\"\n  protocol_type = \"HTTP\"\n  cors_configuration {\n    allow_origins = [\"*\"]\n    allow_credentials = true\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "ok.tf"), []byte(ok), 0o644); err != nil {
		t.Fatal(err)
	}
	res := Load([]string{dir}, Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "deep.tf:2:262: nested deeper than 256 levels") {
		t.Fatalf("errors = %v", res.Errors)
	}
	if len(res.APIs) != 1 {
		t.Fatalf("the other file was not read: %d APIs", len(res.APIs))
	}
}
