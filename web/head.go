package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"
)

// What a browser, a phone and a search engine ask of every site besides
// its pages: a description, the web app manifest a phone reads when a
// member adds the network to the home screen, and robots.txt.

// maxDescription bounds the page description, about what search results
// show.
const maxDescription = 160

// description is the page's <meta name="description">: the network's own
// description, or a plain sentence naming the network.
func (p page) description() string {
	d := strings.Join(strings.Fields(p.About), " ")
	if d == "" {
		return p.Network + ": discussions, hubs and members of a knowledge-sharing network."
	}
	if utf8.RuneCountInString(d) <= maxDescription {
		return d
	}
	cut := string([]rune(d)[:maxDescription-1])
	if i := strings.LastIndexByte(cut, ' '); i > maxDescription/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// manifestIcon is one icon of the web app manifest.
type manifestIcon struct {
	Src   string `json:"src"`
	Sizes string `json:"sizes"`
	Type  string `json:"type"`
}

// webManifest is what a phone needs to put the network on its home screen
// under the network's name.
type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Lang            string         `json:"lang"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

// shortName is the name under an icon on a home screen: the network's
// name when it is short, else its first word, cut to 12 letters.
func shortName(name string) string {
	const max = 12
	if utf8.RuneCountInString(name) > max {
		if f := strings.Fields(name); len(f) > 0 {
			name = f[0]
		}
	}
	if r := []rune(name); len(r) > max {
		name = string(r[:max])
	}
	return name
}

// manifest serves /manifest.webmanifest. It names the network, so it is
// written per request, not kept as a file; it is the same for everyone
// (no session is looked up) and kept for an hour.
func (h *Handler) manifest(w http.ResponseWriter, r *http.Request) {
	name := "Sharefair"
	if n, err := h.svcs.Network.Network(r.Context()); err == nil && n.Name != "" {
		name = n.Name
	}
	m := webManifest{Name: name, ShortName: shortName(name), Lang: "en", StartURL: "/", Scope: "/",
		Display: "standalone", BackgroundColor: "#ffffff", ThemeColor: themeLight,
		Icons: []manifestIcon{
			{Src: assetURL("icon-192.png"), Sizes: "192x192", Type: "image/png"},
			{Src: assetURL("icon-512.png"), Sizes: "512x512", Type: "image/png"},
			{Src: assetURL("favicon.svg"), Sizes: "any", Type: "image/svg+xml"},
		}}
	b, _ := json.MarshalIndent(m, "", "  ")
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(append(b, '\n'))
}

// robotsTxt keeps the network out of search engines and every other
// robot. Every network is private: a member's page needs a session, and a
// robot asking for one is only redirected to the sign-in page. The pages
// for visitors (signing in, setting up, an invitation's link) carry
// <meta name="robots" content="noindex">, which the search engines must be
// let to fetch to read: an address closed to them may still be listed,
// bare, under the words of a link to it (an invitation's link, token and
// all). So the search engines that honour noindex may fetch pages, and
// find nothing to index; every other robot (archives, collectors of text)
// may fetch nothing. The JSON API is closed to all.
const robotsTxt = `# A private network: its pages need a session, and the pages for
# visitors ask not to be indexed. Search engines may fetch them to read
# that; no other robot may fetch anything.
User-agent: Googlebot
User-agent: bingbot
User-agent: DuckDuckBot
Disallow: /api/

User-agent: *
Disallow: /
`

// robots serves /robots.txt, kept for a day.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", cacheFixedName)
	_, _ = w.Write([]byte(robotsTxt))
}
