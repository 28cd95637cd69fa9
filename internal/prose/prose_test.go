package prose

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCompressesLikeEnglish checks that the posts compress no better than
// ordinary English text, about 3:1 with gzip, so page weights measured with
// them are honest: text that repeats itself would make pages look lighter
// than members' real ones.
func TestCompressesLikeEnglish(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var posts []string
	for i := 0; i < 201; i++ {
		posts = append(posts, Post(rng, 500, []string{"member1", "member2", "member3"}))
	}
	for _, tc := range []struct {
		name string
		text string
	}{
		{"a thread's first page", strings.Join(posts[:50], "\n\n")},
		{"a whole thread", strings.Join(posts, "\n\n")},
	} {
		r := Ratio(tc.text)
		t.Logf("%s: %d bytes, gzip ratio %.2f:1", tc.name, len(tc.text), r)
		if r > MaxRatio {
			t.Errorf("%s compresses %.2f:1, better than English text's %.0f:1", tc.name, r, MaxRatio)
		}
	}
}
