package browser_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair/internal/browser"
)

// pages are served under the same strict policy as Sharefair's.
var pages = map[string]string{
	"/good": `<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body>
<main><h1>Good</h1><script>window.inlineRan = true</script>
<form method="post" action="/refuse"><label for="q">Query</label><input id="q" name="q">
<button type="submit">Send</button></form></main></body></html>`,
	"/bad": `<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body>
<main><h1>Bad</h1><img src="/nothing.png"><input type="text" id="unlabelled"></main></body></html>`,
	"/wide": `<!DOCTYPE html><html lang="en"><head><title>Wide</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/wide.css"></head><body>
<main><h1>Wide</h1><p id="fixed">Six hundred pixels.</p>
<div id="pan"><div class="w900">A table in a scroller.</div></div>
<div class="body"><pre><code>a member's long code line, which may scroll ......................................................................</code></pre></div></main></body></html>`,
	"/wide.css": `#fixed{width:600px} #pan,pre{overflow-x:auto} .w900{width:900px}`,
}

// serve serves pages under the same strict policy as Sharefair's; a post
// is refused with 422, naming what was typed in q.
func serve(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if strings.HasSuffix(r.URL.Path, ".css") {
			w.Header().Set("Content-Type", "text/css")
		}
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><title>Refused</title></head><body><main><h1>Refused: ` + r.PostFormValue("q") + `</h1></main></body></html>`))
			return
		}
		html, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(html))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestHarness proves the checks cannot pass vacuously: axe is injected
// despite a strict CSP that still blocks the page's own inline script, it
// reports the violations of a broken page and none on a sound one, and a
// form post's status reaches the test.
func TestHarness(t *testing.T) {
	browser.RequireAxe(t)
	ts := serve(t)
	b := browser.Start(t, ts.URL)

	if st := b.Open("/good"); st != http.StatusOK {
		t.Fatalf("open /good = %d", st)
	}
	res := b.Axe()
	if len(res.Violations) != 0 || res.Passes == 0 {
		t.Errorf("axe on a sound page: %d passes, violations:\n%s", res.Passes, browser.FormatRules(res.Violations))
	}
	if ran := browser.Run(b, "check inline script", chromedp.Evaluate[bool](`window.inlineRan === true`)); ran {
		t.Errorf("the page's inline script ran: the CSP is not in force, so this test proves nothing about injecting axe")
	}

	b.Type("#q", "hello")
	if st := b.Click(`button[type="submit"]`); st != http.StatusUnprocessableEntity {
		t.Errorf("submit = %d, want 422", st)
	}
	if h := b.Text("h1"); h != "Refused: hello" {
		t.Errorf("after submit the page says %q", h)
	}

	// At phone width a sound page fits, and a page wider than the screen,
	// or with a box of its own that pans sideways, is caught, naming the
	// culprits; a member's code block inside a post may scroll.
	b.AtPhoneWidth(func() {
		if st := b.Open("/good"); st != http.StatusOK {
			t.Fatalf("open /good = %d", st)
		}
		if bad := b.Sideways(); len(bad) != 0 {
			t.Errorf("a sound page scrolls sideways at phone width: %q", bad)
		}
	})
	wide := pages["/wide"]
	delete(pages, "/wide") // Open checks every page at phone width; this one fails on purpose
	pages["/wide-unchecked"] = wide
	if st := b.Open("/good"); st != http.StatusOK {
		t.Fatalf("open /good = %d", st)
	}
	var bad []string
	b.AtPhoneWidth(func() {
		browser.Run(b, "load the wide page", chromedp.Navigate(ts.URL+"/wide-unchecked"))
		bad = b.Sideways()
	})
	joined := strings.Join(bad, "\n")
	for _, want := range []string{"the page is", "p#fixed", "div#pan scrolls sideways"} {
		if !strings.Contains(joined, want) {
			t.Errorf("sideways check on a wide page found %q, want a line with %q", bad, want)
		}
	}
	if strings.Contains(joined, "pre") {
		t.Errorf("sideways check blames a member's code block inside a post: %q", bad)
	}

	if st := b.Open("/bad"); st != http.StatusOK {
		t.Fatalf("open /bad = %d", st)
	}
	res = b.Axe()
	var ids []string
	for _, v := range res.Violations {
		ids = append(ids, v.ID)
		if len(v.Nodes) == 0 || len(v.Nodes[0].Target) == 0 {
			t.Errorf("violation %s names no element", v.ID)
		}
	}
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe on a broken page found %v, want %s among them", ids, want)
		}
	}
}
