package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// The naughty-input sweeps, HTML half: every string of the Big List of
// Naughty Strings through every free-text field of the real forms, and
// every XSS payload of payloadbox through the fields other members see.
// The API half lives in the api package.

// ---------------------------------------------------------------------
// What the rules predict, re-stated from the documentation (validate.go's
// doc comments and the issue) so that the app is checked against an
// independent reading rather than against itself.

// Reasons a value may be refused, in the order the documentation lists them.
const (
	reasonUTF8     = "invalid UTF-8"
	reasonRequired = "required"
	reasonLength   = "over-length"
	reasonControl  = "control characters"
)

// textRule is how one free-text field is validated.
type textRule struct {
	multiline bool // multi-line fields keep inner white space; single-line ones are trimmed
	required  bool
	max       int // in characters
	// trimmed multi-line fields are trimmed of surrounding white space
	// too (the network's description); blankIsEmpty ones store a blank
	// value as empty (an invitation's message).
	trimmed, blankIsEmpty bool
}

// verdict is what the rules predict for one submitted value.
type verdict struct {
	stored  string   // what is stored and shown back, when accepted
	reasons []string // every documented reason that applies; none when accepted
}

func (v verdict) accepted() bool { return len(v.reasons) == 0 }

// judge applies the documented rules to v. Single-line fields are trimmed
// of surrounding white space and refuse every control character;
// multi-line fields have their line endings normalised to "\n" and allow
// only "\n" and "\t" among control characters. Both refuse invalid UTF-8
// and over-length values; required ones refuse blank values.
func (r textRule) judge(v string) verdict {
	blank := false
	if r.multiline {
		v = strings.ReplaceAll(v, "\r\n", "\n")
		v = strings.ReplaceAll(v, "\r", "\n")
		blank = strings.TrimSpace(v) == ""
	} else {
		v = strings.TrimSpace(v)
		blank = v == ""
	}
	// A trimmed multi-line field is checked as sent, then trimmed.
	stored := v
	if r.multiline && r.trimmed {
		stored = strings.TrimSpace(v)
	}
	if blank && r.blankIsEmpty {
		stored = ""
	}
	var why []string
	if !utf8.ValidString(v) {
		why = append(why, reasonUTF8)
	}
	if r.required && blank {
		why = append(why, reasonRequired)
	}
	if utf8.RuneCountInString(v) > r.max {
		why = append(why, reasonLength)
	}
	for _, c := range v {
		if unicode.IsControl(c) && !(r.multiline && (c == '\n' || c == '\t')) {
			why = append(why, reasonControl)
			break
		}
	}
	return verdict{stored: stored, reasons: why}
}

// explains reports whether a refusal message states one of the reasons.
func (r textRule) explains(msg string, reasons []string) bool {
	for _, why := range reasons {
		var key string
		switch why {
		case reasonUTF8:
			key = "UTF-8"
		case reasonRequired:
			key = "required"
		case reasonLength:
			key = "at most " + strconv.Itoa(r.max) + " characters"
		case reasonControl:
			key = "control characters"
		}
		if strings.Contains(msg, key) {
			return true
		}
	}
	return false
}

// textField is one free-text field of a form.
type textField struct {
	name string
	rule textRule
}

// The free-text fields of the forms, with their documented limits.
var (
	profileFields = []textField{
		{"name", textRule{required: true, max: sharefair.MaxNameLen}},
		{"organisation", textRule{max: sharefair.MaxOrganisationLen}},
		{"title", textRule{max: sharefair.MaxTitleLen}},
		{"city", textRule{max: sharefair.MaxCityLen}},
		{"bio", textRule{multiline: true, max: sharefair.MaxBioLen}},
	}
	hubFields = []textField{
		{"name", textRule{required: true, max: sharefair.MaxHubNameLen}},
		{"description", textRule{multiline: true, max: sharefair.MaxHubDescLen}},
		{"city", textRule{max: sharefair.MaxCityLen}},
	}
	invitationFields = []textField{
		{"name", textRule{max: sharefair.MaxNameLen}},
		{"message", textRule{multiline: true, blankIsEmpty: true, max: sharefair.MaxInvitationMessageLen}},
	}
	networkFields = []textField{
		{"name", textRule{required: true, max: sharefair.MaxNetworkNameLen}},
		{"description", textRule{multiline: true, trimmed: true, max: sharefair.MaxNetworkDescLen}},
	}
	threadFields = []textField{
		{"title", textRule{required: true, max: sharefair.MaxThreadTitleLen}},
		{"body", textRule{multiline: true, required: true, max: sharefair.MaxPostLen}},
	}
	replyFields = []textField{
		{"body", textRule{multiline: true, required: true, max: sharefair.MaxPostLen}},
	}
)

// ruleOf returns the rule of the named field.
func ruleOf(fields []textField, name string) textRule {
	for _, f := range fields {
		if f.name == name {
			return f.rule
		}
	}
	panic("no field " + name)
}

// ---------------------------------------------------------------------
// Corpora.

// naughtyString is one input of a sweep and where it came from.
type naughtyString struct {
	label string // e.g. "blns[17]"
	value string
}

// blnsStrings reads the Big List of Naughty Strings, plus a few inputs it
// lacks that exercise the other documented reasons: invalid UTF-8 (JSON
// cannot carry it), over-length values, and line endings and control
// characters in known places.
func blnsStrings(t *testing.T) []naughtyString {
	t.Helper()
	data, err := os.ReadFile(testutil.CorpusPath(t, "blns.json"))
	if err != nil {
		t.Fatalf("read blns.json: %v", err)
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatalf("parse blns.json: %v", err)
	}
	if len(list) < 500 {
		t.Fatalf("blns.json holds %d strings; expected the full list (515)", len(list))
	}
	out := make([]naughtyString, 0, len(list)+16)
	for i, s := range list {
		out = append(out, naughtyString{"blns[" + strconv.Itoa(i) + "]", s})
	}
	extras := []string{
		"\xff\xfe",                               // invalid UTF-8
		"caf\xc3",                                // truncated sequence
		"\xed\xa0\x80 surrogate",                 // an encoded surrogate half
		"  padded  ",                             // surrounding spaces
		"\t tabbed \t",                           // surrounding tabs and spaces
		"inner\ttab",                             // a tab inside
		"two\r\nlines",                           // a browser's line ending
		"old\rmac",                               // a lone carriage return
		"\n\nleading newlines",                   // leading newlines survive in text areas
		"trailing newline\n",                     // a trailing newline
		"nul\x00byte",                            // NUL
		"bell\x07",                               // C0 control
		"next\u0085line",                         // C1 control (NEL)
		"é" + strings.Repeat("x", 80),            // 81 characters: over the hub name limit
		strings.Repeat("é", 101),                 // over the name and city limits
		strings.Repeat("ab", 101),                // over the title limits
		strings.Repeat("€", 2001),                // over the bio and description limits
		strings.Repeat("x", sharefair.MaxBioLen), // exactly at the bio limit
	}
	for i, s := range extras {
		out = append(out, naughtyString{"extra[" + strconv.Itoa(i) + "]", s})
	}
	return out
}

// xssPayloads reads payloadbox's XSS list, one payload a line.
func xssPayloads(t *testing.T) []naughtyString {
	t.Helper()
	data, err := os.ReadFile(testutil.CorpusPath(t, "xss-payloadbox.txt"))
	if err != nil {
		t.Fatalf("read xss-payloadbox.txt: %v", err)
	}
	var out []naughtyString
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		out = append(out, naughtyString{"xss[" + strconv.Itoa(i+1) + "]", line})
	}
	if len(out) < 6000 {
		t.Fatalf("xss-payloadbox.txt holds %d payloads; expected the full list (6,600+)", len(out))
	}
	return out
}

// ---------------------------------------------------------------------
// Sweep bookkeeping.

// sweep carries a sweep's test, its tallies and its failure budget: one
// bad input must not hide the others, so a sweep goes on after a failure,
// but a broken form should not print thousands of failures either. Its
// methods may be called from several goroutines; none of them stops the
// goroutine (no t.Fatal).
type sweep struct {
	t      *testing.T
	mu     sync.Mutex
	fails  int
	counts map[string]map[string]int // field → outcome → count
}

func newSweep(t *testing.T) *sweep {
	return &sweep{t: t, counts: map[string]map[string]int{}}
}

// A sweep prints its first shownFailures failures and counts the rest; it
// stops after maxFailures, when something is broken for every input.
const (
	shownFailures = 30
	maxFailures   = 500
)

// errorf records a failure.
func (sw *sweep) errorf(format string, args ...any) {
	sw.t.Helper()
	sw.mu.Lock()
	sw.fails++
	n := sw.fails
	sw.mu.Unlock()
	switch {
	case n <= shownFailures:
		sw.t.Errorf(format, args...)
	case n == maxFailures:
		sw.t.Errorf("stopping the sweep after %d failures", n)
	}
}

// done reports whether the sweep has stopped.
func (sw *sweep) done() bool {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	return sw.fails >= maxFailures
}

// count tallies one outcome for a field.
func (sw *sweep) count(field, outcome string) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.counts[field] == nil {
		sw.counts[field] = map[string]int{}
	}
	sw.counts[field][outcome]++
}

// log prints the tallies: how many inputs each field accepted and refused,
// and why.
func (sw *sweep) log() {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	fields := make([]string, 0, len(sw.counts))
	for f := range sw.counts {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		outcomes := make([]string, 0, len(sw.counts[f]))
		for o := range sw.counts[f] {
			outcomes = append(outcomes, o)
		}
		sort.Strings(outcomes)
		var parts []string
		for _, o := range outcomes {
			parts = append(parts, fmt.Sprintf("%s %d", o, sw.counts[f][o]))
		}
		sw.t.Logf("%-26s %s", f+":", strings.Join(parts, ", "))
	}
	if sw.fails > shownFailures {
		sw.t.Errorf("%d more failures not shown", sw.fails-shownFailures)
	}
}

// parallel runs fn for 0 ≤ i < n on a few goroutines, until the sweep
// stops. The outcome does not depend on the order: each i touches its own
// records.
func (sw *sweep) parallel(workers, n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := 0; i < n && !sw.done(); i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// ---------------------------------------------------------------------
// A client of HTML pages.

// formClient posts forms and reads pages as a signed-in member's browser
// would, without following redirects.
type formClient struct {
	base string
	c    *http.Client
}

func newFormClient(t testing.TB, s *testutil.Server, m *sharefair.Member) *formClient {
	c := s.Browser(t, m)
	// Uncompressed, on a few kept-alive connections: the sweeps make tens
	// of thousands of requests, and gzip costs both ends CPU that tells
	// nothing about validation or escaping.
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 2 * xssWorkers}
	t.Cleanup(tr.CloseIdleConnections)
	c.Transport = tr
	return &formClient{base: s.URL, c: c}
}

// served is a response read whole.
type served struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

func (r served) String() string { return r.method + " " + r.path + " → " + strconv.Itoa(r.status) }

// location returns the redirect target's path (with query) and fragment.
func (r served) location() (path, fragment string) {
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		return "", ""
	}
	path = u.Path
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return path, u.Fragment
}

// doc parses the response as HTML.
func (r served) doc() (*goquery.Document, error) {
	return goquery.NewDocumentFromReader(bytes.NewReader(r.body))
}

// do sends a request as a browser does (asking for HTML) and reads the
// whole answer. A 5xx is a failure whatever the caller expects: nothing a
// client sends may cause one.
func (b *formClient) do(sw *sweep, req *http.Request, what string) (served, bool) {
	sw.t.Helper()
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		sw.errorf("%s %s (%s): %v", req.Method, req.URL.Path, what, err)
		return served{}, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		sw.errorf("%s %s (%s): read body: %v", req.Method, req.URL.Path, what, err)
		return served{}, false
	}
	r := served{method: req.Method, path: req.URL.RequestURI(), status: resp.StatusCode, header: resp.Header, body: body}
	if r.status >= 500 {
		sw.errorf("%s: %s — a server error for a client's input%s", what, r, pageProblem(r))
		return r, false
	}
	return r, true
}

func (b *formClient) get(sw *sweep, path, what string) (served, bool) {
	sw.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		sw.errorf("GET %s (%s): %v", path, what, err)
		return served{}, false
	}
	return b.do(sw, req, what)
}

func (b *formClient) post(sw *sweep, path string, form url.Values, what string) (served, bool) {
	sw.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		sw.errorf("POST %s (%s): %v", path, what, err)
		return served{}, false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(sw, req, what)
}

// page fetches a page that must be there (200), parses it and checks it
// carries nothing that could run script.
func (b *formClient) page(sw *sweep, path, what string) (*goquery.Document, bool) {
	sw.t.Helper()
	r, ok := b.get(sw, path, what)
	if !ok {
		return nil, false
	}
	if r.status != http.StatusOK {
		sw.errorf("%s: %s, want 200%s", what, r, pageProblem(r))
		return nil, false
	}
	return parseSafe(sw, r, what)
}

// parseSafe parses an HTML response and checks it for markup that could
// run script.
func parseSafe(sw *sweep, r served, what string) (*goquery.Document, bool) {
	sw.t.Helper()
	doc, err := r.doc()
	if err != nil {
		sw.errorf("%s: parse %s: %v", what, r, err)
		return nil, false
	}
	if bad := unsafeMarkup(doc.Nodes[0]); len(bad) > 0 {
		sw.errorf("%s: %s serves markup that can run script: %s", what, r, strings.Join(bad, "; "))
		return doc, false
	}
	return doc, true
}

// pageProblem extracts the messages of an unexpected page, to say why.
func pageProblem(r served) string {
	doc, err := r.doc()
	if err != nil {
		return ""
	}
	var msgs []string
	doc.Find("div.problem, p.error, main > p").Each(func(_ int, s *goquery.Selection) {
		msgs = append(msgs, strings.TrimSpace(s.Text()))
	})
	if len(msgs) == 0 {
		return ""
	}
	return " — the page says: " + strings.Join(msgs, " / ")
}

// ---------------------------------------------------------------------
// Markup that could run script.

// urlAttributes hold URLs a browser may navigate to, load or run.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true, "data": true,
	"background": true, "poster": true, "lowsrc": true, "dynsrc": true, "codebase": true, "cite": true,
	"longdesc": true, "usemap": true, "ping": true, "manifest": true, "srcset": true, "icon": true,
}

// scriptElements can run or load active content, or change how the page's
// URLs resolve. The app's pages contain none (they have no scripts at all),
// so any of them came from input.
var scriptElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "base": true, "portal": true,
}

// unsafeMarkup lists what in the parsed page could run script: a script
// (or other active) element, an event-handler attribute, a javascript:,
// vbscript: or data:text/html URL, srcdoc, a meta refresh, or a style
// that runs code.
func unsafeMarkup(root *html.Node) []string {
	var bad []string
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		el := n.Data
		if n.Namespace != "" {
			el = n.Namespace + ":" + n.Data
		}
		if scriptElements[n.Data] {
			bad = append(bad, "<"+el+"> element")
		}
		if n.Data == "meta" && htmlAttr(n, "http-equiv") != "" {
			bad = append(bad, "<meta http-equiv="+strconv.Quote(htmlAttr(n, "http-equiv"))+">")
		}
		// The layout links the stylesheet and icons under /static/ and the
		// web manifest at its one address; no other link may appear.
		if href := htmlAttr(n, "href"); n.Data == "link" && !strings.HasPrefix(href, "/static/") && href != "/manifest.webmanifest" {
			bad = append(bad, "<link href="+strconv.Quote(htmlAttr(n, "href"))+">")
		}
		for _, a := range n.Attr {
			name := strings.ToLower(a.Key)
			if a.Namespace != "" {
				name = a.Namespace + ":" + name
			}
			switch {
			case strings.HasPrefix(name, "on"):
				bad = append(bad, fmt.Sprintf("<%s %s=%q> (event handler)", el, name, a.Val))
			case name == "srcdoc":
				bad = append(bad, fmt.Sprintf("<%s srcdoc=%q>", el, a.Val))
			case urlAttributes[name] && dangerousURL(a.Val):
				bad = append(bad, fmt.Sprintf("<%s %s=%q>", el, name, a.Val))
			case name == "style" && dangerousStyle(a.Val):
				bad = append(bad, fmt.Sprintf("<%s style=%q>", el, a.Val))
			case (name == "values" || name == "to" || name == "from") && dangerousURL(a.Val):
				// SVG animation can set an href to a script URL.
				bad = append(bad, fmt.Sprintf("<%s %s=%q>", el, name, a.Val))
			}
		}
	}
	return bad
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// dangerousURL reports whether a browser would treat v as a script URL:
// browsers strip leading and trailing C0 controls and spaces, remove tabs
// and newlines anywhere, and compare the scheme without regard to case.
func dangerousURL(v string) bool {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	for _, p := range []string{"javascript:", "vbscript:", "livescript:", "data:text/html", "data:application/xhtml", "data:image/svg"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// dangerousStyle reports whether an inline style could run code in some
// browser.
func dangerousStyle(v string) bool {
	v = strings.ToLower(strings.Join(strings.Fields(v), ""))
	return strings.Contains(v, "expression(") || strings.Contains(v, "javascript:") ||
		strings.Contains(v, "behavior:") || strings.Contains(v, "-moz-binding")
}

func TestUnsafeMarkupFindsScript(t *testing.T) {
	// The checker itself must catch what it is for, or the XSS sweep
	// proves nothing.
	for _, page := range []string{
		`<p>x</p><script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href=" JaVa&#09;ScRiPt:alert(1)">x</a>`,
		`<a href="&#x6A;avascript:alert(1)">x</a>`,
		`<form><button formaction="javascript:alert(1)">x</button></form>`,
		`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
		`<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>`,
		`<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		`<div style="width: expression(alert(1))">x</div>`,
		`<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>`,
	} {
		n, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatalf("parse %q: %v", page, err)
		}
		if bad := unsafeMarkup(n); len(bad) == 0 {
			t.Errorf("unsafeMarkup(%q) found nothing", page)
		}
	}
	for _, page := range []string{
		`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`,
		`<input value="javascript:alert(1)" name="x">`,
		`<textarea><img src=x onerror=alert(1)></textarea>`,
		`<a href="/threads/1">javascript:alert(1)</a>`,
		`<p title="onerror=alert(1)">x</p>`,
	} {
		n, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatalf("parse %q: %v", page, err)
		}
		if bad := unsafeMarkup(n); len(bad) > 0 {
			t.Errorf("unsafeMarkup(%q) = %v, want nothing: it is inert text", page, bad)
		}
	}
}

// ---------------------------------------------------------------------
// Reading forms back.

// controlValue returns what the control #f-NAME shows: an input's value
// attribute, a text area's text (the parser drops the one newline the page
// writes first to protect the content's own), a select's selected option
// values or a fieldset's ticked checkboxes' values, joined by "|".
func controlValue(doc *goquery.Document, name string) (string, bool) {
	sel := doc.Find("#f-" + name)
	if sel.Length() != 1 {
		return "", false
	}
	switch goquery.NodeName(sel) {
	case "input":
		return sel.Attr("value")
	case "textarea":
		return sel.Text(), true
	case "select":
		var vals []string
		sel.Find("option[selected]").Each(func(_ int, o *goquery.Selection) {
			v, _ := o.Attr("value")
			vals = append(vals, v)
		})
		return strings.Join(vals, "|"), true
	case "fieldset":
		var vals []string
		sel.Find("input[type=checkbox][checked]").Each(func(_ int, o *goquery.Selection) {
			v, _ := o.Attr("value")
			vals = append(vals, v)
		})
		return strings.Join(vals, "|"), true
	}
	return "", false
}

// asParsed returns what an HTML parser makes of s written into a page:
// line endings become "\n" (input stream preprocessing) and NUL becomes
// U+FFFD in attribute values and text areas. Only values the app refuses
// contain these; accepted values are compared exactly.
func asParsed(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	return strings.ToValidUTF8(s, "\uFFFD")
}

// errorBeside returns the message beside the control #f-NAME.
func errorBeside(doc *goquery.Document, name string) (string, bool) {
	sel := doc.Find("p.error#f-" + name + "-error")
	return strings.TrimSpace(sel.Text()), sel.Length() > 0
}

// same compares a shown value with the expected one.
func sameShown(sw *sweep, what, where, got, want string) bool {
	sw.t.Helper()
	if got != want {
		sw.errorf("%s: %s shows %q, want %q", what, where, got, want)
		return false
	}
	return true
}

// joinNonEmpty joins the non-empty parts with ", ", as a profile line does.
func joinShown(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// fact returns the text of the profile's <dd> after <dt>label</dt>.
func profileFact(doc *goquery.Document, label string) (string, bool) {
	dt := doc.Find("dl.facts dt").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Text()) == label
	})
	if dt.Length() == 0 {
		return "", false
	}
	return dt.Next().Text(), true
}

// postID returns the id of a post anchor "p123".
func postIDOf(anchor string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(anchor, "p"), 10, 64)
	return n, err == nil && strings.HasPrefix(anchor, "p") && n > 0
}

// threadID returns the id in a thread path "/threads/123[?page=N]".
func threadIDOf(path string) (int64, bool) {
	rest, ok := strings.CutPrefix(path, "/threads/")
	if !ok {
		return 0, false
	}
	rest, _, _ = strings.Cut(rest, "?")
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n > 0
}

// ---------------------------------------------------------------------
// One form under the sweep.

// formUnder is a form the sweep posts naughty strings through.
type formUnder struct {
	tally  string // prefix of the tallies, e.g. "profile"
	action string
	fields []textField // its free-text fields
	// base returns valid values for every field the form posts.
	base func() url.Values
	// adjust may change the values about to be posted (a hub's slug).
	adjust func(vals url.Values, group []textField, accepted bool, s string)
	// readBack checks that an accepted submission round-trips: what was
	// sent, as the rules store it, is what the pages show.
	readBack func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool
	// note may add to the description of a submission, to explain a
	// failure.
	note func(vals url.Values) string
}

// stored returns what field holds after an accepted submission of sent.
func (f *formUnder) stored(sent url.Values, field string) string {
	return ruleOf(f.fields, field).judge(sent.Get(field)).stored
}

// submit posts one naughty string through the form. The fields the rules
// predict to accept it are sent it together, and must round-trip; the
// fields predicted to refuse it are sent it together (the rest valid), and
// must come back with a message beside each and every input kept.
func (f *formUnder) submit(sw *sweep, b *formClient, in naughtyString) {
	sw.t.Helper()
	var accept, refuse []textField
	for _, fl := range f.fields {
		if fl.rule.judge(in.value).accepted() {
			accept = append(accept, fl)
		} else {
			refuse = append(refuse, fl)
		}
	}
	for _, g := range []struct {
		fields   []textField
		accepted bool
	}{{accept, true}, {refuse, false}} {
		if len(g.fields) == 0 {
			continue
		}
		vals := f.base()
		for _, fl := range g.fields {
			vals.Set(fl.name, in.value)
		}
		if f.adjust != nil {
			f.adjust(vals, g.fields, g.accepted, in.value)
		}
		what := fmt.Sprintf("%s %s %q in %s", f.tally, in.label, in.value, fieldNames(g.fields))
		if f.note != nil {
			what += f.note(vals)
		}
		r, ok := b.post(sw, f.action, vals, what)
		if !ok {
			continue
		}
		if !g.accepted {
			if checkRefused(sw, what, r, vals, f.fields, g.fields, in.value) {
				for _, fl := range g.fields {
					sw.count(f.tally+"."+fl.name, "refused ("+fl.rule.judge(in.value).reasons[0]+")")
				}
			}
			continue
		}
		if r.status != http.StatusSeeOther {
			sw.errorf("%s: %s, want 303 (the documented rules accept it)%s", what, r, pageProblem(r))
			continue
		}
		if f.readBack(sw, b, what, r, vals) {
			for _, fl := range g.fields {
				sw.count(f.tally+"."+fl.name, "accepted")
			}
		}
	}
}

// checkRefused checks a refusal of value in the refused fields: 422, the
// form again with a problem summary, a message stating a documented reason
// beside each refused field and beside no other, and every submitted value
// still in its control. The page must be safe: it shows the input back.
func checkRefused(sw *sweep, what string, r served, sent url.Values, fields, refused []textField, value string) bool {
	sw.t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		sw.errorf("%s: %s, want 422 (refused: %v)%s", what, r, refused[0].rule.judge(value).reasons, pageProblem(r))
		return false
	}
	doc, ok := parseSafe(sw, r, what)
	if doc == nil {
		return false
	}
	if doc.Find(`div.problem[role="alert"]`).Length() != 1 {
		sw.errorf("%s: the refused form has no problem summary on top", what)
		ok = false
	}
	for _, fl := range fields {
		msg, has := errorBeside(doc, fl.name)
		isRefused := slices.ContainsFunc(refused, func(g textField) bool { return g.name == fl.name })
		switch {
		case isRefused && msg == "":
			sw.errorf("%s: no message beside #f-%s", what, fl.name)
			ok = false
		case isRefused && !fl.rule.explains(msg, fl.rule.judge(value).reasons):
			sw.errorf("%s: the message beside #f-%s is %q; want it to state one of %v", what, fl.name, msg, fl.rule.judge(value).reasons)
			ok = false
		case !isRefused && has:
			sw.errorf("%s: unexpected message beside #f-%s: %q", what, fl.name, msg)
			ok = false
		}
	}
	return keptInput(sw, what, doc, sent, nil) && ok
}

// keptInput checks that every submitted value (but those in skip) is
// shown back in its control, as an HTML parser reads it.
func keptInput(sw *sweep, what string, doc *goquery.Document, sent url.Values, skip map[string]bool) bool {
	sw.t.Helper()
	ok := true
	for name, vs := range sent {
		if skip[name] {
			continue
		}
		got, found := controlValue(doc, name)
		want := asParsed(strings.Join(vs, "|"))
		if !found {
			sw.errorf("%s: the refused form has no control #f-%s", what, name)
			ok = false
		} else if asParsed(got) != want {
			sw.errorf("%s: #f-%s shows %q, want the input kept: %q", what, name, got, want)
			ok = false
		}
	}
	return ok
}

// names lists the fields of a group.
func fieldNames(group []textField) string {
	var ns []string
	for _, g := range group {
		ns = append(ns, g.name)
	}
	return strings.Join(ns, "+")
}

// ---------------------------------------------------------------------
// The forms.

// profileBase is a valid profile form for the member with handle.
func profileBase(handle string) url.Values {
	return url.Values{
		"name": {"Naughty Member"}, "handle": {handle}, "organisation": {"Knowledge Org"}, "title": {"Facilitator"},
		"city": {"Nairobi"}, "country": {"KE"}, "time_zone": {"Africa/Nairobi"}, "languages": {"en", "sw"},
		"expertise": {"facilitation, harvesting"}, "bio": {"Ask me about peer assists."},
	}
}

// profileForm is the profile form (POST /settings) of the member with
// handle, read back from their profile page and the form itself.
func profileForm(handle string) *formUnder {
	f := &formUnder{tally: "profile", action: "/settings", fields: profileFields,
		base: func() url.Values { return profileBase(handle) }}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		if loc, _ := r.location(); loc != "/members/"+handle {
			sw.errorf("%s: the saved profile redirects to %q, want /members/%s", what, loc, handle)
			return false
		}
		doc, ok := b.page(sw, "/members/"+handle, what)
		if doc == nil {
			return false
		}
		ok = sameShown(sw, what, "the profile's <h1>", doc.Find("main h1").First().Text(), f.stored(sent, "name")) && ok
		country, _ := sharefair.CountryName(sent.Get("country"))
		for _, fc := range []struct{ label, want string }{
			{"Works as", joinShown(f.stored(sent, "title"), f.stored(sent, "organisation"))},
			{"Based in", joinShown(f.stored(sent, "city"), country)},
		} {
			got, has := profileFact(doc, fc.label)
			if fc.want == "" && has {
				sw.errorf("%s: the profile shows %s %q, want nothing", what, fc.label, got)
				ok = false
			} else if fc.want != "" {
				ok = sameShown(sw, what, "the profile's "+fc.label, got, fc.want) && ok
			}
		}
		bio := doc.Find("p.bio")
		if want := f.stored(sent, "bio"); want == "" && bio.Length() > 0 {
			sw.errorf("%s: the profile shows a bio %q, want none", what, bio.Text())
			ok = false
		} else if want != "" {
			ok = sameShown(sw, what, "the profile's bio", bio.Text(), want) && ok
		}
		form, fok := b.page(sw, "/settings", what)
		if form == nil {
			return false
		}
		for _, fl := range profileFields {
			got, _ := controlValue(form, fl.name)
			fok = sameShown(sw, what, "/settings #f-"+fl.name, got, f.stored(sent, fl.name)) && fok
		}
		return ok && fok
	}
	return f
}

// hubForm is the new-hub form (POST /hubs), read back from the hub page
// and its edit form. A name's slug is derived from it the first time that
// slug comes up, so derivation is exercised; otherwise an explicit unused
// slug is sent, so that names are tested, not slug clashes.
func hubForm() *formUnder {
	used := map[string]bool{}
	n := 0
	f := &formUnder{tally: "hub", action: "/hubs", fields: hubFields,
		base: func() url.Values {
			return url.Values{"name": {"A hub"}, "slug": {""}, "description": {"About the hub."}, "city": {"Rome"}}
		}}
	f.adjust = func(vals url.Values, group []textField, accepted bool, s string) {
		if accepted && group[0].name == "name" {
			if d := sharefair.Slugify(ruleOf(hubFields, "name").judge(s).stored); d != "" && !used[d] {
				used[d] = true
				vals.Set("slug", "")
				return
			}
		}
		for {
			n++
			slug := "naughty-" + strconv.Itoa(n)
			if !used[slug] {
				used[slug] = true
				vals.Set("slug", slug)
				return
			}
		}
	}
	f.note = func(vals url.Values) string {
		if vals.Get("slug") != "" {
			return ", address " + strconv.Quote(vals.Get("slug"))
		}
		d := sharefair.Slugify(ruleOf(hubFields, "name").judge(vals.Get("name")).stored)
		return fmt.Sprintf(", no address: derived from the name, %q (%d characters; a valid address has at most 40)", d, len(d))
	}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		slug := sent.Get("slug")
		if slug == "" {
			slug = sharefair.Slugify(f.stored(sent, "name"))
			sw.count("hub.slug (from the name)", "derived")
		}
		if loc, _ := r.location(); loc != "/hubs/"+slug {
			sw.errorf("%s: the new hub redirects to %q, want /hubs/%s", what, loc, slug)
			return false
		}
		return readHub(sw, b, what, slug, f.stored(sent, "name"), f.stored(sent, "description"), f.stored(sent, "city"))
	}
	return f
}

// readHub checks that the hub page shows the name, and the hub's edit form
// the name, the description (Markdown: the page shows its rendering) and
// the city.
func readHub(sw *sweep, b *formClient, what, slug, name, description, city string) bool {
	sw.t.Helper()
	doc, ok := b.page(sw, "/hubs/"+slug, what)
	if doc == nil {
		return false
	}
	ok = sameShown(sw, what, "the hub's <h1>", doc.Find("main h1").First().Text(), name) && ok
	if desc := doc.Find("main div.body"); description == "" && desc.Length() > 0 {
		sw.errorf("%s: the hub page shows a description %q, want none", what, desc.Text())
		ok = false
	}
	form, fok := b.page(sw, "/hubs/"+slug+"/edit", what)
	if form == nil {
		return false
	}
	got, _ := controlValue(form, "name")
	fok = sameShown(sw, what, "the hub's edit form #f-name", got, name) && fok
	got, _ = controlValue(form, "description")
	fok = sameShown(sw, what, "the hub's edit form #f-description", got, description) && fok
	got, _ = controlValue(form, "city")
	fok = sameShown(sw, what, "the hub's edit form #f-city", got, city) && fok
	return ok && fok
}

// hubEditForm is the edit form of the hub with slug (POST
// /hubs/{slug}/edit), read back like a new hub.
func hubEditForm(slug string) *formUnder {
	f := &formUnder{tally: "hub edit", action: "/hubs/" + slug + "/edit", fields: hubFields,
		base: func() url.Values {
			return url.Values{"name": {"A hub"}, "description": {"About the hub."}, "city": {"Rome"}}
		}}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		if loc, _ := r.location(); loc != "/hubs/"+slug {
			sw.errorf("%s: the saved hub redirects to %q, want /hubs/%s", what, loc, slug)
			return false
		}
		return readHub(sw, b, what, slug, f.stored(sent, "name"), f.stored(sent, "description"), f.stored(sent, "city"))
	}
	return f
}

// invitationForm is the invitations page's form (POST /invitations),
// each submission to a new address, read back from the link it shows the
// inviter: the join page, as the person invited sees it (signed out),
// shows the message and offers the name.
func invitationForm(guest *formClient) *formUnder {
	n := 0
	f := &formUnder{tally: "invitation", action: "/invitations", fields: invitationFields,
		base: func() url.Values {
			n++
			return url.Values{"email": {"invitee" + strconv.Itoa(n) + "@example.org"}, "hub": {""},
				"name": {"A colleague"}, "message": {"Join us."}}
		}}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		if loc, _ := r.location(); loc != "/invitations" {
			sw.errorf("%s: the new invitation redirects to %q, want /invitations", what, loc)
			return false
		}
		doc, ok := b.page(sw, "/invitations", what)
		if doc == nil {
			return false
		}
		m := joinPath.FindString(doc.Find(".flash").Text())
		if m == "" {
			sw.errorf("%s: the invitations page shows no link in %q", what, doc.Find(".flash").Text())
			return false
		}
		join, jok := guest.page(sw, m, what)
		if join == nil {
			return false
		}
		got, _ := controlValue(join, "name")
		ok = sameShown(sw, what, "the join form's #f-name", got, f.stored(sent, "name")) && ok && jok
		msg := join.Find(".invitation-message blockquote")
		if want := f.stored(sent, "message"); want == "" && msg.Length() > 0 {
			sw.errorf("%s: the join page shows a message %q, want none", what, msg.Text())
			ok = false
		} else if want != "" {
			ok = sameShown(sw, what, "the join page's message", msg.Text(), want) && ok
		}
		return ok
	}
	return f
}

// joinPath finds the path of an invitation link.
var joinPath = regexp.MustCompile(`/join/[A-Za-z0-9_-]+`)

// networkForm is the network's settings form (POST /network), read back
// from the form, the home page (whose header names the network) and the
// sign-in page, which shows the description to everyone.
func networkForm(guest *formClient) *formUnder {
	f := &formUnder{tally: "network", action: "/network", fields: networkFields,
		base: func() url.Values {
			return url.Values{"name": {"A network"}, "description": {"What we are for."}, "time_zone": {"UTC"}}
		}}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		if loc, _ := r.location(); loc != "/network" {
			sw.errorf("%s: the saved settings redirect to %q, want /network", what, loc)
			return false
		}
		form, ok := b.page(sw, "/network", what)
		if form == nil {
			return false
		}
		for _, fl := range networkFields {
			got, _ := controlValue(form, fl.name)
			ok = sameShown(sw, what, "/network #f-"+fl.name, got, f.stored(sent, fl.name)) && ok
		}
		_, hok := b.page(sw, "/", what)
		_, sok := guest.page(sw, "/signin", what)
		return ok && hok && sok
	}
	return f
}

// threadForm is the new-thread form (POST /threads), read back from the
// thread page (title), the title's edit form, and the opening post's edit
// form (the Markdown source; the page shows its rendering).
func threadForm() *formUnder {
	f := &formUnder{tally: "thread", action: "/threads", fields: threadFields,
		base: func() url.Values {
			return url.Values{"title": {"A thread"}, "audience": {"network"}, "body": {"The opening post."}}
		}}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		loc, _ := r.location()
		id, isThread := threadIDOf(loc)
		if !isThread {
			sw.errorf("%s: the new thread redirects to %q, want /threads/{id}", what, loc)
			return false
		}
		doc, ok := b.page(sw, loc, what)
		if doc == nil {
			return false
		}
		ok = sameShown(sw, what, "the thread's <h1>", doc.Find("main h1").First().Text(), f.stored(sent, "title")) && ok
		anchor, _ := doc.Find("div.post").First().Attr("id")
		pid, isPost := postIDOf(anchor)
		if !isPost {
			sw.errorf("%s: the thread page has no opening post (first div.post id %q)", what, anchor)
			return false
		}
		if form, fok := b.page(sw, "/posts/"+strconv.FormatInt(pid, 10)+"/edit", what); form != nil {
			got, _ := controlValue(form, "body")
			ok = fok && sameShown(sw, what, "the opening post's edit form #f-body", got, f.stored(sent, "body")) && ok
		} else {
			ok = false
		}
		if form, fok := b.page(sw, "/threads/"+strconv.FormatInt(id, 10)+"/edit", what); form != nil {
			got, _ := controlValue(form, "title")
			ok = fok && sameShown(sw, what, "the title's edit form #f-title", got, f.stored(sent, "title")) && ok
		} else {
			ok = false
		}
		return ok
	}
	return f
}

// replyForm is the reply form of thread id, read back from the reply's
// edit form. The ids of accepted replies are appended to posts.
func replyForm(id int64, posts *[]int64) *formUnder {
	path := "/threads/" + strconv.FormatInt(id, 10)
	f := &formUnder{tally: "reply", action: path + "/posts", fields: replyFields,
		base: func() url.Values { return url.Values{"body": {"A reply."}} }}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		loc, frag := r.location()
		pid, isPost := postIDOf(frag)
		if tid, _ := threadIDOf(loc); tid != id || !isPost {
			sw.errorf("%s: the reply redirects to %q, want %s[?page=N]#p{id}", what, r.header.Get("Location"), path)
			return false
		}
		*posts = append(*posts, pid)
		form, ok := b.page(sw, "/posts/"+strconv.FormatInt(pid, 10)+"/edit", what)
		if form == nil {
			return false
		}
		got, _ := controlValue(form, "body")
		return sameShown(sw, what, "the reply's edit form #f-body", got, f.stored(sent, "body")) && ok
	}
	return f
}

// renameForm is the title's edit form of thread id (POST
// /threads/{id}/edit), read back from the thread page and the form.
func renameForm(id int64) *formUnder {
	path := "/threads/" + strconv.FormatInt(id, 10)
	f := &formUnder{tally: "thread rename", action: path + "/edit", fields: threadFields[:1],
		base: func() url.Values { return url.Values{"title": {"A thread"}} }}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		if loc, _ := r.location(); loc != path+"?page=1" {
			sw.errorf("%s: the renamed thread redirects to %q, want %s?page=1", what, loc, path)
			return false
		}
		doc, ok := b.page(sw, path, what)
		if doc == nil {
			return false
		}
		ok = sameShown(sw, what, "the thread's <h1>", doc.Find("main h1").First().Text(), f.stored(sent, "title")) && ok
		form, fok := b.page(sw, path+"/edit", what)
		if form == nil {
			return false
		}
		got, _ := controlValue(form, "title")
		return sameShown(sw, what, "the title's edit form #f-title", got, f.stored(sent, "title")) && ok && fok
	}
	return f
}

// postEditForm is the edit form of post id (POST /posts/{id}/edit), read
// back from the form.
func postEditForm(id int64) *formUnder {
	path := "/posts/" + strconv.FormatInt(id, 10)
	f := &formUnder{tally: "post edit", action: path + "/edit", fields: replyFields,
		base: func() url.Values { return url.Values{"body": {"An edited post."}} }}
	f.readBack = func(sw *sweep, b *formClient, what string, r served, sent url.Values) bool {
		if _, frag := r.location(); frag != "p"+strconv.FormatInt(id, 10) {
			sw.errorf("%s: the edited post redirects to %q, want its thread at #p%d", what, r.header.Get("Location"), id)
			return false
		}
		form, ok := b.page(sw, path+"/edit", what)
		if form == nil {
			return false
		}
		got, _ := controlValue(form, "body")
		return sameShown(sw, what, "the post's edit form #f-body", got, f.stored(sent, "body")) && ok
	}
	return f
}

// ---------------------------------------------------------------------
// The Big List of Naughty Strings through every free-text field.

// TestNaughtyStringsThroughForms posts every string of the Big List of
// Naughty Strings (and a few more, for the reasons it lacks) through the
// free-text fields of the profile, new-hub, new-thread and reply forms, and
// of the forms that edit a hub, a thread's title and a post. Each
// string is either stored and shown back exactly (single-line fields
// trimmed of surrounding white space, line endings normalised in
// multi-line ones), or refused for a documented reason with the message
// beside the field and the input kept. It also checks that the enumerated
// fields accept their lists and nothing else.
func TestNaughtyStringsThroughForms(t *testing.T) {
	in := blnsStrings(t)
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			start := time.Now()
			s := testutil.NewServer(t, e)
			t.Cleanup(func() { t.Logf("%s: the naughty-string sweep took %v", e, time.Since(start).Round(time.Millisecond)) })
			admin := newFormClient(t, s, s.Admin)
			sweepEveryForm(t, e, s, in, true)
			t.Run("EnumeratedLabels", func(t *testing.T) {
				t.Parallel()
				checkDistinctLabels(newSweep(t), admin)
			})
			t.Run("EnumeratedFields", func(t *testing.T) {
				t.Parallel()
				m := testutil.MustCreateMember(t, s.DB, "enum", sharefair.RoleMember)
				checkEnumeratedFields(newSweep(t), s, m, newFormClient(t, s, m))
			})
		})
	}
}

// sweepEveryForm posts every input of in through the free-text fields of
// the profile, new-hub, new-thread and reply forms and of the forms that
// edit a thread's title, a post and a hub, each form on its own member and
// records, side by side. Each input is stored and shown back exactly, or
// refused for a documented reason beside the field; every page read on the
// way is checked for markup that could run script. With slugs, hub names
// that make no address are checked to ask for one.
func sweepEveryForm(t *testing.T, e testutil.Engine, s *testutil.Server, in []naughtyString, slugs bool) {
	t.Helper()
	mk := func(handle string) *formClient {
		return newFormClient(t, s, testutil.MustCreateMember(t, s.DB, handle, sharefair.RoleMember))
	}
	// Each part works on its own member and records, so the parts
	// may run side by side.
	profile, poster, replier := mk("naughty"), mk("poster"), mk("replier")
	admin := newFormClient(t, s, s.Admin)

	t.Run("Profile", func(t *testing.T) {
		t.Parallel()
		sw := newSweep(t)
		f := profileForm("naughty")
		for _, x := range in {
			if sw.done() {
				break
			}
			f.submit(sw, profile, x)
		}
		sw.log()
	})
	t.Run("Hub", func(t *testing.T) {
		t.Parallel()
		sw := newSweep(t)
		f := hubForm()
		for _, x := range in {
			if sw.done() {
				break
			}
			f.submit(sw, admin, x)
			checkSlugRefused(sw, admin, x)
		}
		sw.log()
	})
	guest := newFormClient(t, s, nil)
	t.Run("Invitation", func(t *testing.T) {
		t.Parallel()
		sw := newSweep(t)
		// A server of its own: the invitations page offers every hub,
		// and the hub sweep beside it makes one for each input.
		is := testutil.NewServer(t, e)
		inviter := newFormClient(t, is, is.Admin)
		f := invitationForm(newFormClient(t, is, nil))
		for _, x := range in {
			if sw.done() {
				break
			}
			f.submit(sw, inviter, x)
		}
		sw.log()
	})
	t.Run("Network", func(t *testing.T) {
		t.Parallel()
		sw := newSweep(t)
		f := networkForm(guest)
		for _, x := range in {
			if sw.done() {
				break
			}
			f.submit(sw, admin, x)
		}
		sw.log()
	})
	t.Run("Thread", func(t *testing.T) {
		t.Parallel()
		sw := newSweep(t)
		f := threadForm()
		for _, x := range in {
			if sw.done() {
				break
			}
			f.submit(sw, poster, x)
		}
		sw.log()
	})
	t.Run("Reply", func(t *testing.T) {
		t.Parallel()
		sw := newSweep(t)
		th := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Replies to everything", "Reply with anything.")
		var posts []int64
		f := replyForm(th.ID, &posts)
		for _, x := range in {
			if sw.done() {
				break
			}
			f.submit(sw, replier, x)
		}
		checkThreadHolds(sw, replier, th.ID, posts)
		sw.log()
	})
	t.Run("EditForms", func(t *testing.T) {
		t.Parallel()
		m := testutil.MustCreateMember(t, s.DB, "editor", sharefair.RoleMember)
		editor := newFormClient(t, s, m)
		th := testutil.MustCreateThread(t, s.DB, m, nil, "Edit me", "Edit me too.")
		posts, _, err := s.DB.FindPosts(testutil.As(m), th.ID, sharefair.Page{})
		if err != nil || len(posts) != 1 {
			t.Fatalf("the new thread's posts: %v, %v", posts, err)
		}
		hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Editable")
		for _, c := range []struct {
			name string
			f    *formUnder
			b    *formClient
		}{
			{"RenameThread", renameForm(th.ID), editor},
			{"EditPost", postEditForm(posts[0].ID), editor},
			{"EditHub", hubEditForm(hub.Slug), admin},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				sw := newSweep(t)
				for _, x := range in {
					if sw.done() {
						break
					}
					c.f.submit(sw, c.b, x)
				}
				sw.log()
			})
		}
	})
}

// checkSlugRefused posts a hub name that has no letters or digits to make
// an address from, without an address: the form must ask for one, beside
// the address field, keeping the name.
func checkSlugRefused(sw *sweep, b *formClient, x naughtyString) {
	sw.t.Helper()
	v := ruleOf(hubFields, "name").judge(x.value)
	if !v.accepted() || sharefair.Slugify(v.stored) != "" {
		return
	}
	what := fmt.Sprintf("hub %s %q in name, no address", x.label, x.value)
	vals := url.Values{"name": {x.value}, "slug": {""}, "description": {"About the hub."}}
	r, ok := b.post(sw, "/hubs", vals, what)
	if !ok {
		return
	}
	if r.status != http.StatusUnprocessableEntity {
		sw.errorf("%s: %s, want 422 asking for an address%s", what, r, pageProblem(r))
		return
	}
	doc, ok := parseSafe(sw, r, what)
	if doc == nil {
		return
	}
	if msg, _ := errorBeside(doc, "slug"); msg == "" {
		sw.errorf("%s: no message beside #f-slug", what)
		ok = false
	}
	for _, f := range []string{"name", "description"} {
		if msg, has := errorBeside(doc, f); has {
			sw.errorf("%s: unexpected message beside #f-%s: %q", what, f, msg)
			ok = false
		}
	}
	if keptInput(sw, what, doc, vals, nil) && ok {
		sw.count("hub.slug (from the name)", "refused (nothing to make it from)")
	}
}

// checkThreadHolds reads every page of a thread: each is safe, and
// together they hold the opening post and exactly the replies posted.
func checkThreadHolds(sw *sweep, b *formClient, id int64, posts []int64) {
	sw.t.Helper()
	want := map[int64]bool{}
	for _, p := range posts {
		want[p] = true
	}
	pages := sharefair.PageCount(len(posts)+1, sharefair.PostsPerPage)
	seen := 0
	for n := 1; n <= pages && !sw.done(); n++ {
		path := "/threads/" + strconv.FormatInt(id, 10) + "?page=" + strconv.Itoa(n)
		doc, _ := b.page(sw, path, "the reply thread's page "+strconv.Itoa(n))
		if doc == nil {
			continue
		}
		doc.Find("div.post").Each(func(_ int, s *goquery.Selection) {
			anchor, _ := s.Attr("id")
			if pid, ok := postIDOf(anchor); ok && want[pid] {
				delete(want, pid)
			}
			seen++
		})
	}
	if len(want) > 0 || seen != len(posts)+1 {
		sw.errorf("thread %d: its %d pages show %d posts (want %d) and miss %d of the replies", id, pages, seen, len(posts)+1, len(want))
	}
}

// checkDistinctLabels checks that no enumerated field of the profile form
// offers two options with the same label. A person chooses by label: two
// options labelled alike are two choices they cannot tell apart, stored as
// different codes (and so found by different directory filters).
func checkDistinctLabels(sw *sweep, b *formClient) {
	sw.t.Helper()
	doc, _ := b.page(sw, "/settings", "the profile form")
	if doc == nil {
		return
	}
	for _, field := range []string{"country", "time_zone", "languages"} {
		codes := map[string][]string{}
		// Options of a select, or checkboxes in their labels.
		doc.Find("#f-" + field + " option, #f-" + field + " label:has(input)").Each(func(_ int, o *goquery.Selection) {
			code, ok := o.Attr("value")
			if !ok {
				code, _ = o.Find("input").Attr("value")
			}
			label := strings.TrimSpace(o.Text())
			codes[label] = append(codes[label], code)
		})
		labels := slices.Sorted(maps.Keys(codes))
		for _, label := range labels {
			if cs := codes[label]; len(cs) > 1 {
				sw.errorf("the profile form's %s list offers %q %d times, as %q: a person cannot tell them apart", field, label, len(cs), cs)
			}
		}
		sw.t.Logf("%s: %d options, %d distinct labels", field, doc.Find("#f-"+field+" option, #f-"+field+" label:has(input)").Length(), len(labels))
	}
}

// checkEnumeratedFields posts every code of the country, time zone and
// language lists (each accepted and stored; the form shows the first and
// last of each list selected), then codes that are not on the lists (each
// refused beside its field, the rest kept).
func checkEnumeratedFields(sw *sweep, s *testutil.Server, m *sharefair.Member, b *formClient) {
	sw.t.Helper()
	storedAs := func(field string, got *sharefair.Member) []string {
		switch field {
		case "country":
			return []string{got.Country}
		case "time_zone":
			return []string{got.TimeZone}
		}
		return got.Languages
	}
	accept := func(field string, values []string, show bool) {
		sw.t.Helper()
		vals := profileBase(m.Handle)
		vals[field] = values
		what := fmt.Sprintf("%s %q", field, values)
		r, ok := b.post(sw, "/settings", vals, what)
		if !ok {
			return
		}
		if r.status != http.StatusSeeOther {
			sw.errorf("%s: %s, want 303 (on the list)%s", what, r, pageProblem(r))
			return
		}
		got, err := s.DB.FindMemberByID(testutil.As(m), m.ID)
		if err != nil {
			sw.errorf("%s: read the member back: %v", what, err)
			return
		}
		// Languages are a set: compare them in one order.
		want := slices.Sorted(slices.Values(values))
		if !sameShown(sw, what, "the stored "+field, strings.Join(slices.Sorted(slices.Values(storedAs(field, got))), "|"), strings.Join(want, "|")) {
			return
		}
		if show {
			doc, _ := b.page(sw, "/settings", what)
			if doc == nil {
				return
			}
			shown, _ := controlValue(doc, field)
			if !sameShown(sw, what, "/settings #f-"+field, strings.Join(slices.Sorted(slices.Values(strings.Split(shown, "|"))), "|"), strings.Join(want, "|")) {
				return
			}
		}
		sw.count(field, "accepted")
	}
	for i, c := range sharefair.Countries {
		accept("country", []string{c.Code}, i == 0 || i == len(sharefair.Countries)-1)
	}
	accept("country", []string{""}, true)
	for i, z := range sharefair.TimeZones {
		accept("time_zone", []string{z}, i == 0 || i == len(sharefair.TimeZones)-1)
	}
	accept("time_zone", []string{""}, true)
	for i := 0; i < len(sharefair.Languages); i += sharefair.MaxLanguages {
		var codes []string
		for _, l := range sharefair.Languages[i:min(i+sharefair.MaxLanguages, len(sharefair.Languages))] {
			codes = append(codes, l.Code)
		}
		accept("languages", codes, true)
	}
	accept("languages", nil, true)

	refuse := func(field string, values []string) {
		sw.t.Helper()
		vals := profileBase(m.Handle)
		vals[field] = values
		what := fmt.Sprintf("%s %q", field, values)
		r, ok := b.post(sw, "/settings", vals, what)
		if !ok {
			return
		}
		if r.status != http.StatusUnprocessableEntity {
			sw.errorf("%s: %s, want 422 (not on the list)%s", what, r, pageProblem(r))
			return
		}
		doc, ok := parseSafe(sw, r, what)
		if doc == nil {
			return
		}
		if msg, _ := errorBeside(doc, field); msg == "" {
			sw.errorf("%s: no message beside #f-%s", what, field)
			ok = false
		}
		for other := range vals {
			if msg, has := errorBeside(doc, other); has && other != field {
				sw.errorf("%s: unexpected message beside #f-%s: %q", what, other, msg)
				ok = false
			}
		}
		// A select cannot show a value that is not among its options;
		// every other field must be kept.
		if keptInput(sw, what, doc, vals, map[string]bool{field: true}) && ok {
			sw.count(field, "refused")
		}
	}
	for _, v := range []string{"XX", "Narnia", "KEN", "K E", "UK", "EU", "<script>alert(1)</script>", "KE\x00", "１２", "ke; DROP TABLE members"} {
		refuse("country", []string{v})
	}
	for _, v := range []string{"Mars/Olympus", "Narnia", "europe/rome", "Local", "../../etc/passwd", "+03:00", "GMT+3", "Europe/Rome\x00", "<script>alert(1)</script>", "Europe/Rome/Trastevere"} {
		refuse("time_zone", []string{v})
	}
	for _, v := range [][]string{{"en-GB"}, {"xx"}, {"english"}, {"en", "zz"}, {"<script>"}, {"en\x00"}, {"e n"}} {
		refuse("languages", v)
	}
	var tooMany []string
	for _, l := range sharefair.Languages[:sharefair.MaxLanguages+1] {
		tooMany = append(tooMany, l.Code)
	}
	refuse("languages", tooMany)
	sw.log()
}

// ---------------------------------------------------------------------
// XSS payloads where other members see them.

// TestXSSPayloadsThroughForms posts every payload of payloadbox's XSS list
// through every free-text field of every form (profile: name,
// organisation, title, city, bio; hub: name, description, new and edited;
// thread: title and opening post; reply; title and post edits) and reads
// the pages that show them back: the profile and the settings form, the
// hub page and its edit form, the thread page and the edit forms, and the
// refused forms that show the input back. Member names and thread titles
// are also read where they are listed: the member directory, a thread each
// member wrote in, the hubs' and the network's thread lists and the home
// page. None may carry a script element, an event-handler attribute or a
// script URL. SQLite takes the whole corpus, PostgreSQL a share
// (testutil.XSSPostgresShare).
func TestXSSPayloadsThroughForms(t *testing.T) {
	all := xssPayloads(t)
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			payloads := testutil.XSSShare(e, all)
			t.Run("Lists", func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				s := testutil.NewServer(t, e)
				t.Cleanup(func() { t.Logf("%s: the XSS sweep of lists took %v", e, time.Since(start).Round(time.Millisecond)) })
				member := testutil.MustCreateMember(t, s.DB, "poster", sharefair.RoleMember)
				poster := newFormClient(t, s, member)
				// Names first: a profile page lists the member's discussions,
				// and that costs more once thousands of threads exist.
				t.Run("MemberName", func(t *testing.T) {
					sw := newSweep(t)
					xssNames(sw, s, payloads)
					sw.log()
				})
				t.Run("ThreadTitleAndPostBody", func(t *testing.T) {
					sw := newSweep(t)
					xssThreads(sw, s, member, poster, payloads)
					sw.log()
				})
			})
			// Every free-text field of every form, as the naughty strings
			// go, with every page read on the way checked for script.
			t.Run("EveryForm", func(t *testing.T) {
				t.Parallel()
				sweepEveryForm(t, e, testutil.NewServer(t, e), payloads, false)
			})
		})
	}
}

// xssWorkers is how many requests a sweep keeps in flight: enough to keep
// two cores busy while the database writes.
const xssWorkers = 4

// xssThreads starts one thread per payload, the payload as its title and
// as its opening post, and reads each thread page (and the post's edit
// form when the payload could leave a text area). The threads are spread over hubs, one page of threads each, so
// that every title is read back in a thread list (the hub page's) without
// paging through thousands of threads; the network's thread list and the
// home page are read too.
func xssThreads(sw *sweep, s *testutil.Server, member *sharefair.Member, b *formClient, payloads []naughtyString) {
	sw.t.Helper()
	title, body := ruleOf(threadFields, "title"), ruleOf(threadFields, "body")
	hubs := make([]*sharefair.Hub, sharefair.PageCount(len(payloads), sharefair.DefaultPageSize))
	for k := range hubs {
		hubs[k] = testutil.MustCreateHub(sw.t, s.DB, s.Admin, "Payloads "+strconv.Itoa(k))
		testutil.MustJoin(sw.t, s.DB, member, hubs[k])
	}
	hubOf := func(i int) int { return i / sharefair.DefaultPageSize }
	titles := make([]string, len(payloads)) // the title each payload's thread got
	sw.parallel(xssWorkers, len(payloads), func(i int) {
		p := payloads[i]
		vals := url.Values{"title": {p.value}, "audience": {"hub:" + hubs[hubOf(i)].Slug}, "body": {p.value}}
		var refused []textField
		for _, fl := range threadFields {
			if !fl.rule.judge(p.value).accepted() {
				refused = append(refused, fl)
			}
		}
		if len(refused) > 0 {
			// The refused form shows the payload back: it must be safe too.
			what := fmt.Sprintf("%s %q in %s", p.label, p.value, fieldNames(refused))
			if r, ok := b.post(sw, "/threads", vals, what); ok && checkRefused(sw, what, r, vals, threadFields, refused, p.value) {
				for _, fl := range refused {
					sw.count("thread."+fl.name, "refused, form shown back safely")
				}
			}
			for _, fl := range refused {
				vals.Set(fl.name, "Payload "+p.label)
			}
		}
		what := fmt.Sprintf("%s %q as title and body", p.label, p.value)
		r, ok := b.post(sw, "/threads", vals, what)
		if !ok {
			return
		}
		loc, _ := r.location()
		if _, isThread := threadIDOf(loc); r.status != http.StatusSeeOther || !isThread {
			sw.errorf("%s: %s to %q, want 303 to the new thread%s", what, r, loc, pageProblem(r))
			return
		}
		titles[i] = title.judge(vals.Get("title")).stored
		doc, ok := b.page(sw, loc, what)
		if doc == nil {
			return
		}
		ok = sameShown(sw, what, "the thread's <h1>", doc.Find("main h1").First().Text(), titles[i]) && ok
		post := doc.Find("div.post").First()
		anchor, _ := post.Attr("id")
		pid, isPost := postIDOf(anchor)
		if !isPost || post.Find("div.body").Length() != 1 {
			sw.errorf("%s: the thread page shows no opening post", what)
			return
		}
		// The edit form shows the source in a text area, whose content
		// only an end tag "</textarea" can leave, escaped or not: the
		// form is read for the payloads that hold one. (The BLNS sweep
		// reads every source back; the refused forms above and in the
		// names sweep show payloads in input values.)
		if strings.Contains(strings.ToLower(vals.Get("body")), "</textarea") {
			form, fok := b.page(sw, "/posts/"+strconv.FormatInt(pid, 10)+"/edit", what)
			if form == nil {
				return
			}
			got, _ := controlValue(form, "body")
			if !sameShown(sw, what, "the post's edit form #f-body", got, body.judge(vals.Get("body")).stored) || !fok {
				return
			}
			sw.count("thread.body", "in a text area, safely")
		}
		if ok {
			for _, fl := range threadFields {
				if vals.Get(fl.name) == p.value {
					sw.count("thread."+fl.name, "accepted, shown safely")
				}
			}
		}
	})
	if sw.done() {
		return
	}
	// Each hub page lists its page of threads: together, every title.
	sw.parallel(xssWorkers, len(hubs), func(k int) {
		what := "the thread list of hub " + hubs[k].Slug
		doc, _ := b.page(sw, "/hubs/"+hubs[k].Slug, what)
		if doc == nil {
			return
		}
		var want, got []string
		for i := k * sharefair.DefaultPageSize; i < len(payloads) && hubOf(i) == k; i++ {
			want = append(want, titles[i])
		}
		doc.Find("ul.threads a.t").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			sw.errorf("%s shows the titles %q, want %q", what, got, want)
		}
	})
	for _, path := range []string{"/", "/threads", "/threads?page=" + strconv.Itoa(len(hubs))} {
		if doc, _ := b.page(sw, path, "the thread list"); doc != nil && doc.Find("ul.threads a.t").Length() == 0 {
			sw.errorf("%s lists no threads", path)
		}
	}
}

// xssMembers is how many members take the payloads as names in turn; all
// of them (and the admin and poster) fit on one page of the directory.
const xssMembers = 20

// xssNames gives each payload to a member as their name, a few members at
// a time, and reads their profile page; after each round it reads the
// member directory and a thread every one of them wrote in.
func xssNames(sw *sweep, s *testutil.Server, payloads []naughtyString) {
	sw.t.Helper()
	rule := ruleOf(profileFields, "name")
	handles := make([]string, xssMembers)
	clients := make([]*formClient, xssMembers)
	current := make([]string, xssMembers) // each member's name now
	th := testutil.MustCreateThread(sw.t, s.DB, s.Admin, nil, "Everyone says hello", "Say hello.")
	for j := range xssMembers {
		handles[j] = fmt.Sprintf("name%02d", j)
		m := testutil.MustCreateMember(sw.t, s.DB, handles[j], sharefair.RoleMember)
		clients[j], current[j] = newFormClient(sw.t, s, m), m.Name
		if _, err := s.DB.CreatePost(testutil.As(m), th.ID, "Hello from "+handles[j]); err != nil {
			sw.t.Fatalf("post as %s: %v", handles[j], err)
		}
	}
	admin := newFormClient(sw.t, s, s.Admin)
	threadPath := "/threads/" + strconv.FormatInt(th.ID, 10) + "?page=1" // the page, not the first unread post
	for round := 0; round*xssMembers < len(payloads) && !sw.done(); round++ {
		sw.parallel(xssWorkers, xssMembers, func(j int) {
			i := round*xssMembers + j
			if i >= len(payloads) {
				return
			}
			p, b, handle := payloads[i], clients[j], handles[j]
			// No languages or expertise: each save rewrites those sets,
			// which costs time and tells nothing about names.
			vals := profileBase(handle)
			delete(vals, "languages")
			vals.Set("expertise", "")
			vals.Set("name", p.value)
			what := fmt.Sprintf("%s %q as @%s's name", p.label, p.value, handle)
			r, ok := b.post(sw, "/settings", vals, what)
			if !ok {
				return
			}
			v := rule.judge(p.value)
			if !v.accepted() {
				if checkRefused(sw, what, r, vals, profileFields, profileFields[:1], p.value) {
					sw.count("profile.name", "refused, form shown back safely")
				}
				return
			}
			if r.status != http.StatusSeeOther {
				sw.errorf("%s: %s, want 303%s", what, r, pageProblem(r))
				return
			}
			current[j] = v.stored
			doc, ok := b.page(sw, "/members/"+handle, what)
			if doc != nil && sameShown(sw, what, "the profile's <h1>", doc.Find("main h1").First().Text(), v.stored) && ok {
				sw.count("profile.name", "accepted, shown safely")
			}
		})
		what := fmt.Sprintf("round %d of names (payloads %d–%d)", round, round*xssMembers+1, min((round+1)*xssMembers, len(payloads)))
		if doc, _ := admin.page(sw, "/members", what); doc != nil {
			shown := map[string]bool{}
			doc.Find("ul.cards a.t").Each(func(_ int, s *goquery.Selection) { shown[s.Text()] = true })
			for j, name := range current {
				if !shown[name] {
					sw.errorf("%s: the directory does not show @%s's name %q", what, handles[j], name)
				}
			}
		}
		if doc, _ := admin.page(sw, threadPath, what); doc != nil {
			shown := map[string]bool{}
			doc.Find("div.post p.by a").Each(func(_ int, s *goquery.Selection) { shown[s.Text()] = true })
			for j, name := range current {
				if !shown[name] {
					sw.errorf("%s: the thread does not show @%s's name %q on their post", what, handles[j], name)
				}
			}
		}
	}
}

// ---------------------------------------------------------------------
// What else a client may send a form handler.

// TestFormRobustness checks the answers to requests no form would send:
// unknown addresses and ids that are not numbers (404), wrong methods (405
// with Allow), oversize and malformed bodies (413, 400), posts from
// another site (403, nothing written), and a post one character over the
// limit (422, the input kept whole). Never a 500.
func TestFormRobustness(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			m := testutil.MustCreateMember(t, s.DB, "robust", sharefair.RoleMember)
			th := testutil.MustCreateThread(t, s.DB, m, nil, "A thread", "The opening post.")
			b := newFormClient(t, s, m)
			threadPath := "/threads/" + strconv.FormatInt(th.ID, 10)

			t.Run("UnknownAddresses", func(t *testing.T) {
				sw := newSweep(t)
				for _, path := range []string{
					"/nowhere", "/threads/abc", "/threads/0", "/threads/-1", "/threads/1.5", "/threads/0x1",
					"/threads/99999999999999999999", "/threads/999999", "/threads/abc/edit", "/posts/abc",
					"/posts/abc/edit", "/posts/999999", threadPath + "/nope", "/members/nobody", "/hubs/nowhere",
					"/hubs/nowhere/edit", "/threads/%00", "/threads/%E2%80%AE1",
				} {
					r, ok := b.get(sw, path, "GET "+path)
					if ok && (r.status != http.StatusNotFound || !isHTML(r)) {
						sw.errorf("GET %s: %s (%s), want 404 and an HTML page", path, r, r.header.Get("Content-Type"))
					}
				}
				r, ok := b.post(sw, "/threads/abc/posts", url.Values{"body": {"Hello"}}, "reply to /threads/abc")
				if ok && r.status != http.StatusNotFound {
					sw.errorf("POST /threads/abc/posts: %s, want 404", r)
				}
			})

			t.Run("WrongMethods", func(t *testing.T) {
				sw := newSweep(t)
				for _, c := range []struct{ method, path, allow string }{
					{http.MethodDelete, threadPath, "GET"},
					{http.MethodPut, "/settings", "GET, POST"},
					{http.MethodPatch, "/threads", "GET, POST"},
					{http.MethodGet, threadPath + "/posts", "POST"},
					{http.MethodDelete, "/", "GET"},
					{http.MethodPut, "/hubs/any/join", "POST"},
				} {
					req, _ := http.NewRequest(c.method, b.base+c.path, strings.NewReader("x=1"))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					r, ok := b.do(sw, req, c.method+" "+c.path)
					if !ok {
						continue
					}
					if r.status != http.StatusMethodNotAllowed || !isHTML(r) {
						sw.errorf("%s %s: %s, want 405 and an HTML page", c.method, c.path, r)
					}
					if got := methodSet(r.header.Get("Allow")); got != methodSet(c.allow) {
						sw.errorf("%s %s: Allow %q, want %q", c.method, c.path, r.header.Get("Allow"), c.allow)
					}
				}
			})

			t.Run("OversizeAndMalformedBodies", func(t *testing.T) {
				sw := newSweep(t)
				before := threadCount(t, s, m)
				big := "title=Big&audience=network&body=" + strings.Repeat("a", 1<<20)
				// Declared length over the limit: refused before reading.
				req, _ := http.NewRequest(http.MethodPost, b.base+"/threads", strings.NewReader(big))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if r, ok := b.do(sw, req, "a 1 MiB form"); ok && r.status != http.StatusRequestEntityTooLarge {
					sw.errorf("POST /threads with %d bytes: %s, want 413", len(big), r)
				}
				// Unknown length (chunked): refused once reading passes it.
				req, _ = http.NewRequest(http.MethodPost, b.base+"/threads", io.MultiReader(strings.NewReader(big)))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if r, ok := b.do(sw, req, "a chunked 1 MiB form"); ok && r.status != http.StatusRequestEntityTooLarge {
					sw.errorf("POST /threads chunked with %d bytes: %s, want 413", len(big), r)
				}
				for _, body := range []string{"title=%zz&audience=network&body=x", "title=a;b&body=%"} {
					req, _ = http.NewRequest(http.MethodPost, b.base+"/threads", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					if r, ok := b.do(sw, req, "a malformed form"); ok && r.status != http.StatusBadRequest {
						sw.errorf("POST /threads %q: %s, want 400%s", body, r, pageProblem(r))
					}
				}
				if after := threadCount(t, s, m); after != before {
					sw.errorf("refused bodies started %d threads", after-before)
				}
			})

			t.Run("CrossOrigin", func(t *testing.T) {
				sw := newSweep(t)
				before := threadCount(t, s, m)
				vals := profileBase("robust")
				vals.Set("name", "Changed From Elsewhere")
				for _, h := range []struct{ key, value string }{
					{"Origin", "http://evil.example"},
					{"Sec-Fetch-Site", "cross-site"},
				} {
					for path, form := range map[string]url.Values{
						"/settings":           vals,
						"/threads":            {"title": {"From elsewhere"}, "audience": {"network"}, "body": {"Hi"}},
						threadPath + "/posts": {"body": {"From elsewhere"}},
					} {
						req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						req.Header.Set(h.key, h.value)
						if r, ok := b.do(sw, req, "a form from another site"); ok && r.status != http.StatusForbidden {
							sw.errorf("POST %s with %s: %s: %s, want 403", path, h.key, h.value, r)
						}
					}
				}
				if got, err := s.DB.FindMemberByID(testutil.As(m), m.ID); err != nil || got.Name != m.Name {
					sw.errorf("after posts from another site the name is %q (%v), want %q unchanged", got.Name, err, m.Name)
				}
				if after := threadCount(t, s, m); after != before {
					sw.errorf("posts from another site started %d threads", after-before)
				}
				if posts, _, err := s.DB.FindPosts(testutil.As(m), th.ID, sharefair.Page{}); err != nil || len(posts) != 1 {
					sw.errorf("after a reply from another site the thread has %d posts (%v), want 1", len(posts), err)
				}
				// The same form from this site goes through: the refusal
				// was about where it came from.
				req, _ := http.NewRequest(http.MethodPost, b.base+"/settings", strings.NewReader(vals.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", b.base)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				if r, ok := b.do(sw, req, "a form from this site"); ok && r.status != http.StatusSeeOther {
					sw.errorf("POST /settings from this site: %s, want 303%s", r, pageProblem(r))
				}
			})

			t.Run("PostOverTheLimit", func(t *testing.T) {
				sw := newSweep(t)
				// Multi-byte characters: the limit counts characters, not bytes.
				over := strings.Repeat("é", sharefair.MaxPostLen) + "!"
				at := strings.Repeat("é", sharefair.MaxPostLen)
				for _, c := range []struct {
					path string
					vals url.Values
				}{
					{threadPath + "/posts", url.Values{"body": {over}}},
					{"/threads", url.Values{"title": {"Long"}, "audience": {"network"}, "body": {over}}},
				} {
					what := fmt.Sprintf("a post of %d characters to %s", utf8.RuneCountInString(over), c.path)
					r, ok := b.post(sw, c.path, c.vals, what)
					if !ok {
						continue
					}
					if r.status != http.StatusUnprocessableEntity {
						sw.errorf("%s: %s, want 422", what, r)
						continue
					}
					doc, _ := parseSafe(sw, r, what)
					if doc == nil {
						continue
					}
					if msg, _ := errorBeside(doc, "body"); !strings.Contains(msg, strconv.Itoa(sharefair.MaxPostLen)) {
						sw.errorf("%s: the message beside the body is %q; want it to state the limit, %d", what, msg, sharefair.MaxPostLen)
					}
					if got, _ := controlValue(doc, "body"); got != over {
						sw.errorf("%s: the form shows back %d characters, want all %d kept", what, utf8.RuneCountInString(got), utf8.RuneCountInString(over))
					}
				}
				// At the limit exactly, the post is taken whole.
				r, ok := b.post(sw, threadPath+"/posts", url.Values{"body": {at}}, "a post at the limit")
				if !ok {
					return
				}
				_, frag := r.location()
				pid, isPost := postIDOf(frag)
				if r.status != http.StatusSeeOther || !isPost {
					sw.errorf("a post of exactly %d characters: %s, want 303 to the post%s", sharefair.MaxPostLen, r, pageProblem(r))
					return
				}
				if form, _ := b.page(sw, "/posts/"+strconv.FormatInt(pid, 10)+"/edit", "a post at the limit"); form != nil {
					if got, _ := controlValue(form, "body"); got != at {
						sw.errorf("a post at the limit comes back with %d characters, want %d", utf8.RuneCountInString(got), sharefair.MaxPostLen)
					}
				}
			})
		})
	}
}

// isHTML reports whether a response is an HTML page.
func isHTML(r served) bool {
	return strings.HasPrefix(r.header.Get("Content-Type"), "text/html") && bytes.Contains(r.body, []byte("<h1>"))
}

// methodSet normalises an Allow header for comparison.
func methodSet(allow string) string {
	var ms []string
	for _, m := range strings.Split(allow, ",") {
		if m = strings.TrimSpace(m); m != "" && m != http.MethodHead {
			ms = append(ms, m)
		}
	}
	sort.Strings(ms)
	return strings.Join(ms, ",")
}

// threadCount is how many threads m can see.
func threadCount(t *testing.T, s *testutil.Server, m *sharefair.Member) int {
	t.Helper()
	_, total, err := s.DB.FindThreads(testutil.As(m), sharefair.ThreadFilter{})
	if err != nil {
		t.Fatalf("count threads: %v", err)
	}
	return total
}
