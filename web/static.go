package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

//go:embed static
var staticFiles embed.FS

// stylesheetURL carries a hash of the stylesheet, so browsers may keep it
// for a year and still get a new one the moment it changes.
var stylesheetURL = "/static/style.css?v=" + assets.files["/static/style.css"].etag[1:13]

// assets are the embedded files, read and gzipped once at start.
var assets = mustStatic()

// staticAsset is one embedded file, kept as it is and gzipped.
type staticAsset struct {
	name        string
	contentType string
	plain, gz   []byte
	etag        string // of the plain bytes; the gzipped ones add -gz
}

// staticAssets are the embedded files by path, compressed once at start.
type staticAssets struct {
	files map[string]*staticAsset
}

// mustStatic reads and compresses the embedded files. It panics on a
// broken build (the files are part of the binary).
func mustStatic() *staticAssets {
	sa := &staticAssets{files: map[string]*staticAsset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		if path.Ext(p) == ".css" {
			b = []byte(minifyCSS(string(b)))
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(b)
		if err := zw.Close(); err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a := &staticAsset{name: p, plain: b, gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
			contentType: mime.TypeByExtension(path.Ext(p))}
		if a.contentType == "" {
			a.contentType = http.DetectContentType(b)
		}
		sa.files["/"+p] = a
		return nil
	})
	if err != nil {
		panic(err)
	}
	return sa
}

// static serves the embedded files with long-lived caching, gzipped once
// at start for clients that accept it. It lists no directory: any other
// path under /static/ gets the site's 404 page. The server looks up no
// session for these requests (server.StaticPrefix), so the 404 page shows
// as to a visitor who is signed out.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	a := assets.files[r.URL.Path]
	if a == nil {
		h.fail(w, r, sharefair.Errorf(sharefair.ENOTFOUND, "There is no file at this address."))
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("Content-Type", a.contentType)
	if !strings.Contains(strings.Join(hd.Values("Vary"), ","), "Accept-Encoding") {
		hd.Add("Vary", "Accept-Encoding")
	}
	body, etag := a.plain, a.etag
	if acceptsGzip(r) && len(a.gz) < len(a.plain) {
		body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip
// (or *) with a quality above zero.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				if k, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			return q > 0
		}
	}
	return false
}
