package app_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/api"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/server"
	"github.com/sharefair/sharefair/web"
)

// wildcard matches a path wildcard of a ServeMux pattern.
var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// TestSecurityHeadersOnEveryRoute walks every route of the web pages and
// of the API's route table, signed in and out, over plain HTTP and TLS,
// plus static files, errors, redirects and unknown paths, and asserts the
// security headers on each answer, whatever its status.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			th := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Headers", "A post.")
			fill := map[string]string{"{id}": strconv.FormatInt(th.ID, 10), "{slug}": hub.Slug, "{handle}": "admin", "{token}": "no-such-token",
				"{ref}": "no-such-ref", "{key}": "zzzzzzzzzz", "{$}": ""}

			type req struct{ method, path string }
			var reqs []req
			for _, p := range web.New(server.Config{}, sharefair.Services{}, nil).Routes() {
				method, path, _ := strings.Cut(p, " ")
				reqs = append(reqs, req{method, path})
			}
			for _, rt := range api.New(server.Config{}, sharefair.Services{}, nil).Routes() {
				reqs = append(reqs, req{rt.Method, rt.Pattern})
			}
			if len(reqs) < 80 {
				t.Fatalf("only %d routes found", len(reqs))
			}
			// What no table lists: health, unknown paths, wrong methods, a
			// static file by its hashed name.
			reqs = append(reqs, req{"GET", "/healthz"}, req{"GET", "/readyz"}, req{"GET", "/no-such-page"},
				req{"GET", "/api/v1/no-such-thing"}, req{"DELETE", "/threads"}, req{"PUT", "/api/v1/threads"},
				req{"GET", "/static/no-such-file.css"})
			home := httptest.NewRecorder()
			r0 := httptest.NewRequest("GET", "/signin", nil)
			s.App.Handler.ServeHTTP(home, r0)
			css := regexp.MustCompile(`/static/[^"]+\.css`).FindString(home.Body.String())
			if css == "" {
				t.Fatal("the sign-in page links no stylesheet")
			}
			reqs = append(reqs, req{"GET", css})

			statuses := map[int]int{}
			checked := 0
			for _, rq := range reqs {
				path := rq.path
				path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
					if v, ok := fill[w]; ok {
						return v
					}
					t.Fatalf("%s %s: no value for %s", rq.method, rq.path, w)
					return ""
				})
				for _, signedIn := range []bool{false, true} {
					for _, overTLS := range []bool{false, true} {
						body := ""
						if strings.HasPrefix(path, "/api/") && rq.method != "GET" && rq.method != "DELETE" {
							body = "{}"
						}
						r := httptest.NewRequest(rq.method, path, strings.NewReader(body))
						if strings.HasPrefix(path, "/api/") {
							r.Header.Set("Content-Type", "application/json")
						} else {
							r.Header.Set("Accept", "text/html")
							if rq.method == "POST" {
								r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
							}
						}
						if signedIn {
							secret, err := s.DB.CreateSession(context.Background(), s.Admin.ID, sharefair.SessionClient{})
							if err != nil {
								t.Fatal(err)
							}
							r.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: secret})
						}
						if overTLS {
							r.TLS = &tls.ConnectionState{}
						}
						w := httptest.NewRecorder()
						s.App.Handler.ServeHTTP(w, r)
						statuses[w.Code]++
						checked++
						where := rq.method + " " + path
						if signedIn {
							where += " signed in"
						}
						if overTLS {
							where += " over TLS"
						}
						h := w.Header()
						if got := h.Get("Content-Security-Policy"); got != server.ContentSecurityPolicy || strings.Contains(got, "unsafe-inline") ||
							!strings.Contains(got, "frame-ancestors 'none'") {
							t.Errorf("%s (%d): Content-Security-Policy = %q", where, w.Code, got)
						}
						if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
							t.Errorf("%s (%d): X-Content-Type-Options = %q", where, w.Code, got)
						}
						if got := h.Get("Referrer-Policy"); got != "same-origin" {
							t.Errorf("%s (%d): Referrer-Policy = %q", where, w.Code, got)
						}
						if got := h.Get("Strict-Transport-Security"); overTLS && got != server.HSTS || !overTLS && got != "" {
							t.Errorf("%s (%d): Strict-Transport-Security = %q", where, w.Code, got)
						}
					}
				}
			}
			// The walk met pages, redirects, refusals and missing pages.
			for _, code := range []int{200, 303, 404, 405, 422} {
				if statuses[code] == 0 {
					t.Errorf("no answer with status %d among %v", code, statuses)
				}
			}
			t.Logf("%d answers checked, by status %v", checked, statuses)
		})
	}
}
