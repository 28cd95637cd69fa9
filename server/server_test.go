package server_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// nobody authenticates no one.
type nobody struct{}

func (nobody) MemberBySession(context.Context, string) (*sharefair.Member, error) {
	return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "no")
}

func (nobody) MemberByToken(context.Context, string) (*sharefair.Member, error) {
	return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "That access token is not valid.")
}

func newHandler(t *testing.T, ping func(context.Context) error, trustProxy bool) http.Handler {
	t.Helper()
	base, _ := url.Parse("http://sharefair.example")
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			server.WriteError(w, r, server.BodyError(err))
			return
		}
		w.Write([]byte(server.ClientAddr(r.Context()) + " " + server.RequestID(r.Context())))
	})
	h, err := server.New(server.Config{BaseURL: base, MaxBodyBytes: 1024, TrustProxy: trustProxy,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nobody{}, ping, echo, echo)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHealth(t *testing.T) {
	down := errors.New("connection refused")
	for _, tc := range []struct {
		path string
		ping error
		want int
	}{
		{"/healthz", down, http.StatusOK},
		{"/readyz", nil, http.StatusOK},
		{"/readyz", down, http.StatusServiceUnavailable},
	} {
		h := newHandler(t, func(context.Context) error { return tc.ping }, false)
		if w := serve(h, httptest.NewRequest("GET", tc.path, nil)); w.Code != tc.want {
			t.Errorf("%s with ping %v: %d, want %d", tc.path, tc.ping, w.Code, tc.want)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	h := newHandler(t, nil, false)
	big := strings.Repeat("x", 2048)
	declared := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(big))
	chunked := httptest.NewRequest("POST", "/api/v1/things", io.MultiReader(strings.NewReader(big)))
	chunked.ContentLength = -1
	for name, r := range map[string]*http.Request{"declared": declared, "chunked": chunked} {
		r.Header.Set("Content-Type", "application/json")
		w := serve(h, r)
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("%s: %d, want 413", name, w.Code)
		}
		var body server.ErrorBody
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != sharefair.ETOOLARGE || body.Error.Status != 413 {
			t.Fatalf("%s: body %s (%v)", name, w.Body.String(), err)
		}
	}
	if w := serve(h, httptest.NewRequest("POST", "/api/v1/things", strings.NewReader("small"))); w.Code != http.StatusOK {
		t.Fatalf("small body: %d", w.Code)
	}
	// Pages refuse a declared length themselves, on the site's page (see
	// the web package); reading still stops at the limit.
	var read int64
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		read = n
		server.WriteError(w, r, server.BodyError(err))
	})
	base, _ := url.Parse("http://sharefair.example")
	ph, err := server.New(server.Config{BaseURL: base, MaxBodyBytes: 1024, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		nobody{}, nil, page, page)
	if err != nil {
		t.Fatal(err)
	}
	if w := serve(ph, httptest.NewRequest("POST", "/threads", strings.NewReader(big))); w.Code != http.StatusRequestEntityTooLarge || read > 1024 {
		t.Fatalf("page with a declared oversize body: %d after reading %d bytes, want 413 within 1024", w.Code, read)
	}
	read = -1
	if w := serve(ph, httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(big))); w.Code != http.StatusRequestEntityTooLarge || read != -1 {
		t.Fatalf("API with a declared oversize body: %d, handler ran: %v", w.Code, read != -1)
	}
}

func TestRequestIDAndClientAddr(t *testing.T) {
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = "192.0.2.7:5555"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 10.0.0.1")
	r.Header.Set("X-Request-Id", "abc-123")
	w := serve(newHandler(t, nil, false), r)
	if got := w.Body.String(); got != "192.0.2.7 abc-123" || w.Header().Get("X-Request-Id") != "abc-123" {
		t.Fatalf("untrusted proxy: body %q, id header %q", got, w.Header().Get("X-Request-Id"))
	}
	r.RemoteAddr = "127.0.0.1:5555"
	w = serve(newHandler(t, nil, true), r)
	if got := w.Body.String(); got != "10.0.0.1 abc-123" {
		t.Fatalf("behind a trusted proxy: %q", got)
	}
	r.Header.Set("X-Request-Id", "bad id\n")
	w = serve(newHandler(t, nil, false), r)
	if id := w.Header().Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " \n") {
		t.Fatalf("unsafe request id kept: %q", id)
	}
}

func TestSecurityHeaders(t *testing.T) {
	r := httptest.NewRequest("GET", "/page", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := serve(newHandler(t, nil, false), r)
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
		if w.Header().Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("CSP = %q", w.Header().Get("Content-Security-Policy"))
	}
}

func TestCrossOriginRefused(t *testing.T) {
	h := newHandler(t, nil, false)
	r := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader("{}"))
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Origin", "http://evil.example")
	if w := serve(h, r); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"code":"forbidden"`) {
		t.Fatalf("cross-site post: %d %s", w.Code, w.Body.String())
	}
	r = httptest.NewRequest("POST", "/api/v1/things", strings.NewReader("{}"))
	r.Header.Set("Origin", "http://sharefair.example")
	if w := serve(h, r); w.Code != http.StatusOK {
		t.Fatalf("same-origin post: %d", w.Code)
	}
}

func TestBadBearerToken(t *testing.T) {
	h := newHandler(t, nil, false)
	for _, auth := range []string{"Bearer sf_nope", "Basic abc"} {
		r := httptest.NewRequest("GET", "/api/v1/me", nil)
		r.Header.Set("Authorization", auth)
		if w := serve(h, r); w.Code != http.StatusUnauthorized {
			t.Fatalf("%q: %d", auth, w.Code)
		}
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		sharefair.EINVALID: 422, sharefair.EBADREQUEST: 400, sharefair.EUNAUTHORIZED: 401, sharefair.EFORBIDDEN: 403,
		sharefair.ENOTFOUND: 404, sharefair.ECONFLICT: 409, sharefair.ETOOLARGE: 413, sharefair.ERATELIMITED: 429,
		sharefair.EINTERNAL: 500, "method_not_allowed": 405,
	} {
		if got := server.Status(code); got != want {
			t.Errorf("Status(%q) = %d, want %d", code, got, want)
		}
	}
}

// counting counts the sessions and tokens it is asked to look up.
type counting struct{ sessions, tokens int }

func (c *counting) MemberBySession(context.Context, string) (*sharefair.Member, error) {
	c.sessions++
	return &sharefair.Member{ID: 1, Handle: "ada"}, nil
}

func (c *counting) MemberByToken(context.Context, string) (*sharefair.Member, error) {
	c.tokens++
	return &sharefair.Member{ID: 1, Handle: "ada"}, nil
}

// TestStaticLooksUpNoSession checks that a request for a static asset,
// the same for everyone, costs no session or token lookup, while a page
// does.
func TestStaticLooksUpNoSession(t *testing.T) {
	base, _ := url.Parse("http://sharefair.example")
	var viewers []bool
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		viewers = append(viewers, sharefair.ViewerFromContext(r.Context()) != nil)
	})
	auth := &counting{}
	h, err := server.New(server.Config{BaseURL: base, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		auth, func(context.Context) error { return nil }, web, web)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/static/style.css", "/static/", "/static/missing.png"}
	for path := range server.FixedFiles {
		paths = append(paths, path)
	}
	for _, path := range paths {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: "secret"})
		r.Header.Set("Authorization", "Bearer token")
		serve(h, r)
	}
	if auth.sessions != 0 || auth.tokens != 0 || len(viewers) != len(paths) || slices.Contains(viewers, true) {
		t.Fatalf("static: %d session and %d token lookups, viewers %v; want none", auth.sessions, auth.tokens, viewers)
	}
	r := httptest.NewRequest(http.MethodGet, "/threads", nil)
	r.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: "secret"})
	serve(h, r)
	if auth.sessions != 1 || !viewers[len(paths)] {
		t.Fatalf("a page: %d session lookups (viewer %v), want 1", auth.sessions, viewers[len(paths)])
	}
}

// TestHSTSOnlyOverTLS: Strict-Transport-Security goes out over TLS, or
// behind a trusted proxy that says the client used https; never because a
// client claims it.
func TestHSTSOnlyOverTLS(t *testing.T) {
	for _, tc := range []struct {
		name  string
		trust bool
		peer  string
		proto []string
		tls   bool
		want  bool
	}{
		{"PlainHTTP", false, "192.0.2.7:5555", nil, false, false},
		{"TLS", false, "192.0.2.7:5555", nil, true, true},
		{"ClientClaimsHTTPS", false, "192.0.2.7:5555", []string{"https"}, false, false},
		{"UntrustedPeerClaimsHTTPS", true, "192.0.2.7:5555", []string{"https"}, false, false},
		{"TrustedProxySaysHTTPS", true, "127.0.0.1:5555", []string{"https"}, false, true},
		{"TrustedProxySaysHTTP", true, "127.0.0.1:5555", []string{"http"}, false, false},
		{"TrustedProxyAppendsHTTPAfterClaim", true, "127.0.0.1:5555", []string{"https, http"}, false, false},
		{"TrustedProxyWithoutHeader", true, "127.0.0.1:5555", nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/page", nil)
			r.RemoteAddr = tc.peer
			for _, p := range tc.proto {
				r.Header.Add("X-Forwarded-Proto", p)
			}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := serve(newHandler(t, nil, tc.trust), r)
			if got := w.Header().Get("Strict-Transport-Security"); (got != "") != tc.want || (tc.want && got != server.HSTS) {
				t.Fatalf("Strict-Transport-Security = %q, want it: %v", got, tc.want)
			}
		})
	}
}

// TestCSPHasNoUnsafeInline: the policy allows no inline script or style,
// and no framing.
func TestCSPHasNoUnsafeInline(t *testing.T) {
	csp := server.ContentSecurityPolicy
	if strings.Contains(csp, "unsafe-") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		!strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") {
		t.Fatalf("CSP = %q", csp)
	}
}
