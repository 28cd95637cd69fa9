package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

//go:embed static
var staticFiles embed.FS

// Caching. A file under its content hash never changes, so browsers keep
// it for a year without asking again; the files browsers ask for by a
// fixed name (/favicon.ico) may change with a new version, so they are
// kept for a day.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheFixedName = "public, max-age=86400"
)

// contentTypes are the types of the files kept, named here rather than
// left to the machine's MIME table, which differs from one to the next.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
	".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8",
}

// hashLen is how many hex digits of a file's SHA-256 its address carries.
const hashLen = 12

// assets are the embedded and generated files, read and gzipped once at
// start.
var assets = mustStatic()

// stylesheetURL is the stylesheet's address under its content hash, so
// browsers may keep it for a year and still get a new one the moment it
// changes.
var stylesheetURL = assetURL("style.css")

// iconsURL is the icon sprite's address under its content hash.
var iconsURL = assetURL("icons.svg")

// faviconURL is the SVG favicon's. The ICO and the touch icon are found
// by browsers at /favicon.ico and /apple-touch-icon.png, by convention,
// which spares every page two links.
var faviconURL = assetURL("favicon.svg")

// assetURL returns the address of a static file under its content hash,
// /static/style.<hash>.css for style.css. It panics on a name that is not
// one: the names are the program's own, so that is a broken build.
func assetURL(name string) string {
	a := assets.byName[name]
	if a == nil {
		panic("no static file " + name)
	}
	return a.url
}

// iconHref is the address of one icon in the sprite.
func iconHref(name string) string { return iconsURL + "#" + name }

// staticAsset is one file, kept as it is and gzipped.
type staticAsset struct {
	name        string // as in web/static: style.css
	url         string // with its hash: /static/style.0123456789ab.css
	contentType string
	plain, gz   []byte
	etag        string // of the plain bytes; the gzipped ones add -gz
}

// staticAssets are the files by name and by hashed address.
type staticAssets struct {
	byName map[string]*staticAsset
	byURL  map[string]*staticAsset
}

// mustStatic reads the embedded files, draws the generated ones (the PNG
// icons, see favicon.go) and compresses them. It panics on a broken build
// (the files are part of the binary).
func mustStatic() *staticAssets {
	sa := &staticAssets{byName: map[string]*staticAsset{}, byURL: map[string]*staticAsset{}}
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
		return sa.add(strings.TrimPrefix(p, "static/"), b)
	})
	if err != nil {
		panic(err)
	}
	for name, b := range generatedIcons() {
		if err := sa.add(name, b); err != nil {
			panic(err)
		}
	}
	return sa
}

// add keeps one file under its name and its hashed address.
func (sa *staticAssets) add(name string, b []byte) error {
	if strings.Contains(name, "/") || strings.Count(name, ".") == 0 {
		return fmt.Errorf("static file %q: want a name.ext directly in web/static", name)
	}
	if _, dup := sa.byName[name]; dup {
		return fmt.Errorf("static file %q twice", name)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(b)
	if err := zw.Close(); err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	ext := path.Ext(name)
	a := &staticAsset{name: name, plain: b, gz: gz.Bytes(), etag: `"` + hash[:32] + `"`,
		url:         server.StaticPrefix + strings.TrimSuffix(name, ext) + "." + hash[:hashLen] + ext,
		contentType: contentTypes[ext]}
	if a.contentType == "" {
		a.contentType = mime.TypeByExtension(ext)
	}
	if a.contentType == "" {
		a.contentType = http.DetectContentType(b)
	}
	sa.byName[name], sa.byURL[a.url] = a, a
	return nil
}

// hashedName splits a static address's last segment into the file's name
// and the hash it carries: style.0123456789ab.css → style.css,
// 0123456789ab. An address without a hash has hash "".
var hashedName = regexp.MustCompile(`^(.+)\.([0-9a-f]{` + strconv.Itoa(hashLen) + `})(\.[A-Za-z0-9]+)$`)

// static serves the files under /static/ by their hashed addresses, with
// long-lived caching, gzipped once at start for clients that accept it.
//
// An address with another hash than the current one (a page rendered by
// the previous version during an upgrade, or by another instance), or with
// none, is redirected with 302 to the current file, and the redirect is
// not stored: a browser never keeps an old address as the current file.
// Any other path under /static/ gets the site's 404 page: no listing. The
// server looks up no session for these requests (server.StaticPrefix),
// so the 404 page shows as to a visitor who is signed out.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	if a := assets.byURL[r.URL.Path]; a != nil {
		serveAsset(w, r, a, cacheImmutable)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, server.StaticPrefix)
	if m := hashedName.FindStringSubmatch(name); m != nil {
		name = m[1] + m[3]
	}
	if a := assets.byName[name]; a != nil {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, a.url, http.StatusFound)
		return
	}
	h.fail(w, r, sharefair.Errorf(sharefair.ENOTFOUND, "There is no file at this address."))
}

// fixedName serves a static file at the address browsers ask for by
// convention (/favicon.ico, /apple-touch-icon.png), kept for a day.
func fixedName(name string) http.HandlerFunc {
	a := assets.byName[name]
	if a == nil {
		panic("no static file " + name)
	}
	return func(w http.ResponseWriter, r *http.Request) { serveAsset(w, r, a, cacheFixedName) }
}

// serveAsset writes a file, gzipped when the client accepts it and that
// is smaller, varying on Accept-Encoding.
func serveAsset(w http.ResponseWriter, r *http.Request, a *staticAsset, cache string) {
	hd := w.Header()
	hd.Set("Cache-Control", cache)
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
