package evidence

import "testing"

// TestScanPurpose: a scan kind's purpose reads back as that kind; other
// purposes are not scan probes.
func TestScanPurpose(t *testing.T) {
	for _, k := range []ScanKind{ScanArbitrary, ScanDot, ScanPrivateNetwork} {
		p := k.Purpose()
		if string(p) != "scan:"+string(k) {
			t.Errorf("%s: purpose %q", k, p)
		}
		if got, ok := p.ScanKind(); !ok || got != k {
			t.Errorf("%q.ScanKind() = %q, %v", p, got, ok)
		}
	}
	for _, p := range []Purpose{PurposeRepeat, PurposeNoAuth, "scan:", "scanner:x"} {
		if k, ok := p.ScanKind(); ok {
			t.Errorf("%q.ScanKind() = %q, true; want not a scan probe", p, k)
		}
	}
}
