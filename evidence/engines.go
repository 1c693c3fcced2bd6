package evidence

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// EngineResult is another browser engine's verdict on an exchange (see
// Exchange.EvaluateEngines).
type EngineResult struct {
	Engine cors.Engine
	Result cors.Result
	// Hops are the engine's own responses when it was observed apart,
	// because it sends a request the exchange's engine does not (check
	// probes as that engine); nil means the exchange's Hops.
	Hops []Hop
}

// EvaluateEngines sets Engines to the verdicts of the engines es (the
// exchange's own engine, Request.Engine, is skipped) on the exchange's
// responses. An engine that would send a request these responses do not
// answer (a preflight Chromium did not need, a redirected hop it would
// preflight) gets an Incomplete result naming it, rather than a guess.
func (ex *Exchange) EvaluateEngines(es ...cors.Engine) {
	ex.Engines = ex.Engines[:0]
	hops := CORSHops(ex.Hops)
	for _, e := range es {
		if e == ex.Request.Engine {
			continue
		}
		req := ex.Request
		req.Engine = e
		r := cors.Evaluate(&req, hops...)
		MarkMissingPreflight(&r)
		ex.Engines = append(ex.Engines, EngineResult{Engine: e, Result: r})
	}
}

// MarkMissingPreflight turns a verdict reached by assuming that a
// preflight passed (cors.WarnPreflightMissing: the engine sends one the
// responses do not answer) into an Incomplete one.
func MarkMissingPreflight(r *cors.Result) {
	for _, w := range r.Warnings {
		if w.Code == cors.WarnPreflightMissing && r.Incomplete == "" {
			r.Allowed = false
			r.Stage = ""
			r.Incomplete = "response to the preflight " + r.Engine.Browser() + " sends (" + preflightOf(r) + "), which these responses do not include"
			return
		}
	}
}

func preflightOf(r *cors.Result) string {
	p := "OPTIONS, Access-Control-Request-Method: " + r.Plan.Method
	if h := r.Plan.RequestHeaders; h != "" {
		p += ", Access-Control-Request-Headers: " + h
	}
	return strings.TrimSpace(p)
}

// NeedsOwnRequests reports whether an engine's verdict is incomplete
// because it sends requests the exchange's engine did not.
func (er *EngineResult) NeedsOwnRequests() bool { return er.Result.Incomplete != "" }

// BlockedInAnyEngine reports whether the exchange's engine or any engine
// in Engines blocks it.
func (ex *Exchange) BlockedInAnyEngine() bool {
	if ex.Result.Blocked() {
		return true
	}
	for i := range ex.Engines {
		if ex.Engines[i].Result.Blocked() {
			return true
		}
	}
	return false
}
