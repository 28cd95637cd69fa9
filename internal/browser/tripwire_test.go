package browser_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/browser"
)

// TestTripwire checks that each sign of injected script is seen: a script
// that ran and called alert (on a page with no policy, where it can run),
// an inline handler the policy blocked, and a script URL; and that a
// clean page with an icon and an avatar shows none.
func TestTripwire(t *testing.T) {
	pages := map[string]string{
		"/ran":     `<!DOCTYPE html><title>Ran</title><script>alert("ran")</script>`,
		"/blocked": `<!DOCTYPE html><title>Blocked</title><img src="/none" onerror="alert(1)">`,
		"/url":     `<!DOCTYPE html><title>URL</title><a href=" JaVa&#x09;script:alert(1)">x</a>`,
		"/clean": `<!DOCTYPE html><title>Clean</title><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>
<svg class="icon"><use href="/static/icons.svg#x"></use></svg><svg class="av"><text>AB</text></svg>`,
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ran" {
			w.Header().Set("Content-Security-Policy", "default-src 'self'")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	defer ts.Close()
	tw := browser.Start(t, ts.URL).ArmTripwire()
	for path, want := range map[string]string{
		"/ran":     `alert(ran) was called`,
		"/blocked": `the Content-Security-Policy blocked inline (script-src-attr) on <img>`,
		"/url":     `a script URL in href of <a href=" JaVa	script:alert(1)">`,
		"/clean":   ``,
	} {
		tw.Open(path)
		got := strings.Join(tw.Check(), "\n")
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("%s: the tripwire says %q, want %q", path, got, want)
		}
	}
}
