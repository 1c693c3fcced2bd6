package report

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Check narration: the engine's own checks (cors.Result.Checks, carried
// in Result.Checks) split into the lists the page shows.

type check struct {
	Name   string
	State  string // pass, fail, skip
	Reason string
	// Where names the response when it is not the first: a redirect
	// response, or one after redirects.
	Where string
	c     cors.Check
}

// splitChecks returns the preflight checks and the checks of the
// responses to the request (and of the request itself), in the engine's
// order.
func splitChecks(r Result) (preflight, response []check) {
	for _, c := range r.Checks {
		v := check{Name: c.Name, State: string(c.State), Reason: c.Reason, c: c}
		switch {
		case c.Stage == cors.StageRedirect:
			v.Where = "redirect response"
		case c.Hop == 1:
			v.Where = "after 1 redirect"
		case c.Hop > 1:
			v.Where = fmt.Sprintf("after %d redirects", c.Hop)
		}
		if c.Stage == cors.StagePreflight {
			preflight = append(preflight, v)
		} else {
			response = append(response, v)
		}
	}
	return preflight, response
}

// failedCheck is the check the engine failed, if any.
func failedCheck(r Result) (cors.Check, bool) {
	for _, c := range r.Checks {
		if c.State == cors.CheckFail {
			return c, true
		}
	}
	return cors.Check{}, false
}

// offendingHeader is the response header the failed check read, when it
// failed with a CORS error on the preflight (preflight) or on a response
// to the request.
func offendingHeader(r Result, preflight bool) string {
	c, ok := failedCheck(r)
	if !ok || r.Allowed || c.Error == "" || (c.Stage == cors.StagePreflight) != preflight {
		return ""
	}
	return c.Header
}

// shortReason is the few words the diagram shows beside the failed check.
func shortReason(c cors.Check, r Result) string {
	p := shorten(r.FailedParameter, 24)
	switch c.Error.AccessError() {
	case cors.MissingAllowOriginHeader:
		return "absent"
	case cors.AllowOriginMismatch:
		return "'" + p + "' is not the origin"
	case cors.MultipleAllowOriginValues:
		return "several values"
	case cors.InvalidAllowOriginValue:
		return "invalid '" + p + "'"
	case cors.WildcardOriginNotAllowed:
		return "'*' with credentials"
	case cors.InvalidAllowCredentials:
		return "'" + p + "' is not 'true'"
	case cors.PreflightInvalidStatus:
		return fmt.Sprintf("%d is not 2xx", r.Preflight.Status)
	case cors.PreflightDisallowedRedirect:
		return "the preflight was redirected"
	case cors.RedirectContainsCredentials:
		return "credentials in Location"
	case cors.MethodDisallowedByPreflightResponse, cors.HeaderDisallowedByPreflightResponse:
		return p + " not listed"
	case cors.InvalidAllowMethodsPreflightResponse, cors.InvalidAllowHeadersPreflightResponse:
		return "unparsable"
	}
	if c.Error != "" {
		return string(c.Error)
	}
	return shorten(c.Reason, 30)
}
