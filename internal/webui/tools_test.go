package webui

import (
	"context"
	"strings"
	"testing"
)

// TestToolsRefuseBadInput: the lint and aws tools answer a missing or
// malformed field with an error naming it, before any child process or
// AWS call.
func TestToolsRefuseBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tool Tool
		in   map[string]string
		want string
	}{
		{LintTool(), map[string]string{"paths": " \n "}, "at least one file"},
		{LintTool(), map[string]string{"paths": "t.yaml", "origins": "https://app.example.com/path"}, "origin"},
		{AWSTool(nil), map[string]string{"api-id": ""}, "API ID"},
		{AWSTool(nil), map[string]string{"api-id": "abc123", "origins": "app.example.com"}, "origin"},
	} {
		out, err := tc.tool.Run(context.Background(), tc.in)
		if err == nil || out != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: got (%v, %v), want an error with %q", tc.tool.Name, tc.in, out, err, tc.want)
		}
	}
}
