package markdown

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sharefair/sharefair/internal/testenv"
	"golang.org/x/net/html"
)

// parseHTML parses rendered output as the body of a document.
func parseHTML(t testing.TB, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse rendered HTML %q: %v", s, err)
	}
	return doc
}

// elements returns every element named tag under n, in document order.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

// attr returns the value of n's attribute key and whether it is present.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// textOf returns the text content of n.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// postField is the field the tests' texts come from.
var postField = Field{Name: "body", Label: "Post"}

func TestRender(t *testing.T) {
	r := New()
	tests := []struct {
		name    string
		src     string
		want    []string // substrings the output must contain
		notWant []string // substrings it must not contain
	}{
		{"Emphasis", "*em* **strong** ~~gone~~", []string{"<em>em</em>", "<strong>strong</strong>", "<del>gone</del>"}, nil},
		{"UnorderedList", "- one\n- two", []string{"<ul>\n<li>one</li>\n<li>two</li>\n</ul>"}, nil},
		{"OrderedList", "1. one\n2. two", []string{"<ol>\n<li>one</li>\n<li>two</li>\n</ol>"}, nil},
		{"Heading", "## Notes", []string{"<h2>Notes</h2>"}, nil},
		{"Blockquote", "> said", []string{"<blockquote>\n<p>said</p>\n</blockquote>"}, nil},
		{"CodeSpan", "use `a < b` here", []string{"<code>a &lt; b</code>"}, nil},
		{"FencedCodeWithLanguage", "```go\nx := 1\n```", []string{`<pre><code class="language-go">x := 1`}, nil},
		{"FencedCodeBadLanguageDropsClass", "```\"onmouseover=x\nx\n```", []string{"<pre><code>x"}, []string{"class=", "onmouseover"}},
		{"IndentedCode", "    x := <b>", []string{"<pre><code>x := &lt;b&gt;"}, nil},
		{"Table", "| a | b |\n|---|:-:|\n| 1 | 2 |", []string{"<table>", "<th>a</th>", `<th align="center">b</th>`, "<td>1</td>"}, nil},
		{"TaskList", "- [x] done\n- [ ] todo", []string{`<li><input checked="" disabled="" type="checkbox"> done</li>`, `<li><input disabled="" type="checkbox"> todo</li>`}, nil},
		{"SoftBreakNotHard", "one\ntwo", []string{"<p>one\ntwo</p>"}, []string{"<br"}},
		{"HardBreak", "one  \ntwo", []string{"one<br>\ntwo"}, nil},
		{"Link", "[docs](https://example.org/d)", []string{`<a href="https://example.org/d" rel="nofollow noopener ugc">docs</a>`}, nil},
		{"RelativeLink", "[thread](/threads/1)", []string{`<a href="/threads/1" rel="nofollow noopener ugc">thread</a>`}, nil},
		{"Linkify", "see www.example.org today", []string{`<a href="http://www.example.org" rel="nofollow noopener ugc">www.example.org</a>`}, nil},
		{"EmailAutolinks", "write someone@example.org", []string{`<a href="mailto:someone@example.org" rel="nofollow noopener ugc">someone@example.org</a>`}, nil},
		{"LocalImage", "![chart](/static/c.png)", []string{`<img src="/static/c.png" alt="chart" loading="lazy">`}, nil},
		{"RemoteImageBecomesLink", "![chart](https://example.org/c.png \"Q3\")",
			[]string{`<p><a href="https://example.org/c.png" title="Q3" class="remote-image" rel="nofollow noopener ugc">Image: chart</a></p>`}, []string{"<img"}},
		{"RemoteImageWithoutAltNamesHost", "![](HTTP://Example.org:8080/c.png)", []string{`class="remote-image" rel="nofollow noopener ugc">Image: Example.org</a>`}, []string{"<img"}},
		{"RemoteImageAltFlattened", "![a *b* [c](/d) @alice](https://example.org/c.png)", []string{`>Image: a b c @alice</a></p>`}, []string{"<img", "<em>", "/d"}},
		{"RemoteImageInLinkNoNestedLink", "[see ![pic](http://example.org/y.png) here](/t/1)",
			[]string{`<p><a href="/t/1" rel="nofollow noopener ugc">see Image: pic here</a></p>`}, []string{"<img", "example.org"}},
		{"RemoteReferenceImage", "![a][r]\n\n[r]: https://example.org/i.png", []string{`class="remote-image"`}, []string{"<img"}},
		{"ProtocolRelativeImageBecomesAltText", "![chart](//example.org/c.png)", []string{"<p>chart</p>"}, []string{"<img", "example.org"}},
		{"BackslashHostImageBecomesAltText", "![chart](/&#92;example.org/c.png)", []string{"<p>chart</p>"}, []string{"<img", "example.org"}},
		{"EncodedSlashImageBecomesAltText", "![chart](/%2F/example.org/c.png)", []string{"<p>chart</p>"}, []string{"<img"}},
		{"PageRelativeImageBecomesAltText", "![chart](c.png)", []string{"<p>chart</p>"}, []string{"<img"}},
		{"DataImageBecomesAltText", "![chart](data:image/png;base64,AAAA)", []string{"<p>chart</p>"}, []string{"<img", "data:"}},
		{"RawHTMLOmitted", "a <b onclick=\"x()\">b</b> <input type=text> c", []string{"<p>a b  c</p>"}, []string{"onclick", "<input"}},
		{"ScriptBlock", "<script>alert(1)</script>", nil, []string{"<script", "alert"}},
		{"InlineScript", "hi <script>alert(1)</script> there", nil, []string{"<script"}},
		{"HTMLComment", "<!-- x -->", nil, []string{"<!--"}},
		{"Entities", "AT&T &lt;tag&gt;", []string{"AT&amp;T &lt;tag&gt;"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(postField, tt.src, nil)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.src, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it not to contain %q", tt.src, got, w)
				}
			}
		})
	}
}

func TestRenderNoScript(t *testing.T) {
	r := New()
	for _, src := range []string{
		"<script>alert(1)</script>",
		"text <script>alert(1)</script>",
		"<div>\n<script>alert(1)</script>\n</div>",
		"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
		"> <script>alert(1)</script>",
		"- <script>alert(1)</script>",
		"| a |\n|---|\n| <script>alert(1)</script> |",
		"```\n</code></pre><script>alert(1)</script>\n```",
		"`</code><script>alert(1)</script>`",
	} {
		got, err := r.Render(postField, src, nil)
		if err != nil {
			t.Fatalf("Render(%q): %v", src, err)
		}
		if s := elements(parseHTML(t, got), "script"); len(s) != 0 {
			t.Errorf("Render(%q) = %q: has a <script> element", src, got)
		}
	}
}

func TestRenderNoJavaScriptURL(t *testing.T) {
	r := New()
	for _, src := range []string{
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](javascript&#58;alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](java\\script:alert(1))",
		"[x](<javascript:alert(1)>)",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"<javascript:alert(1)>",
		"![x](javascript:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	} {
		got, err := r.Render(postField, src, nil)
		if err != nil {
			t.Fatalf("Render(%q): %v", src, err)
		}
		assertSafe(t, src, got)
		// Not even as a title or other attribute; as link text it is harmless.
		for n := range parseHTML(t, got).Descendants() {
			for _, a := range n.Attr {
				if v := strings.ToLower(a.Val); strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") {
					t.Errorf("Render(%q) = %q: attribute %s=%q", src, got, a.Key, a.Val)
				}
			}
		}
	}
}

// mentionLink is an <a class="mention"> as rendered.
type mentionLink struct{ Href, Text string }

func TestRenderMentions(t *testing.T) {
	r := New()
	known := map[string]bool{"alice": true, "bob": true, "c_3po": true}
	alice := mentionLink{"/members/alice", "@alice"}
	bob := mentionLink{"/members/bob", "@bob"}
	tests := []struct {
		name  string
		src   string
		known map[string]bool
		want  []mentionLink
	}{
		{"Known", "hi @alice", known, []mentionLink{alice}},
		{"Unknown", "hi @carol", known, nil},
		{"NilKnown", "hi @alice", nil, nil},
		{"CaseInsensitive", "hi @Alice and @BOB", known, []mentionLink{{"/members/alice", "@Alice"}, {"/members/bob", "@BOB"}}},
		{"Underscore", "thanks @c_3po", known, []mentionLink{{"/members/c_3po", "@c_3po"}}},
		{"StartOfLine", "@alice said\n@bob agreed", known, []mentionLink{alice, bob}},
		{"AfterParenAndComma", "(@alice,@bob)", known, []mentionLink{alice, bob}},
		{"EndOfSentence", "Ask @bob.", known, []mentionLink{bob}},
		{"BeforeQuestionMark", "@alice? @bob!", known, []mentionLink{alice, bob}},
		{"InEmphasis", "*@alice* **@bob**", known, []mentionLink{alice, bob}},
		{"InHeadingListTable", "# @alice\n\n- @bob\n\n| h |\n|---|\n| @alice |", known, []mentionLink{alice, bob, alice}},
		{"Repeated", "@alice @alice", known, []mentionLink{alice, alice}},
		{"CodeSpan", "`@alice`", known, nil},
		{"FencedCode", "```\n@alice\n```", known, nil},
		{"IndentedCode", "    @alice", known, nil},
		{"LinkText", "[@alice](https://example.org)", known, nil},
		{"AutolinkURL", "https://example.org/@alice", known, nil},
		{"LinkifyURL", "www.example.org/@alice", known, nil},
		{"Email", "mail bob@alice.example or alice@example.org", known, nil},
		{"ImageAlt", "![@alice](https://example.org/a.png)", known, nil},
		{"AfterLetter", "x@alice", known, nil},
		{"AfterDot", "first.@alice", known, nil},
		{"AfterUnderscore", "x_@alice", known, nil},
		{"AfterNonASCIILetter", "café@alice", known, nil},
		{"OtherServer", "@alice@social.example", known, nil},
		{"BackslashEscaped", `\@alice`, known, nil},
		{"EscapedBackslash", `\\@alice`, known, []mentionLink{alice}},
		{"TooShort", "@a", map[string]bool{"a": true}, nil},
		{"TooLong", "@" + strings.Repeat("a", 31), map[string]bool{strings.Repeat("a", 31): true}, nil},
		{"LeadingUnderscore", "@_alice", map[string]bool{"_alice": true}, nil},
		{"LongerHandleNotPrefix", "@alicex", known, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := r.Render(postField, tt.src, tt.known)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			var got []mentionLink
			for _, a := range elements(parseHTML(t, out), "a") {
				if c, _ := attr(a, "class"); c == "mention" {
					href, _ := attr(a, "href")
					got = append(got, mentionLink{href, textOf(a)})
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Render(%q) = %q\nmention links %v, want %v", tt.src, out, got, tt.want)
			}
		})
	}
}

func TestRenderMentionMarkup(t *testing.T) {
	r := New()
	known := map[string]bool{"alice": true}
	tests := []struct {
		name, src, want string
	}{
		{"Exact", "hi @Alice!", `<p>hi <a href="/members/alice" class="mention" rel="nofollow noopener ugc">@Alice</a>!</p>`},
		{"UnknownStaysText", "hi @carol!", `<p>hi @carol!</p>`},
		{"KeepsSoftBreak", "@alice\nnext", "@alice</a>\nnext"},
		{"KeepsHardBreak", "@alice  \nnext", "@alice</a><br>\nnext"},
		{"KeepsBackslashHardBreak", "to @alice\\\nnext", "@alice</a><br>\nnext"},
		{"TextAroundKept", "a@b (@alice) c", `<p>a@b (<a href="/members/alice" class="mention" rel="nofollow noopener ugc">@alice</a>) c</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(postField, tt.src, known)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("Render(%q) = %q, want it to contain %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestMentions(t *testing.T) {
	r := New()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"None", "no mentions here", nil},
		{"Empty", "", nil},
		{"OrderAndDedup", "@Bob then @alice, again @BOB and @alice.", []string{"bob", "alice"}},
		{"StartParenCommaDot", "@carol (@dave,@erin) ends with @frank.", []string{"carol", "dave", "erin", "frank"}},
		{"SkipsCodeLinksEmails", "`@a1` [@a2](/x) https://x.example/@a3 a4@example.org @real\n\n```\n@a5\n```", []string{"real"}},
		{"AcrossBlocks", "# @one\n\n> @two\n\n- @three", []string{"one", "two", "three"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := r.Parse(postField, tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if got := doc.Mentions(); !slices.Equal(got, tt.want) {
				t.Errorf("Mentions(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestValidHandle(t *testing.T) {
	re := regexp.MustCompile(`^(?:` + HandlePattern + `)$`)
	tests := []struct {
		in   string
		want bool
	}{
		{"al", true},
		{"alice", true},
		{"a_b_", true},
		{"9lives", true},
		{strings.Repeat("a", 30), true},
		{"", false},
		{"a", false},
		{strings.Repeat("a", 31), false},
		{"_alice", false},
		{"Alice", false},
		{"al-ice", false},
		{"al.ice", false},
		{"élodie", false},
	}
	for _, tt := range tests {
		if got := ValidHandle(tt.in); got != tt.want {
			t.Errorf("ValidHandle(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if got := re.MatchString(tt.in); got != tt.want {
			t.Errorf("HandlePattern match %q = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := New()
	known := map[string]bool{"alice": true}
	want, err := r.Render(postField, post500, known)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				got, err := r.Render(postField, post500, known)
				if err != nil || got != want {
					t.Errorf("concurrent Render = %q, %v; want %q", got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// forbiddenElements must never appear in rendered output.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "object": true, "embed": true, "style": true,
	"svg": true, "form": true, "math": true, "base": true, "link": true, "meta": true,
	"frame": true, "frameset": true, "applet": true,
}

// urlAttributes are attributes whose value a browser may load or navigate to.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
}

// dangerousURL reports whether v, read the way a browser would (whitespace and
// control characters dropped, case folded), has a script-running scheme.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")
}

// assertSafe fails t if out, rendered from src, holds an element, event
// handler or URL that could run script, and reports whether it did not.
func assertSafe(t *testing.T, src, out string) bool {
	t.Helper()
	ok := true
	for n := range parseHTML(t, out).Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if forbiddenElements[strings.ToLower(n.Data)] {
			t.Errorf("Render(%q) = %q: has <%s>", src, out, n.Data)
			ok = false
		}
		for _, a := range n.Attr {
			name := strings.ToLower(a.Key)
			if a.Namespace != "" {
				name = strings.ToLower(a.Namespace) + ":" + name
			}
			if strings.HasPrefix(name, "on") {
				t.Errorf("Render(%q) = %q: has event handler %s on <%s>", src, out, name, n.Data)
				ok = false
			}
			if urlAttributes[name] && dangerousURL(a.Val) {
				t.Errorf("Render(%q) = %q: has %s=%q on <%s>", src, out, name, a.Val, n.Data)
				ok = false
			}
		}
	}
	return ok
}

func TestRenderXSSCorpus(t *testing.T) {
	path := testenv.CorpusPath(t, "xss-payloadbox.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	r := New()
	known := map[string]bool{"alice": true}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	lines, bad := 0, 0
	for sc.Scan() {
		payload := sc.Text()
		lines++
		// The payload on its own, and as a link and image destination.
		for _, src := range []string{payload, "@alice " + payload, "[x](" + payload + ")", "![x](" + payload + ")"} {
			out, err := r.Render(postField, src, known)
			if err != nil {
				t.Errorf("line %d: Render(%q): %v", lines, src, err)
				continue
			}
			if !assertSafe(t, src, out) {
				if bad++; bad >= 20 {
					t.Fatalf("stopping after %d unsafe renders", bad)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if lines == 0 {
		t.Fatalf("%s is empty", path)
	}
	t.Logf("%d payloads from %s", lines, path)
}

// post500 is a realistic member post of about 500 characters.
const post500 = `Thanks @alice for running Tuesday's session on **after-action reviews**. Three things I'm taking back to my team:

- Start with *what we expected* to happen, then what actually did.
- Keep it blame-free; see [the guide](https://example.org/aar-guide) and @bob's notes.
- Record one change we'll try, e.g. ` + "`retro.md`" + ` in the repo.

Has anyone tried this with field crews who can't meet in person? We're spread over four sites, so a call is the best we can do. I'd love to compare notes, @carol.`

func TestBenchmarkInputSizes(t *testing.T) {
	for name, s := range map[string]string{"post500": post500, "paragraph500": paragraph500} {
		if n := len(s); n < 450 || n > 560 {
			t.Errorf("%s is %d bytes, want about 500", name, n)
		}
	}
}

func BenchmarkRender500(b *testing.B) {
	r := New()
	known := map[string]bool{"alice": true, "bob": true}
	b.SetBytes(int64(len(post500)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(postField, post500, known); err != nil {
			b.Fatal(err)
		}
	}
}

// paragraph500 is a single plain paragraph of about 500 characters.
const paragraph500 = `We met on Tuesday to go through the lessons from the spring floods. @alice walked us through the timeline and the places where information got stuck between the depot and the control room. The biggest surprise was how often people already knew the answer but had no quick way to share it, so the same question was asked four times in one afternoon. Next month we will try a shared log that anyone on shift can add to, and review it together at the end of each week with @bob and the duty managers.`

func BenchmarkRender500Paragraph(b *testing.B) {
	r := New()
	known := map[string]bool{"alice": true, "bob": true}
	b.SetBytes(int64(len(paragraph500)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(postField, paragraph500, known); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPolicyKeepsOnlyLocalImages checks the sanitiser on its own: should
// a remote image ever get past the walker, the policy still loads nothing
// from another host.
func TestPolicyKeepsOnlyLocalImages(t *testing.T) {
	p := newPolicy()
	for _, src := range []string{"https://example.org/c.png", "HTTP://example.org/c.png", "//example.org/c.png",
		`/\example.org/c.png`, "/%2F/example.org/c.png", "data:image/png;base64,AAAA", "javascript:alert(1)", "c.png"} {
		out := p.Sanitize(`<img src="` + src + `" alt="a">`)
		for _, img := range elements(parseHTML(t, out), "img") {
			for _, a := range img.Attr {
				if a.Key == "src" && a.Val != "" {
					t.Errorf("Sanitize(<img src=%q>) = %q: keeps the source", src, out)
				}
			}
		}
	}
	if out := p.Sanitize(`<img src="/static/c.png" alt="a">`); !strings.Contains(out, `src="/static/c.png"`) {
		t.Errorf("Sanitize(local image) = %q, want it kept", out)
	}
}

// TestReplaceMention: every mention of the handle goes, in any case; longer
// handles, e-mail addresses and escaped @ stay.
func TestReplaceMention(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"thanks @zed!", "thanks (former member)!"},
		{"@ZED and `@zed`", "(former member) and `(former member)`"},
		{"@zedd, me@zed, a.@zed, \\@zed, @zed@other.example", "@zedd, me@zed, a.@zed, \\@zed, @zed@other.example"},
		{"(@zed)\n@zed", "((former member))\n(former member)"},
	} {
		if got := ReplaceMention(c.in, "zed", "(former member)"); got != c.want {
			t.Errorf("ReplaceMention(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
