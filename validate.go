package sharefair

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on what members may write. Input over a limit is refused, never
// truncated.
const (
	MaxNameLen         = 100
	MaxEmailLen        = 254
	MaxOrganisationLen = 150
	MaxTitleLen        = 150
	MaxCityLen         = 100
	MaxBioLen          = 2000
	MaxLanguages       = 12
	MaxExpertise       = 20
	MaxTagLen          = 40
	MinPasswordLen     = 10
	MaxPasswordLen     = 256
	MaxHubNameLen      = 80
	MaxHubDescLen      = 2000
	MaxThreadTitleLen  = 200
	MaxPostLen         = 20000
	MaxNetworkNameLen  = 100
	MaxNetworkDescLen  = 1000
	MaxTokenNameLen    = 80
)

// line cleans a single-line text field: surrounding white space is trimmed,
// invalid UTF-8 and control characters are refused, and so is anything
// longer than max characters. An empty result is refused when required.
func line(p Problems, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case !utf8.ValidString(v):
		p.Add(field, label+" contains bytes that are not valid text (UTF-8).")
	case v == "" && required:
		p.Add(field, label+" is required.")
	case utf8.RuneCountInString(v) > max:
		p.Add(field, tooLong(label, max))
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		p.Add(field, label+" must be a single line without control characters.")
	}
	return v
}

// text cleans a multi-line text field. Line endings are normalised to "\n"
// (browsers send "\r\n" from text areas); tabs and newlines are the only
// control characters allowed. Nothing else is changed.
func text(p Problems, field, label, v string, required bool, max int) string {
	v = strings.ReplaceAll(v, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	switch {
	case !utf8.ValidString(v):
		p.Add(field, label+" contains bytes that are not valid text (UTF-8).")
	case strings.TrimSpace(v) == "" && required:
		p.Add(field, label+" is required.")
	case utf8.RuneCountInString(v) > max:
		p.Add(field, tooLong(label, max))
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		p.Add(field, label+" contains control characters; remove them and try again.")
	}
	return v
}

func tooLong(label string, max int) string {
	return label + " is too long: at most " + strconv.Itoa(max) + " characters."
}

// Searchable reports whether s can be looked up at all: valid UTF-8
// without NUL characters (which PostgreSQL refuses in text).
func Searchable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// NormalizeEmail returns the canonical form of an email address: trimmed and
// lower-cased. Validation is separate.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// email validates and normalises an email address field.
func email(p Problems, field, v string) string {
	v = NormalizeEmail(v)
	if v == "" {
		p.Add(field, "Email address is required.")
		return v
	}
	if len(v) > MaxEmailLen {
		p.Add(field, tooLong("Email address", MaxEmailLen))
		return v
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		p.Add(field, "Enter an email address like name@example.org.")
	}
	return v
}

// NormalizeHandle returns the canonical (lower-case) form of a handle.
func NormalizeHandle(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
}

// ValidHandle reports whether s is a valid canonical handle: 2–30 lower-case
// letters, digits or underscores, starting with a letter or digit.
func ValidHandle(s string) bool {
	if len(s) < 2 || len(s) > 30 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r == '_' && i > 0:
		default:
			return false
		}
	}
	return true
}

// SuggestHandle makes a handle out of a name or an email's local part:
// accents dropped, separators turned into single underscores, anything else
// left out, at most 30 characters. It returns "" when too little is left.
func SuggestHandle(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			need := 1
			if sep && b.Len() > 0 {
				need = 2 // an underscore first
			}
			if b.Len()+need > 30 {
				return validOrEmpty(b.String())
			}
			if need == 2 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		case r == '_' || r == '.' || r == '-' || r == '+' || unicode.IsSpace(r):
			sep = true
		}
	}
	return validOrEmpty(b.String())
}

// validOrEmpty returns h if it is a valid handle, otherwise "".
func validOrEmpty(h string) string {
	if !ValidHandle(h) {
		return ""
	}
	return h
}

// handle validates and normalises a handle field.
func handle(p Problems, field, v string) string {
	v = NormalizeHandle(v)
	switch {
	case v == "":
		p.Add(field, "Handle is required.")
	case !ValidHandle(v):
		p.Add(field, "A handle is 2–30 letters (a–z), digits or underscores, starting with a letter or digit.")
	}
	return v
}

// password validates a new password. It is never trimmed.
func password(p Problems, field, v string) {
	n := utf8.RuneCountInString(v)
	switch {
	case v == "":
		p.Add(field, "Password is required.")
	case !utf8.ValidString(v):
		p.Add(field, "Password contains bytes that are not valid text (UTF-8).")
	case n < MinPasswordLen:
		p.Add(field, "Password is too short: at least "+strconv.Itoa(MinPasswordLen)+" characters.")
	case len(v) > MaxPasswordLen:
		p.Add(field, "Password is too long: at most "+strconv.Itoa(MaxPasswordLen)+" bytes.")
	}
}

// MaxSlugLen bounds the length of a slug.
const MaxSlugLen = 40

// Slugify turns a name into a URL slug: lower-case ASCII letters and digits
// separated by single hyphens, at most MaxSlugLen long. It returns "" when
// nothing usable is left.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			need := 1
			if dash && b.Len() > 0 {
				need = 2
			}
			if b.Len()+need > MaxSlugLen {
				break
			}
			if need == 2 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// ValidSlug reports whether s is a well-formed slug.
func ValidSlug(s string) bool {
	return s != "" && len(s) <= MaxSlugLen && Slugify(s) == s
}
