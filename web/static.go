package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
)

//go:embed static
var staticFiles embed.FS

// stylesheetURL carries a hash of the stylesheet, so browsers may keep it
// for a year and still get a new one the moment it changes.
var stylesheetURL = func() string {
	b, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "/static/style.css?v=" + hex.EncodeToString(sum[:6])
}()

// staticHandler serves the embedded files with long-lived caching.
func staticHandler() http.Handler {
	files := http.FileServerFS(staticFiles)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	})
}
