package web

import (
	"regexp"
	"strings"
)

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssBreak   = regexp.MustCompile(`\s*\n\s*`)
	cssPunct   = regexp.MustCompile(`\s*([{};,])\s*`)
)

// minifyCSS drops the stylesheet's comments and the white space that only
// lays it out for its readers, so that the source keeps its explanations
// and a reader on a slow connection does not download them. Space inside
// a selector (a descendant combinator) and inside strings is kept: only
// line breaks and the space around braces, semicolons and commas go.
func minifyCSS(src string) string {
	s := cssComment.ReplaceAllString(src, "")
	s = cssBreak.ReplaceAllString(s, "")
	s = cssPunct.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}
