package web

import (
	"strings"
	"testing"
)

func TestMinifyCSS(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/* a note */\n.a{\n\tcolor:red;\n\tmargin:0 1em\n}\n", ".a{color:red;margin:0 1em}"},
		// A descendant combinator before a pseudo-class is kept.
		{".top :focus-visible { outline:none }", ".top :focus-visible{outline:none}"},
		{`td::before{content:attr(data-label) ": "}`, `td::before{content:attr(data-label) ": "}`},
		{"@media (max-width:40rem) {\n  .a , .b > c { x:1 ; }\n}", "@media (max-width:40rem){.a,.b > c{x:1;}}"},
	} {
		if got := minifyCSS(c.in); got != c.want {
			t.Errorf("minifyCSS(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestServedStylesheetMinified checks the stylesheet is served without its
// comments and is smaller than its source, with every rule still there.
func TestServedStylesheetMinified(t *testing.T) {
	src, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	served := string(assets.byName["style.css"].plain)
	if strings.Contains(served, "/*") || len(served) >= len(src) {
		t.Fatalf("served stylesheet is %d bytes of a %d-byte source, comments kept: %v", len(served), len(src), strings.Contains(served, "/*"))
	}
	if a, b := strings.Count(string(cssComment.ReplaceAll(src, nil)), "{"), strings.Count(served, "{"); a != b {
		t.Fatalf("source has %d rules, served %d", a, b)
	}
}
