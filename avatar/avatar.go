// Package avatar decides what a member's generated avatar shows: their
// initials, in any script, on a colour that belongs to the member's
// identity. It draws nothing itself; the web package turns a Face into SVG.
package avatar

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Palette is the colours an avatar is drawn on, as CSS writes them (three
// hex digits, short for the stylesheet). Each gives white initials at
// least WCAG AA contrast (4.5:1), tested in avatar_test.go.
var Palette = [...]string{
	"#b22", // red
	"#b41", // orange
	"#960", // ochre
	"#571", // olive
	"#174", // green
	"#176", // teal
	"#178", // cyan
	"#069", // sky
	"#25d", // blue
	"#62d", // violet
	"#a2a", // fuchsia
	"#b15", // pink
}

// NeutralColour is the colour of the avatar shown for an author hidden from
// the viewer. It is in no member's palette, so it tells nothing of whom.
const NeutralColour = "#778"

// Face is what an avatar shows.
type Face struct {
	Initials string // "" when the name has none; always "" when Hidden
	Colour   string // "#rgb"
	// ColourIndex is Colour's place in Palette; -1 for the neutral face.
	ColourIndex int
	// Wide is set when the initials are one wide character (CJK, emoji),
	// drawn alone.
	Wide bool
	// Hidden marks the neutral face of an author hidden from the viewer.
	Hidden bool
}

// Neutral is the face of an author hidden from the viewer: no initials and
// no colour of theirs.
var Neutral = Face{Colour: NeutralColour, ColourIndex: -1, Hidden: true}

// For returns the face of the member with the given ID and name. The colour
// comes from the ID, so it stays when the member changes name or handle;
// handle stands in for initials when the name has none.
func For(id int64, name, handle string) Face {
	in, wide := initials(name)
	if in == "" {
		in, wide = initials(handle)
	}
	i := Index(id)
	return Face{Initials: in, Colour: Palette[i], ColourIndex: i, Wide: wide}
}

// Colour returns the palette colour of the member with the given ID.
func Colour(id int64) string { return Palette[Index(id)] }

// Index returns the position in Palette of the member's colour: a stable
// hash of the ID, so that neighbouring IDs (members who joined together)
// do not march through the palette in step.
func Index(id int64) int {
	h := fnv.New32a()
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(id) >> (8 * (7 - i)))
	}
	h.Write(b[:])
	return int(h.Sum32() % uint32(len(Palette)))
}

// Initials returns up to two initials of name: of its first and last
// words, upper-cased; one for a one-word name, or when the first is a wide
// character (a CJK name's family name, an emoji). Words start at their
// first letter or digit, so punctuation and invisible characters are
// skipped; a name with no letter or digit falls back to its first symbol
// (an emoji), and a name of punctuation alone has no initials ("").
func Initials(name string) string {
	in, _ := initials(name)
	return in
}

// maxMarks bounds the combining marks kept on an initial, so a stack of
// them ("Zalgo" text) cannot spill out of the avatar.
const maxMarks = 2

func initials(name string) (string, bool) {
	name = norm.NFC.String(strings.ToValidUTF8(name, ""))
	var first, last string
	var firstBase, lastBase rune
	for _, w := range strings.FieldsFunc(name, isSeparator) {
		c, base := initialOf(w, isLetterOrDigit)
		if c == "" {
			continue
		}
		if first == "" {
			first, firstBase = c, base
		} else {
			last, lastBase = c, base
		}
	}
	if first == "" {
		// No letter or digit: an emoji or other symbol, if any.
		c, _ := initialOf(name, func(r rune) bool { return unicode.Is(unicode.So, r) })
		if c == "" {
			return "", false
		}
		return c, true
	}
	if isWide(firstBase) {
		return upper(first), true
	}
	if last == "" || isWide(lastBase) {
		return upper(first), false
	}
	sep := ""
	if joins(firstBase) || joins(lastBase) {
		// Two letters of a joining script (Arabic…) would join into a
		// word, or a ligature: a zero-width non-joiner keeps them apart.
		sep = "\u200c"
	}
	return upper(first) + sep + upper(last), false
}

// isSeparator splits a name into words.
func isSeparator(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) }

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// initialOf returns the first character of s that start accepts, with what
// makes one character with it: combining marks (at most maxMarks, no
// virama, which would leave a half letter), and for emoji their variation
// selectors, skin tones, joined sequences and flag pairs.
func initialOf(s string, start func(rune) bool) (string, rune) {
	i := strings.IndexFunc(s, start)
	if i < 0 {
		return "", 0
	}
	base, n := utf8.DecodeRuneInString(s[i:])
	var b strings.Builder
	b.WriteRune(base)
	rest := s[i+n:]
	marks, joined := 0, 0
	prev := base
	for rest != "" {
		r, n := utf8.DecodeRuneInString(rest)
		switch {
		case isEmojiPart(r):
			// variation selector, skin tone, tag: part of the symbol.
			if !isEmoji(base) && !unicode.IsDigit(base) {
				return b.String(), base
			}
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
			if isVirama(r) || marks == maxMarks {
				return b.String(), base
			}
			marks++
		case r == '\u200d' && isEmoji(base) && joined < 4:
			// zero-width joiner: the next symbol joins this one.
			next, m := utf8.DecodeRuneInString(rest[n:])
			if !isEmoji(next) {
				return b.String(), base
			}
			b.WriteRune(r)
			b.WriteRune(next)
			rest = rest[n+m:]
			joined++
			prev = next
			continue
		case isRegional(prev) && isRegional(r) && prev == base && b.Len() == utf8.RuneLen(base):
			// the second letter of a flag.
		default:
			return b.String(), base
		}
		b.WriteRune(r)
		rest = rest[n:]
		prev = r
	}
	return b.String(), base
}

func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// isWide reports whether an initial fills the avatar alone: a CJK
// character, a syllable block, an emoji.
func isWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana, unicode.Yi) || isEmoji(r)
}

// joins reports whether r is of a script whose letters join their
// neighbours.
func joins(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian, unicode.Adlam, unicode.Mandaic)
}

func isEmoji(r rune) bool { return unicode.Is(unicode.So, r) || isRegional(r) }

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isEmojiPart reports whether r only modifies the symbol before it.
func isEmojiPart(r rune) bool {
	return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F) || r == 0x20E3
}

// isVirama reports whether r is a virama (canonical combining class 9):
// it joins the letter before it to the next, so kept alone it shows a
// broken half letter.
func isVirama(r rune) bool {
	return norm.NFC.PropertiesString(string(r)).CCC() == 9
}
