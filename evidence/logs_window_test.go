package evidence

import (
	"testing"
	"time"
)

func TestWindowText(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{30 * time.Minute: "30m", 10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Minute: "1h30m", 45 * time.Second: "45s"} {
		if got := (&LogStats{Window: d}).WindowText(); got != want {
			t.Errorf("WindowText(%v) = %q, want %q", d, got, want)
		}
	}
}
