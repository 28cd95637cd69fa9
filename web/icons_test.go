package web_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/iconsprite"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/web"
)

// TestIconSprite checks that the committed sprite holds exactly the icons
// the templates use: every icon("…") in web/*.templ has its <symbol>, and
// the sprite carries none that no page draws. When it fails, rebuild the
// sprite (see web/icons/main.go).
func TestIconSprite(t *testing.T) {
	calls, err := iconsprite.Calls(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		if c.Name == "" {
			t.Errorf("%s:%d: icon() with an argument that is not a string literal: the sprite cannot be checked against it", c.File, c.Line)
		}
	}
	used := iconsprite.Names(calls)
	if len(used) == 0 {
		t.Fatal("no icon(\"…\") call found in the templates")
	}
	sprite, err := os.ReadFile("static/icons.svg")
	if err != nil {
		t.Fatal(err)
	}
	symbols, err := iconsprite.Symbols(sprite)
	if err != nil {
		t.Fatalf("static/icons.svg: %v", err)
	}
	const rebuild = "rebuild it: npm ci --prefix web/icons && go run ./web/icons"
	for _, c := range calls {
		if c.Name != "" && !slices.Contains(symbols, c.Name) {
			t.Errorf("%s:%d: icon %q is not in the sprite; %s", c.File, c.Line, c.Name, rebuild)
		}
	}
	for _, s := range symbols {
		if !slices.Contains(used, s) {
			t.Errorf("the sprite holds icon %q, which no template uses; %s", s, rebuild)
		}
	}
	if !slices.IsSorted(symbols) || len(slices.Compact(slices.Clone(symbols))) != len(symbols) {
		t.Errorf("the sprite's symbols are not sorted and distinct: %v; %s", symbols, rebuild)
	}
	if licence, err := os.ReadFile("static/icons-LICENSE.txt"); err != nil || !strings.Contains(string(licence), "ISC License") {
		t.Errorf("static/icons-LICENSE.txt: want Lucide's ISC licence beside the sprite (%v)", err)
	}
}

// TestIconMarkup checks the icon component's markup and that the sprite it
// points to is served.
func TestIconMarkup(t *testing.T) {
	var b strings.Builder
	if err := web.Icon("users").Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	sprite := web.AssetURL("icons.svg")
	want := `<svg class="icon" aria-hidden="true" focusable="false"><use href="` + sprite + `#users"></use></svg>`
	if b.String() != want {
		t.Errorf("icon(\"users\") = %s\nwant %s", b.String(), want)
	}
	if !regexp.MustCompile(`^/static/icons\.[0-9a-f]{12}\.svg$`).MatchString(sprite) {
		t.Errorf("sprite address %q, want /static/icons.<hash>.svg", sprite)
	}
	s := testutil.NewServer(t, testutil.SQLite)
	res, err := http.Get(s.URL + sprite)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("GET %s: %d %s", sprite, res.StatusCode, res.Header.Get("Content-Type"))
	}
}
