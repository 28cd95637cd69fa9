package avatar_test

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sharefair/sharefair/avatar"
	"github.com/sharefair/sharefair/internal/testenv"
)

func TestInitials(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Ada Lovelace", "AL"},
		{"ada lovelace", "AL"},
		{"  Grace   Brewster Murray Hopper ", "GH"},
		{"Ada", "A"},
		{"Jean-Luc Picard", "JP"},
		{"O'Brien", "O"},
		{"\"Ann\" (FAO)", "AF"},
		{"Émile Zola", "ÉZ"},
		{"E\u0301mile Zola", "ÉZ"}, // decomposed: normalised
		{"Zoë ǆemal", "ZǄ"},        // upper-cased per letter
		{"ليلى أحمد", "ل\u200cأ"},  // kept apart, so not joined into a word
		{"ليلى", "ل"},              // one word
		{"דוד לוי", "דל"},          // Hebrew does not join
		{"王小明", "王"},               // CJK: the family name alone
		{"山田 太郎", "山"},             // even with a space
		{"김민준", "김"},               // Hangul syllable
		{"Ann 王", "A"},             // a wide last initial is left out
		{"Анна Каренина", "АК"},    // Cyrillic
		{"क्षमा शर्मा", "कश"},      // no virama left dangling
		{"Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "Z̤͔"}, // Zalgo: at most two marks
		{"🦊 Fox", "F"},                     // a letter wins over an emoji
		{"🦊", "🦊"},                         // emoji alone
		{"👩🏽‍💻", "👩🏽‍💻"},                   // a joined emoji with a skin tone stays whole
		{"🇮🇹🇫🇷", "🇮🇹"},                     // one flag
		{"!!!", ""},                        // punctuation only
		{"--- ...", ""},                    // punctuation only
		{"", ""},                           // nothing
		{"\u200b\u202eAnn\u202c", "A"},     // invisible and bidi controls skipped
		{"\x00\x01Bob", "B"},               // control characters skipped
		{"3M Team", "3T"},                  // digits count
		{"<script>alert(1)</script>", "S"}, // one word: "script>alert(1)</script>"
		{"\xff\xfeAnn", "A"},               // invalid UTF-8 dropped
	} {
		if got := avatar.Initials(c.name); got != c.want {
			t.Errorf("Initials(%q) = %q (%+q), want %q", c.name, got, got, c.want)
		}
	}
}

// TestInitialsNaughty puts every string of the Big List of Naughty
// Strings through Initials: each answer is short, valid, visible text.
func TestInitialsNaughty(t *testing.T) {
	b, err := os.ReadFile(testenv.CorpusPath(t, "blns.json"))
	if err != nil {
		t.Fatal(err)
	}
	var blns []string
	if err := json.Unmarshal(b, &blns); err != nil {
		t.Fatal(err)
	}
	if len(blns) < 500 {
		t.Fatalf("blns.json holds %d strings", len(blns))
	}
	some := 0
	for _, s := range blns {
		in := avatar.Initials(s)
		if in != "" {
			some++
		}
		if !utf8.ValidString(in) {
			t.Errorf("Initials(%q) = %+q: invalid UTF-8", s, in)
		}
		if n := utf8.RuneCountInString(in); n > 12 {
			t.Errorf("Initials(%q) = %+q: %d runes", s, in, n)
		}
		for _, r := range in {
			if unicode.IsControl(r) || unicode.IsSpace(r) || strings.ContainsRune("<>&\"'", r) ||
				(unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d' && !(r >= 0xE0020 && r <= 0xE007F)) {
				t.Errorf("Initials(%q) = %+q: holds %U", s, in, r)
			}
		}
		if strings.ContainsRune(in, '\u200d') && !strings.ContainsFunc(in, func(r rune) bool { return unicode.Is(unicode.So, r) }) {
			t.Errorf("Initials(%q) = %+q: a joiner outside an emoji", s, in)
		}
	}
	if some < len(blns)/2 {
		t.Fatalf("only %d of %d naughty strings have initials", some, len(blns))
	}
}

// TestFor: the colour follows the member's ID, never the name.
func TestFor(t *testing.T) {
	a, b := avatar.For(7, "Ann Aho", "ann"), avatar.For(7, "Ann Renamed", "annr")
	if a.Colour != b.Colour || a.Initials != "AA" || b.Initials != "AR" {
		t.Fatalf("rename: %+v then %+v", a, b)
	}
	if f := avatar.For(8, "!!!", "bob_2"); f.Initials != "B" {
		t.Fatalf("punctuation name, handle bob_2: %+v", f)
	}
	if f := avatar.For(9, "王小明", "wang"); !f.Wide || f.Initials != "王" {
		t.Fatalf("CJK: %+v", f)
	}
	// Consecutive IDs (members invited together) spread over the palette.
	used := map[string]int{}
	for id := int64(1); id <= 120; id++ {
		used[avatar.Colour(id)]++
	}
	if len(used) != len(avatar.Palette) {
		t.Fatalf("120 members use %d of %d colours", len(used), len(avatar.Palette))
	}
	for c, n := range used {
		if n < 4 || n > 20 {
			t.Errorf("colour %s for %d of 120 members", c, n)
		}
	}
	if avatar.Neutral.Initials != "" || !avatar.Neutral.Hidden {
		t.Fatalf("neutral face %+v", avatar.Neutral)
	}
}

// TestPaletteContrast: white initials reach WCAG AA (4.5:1) on every
// colour, and the neutral colour is none of them.
func TestPaletteContrast(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range avatar.Palette {
		if seen[c] {
			t.Errorf("%s twice in the palette", c)
		}
		seen[c] = true
		ratio := (1 + 0.05) / (luminance(t, c) + 0.05)
		t.Logf("%s: %.2f:1", c, ratio)
		if ratio < 4.5 {
			t.Errorf("white on %s: %.2f:1, under AA's 4.5:1", c, ratio)
		}
	}
	if seen[avatar.NeutralColour] {
		t.Errorf("the neutral colour %s is a member's colour", avatar.NeutralColour)
	}
}

// luminance is WCAG 2.1's relative luminance of a #rgb or #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) == 4 && hex[0] == '#' {
		hex = string([]byte{'#', hex[1], hex[1], hex[2], hex[2], hex[3], hex[3]})
	}
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("colour %q", hex)
	}
	var ch [3]float64
	for i := range ch {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		s := float64(v) / 255
		if s <= 0.04045 {
			ch[i] = s / 12.92
		} else {
			ch[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*ch[0] + 0.7152*ch[1] + 0.0722*ch[2]
}
