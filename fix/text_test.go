package fix

import "testing"

// TestTermSafe: text read from the files is escaped for the terminal
// line by line, keeping newlines and tabs so the diff still applies.
func TestTermSafe(t *testing.T) {
	if got := termSafe("a\x1b[31mb\n\tc"); got != "a\\x1b[31mb\n\tc" {
		t.Errorf("termSafe = %q", got)
	}
}
