package rules

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Helpers for the live-probe rule cases (CD1019-CD1049).

// probe evaluates r over hops as an extra probe.
func probe(purpose evidence.Purpose, r cors.Request, hops ...evidence.Hop) evidence.Probe {
	res := cors.Evaluate(&r, evidence.CORSHops(hops)...)
	return evidence.Probe{Purpose: purpose, Request: r, Hops: hops, Result: res}
}

// withProbes is in() with extra probes attached to the exchange.
func withProbes(r cors.Request, hops []evidence.Hop, probes ...evidence.Probe) func(*testing.T) *diag.Input {
	return func(*testing.T) *diag.Input {
		in := exchange(r, hops...)
		in.Exchanges[0].Probes = probes
		return in
	}
}

// multi evaluates several exchanges as one input.
func multi(exs ...*evidence.Exchange) func(*testing.T) *diag.Input {
	return func(*testing.T) *diag.Input {
		for _, ex := range exs {
			ex.Evaluate()
		}
		return &diag.Input{Exchanges: exs}
	}
}

func hops(hs ...evidence.Hop) []evidence.Hop { return hs }

func fromOrigin(r cors.Request, origin string) cors.Request { r.Origin = origin; return r }
