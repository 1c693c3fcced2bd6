package evidence

// Recorded is what a browser recording (a HAR file) says about an
// exchange beyond its requests and responses: the facts the CD105x
// rules read.
type Recorded struct {
	// Browser is the HAR creator ("Chrome", "Edge", "Firefox", ...).
	Browser string `json:"browser,omitempty"`
	// Entry and PreflightEntry are 1-based HAR entry numbers; 0 when
	// absent.
	Entry          int `json:"entry"`
	PreflightEntry int `json:"preflight_entry,omitempty"`
	// ResourceType is Chrome's _resourceType (xhr, fetch, script, ...).
	ResourceType string `json:"resource_type,omitempty"`
	// Error is the browser's failure for the entry, as recorded
	// (Chrome's _error, e.g. "net::ERR_FAILED").
	Error string `json:"error,omitempty"`
	// ResponseMissing is true when the browser recorded no response for
	// the actual request (status 0, no headers).
	ResponseMissing bool `json:"response_missing,omitempty"`
	// PreflightMissing is true when the request needs a preflight but
	// none was recorded (cached, or not recorded by the browser).
	PreflightMissing bool `json:"preflight_missing,omitempty"`
	// ServiceWorker is non-empty when a service worker produced the
	// response: "fetched via service worker", or the recorded source.
	ServiceWorker string `json:"service_worker,omitempty"`
	// FromCache is "memory" or "disk" when the response came from the
	// browser's cache.
	FromCache string `json:"from_cache,omitempty"`
	// Mode is the request's Sec-Fetch-Mode as recorded ("cors",
	// "no-cors"), empty when the HAR does not hold it.
	Mode string `json:"mode,omitempty"`
	// CredentialsInferred is true when the HAR holds no cookie but the
	// browser's recorded failure is only reached with credentials:
	// 'include', so the exchange is evaluated with them.
	CredentialsInferred bool `json:"credentials_inferred,omitempty"`
	// Disagrees says why the engine's verdict on the recorded responses
	// differs from what the browser recorded, when it does.
	Disagrees string `json:"disagrees,omitempty"`
}
