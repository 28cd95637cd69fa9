package sharefair

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Rome", "rome"},
		{"Rome & Lazio", "rome-lazio"},
		{"  São Paulo!! ", "s-o-paulo"},
		{"東京", ""},
		{strings.Repeat("a", 39) + " bc", strings.Repeat("a", 39)},
		{strings.Repeat("ab ", 30), strings.TrimSuffix(strings.Repeat("ab-", 13), "-") + "-a"},
	} {
		got := Slugify(tc.in)
		if got != tc.want {
			t.Errorf("Slugify(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", tc.in, got)
		}
	}
}

// TestSlugifyAlwaysValid checks every derived slug is one ValidSlug
// accepts, whatever the name.
func TestSlugifyAlwaysValid(t *testing.T) {
	for n := 1; n < 90; n++ {
		for _, unit := range []string{"a", "ab ", "a-", "-a", "é a", "1 "} {
			s := Slugify(strings.Repeat(unit, n))
			if s != "" && !ValidSlug(s) {
				t.Fatalf("Slugify(%q × %d) = %q (%d bytes): not a valid slug", unit, n, s, len(s))
			}
		}
	}
}

func TestEnumerationsHaveDistinctLabels(t *testing.T) {
	for name, opts := range map[string][]Option{"countries": Countries, "languages": Languages} {
		seen := map[string]string{}
		for _, o := range opts {
			if prev, ok := seen[o.Name]; ok {
				t.Errorf("%s: %q labels both %s and %s", name, o.Name, prev, o.Code)
			}
			seen[o.Name] = o.Code
		}
	}
}

// TestLanguagesOfTheHubs checks languages spoken where the network meets
// are offered.
func TestLanguagesOfTheHubs(t *testing.T) {
	for _, code := range []string{"en", "fr", "es", "it", "sw", "th", "tl", "ar", "pt", "zh", "hi", "am", "wo"} {
		if _, ok := LanguageName(code); !ok {
			t.Errorf("language %q is not offered", code)
		}
	}
}

func TestSuggestHandle(t *testing.T) {
	for in, want := range map[string]string{
		"ada":                    "ada",
		"Ada.Lovelace":           "ada_lovelace",
		"josé-núñez+km":          "jose_nunez_km",
		"  Grace   Hopper  ":     "grace_hopper",
		"__x__y__":               "x_y",
		"東京":                     "",
		"a":                      "",
		strings.Repeat("ab", 20): strings.Repeat("ab", 15),
	} {
		got := SuggestHandle(in)
		if got != want {
			t.Errorf("SuggestHandle(%q) = %q, want %q", in, got, want)
		}
		if got != "" && !ValidHandle(got) {
			t.Errorf("SuggestHandle(%q) = %q is not a valid handle", in, got)
		}
	}
}

// TestSuggestHandleAlwaysValid checks suggestions stay within the handle
// rules at every length.
func TestSuggestHandleAlwaysValid(t *testing.T) {
	for n := 1; n < 70; n++ {
		for _, unit := range []string{"a", "ab ", "a.", "é-", "x y"} {
			if h := SuggestHandle(strings.Repeat(unit, n)); h != "" && !ValidHandle(h) {
				t.Fatalf("SuggestHandle(%q × %d) = %q", unit, n, h)
			}
		}
	}
}
