package markdown

// HandlePattern is the regular expression (without anchors) for a member handle:
// 2–30 characters of lower-case letters, digits and underscore, starting with a
// letter or digit.
var HandlePattern = `[a-z0-9][a-z0-9_]{1,29}`

const (
	minHandleLen = 2
	maxHandleLen = 30
)

// ValidHandle reports whether s is a well-formed, lower-case member handle.
func ValidHandle(s string) bool {
	if len(s) < minHandleLen || len(s) > maxHandleLen || s[0] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isWordByte reports whether c may appear in a handle as written (any case).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// ReplaceMention returns src with every @mention of handle (written in any
// case, as the renderer finds mentions: after a non-word character, not
// escaped, and ending the handle) replaced by with. It works on the text
// itself, code spans included, since it is used to take a deleted
// member's handle out of what others wrote, wherever it stands.
func ReplaceMention(src, handle, with string) string {
	if handle == "" {
		return src
	}
	var b []byte
	last := 0
	for i := 0; i < len(src); i++ {
		if src[i] != '@' || i+1+len(handle) > len(src) || !equalFold(src[i+1:i+1+len(handle)], handle) {
			continue
		}
		if i > 0 {
			c := src[i-1]
			if isWordByte(c) || c == '.' || c == '@' || c == '\\' || c >= 0x80 {
				continue
			}
		}
		if j := i + 1 + len(handle); j < len(src) && (isWordByte(src[j]) || src[j] == '@') {
			continue
		}
		b = append(b, src[last:i]...)
		b = append(b, with...)
		last = i + 1 + len(handle)
		i = last - 1
	}
	if b == nil {
		return src
	}
	return string(append(b, src[last:]...))
}

// equalFold compares ASCII a and b without regard to case.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
