package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/web"
)

// TestStatic checks that static files are served under their content
// hash for a year, gzipped when the client accepts it and as they are when
// not, varying on Accept-Encoding; that an address with an old hash, or
// none, is redirected to the current file without the redirect being
// kept; that /static/ lists no directory; and that a missing file gets the
// site's 404 page.
func TestStatic(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) { testStatic(t, testutil.NewServer(t, e)) })
	}
}

func testStatic(t *testing.T, s *testutil.Server) {
	// Redirects are followed, except where the test says so.
	follow := true
	c := &http.Client{Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			if follow {
				return nil
			}
			return http.ErrUseLastResponse
		}}
	fetch := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		req.Header.Set("Accept", "text/html")
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	css := web.StylesheetURL()
	if !regexp.MustCompile(`^/static/style\.[0-9a-f]{12}\.css$`).MatchString(css) {
		t.Fatalf("stylesheet address %q, want /static/style.<hash>.css", css)
	}
	plainRes, plain := fetch(css, "identity")
	if cc := plainRes.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("stylesheet Cache-Control %q, want a year, immutable", cc)
	}
	if plainRes.StatusCode != http.StatusOK || plainRes.Header.Get("Content-Encoding") != "" ||
		!strings.HasPrefix(plainRes.Header.Get("Content-Type"), "text/css") || !bytes.Contains(plain, []byte("{")) {
		t.Fatalf("plain stylesheet: %d %v, %d bytes", plainRes.StatusCode, plainRes.Header, len(plain))
	}
	for _, accept := range []string{"gzip", "br, gzip;q=0.5", "deflate, *"} {
		res, body := fetch(css, accept)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" ||
			!strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || len(body) >= len(plain) {
			t.Fatalf("Accept-Encoding %q: %d %v, %d bytes (plain %d)", accept, res.StatusCode, res.Header, len(body), len(plain))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := io.ReadAll(zr); !bytes.Equal(got, plain) {
			t.Fatalf("Accept-Encoding %q: the gzipped stylesheet is not the stylesheet", accept)
		}
		if res.Header.Get("ETag") == "" || res.Header.Get("ETag") == plainRes.Header.Get("ETag") {
			t.Errorf("ETag gzipped %q, plain %q: want two different ones", res.Header.Get("ETag"), plainRes.Header.Get("ETag"))
		}
	}
	if res, _ := fetch(css, "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	// Another hash, or none, is sent to the current file, and the redirect
	// is not stored: an old address never stands for the current file.
	for _, path := range []string{"/static/style.0123456789ab.css", "/static/style.css", "/static/style.css?v=0123456789ab",
		strings.Replace(web.AssetURL("icons.svg"), ".svg", "0.svg", 1), "/static/icons.svg"} {
		follow = false
		res, _ := fetch(path, "gzip")
		follow = true
		want := css
		if strings.Contains(path, "icons") {
			want = web.AssetURL("icons.svg")
		}
		if path == strings.Replace(web.AssetURL("icons.svg"), ".svg", "0.svg", 1) {
			want = "" // a hash of 13 digits is no hash: not found
		}
		switch {
		case want == "" && res.StatusCode != http.StatusNotFound:
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		case want != "" && (res.StatusCode != http.StatusFound || res.Header.Get("Location") != want ||
			res.Header.Get("Cache-Control") != "no-store"):
			t.Errorf("%s: %d to %q (Cache-Control %q), want 302 to %s, not stored", path, res.StatusCode,
				res.Header.Get("Location"), res.Header.Get("Cache-Control"), want)
		}
	}
	// Every file under its hash, of its type.
	for name, typ := range map[string]string{"icons.svg": "image/svg+xml", "favicon.svg": "image/svg+xml", "favicon.ico": "image/x-icon",
		"apple-touch-icon.png": "image/png", "icon-192.png": "image/png", "icon-512.png": "image/png",
		"icons-LICENSE.txt": "text/plain; charset=utf-8"} {
		res, body := fetch(web.AssetURL(name), "identity")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != typ || len(body) == 0 ||
			res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d %q %q, %d bytes", web.AssetURL(name), res.StatusCode, res.Header.Get("Content-Type"),
				res.Header.Get("Cache-Control"), len(body))
		}
	}
	// The site's 404 page, never a listing or the file server's plain text.
	for _, path := range []string{"/static/", "/static/sub/", "/static/missing.css", "/static/style.css/", "/static/../static/",
		"/static/missing.0123456789ab.css", "/static/style.nothex012345.css"} {
		res, body := fetch(path, "")
		if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!bytes.Contains(body, []byte("<main")) || bytes.Contains(body, []byte("style.css</a>")) {
			t.Errorf("%s: %d %s, want the site's 404 page:\n%.300s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}
