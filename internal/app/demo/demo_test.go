package demo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/app"
)

// TestRun runs the use case without the CLI: one lab endpoint, diagnosed
// as the lab expects; an --only matching nothing is a usage error.
func TestRun(t *testing.T) {
	t.Parallel()
	res, err := Run(context.Background(), Options{Only: "/aws/rest/proxy-no-headers"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 1 || !res.Results[0].Agree || res.Err() != nil {
		t.Fatalf("results %+v, err %v", res.Results, res.Err())
	}
	if rep := res.Report(); rep.Agree != 1 || rep.Total != 1 || rep.Tool != "corsdoctor" {
		t.Errorf("report %+v", rep)
	}
	if d := res.Details(); len(d) != 1 || !strings.Contains(d[0].Command, "corsdoctor check "+res.Base+"/aws/rest/proxy-no-headers") {
		t.Errorf("details %+v", d)
	}
	_, err = Run(context.Background(), Options{Only: "no-such-endpoint"})
	var ue *app.UsageError
	if !errors.As(err, &ue) || !strings.Contains(ue.Hint, "corsdoctor demo") {
		t.Errorf("--only matching nothing: %v", err)
	}
}
