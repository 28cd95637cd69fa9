package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/web"
)

// TestStatic checks that static files are served gzipped when the client
// accepts it and as they are when not, varying on Accept-Encoding; that
// /static/ lists no directory; and that a missing file gets the site's
// 404 page.
func TestStatic(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) { testStatic(t, testutil.NewServer(t, e)) })
	}
}

func testStatic(t *testing.T, s *testutil.Server) {
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
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
	plainRes, plain := fetch(css, "identity")
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
	// The site's 404 page, never a listing or the file server's plain text.
	for _, path := range []string{"/static/", "/static/sub/", "/static/missing.css", "/static/style.css/", "/static/../static/"} {
		res, body := fetch(path, "")
		if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!bytes.Contains(body, []byte("<main")) || bytes.Contains(body, []byte("style.css</a>")) {
			t.Errorf("%s: %d %s, want the site's 404 page:\n%.300s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}
