package browser_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
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
}

// TestHarness proves the checks cannot pass vacuously: axe is injected
// despite a strict CSP that still blocks the page's own inline script, it
// reports the violations of a broken page and none on a sound one, and a
// form post's status reaches the test.
func TestHarness(t *testing.T) {
	browser.RequireAxe(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
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
	defer ts.Close()
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
