// Package iac finds infrastructure files under the given paths, detects
// their format by content (CloudFormation/SAM/CDK, OpenAPI exports,
// serverless.yml, Terraform modules) and builds the apimodel APIs they
// define, parsing files concurrently with a bound. A file that does not
// parse is an error with file:line, and the other files are still read.
package iac

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/cfn"
	"github.com/corsdoctor/corsdoctor/collect/iac/code"
	"github.com/corsdoctor/corsdoctor/collect/iac/openapi"
	"github.com/corsdoctor/corsdoctor/collect/iac/sls"
	"github.com/corsdoctor/corsdoctor/collect/iac/tf"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Options configure Load.
type Options struct {
	// Workers bounds concurrent parsing; 0 means 2 x GOMAXPROCS.
	Workers int
	// OnFile, when set, sees every file read (for inline suppressions).
	// It is called concurrently.
	OnFile func(name string, data []byte)
	// FileTimeout bounds the parsing of one file (or one Terraform
	// module); 0 means DefaultFileTimeout. A file that takes longer is
	// an error and the others are still read.
	FileTimeout time.Duration
	// SkipUnknown treats files given by name like files met while walking
	// a directory: one that is not infrastructure code is skipped, not
	// an error (pre-commit passes every changed .yaml and .json file).
	SkipUnknown bool
	// hold, in tests, delays every parse until it is closed.
	hold chan struct{}
	// Read, when set, reads every file instead of the disk (corsdoctor
	// fix lints its rewritten files in memory). The directory walk still
	// lists the disk.
	Read func(name string) ([]byte, error)
}

// DefaultFileTimeout bounds the parsing of one file. Sizes and depths
// are bounded (tree.MaxSize, tf.CheckLimits), so an ordinary file takes
// milliseconds; this is the guard against what those bounds miss.
const DefaultFileTimeout = 60 * time.Second

// Result is what Load found.
type Result struct {
	APIs []*apimodel.API
	// Errors are per-file problems (invalid YAML/JSON/HCL, unreadable
	// files), location first.
	Errors []error
	// Files counts the files read; Formats counts files per detected format.
	Files   int
	Formats map[string]int
	// Unread lists the constructs that were seen and not evaluated
	// (registry modules, plugins, definitions in S3, ...), sorted by
	// location.
	Unread []apimodel.Unread
	// Constructs map lines of CDK output to construct paths.
	Constructs []tree.Construct
}

// ConstructAt returns the CDK construct path of a location in CDK
// output, or "".
func (r *Result) ConstructAt(file string, line int) string {
	for _, c := range r.Constructs {
		if c.File == file && line >= c.From && line <= c.To {
			return c.Path
		}
	}
	return ""
}

var skipDirs = map[string]bool{".git": true, "node_modules": true, ".terraform": true, ".serverless": true, ".aws-sam": true, "__pycache__": true, "vendor": true, ".venv": true, "venv": true}

func candidate(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	if base == "package.json" || base == "package-lock.json" || base == "tsconfig.json" || base == "cdk.json" || strings.HasSuffix(base, ".assets.json") || base == "manifest.json" || base == "tree.json" {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json", ".template", ".tf":
		return true
	}
	return false
}

type job struct {
	files  []string // one file, or the .tf files of one directory
	tfDir  string
	given  bool
	output []*apimodel.API
	errs   []error
	format string
	notes  tree.Notes
}

// Load reads paths (files or directories).
func Load(paths []string, opt Options) *Result {
	res := &Result{Formats: map[string]int{}}
	var jobs []*job
	tfDirs := map[string]*job{}
	addFile := func(p string, given bool) {
		if strings.HasSuffix(strings.ToLower(p), ".tf") {
			d := filepath.Dir(p)
			j := tfDirs[d]
			if j == nil {
				j = &job{tfDir: d, given: given}
				tfDirs[d] = j
				jobs = append(jobs, j)
			}
			j.files = append(j.files, p)
			return
		}
		jobs = append(jobs, &job{files: []string{p}, given: given})
	}
	// Front-end code found while walking a directory: the requests it
	// makes are attached to the APIs defined under the same directory.
	type frontEnd struct {
		root  string
		files []string
	}
	var fronts []*frontEnd
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("%s: %w", p, errors.Unwrap(err)))
			continue
		}
		if !st.IsDir() {
			addFile(p, !opt.SkipUnknown)
			continue
		}
		fe := &frontEnd{root: p}
		fronts = append(fronts, fe)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Errors = append(res.Errors, fmt.Errorf("%s: %w", path, err))
				return nil
			}
			if d.IsDir() {
				if path != p && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), "asset.")) {
					return filepath.SkipDir
				}
				return nil
			}
			if candidate(path) {
				addFile(path, false)
			} else if clientCandidate(path) && len(fe.files) < maxClientFiles {
				fe.files = append(fe.files, path)
			}
			return nil
		})
		if err != nil {
			res.Errors = append(res.Errors, err)
		}
	}
	reader := newReader()
	reader.overlay = opt.Read
	jobs = dropCalledModules(jobs, reader)
	workers := opt.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	ch := make(chan *job)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				runBounded(j, reader, opt)
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	seenUnread := map[string]bool{}
	for _, j := range jobs {
		res.Files += len(j.files)
		res.APIs = append(res.APIs, j.output...)
		res.Errors = append(res.Errors, j.errs...)
		res.Constructs = append(res.Constructs, j.notes.Constructs...)
		for _, u := range j.notes.List {
			if k := u.Source.String() + "\x00" + u.What; !seenUnread[k] {
				seenUnread[k] = true
				res.Unread = append(res.Unread, u)
			}
		}
		if j.format != "" {
			res.Formats[j.format] += len(j.files)
		}
	}
	res.APIs = dropIncluded(res.APIs)
	for _, fe := range fronts {
		var calls []*apimodel.ClientCall
		for _, f := range fe.files {
			b, err := reader.read(f)
			if err != nil || !bytes.Contains(b, []byte("fetch(")) && !bytes.Contains(b, []byte("axios")) && !bytes.Contains(b, []byte("setRequestHeader")) {
				continue
			}
			calls = append(calls, code.Clients(f, b)...)
		}
		if len(calls) == 0 {
			continue
		}
		root := filepath.Clean(fe.root) + string(filepath.Separator)
		for _, a := range res.APIs {
			if strings.HasPrefix(filepath.Clean(a.Source.File), root) || fe.root == "." {
				a.Clients = append(a.Clients, calls...)
			}
		}
	}
	sort.SliceStable(res.APIs, func(i, k int) bool { return res.APIs[i].Source.File < res.APIs[k].Source.File })
	sort.SliceStable(res.Unread, func(i, k int) bool {
		a, b := res.Unread[i].Source, res.Unread[k].Source
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return res
}

// dropIncluded removes standalone OpenAPI APIs whose file another API
// includes (SAM DefinitionUri, AWS::Include, Terraform file()): the
// including API is the one deployed, and keeping both would report every
// finding twice.
func dropIncluded(apis []*apimodel.API) []*apimodel.API {
	included := map[string]bool{}
	for _, a := range apis {
		for _, r := range a.Resources {
			if r.Source.File != "" && r.Source.File != a.Source.File {
				included[filepath.Clean(r.Source.File)] = true
			}
		}
		for _, r := range a.Routes {
			if r.Source.File != "" && r.Source.File != a.Source.File {
				included[filepath.Clean(r.Source.File)] = true
			}
		}
	}
	if len(included) == 0 {
		return apis
	}
	out := apis[:0]
	for _, a := range apis {
		if a.Format == "openapi" && included[filepath.Clean(a.Source.File)] {
			continue
		}
		out = append(out, a)
	}
	return out
}

// runBounded runs j, giving up after opt.FileTimeout: a parser cannot be
// stopped from outside, so it keeps running on its own copy of the job
// while Load goes on; the process (or serve's child process) ends it.
func runBounded(j *job, r *reader, opt Options) {
	limit := opt.FileTimeout
	if limit <= 0 {
		limit = DefaultFileTimeout
	}
	done := make(chan *job, 1)
	go func() {
		c := &job{files: j.files, tfDir: j.tfDir, given: j.given}
		if opt.hold != nil {
			<-opt.hold
		}
		run(c, r, opt)
		done <- c
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case c := <-done:
		j.output, j.errs, j.format, j.notes = c.output, c.errs, c.format, c.notes
	case <-t.C:
		j.errs = append(j.errs, fmt.Errorf("%s: parsing took longer than %s; skipped (lint bounds the time spent on one file)", strings.Join(j.files, ", "), limit))
	}
}

func run(j *job, r *reader, opt Options) {
	defer func() {
		if v := recover(); v != nil {
			j.errs = append(j.errs, fmt.Errorf("%s: internal error while parsing: %v", strings.Join(j.files, ", "), v))
		}
	}()
	if j.tfDir != "" {
		var files []tf.File
		for _, f := range j.files {
			b, err := r.file(f)
			if err != nil {
				j.errs = append(j.errs, fmt.Errorf("%s: %w", f, err))
				continue
			}
			if opt.OnFile != nil {
				opt.OnFile(f, b)
			}
			files = append(files, tf.File{Name: f, Data: b})
		}
		apis, errs := tf.ParseWith(j.tfDir, files, tf.Options{Read: r.read, List: listTF, Notes: &j.notes})
		j.output, j.errs, j.format = apis, append(j.errs, errs...), "terraform"
		return
	}
	name := j.files[0]
	b, err := r.file(name)
	if err != nil {
		j.errs = append(j.errs, fmt.Errorf("%s: %w", name, err))
		return
	}
	if opt.OnFile != nil {
		opt.OnFile(name, b)
	}
	apis, format, err := parse(name, b, r.read, &j.notes)
	if err != nil {
		if !j.given && !looksLikeInfra(b) {
			// A JSON/YAML file met while walking a directory that does
			// not parse and names no template, definition or plan key
			// (a tool's settings, a fixture with comments): not ours.
			j.notes.Add(evidence.Source{File: name}, "file", "does not parse ("+strings.TrimPrefix(err.Error(), name+":")+") and is not recognisable as infrastructure code")
			return
		}
		j.errs = append(j.errs, err)
		return
	}
	if format == "" && j.given {
		j.errs = append(j.errs, fmt.Errorf("%s: not a CloudFormation, SAM, OpenAPI, Serverless Framework or Terraform file", name))
	}
	j.output, j.format = apis, format
}

// Parse detects the format of one YAML/JSON file and builds its APIs.
// format is "" for a file that is none of the supported formats.
func Parse(name string, data []byte, read tree.ReadFunc) (apis []*apimodel.API, format string, err error) {
	return parse(name, data, read, nil)
}

// infraKeys are the top-level keys that mark a file as one lint reads.
var infraKeys = [][]byte{[]byte("AWSTemplateFormatVersion"), []byte("Resources"), []byte("openapi"), []byte("swagger"),
	[]byte("format_version"), []byte("x-amazon-apigateway"), []byte("provider")}

func looksLikeInfra(b []byte) bool {
	for _, k := range infraKeys {
		if bytes.Contains(b, k) {
			return true
		}
	}
	return false
}

func parse(name string, data []byte, read tree.ReadFunc, notes *tree.Notes) (apis []*apimodel.API, format string, err error) {
	root, err := tree.Parse(name, data)
	if err != nil {
		return nil, "", err
	}
	switch {
	case cfn.Detect(root):
		apis = cfn.Parse(name, root, cfn.Options{Read: read, Notes: notes})
		format = "cloudformation"
		for _, a := range apis {
			if a.Format != "cloudformation" {
				format = a.Format
			}
		}
	case openapi.Detect(root):
		apis, format = openapi.Parse(name, root, notes), "openapi"
	case sls.Detect(root):
		apis, format = sls.Parse(name, root, read, notes), "serverless"
	case tf.DetectPlan(root):
		apis, format = tf.ParsePlan(name, root, read, notes), "terraform-plan"
	}
	return apis, format, nil
}

// maxClientFiles bounds the front-end files read per directory given.
const maxClientFiles = 500

// clientCandidate reports a JavaScript/TypeScript file that may be
// front-end code.
func clientCandidate(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".js", ".jsx", ".ts", ".tsx", ".mjs":
		return !strings.HasSuffix(name, ".d.ts") && !strings.Contains(name, ".min.")
	}
	return false
}

// moduleSource finds local module sources in .tf text: a pre-pass that
// only decides which directories are called as modules.
var moduleSource = regexp.MustCompile(`(?m)^\s*source\s*=\s*"(\.\.?/[^"]*)"`)

// dropCalledModules removes the Terraform directories that another
// directory of the run calls as a local module (source = "../x"), unless
// given explicitly: they are read through the call, with its arguments,
// and linting them alone would report every finding again with unknown
// variables.
func dropCalledModules(jobs []*job, r *reader) []*job {
	called := map[string]bool{}
	for _, j := range jobs {
		if j.tfDir == "" {
			continue
		}
		for _, f := range j.files {
			b, err := r.read(f)
			if err != nil {
				continue
			}
			for _, m := range moduleSource.FindAllSubmatch(b, -1) {
				called[filepath.Clean(filepath.Join(j.tfDir, string(m[1])))] = true
			}
		}
	}
	if len(called) == 0 {
		return jobs
	}
	out := jobs[:0]
	for _, j := range jobs {
		if j.tfDir != "" && !j.given && called[filepath.Clean(j.tfDir)] {
			continue
		}
		out = append(out, j)
	}
	return out
}

// listTF lists the .tf files of a module directory.
func listTF(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".tf") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// readFile reads one input file, bounded by tree.MaxSize.
func readFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Size() > tree.MaxSize {
		return nil, fmt.Errorf("file larger than %d bytes", tree.MaxSize)
	}
	return os.ReadFile(name)
}

// reader caches file reads (function handlers are shared by templates).
type reader struct {
	mu      sync.Mutex
	cache   map[string][]byte
	overlay func(string) ([]byte, error)
}

// file reads one input file (through the overlay when set).
func (r *reader) file(name string) ([]byte, error) {
	if r.overlay != nil {
		return r.overlay(name)
	}
	return readFile(name)
}

func newReader() *reader { return &reader{cache: map[string][]byte{}} }

func (r *reader) read(name string) ([]byte, error) {
	name = filepath.Clean(name)
	r.mu.Lock()
	b, ok := r.cache[name]
	r.mu.Unlock()
	if ok {
		if b == nil {
			return nil, fs.ErrNotExist
		}
		return b, nil
	}
	var err error
	if r.overlay != nil {
		b, err = r.overlay(name)
	} else {
		var st os.FileInfo
		st, err = os.Stat(name)
		if err == nil && st.Size() > tree.MaxSize {
			err = fmt.Errorf("file larger than %d bytes", tree.MaxSize)
		}
		if err == nil {
			b, err = os.ReadFile(name)
		}
	}
	r.mu.Lock()
	if err == nil {
		r.cache[name] = b
	} else {
		r.cache[name] = nil
	}
	r.mu.Unlock()
	return b, err
}
