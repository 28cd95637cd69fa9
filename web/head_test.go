package web_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/web"
)

// checkHead checks what every page's <head> carries for browsers, phones
// and search engines: the network's name in the title, a description,
// theme colours for both themes, the favicon and the manifest; and, on a
// page shown to a visitor, that search engines are asked not to index it.
func checkHead(t *testing.T, r response, what, network string, visitor bool) {
	t.Helper()
	d := r.Doc
	if title := d.Find("title").Text(); !strings.HasSuffix(title, " · "+network) {
		t.Errorf("%s: title %q does not end with the network's name %q", what, title, network)
	}
	if desc, _ := d.Find(`meta[name="description"]`).Attr("content"); d.Find(`meta[name="description"]`).Length() != 1 || strings.TrimSpace(desc) == "" {
		t.Errorf("%s: want one non-empty meta description", what)
	}
	themes := d.Find(`meta[name="theme-color"]`)
	dark, _ := themes.First().Attr("media")
	if _, light := themes.Last().Attr("media"); themes.Length() != 2 || dark != "(prefers-color-scheme:dark)" || light {
		t.Errorf("%s: want a dark theme colour, then the light one for every other case", what)
	}
	if href, _ := d.Find(`link[rel="icon"][type="image/svg+xml"]`).Attr("href"); href != web.AssetURL("favicon.svg") {
		t.Errorf("%s: favicon link %q", what, href)
	}
	if href, _ := d.Find(`link[rel="manifest"]`).Attr("href"); href != "/manifest.webmanifest" {
		t.Errorf("%s: manifest link %q", what, href)
	}
	robots, _ := d.Find(`meta[name="robots"]`).Attr("content")
	if visitor && robots != "noindex" || !visitor && robots != "" {
		t.Errorf("%s: meta robots %q (visitor %v)", what, robots, visitor)
	}
}

// TestPageDescription checks that the description is the network's own,
// on one line and cut at a word near the length search results show,
// and a sentence naming the network when it has none.
func TestPageDescription(t *testing.T) {
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Browser(t, s.Admin)
	desc := func() string {
		d, _ := get(t, c, s, "/").Doc.Find(`meta[name="description"]`).Attr("content")
		return d
	}
	n, err := s.DB.Network(testutil.As(s.Admin))
	if err != nil {
		t.Fatal(err)
	}
	if got := desc(); got != n.Name+": discussions, hubs and members of a knowledge-sharing network." {
		t.Errorf("without a description: %q", got)
	}
	long := "Knowledge managers of\nRome's development agencies " + strings.Repeat("sharing what worked and what did not ", 8)
	if _, err := s.DB.UpdateNetwork(testutil.As(s.Admin), sharefair.NetworkUpdate{Description: &long}); err != nil {
		t.Fatal(err)
	}
	got := desc()
	if !strings.HasPrefix(got, "Knowledge managers of Rome's development agencies sharing") || !strings.HasSuffix(got, "…") ||
		len([]rune(got)) > 160 || strings.Contains(got, "\n") || strings.HasSuffix(got, " …") {
		t.Errorf("long description: %q (%d letters)", got, len([]rune(got)))
	}
}

// TestBrowserFiles checks the files browsers, phones and crawlers ask for
// by name: the favicon and touch icon (kept a day), the web manifest
// naming the network, and robots.txt; all the same for everyone.
func TestBrowserFiles(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) { testBrowserFiles(t, testutil.NewServer(t, e)) })
	}
}

func testBrowserFiles(t *testing.T, s *testutil.Server) {
	fetch := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return res, b
	}
	decode := func(what string, b []byte, size int) image.Image {
		t.Helper()
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Fatalf("%s: %v, want %d×%d", what, img.Bounds(), size, size)
		}
		return img
	}
	// The mark: white on the ring, the accent inside the rings, and the
	// corners transparent where they are rounded.
	mark := func(what string, img image.Image, rounded bool) {
		t.Helper()
		size := img.Bounds().Dx()
		at := func(x, y float64) [4]uint32 { // x, y in the 32 units of favicon.svg
			r, g, b, a := img.At(int(x*float64(size)/32), int(y*float64(size)/32)).RGBA()
			return [4]uint32{r >> 8, g >> 8, b >> 8, a >> 8}
		}
		if p := at(16, 16); p != [4]uint32{0x0b, 0x5c, 0xad, 0xff} {
			t.Errorf("%s: centre %v, want the accent #0b5cad", what, p)
		}
		if p := at(5, 16); p[0] < 0xf0 || p[1] < 0xf0 || p[2] < 0xf0 || p[3] != 0xff {
			t.Errorf("%s: on the left ring %v, want white", what, p)
		}
		if p := at(.3, .3); rounded && p[3] != 0 || !rounded && p != [4]uint32{0x0b, 0x5c, 0xad, 0xff} {
			t.Errorf("%s: corner %v (rounded %v)", what, p, rounded)
		}
	}
	res, touch := fetch("/apple-touch-icon.png")
	if res.Header.Get("Content-Type") != "image/png" || res.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("/apple-touch-icon.png: %v", res.Header)
	}
	mark("apple-touch-icon", decode("/apple-touch-icon.png", touch, 180), false)
	if _, b := fetch("/apple-touch-icon-precomposed.png"); !bytes.Equal(b, touch) {
		t.Error("/apple-touch-icon-precomposed.png is not the touch icon")
	}

	// favicon.ico: an ICO holding PNGs of 16, 32 and 48 pixels.
	res, ico := fetch("/favicon.ico")
	if res.Header.Get("Content-Type") != "image/x-icon" || res.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("/favicon.ico: %v", res.Header)
	}
	le := binary.LittleEndian
	if len(ico) < 6 || le.Uint16(ico[0:]) != 0 || le.Uint16(ico[2:]) != 1 || le.Uint16(ico[4:]) != 3 {
		t.Fatalf("/favicon.ico: not an icon file of 3 images: % x", ico[:min(len(ico), 6)])
	}
	for i, want := range []int{16, 32, 48} {
		e := ico[6+16*i:]
		size, offset := le.Uint32(e[8:]), le.Uint32(e[12:])
		if int(e[0]) != want || int(e[1]) != want || int(offset+size) > len(ico) {
			t.Fatalf("/favicon.ico entry %d: %d×%d at %d+%d of %d bytes", i, e[0], e[1], offset, size, len(ico))
		}
		img := decode("/favicon.ico image", ico[offset:offset+size], want)
		if want == 48 {
			mark("favicon.ico 48", img, true)
		}
	}

	// The manifest names the network, and follows a rename.
	newName := "Knowledge Hubs of the South"
	if _, err := s.DB.UpdateNetwork(testutil.As(s.Admin), sharefair.NetworkUpdate{Name: &newName}); err != nil {
		t.Fatal(err)
	}
	res, b := fetch("/manifest.webmanifest")
	if res.Header.Get("Content-Type") != "application/manifest+json" {
		t.Errorf("manifest Content-Type %q", res.Header.Get("Content-Type"))
	}
	var m struct {
		Name      string `json:"name"`
		ShortName string `json:"short_name"`
		StartURL  string `json:"start_url"`
		Display   string `json:"display"`
		Theme     string `json:"theme_color"`
		Icons     []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest: %v\n%s", err, b)
	}
	if m.Name != newName || m.ShortName != "Knowledge" || m.StartURL != "/" || m.Display != "standalone" || m.Theme != "#0b5cad" {
		t.Errorf("manifest: %s", b)
	}
	sizes := map[string]bool{}
	for _, ic := range m.Icons {
		res, body := fetch(ic.Src)
		if res.Header.Get("Content-Type") != ic.Type {
			t.Errorf("manifest icon %s: type %q, says %q", ic.Src, res.Header.Get("Content-Type"), ic.Type)
		}
		if ic.Type == "image/png" {
			var n int
			if _, err := fmt.Sscanf(ic.Sizes, "%dx", &n); err != nil {
				t.Fatalf("manifest icon sizes %q", ic.Sizes)
			}
			mark(ic.Src, decode(ic.Src, body, n), true)
		}
		sizes[ic.Sizes] = true
	}
	if !sizes["192x192"] || !sizes["512x512"] {
		t.Errorf("manifest icons %v: want 192 and 512 pixels", sizes)
	}

	// robots.txt: the search engines that honour noindex may fetch pages
	// (to read it), no other robot anything, and none the API.
	res, b = fetch("/robots.txt")
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("robots.txt Content-Type %q", res.Header.Get("Content-Type"))
	}
	for _, c := range []struct {
		agent, path string
		may         bool
	}{
		{"Googlebot", "/signin", true}, {"bingbot", "/threads/1", true}, {"DuckDuckBot", "/join/abc", true},
		{"Googlebot", "/api/v1/threads", false}, {"bingbot", "/api/", false},
		{"GPTBot", "/signin", false}, {"archive.org_bot", "/", false}, {"SomeBot/2.1", "/threads", false},
	} {
		if got := robotsAllow(string(b), c.agent, c.path); got != c.may {
			t.Errorf("robots.txt: %s may fetch %s: %v, want %v\n%s", c.agent, c.path, got, c.may, b)
		}
	}
	// A crawler asking for a member's page gets only the way to sign in,
	// which it may not fetch.
	visitor := s.Browser(t, nil)
	r := get(t, visitor, s, "/threads")
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin?") {
		t.Errorf("a visitor on /threads: %d to %q, want the sign-in page", r.StatusCode, loc)
	}
	checkHead(t, get(t, visitor, s, "/signin"), "/signin", newName, true)
}

// robotsAllow reads robots.txt as RFC 9309 does: the group naming the
// agent (or else "*"), the longest matching rule deciding, Allow winning a
// tie; no rule, allowed. Enough for the plain prefixes Sharefair writes.
func robotsAllow(txt, agent, path string) bool {
	groups := map[string][][2]string{} // agent → rules (Allow|Disallow, prefix)
	var current []string
	inRules := false
	for _, line := range strings.Split(txt, "\n") {
		line, _, _ = strings.Cut(line, "#")
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "user-agent":
			if inRules {
				current, inRules = nil, false
			}
			current = append(current, strings.ToLower(v))
		case "allow", "disallow":
			inRules = true
			for _, a := range current {
				groups[a] = append(groups[a], [2]string{k, v})
			}
		}
	}
	rules, ok := groups[strings.ToLower(strings.SplitN(agent, "/", 2)[0])]
	if !ok {
		rules = groups["*"]
	}
	best, allow := -1, true
	for _, r := range rules {
		if r[1] == "" || !strings.HasPrefix(path, r[1]) {
			continue
		}
		if n := len(r[1]); n > best || n == best && r[0] == "allow" {
			best, allow = n, r[0] == "allow"
		}
	}
	return allow
}
