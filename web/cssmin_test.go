package web

import (
	"regexp"
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
		// A line break between words is a space, not nothing.
		{".a\n.b{margin:0\n auto}", ".a .b{margin:0 auto}"},
		{"@media screen and\n(max-width:40rem){}", "@media screen and (max-width:40rem){}"},
		{".a/**/.b{}", ".a.b{}"},
		// Strings keep what they hold.
		{`q::before{content:"a, b; /* c */ {d}"}`, `q::before{content:"a, b; /* c */ {d}"}`},
		{`a{content:'it\'s , ok'}`, `a{content:'it\'s , ok'}`},
	} {
		if got := minifyCSS(c.in); got != c.want {
			t.Errorf("minifyCSS(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestServedStylesheetMinified checks the stylesheet is served without its
// comments, smaller than its source, with every declaration of the source
// in it as written.
func TestServedStylesheetMinified(t *testing.T) {
	raw, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	served := string(assets.byName["style.css"].plain)
	if strings.Contains(served, "/*") || len(served) >= len(raw) {
		t.Fatalf("served stylesheet is %d bytes of a %d-byte source, comments kept: %v", len(served), len(raw), strings.Contains(served, "/*"))
	}
	src := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(raw), " ")
	src = strings.Join(strings.Fields(src), " ")
	decl := regexp.MustCompile(`[a-z-]+:[^;{}]+`)
	n := 0
	for _, d := range decl.FindAllString(src, -1) {
		d = strings.TrimSpace(d)
		if !strings.Contains(served, d) {
			t.Errorf("the served stylesheet lost %q", d)
		}
		n++
	}
	if n < 200 {
		t.Fatalf("only %d declarations found in the source", n)
	}
}
