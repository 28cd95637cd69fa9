package web

import "strings"

// minifyCSS drops the stylesheet's comments and the white space that only
// lays it out for its readers, so that the source keeps its explanations
// and a reader on a slow connection does not download them. A run of
// white space becomes one space, which goes entirely beside a brace, a
// semicolon or a comma; strings are copied as they are. The space of a
// descendant combinator (".top :focus") is kept.
func minifyCSS(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	space := false // white space seen and not yet written
	last := byte(0)
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = len(src)
			} else {
				i += 2 + end + 1
			}
			continue // a comment separates nothing (CSS Syntax 3)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			space = true
			continue
		}
		if space && last != 0 && !strings.ContainsRune("{};,", rune(last)) && !strings.ContainsRune("{};,", rune(c)) {
			b.WriteByte(' ')
		}
		space = false
		if c == '"' || c == '\'' {
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				j = len(src) - 1
			}
			b.WriteString(src[i : j+1])
			last, i = c, j
			continue
		}
		b.WriteByte(c)
		last = c
	}
	return b.String()
}
