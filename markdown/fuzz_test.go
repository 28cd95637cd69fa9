package markdown

import (
	"bufio"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sharefair/sharefair/internal/testenv"
	"golang.org/x/net/html"
)

// fuzzSeeds are texts that once got, or could get, something past one of
// the layers: raw HTML, scripts in addresses, remote images in disguise,
// and shapes near the rendering limits.
var fuzzSeeds = []string{
	"",
	"plain text",
	"*em* **strong** ~~gone~~ `code` @alice @Bob_1 \\@carol",
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"<iframe src=//example.org></iframe><object data=x></object><embed src=x><style>*{}</style>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](vbscript:msgbox(1)) [d](data:text/html,<script>alert(1)</script>)",
	"[x](java\tscript:alert(1)) [y](&#106;avascript:alert(1)) [z](javascript&colon;alert(1))",
	"![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA) ![z](vbscript:x)",
	"![chart](https://example.org/c.png)",
	"![](http://example.org/c.png)",
	"![a](//example.org/c.png) ![b](/\\example.org/c.png) ![c](/&#92;example.org/c.png) ![d](/%2F/example.org/c.png)",
	"![a](\\\\example.org\\c.png) ![b](/%5Cexample.org/c.png) ![c](</\t/example.org/c.png>) ![d](https:example.org/c.png)",
	"![a](HTTPS://example.org/c.png \"t\") ![b][r]\n\n[r]: https://example.org/r.png",
	"[see ![pic](https://example.org/y.png) here](https://example.org/)",
	"![a ![b](https://example.org/b.png) c](https://example.org/a.png)",
	"![a](/static/c.png) ![b](/avatars/1.svg)",
	"<https://example.org/c.png> www.example.org/c.png https://example.org/c.png",
	"![x](https://example.org/c.png\"onerror=\"alert(1))",
	"[x](https://example.org/\"onmouseover=\"alert(1))",
	"```\"><script>alert(1)</script>\nx\n```",
	"- [x] done\n- [ ] <input onfocus=alert(1) autofocus>",
	"| a | b |\n|---|:-:|\n| ![i](https://example.org/i.png) | <script>x</script> |",
	strings.Repeat("> ", MaxNesting) + "deep",
	strings.Repeat("> ", MaxNesting+1) + "too deep",
	strings.Repeat("- ", MaxNesting+1) + "too deep",
	"|" + strings.Repeat(" a |", MaxTableColumns+1) + "\n|" + strings.Repeat("---|", MaxTableColumns+1),
	strings.Repeat("[a](", 2000),
	strings.Repeat("*a", MaxDelimiters+1),
	strings.Repeat("~~~~", 200),
	strings.Repeat("![i](https://example.org/i.png) ", MaxLinks+1),
	"[r]: https://example.org/" + strings.Repeat("x", 1000) + "\n\n" + strings.Repeat("[a][r] ", 100),
	strings.Repeat("&quot;", 3000),
	"\x00\xff\xfe <scr\x00ipt>alert(1)</script>",
}

// FuzzRender renders arbitrary text and checks that what comes out can run
// nothing, loads nothing from another server and stays within the bounds of
// limits.go; a text is either rendered so or refused with a *LimitError.
// Its seeds are fuzzSeeds, testdata/fuzz/FuzzRender and, when the shared
// corpora are there, every line of the XSS corpus, alone and as a link's
// and an image's address; they run with every go test.
func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	if dir := os.Getenv(testenv.CorporaEnv); dir != "" {
		if file, err := os.Open(filepath.Join(dir, "xss-payloadbox.txt")); err == nil {
			sc := bufio.NewScanner(file)
			sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
			for sc.Scan() {
				p := sc.Text()
				f.Add(p)
				f.Add("[x](" + p + ")")
				f.Add("![x](" + p + ")")
			}
			file.Close()
			if err := sc.Err(); err != nil {
				f.Fatal(err)
			}
		}
	}
	r := New()
	known := map[string]bool{"alice": true, "bob_1": true}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 20_000 {
			return // members write at most a few thousand characters
		}
		out, err := r.Render(postField, src, known)
		if err != nil {
			var le *LimitError
			if !errors.As(err, &le) || le.Field != postField || le.Message == "" {
				t.Fatalf("Render(%q): %v, want a *LimitError for the field", src, err)
			}
			return
		}
		checkRendered(t, src, out)
	})
}

// fuzzBase is the page rendered output is read on, to resolve addresses.
var fuzzBase = &url.URL{Scheme: "https", Host: "sharefair.example", Path: "/threads/1"}

// forbiddenAttributes load or style something, whatever their value.
var forbiddenAttributes = map[string]bool{
	"style": true, "srcset": true, "background": true, "poster": true, "ping": true,
	"lowsrc": true, "dynsrc": true, "formaction": true, "action": true, "srcdoc": true,
}

// renderedElements are all the elements rendered Markdown may hold (with
// the html, head and body the parser wraps a fragment in): anything else,
// active or not, is a hole in one of the layers.
var renderedElements = map[string]bool{
	"html": true, "head": true, "body": true,
	"p": true, "a": true, "img": true, "em": true, "strong": true, "del": true, "code": true, "pre": true,
	"ul": true, "ol": true, "li": true, "blockquote": true, "hr": true, "br": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "input": true,
}

// checkRendered fails t unless out, rendered from src, holds no element or
// attribute that runs script or loads from another host, and keeps within
// the bounds that limits.go sets on what a text renders to.
func checkRendered(t *testing.T, src, out string) {
	t.Helper()
	if len(out) > MaxHTMLBytes {
		t.Fatalf("Render(%q) is %d bytes, over MaxHTMLBytes", src, len(out))
	}
	if utf8.ValidString(src) && !utf8.ValidString(out) {
		t.Fatalf("Render(%q) = %q: not UTF-8", src, out)
	}
	assertSafe(t, src, out)
	doc := parseHTML(t, out)
	links, cells := 0, 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if !renderedElements[n.Data] {
			t.Errorf("Render(%q) = %q: has <%s>", src, out, n.Data)
		}
		switch n.Data {
		case "input":
			typ, _ := attr(n, "type")
			if _, disabled := attr(n, "disabled"); typ != "checkbox" || !disabled {
				t.Errorf("Render(%q) = %q: has an <input> other than a disabled checkbox", src, out)
			}
		case "a", "img":
			links++
		case "td", "th":
			cells++
		case "blockquote", "ul", "ol":
			depth := 0
			for p := n; p != nil; p = p.Parent {
				if p.Type == html.ElementNode && (p.Data == "blockquote" || p.Data == "ul" || p.Data == "ol") {
					depth++
				}
			}
			if depth > MaxNesting {
				t.Errorf("Render(%q) nests quotes and lists %d deep, over MaxNesting", src, depth)
			}
		}
		for _, a := range n.Attr {
			name := strings.ToLower(a.Key)
			if forbiddenAttributes[name] {
				t.Errorf("Render(%q) = %q: has %s on <%s>", src, out, name, n.Data)
			}
			if name == "src" && n.Data != "img" {
				t.Errorf("Render(%q) = %q: src on <%s>", src, out, n.Data)
			}
			if name == "src" && !onSharefair(a.Val) {
				t.Errorf("Render(%q) = %q: <img src=%q> loads from another host", src, out, a.Val)
			}
		}
	}
	if links > MaxLinks {
		t.Errorf("Render(%q) has %d links and images, over MaxLinks", src, links)
	}
	if cells > MaxTableCells {
		t.Errorf("Render(%q) has %d table cells, over MaxTableCells", src, cells)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// onSharefair reports whether a browser on fuzzBase would load src from
// fuzzBase's own host. It reads src as a browser does, not as the renderer
// decides: outer spaces and controls dropped, tabs and line breaks removed
// anywhere, backslashes taken for slashes.
func onSharefair(src string) bool {
	v := strings.TrimFunc(src, func(r rune) bool { return r <= ' ' })
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(v)
	u, err := fuzzBase.Parse(v)
	if err != nil {
		return false // what Go cannot parse, a browser may still fetch
	}
	return u.Scheme == fuzzBase.Scheme && u.Host == fuzzBase.Host && u.User == nil
}
