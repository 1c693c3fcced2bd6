package rules

// Retired is a rule ID that was registered once and is gone. Its number
// is never given to another rule (TestRetired).
type Retired struct {
	ID, Name   string
	ReplacedBy string
	Why        string
}

// retired lists every retired ID, in ID order. A rule that is still
// registered but no longer runs is Deprecated instead (with ReplacedBy).
var retired = []Retired{
	{ID: "CD1053", Name: "breaks-for-other-origin", ReplacedBy: "CD1022", Why: "documented in the first catalogue, removed before release: CD1022 reports a per-origin Access-Control-Allow-Origin without Vary: Origin, the cause it described"},
}

// RetiredIDs returns the retired IDs.
func RetiredIDs() []Retired { return append([]Retired(nil), retired...) }
