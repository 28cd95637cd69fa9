package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestTooLargeFormPage: a form refused for its size is answered with the
// site's own page, in its layout and for the member signed in, saying the
// limit; the API keeps its JSON error.
func TestTooLargeFormPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithConfig(func(c *app.Config) { c.MaxBodyBytes = 64 << 10 }))
			c := s.Browser(t, s.Admin)
			big := url.Values{"title": {"Big"}, "audience": {"network"}, "body": {strings.Repeat("a", 100<<10)}}.Encode()
			for _, tc := range []struct {
				name, path string
				chunked    bool
				client     *http.Client
			}{
				{"declared length", "/threads", false, c},
				{"chunked", "/threads", true, c},
				{"signed out, declared length", "/signin", false, s.Browser(t, nil)},
				{"signed out, chunked", "/signin", true, s.Browser(t, nil)},
			} {
				var body io.Reader = strings.NewReader(big)
				if tc.chunked {
					body = io.MultiReader(body)
				}
				req, _ := http.NewRequest(http.MethodPost, s.URL+tc.path, body)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Accept", "text/html")
				req.Header.Set("Origin", s.URL)
				r := do(t, tc.client, req)
				if r.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("%s: status %d, want 413", tc.name, r.StatusCode)
					continue
				}
				if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("%s: Content-Type %q", tc.name, ct)
				}
				if r.Doc.Find("a.brand").Length() != 1 || r.Doc.Find(`link[rel="stylesheet"]`).Length() != 1 {
					t.Errorf("%s: not the site's page (no layout):\n%s", tc.name, r.Body)
				}
				if msg := r.Doc.Find("main").Text(); !strings.Contains(msg, "64 KiB") {
					t.Errorf("%s: page does not say the limit: %q", tc.name, strings.TrimSpace(msg))
				}
				signedIn := r.Doc.Find(`nav[aria-label="Main"]`).Length() == 1
				if signedIn != (tc.client == c) {
					t.Errorf("%s: navigation for a signed-in member shown: %v", tc.name, signedIn)
				}
			}
			if n := threadCount(t, s, s.Admin); n != 0 {
				t.Fatalf("a refused form started %d threads", n)
			}
			// The API answers in JSON.
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/threads", strings.NewReader(`{"title":"`+strings.Repeat("a", 100<<10)+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.Token(t, s.Admin))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
				!strings.Contains(string(b), `"code":"too_large"`) {
				t.Fatalf("API: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
			}
		})
	}
}
