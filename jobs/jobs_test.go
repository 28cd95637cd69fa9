package jobs

import (
	"testing"
	"time"
)

// TestBackoff: the wait doubles from about 10 s, never passes an hour and
// a fifth, and is never less than four fifths of its step.
func TestBackoff(t *testing.T) {
	step := 10 * time.Second
	for attempt := 1; attempt <= 20; attempt++ {
		for range 50 {
			d := Backoff(attempt)
			if d < step*4/5 || d > step*6/5 {
				t.Fatalf("attempt %d: %v, want within a fifth of %v", attempt, d, step)
			}
		}
		step = min(step*2, time.Hour)
	}
}
