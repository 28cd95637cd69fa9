package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestBrowserSecretCircle starts a secret circle in a real browser,
// invites a member, who accepts and posts a thread in it; each page is
// checked with axe in both themes and at a phone's width.
func TestBrowserSecretCircle(t *testing.T) {
	browser.RequireAxe(t)
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			host := testutil.MustCreateMember(t, s.DB, "host", sharefair.RoleMember)
			kofi := testutil.MustCreateMember(t, s.DB, "kofi", sharefair.RoleMember)
			b := browser.Start(t, s.URL)
			check := func(name string) {
				t.Helper()
				b.CheckAccessibility(name)
				b.Screenshot(name)
				b.CheckPhone(name, true)
			}

			signInOn(t, b, host)
			if st := b.Open("/circles/new"); st != http.StatusOK {
				t.Fatalf("open /circles/new = %d", st)
			}
			check("new circle form")
			b.Type("#f-name", "Quiet room")
			b.Type("#f-description", "For what we cannot say *elsewhere*.")
			b.Do("choose secret", chromedp.Click(chromedp.CSS("#f-kind-secret")))
			if st := b.Click(`form[action="/circles"] button[type="submit"]`); st != http.StatusOK || !strings.HasPrefix(b.Path(), "/circles/") {
				t.Fatalf("start circle = %d at %s", st, b.Path())
			}
			at := b.Path()
			check("circle page (host)")
			if st := b.Click(`a[href="` + at + `/manage"]`); st != http.StatusOK {
				t.Fatalf("open manage = %d", st)
			}
			b.Type("#f-handle", "@kofi")
			if st := b.Click(`form[action="` + at + `/invite"] button[type="submit"]`); st != http.StatusOK || b.Path() != at+"/manage" {
				t.Fatalf("invite = %d at %s", st, b.Path())
			}
			if f := b.Text(".flash"); !strings.Contains(f, "@kofi is invited") {
				t.Errorf("flash after inviting = %q", f)
			}
			check("circle manage page")
			if st := b.Open(at + "/edit"); st != http.StatusOK {
				t.Fatalf("open the edit form = %d", st)
			}
			check("circle edit form")
			signOut(t, b)

			signInOn(t, b, kofi)
			if st := b.Open("/circles"); st != http.StatusOK {
				t.Fatalf("open /circles = %d", st)
			}
			check("circles page with an invitation")
			if st := b.Click(`form[action="` + at + `/answer"] button[value="accept"]`); st != http.StatusOK || b.Path() != at {
				t.Fatalf("accept = %d at %s", st, b.Path())
			}
			if st := b.Click(`a[href="/threads/new?circle=` + strings.TrimPrefix(at, "/circles/") + `"]`); st != http.StatusOK {
				t.Fatalf("open composer = %d", st)
			}
			check("composer for a circle")
			b.Type("#f-title", "What we learnt")
			b.Type("#f-body", "Between us: it did not work.")
			if st := b.Click(`form[action="/threads"] button[type="submit"]`); st != http.StatusOK || !strings.HasPrefix(b.Path(), "/threads/") {
				t.Fatalf("post thread = %d at %s", st, b.Path())
			}
			if badge := b.Text(".thread-head .badge"); badge != "Quiet room circle" {
				t.Errorf("audience badge = %q", badge)
			}
			check("circle thread page")
		})
	}
}
