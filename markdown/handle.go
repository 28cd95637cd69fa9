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
