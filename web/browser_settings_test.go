package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// sidewaysOverflow returns by how many pixels the page, or any table or
// list in it, is wider than it can show: what a person would have to
// scroll sideways to read.
const sidewaysOverflow = `Math.max(document.documentElement.scrollWidth - window.innerWidth,
	...[...document.querySelectorAll("main, table, form, ul, dl, section")].map(e => e.scrollWidth - e.clientWidth))`

// TestBrowserSettingsOnPhone uses the settings pages at a phone's width
// (390 CSS pixels) in a real browser: none scrolls sideways, even with
// long token names and addresses; a language is chosen with a plain click
// on its name, without JavaScript; the password is changed.
func TestBrowserSettingsOnPhone(t *testing.T) {
	browser.RequireAxe(t)
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			for _, name := range []string{"monthly report script for the Rome hub's coordinators and partners",
				"ThisIsAVeryLongTokenNameWithoutAnySpacesAtAllThatCouldPushTheTableWide", "x"} {
				if _, _, err := s.DB.CreateToken(testutil.As(bob), bob.ID, name); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.DB.CreateSession(testutil.As(nil), bob.ID, sharefair.SessionClient{Address: "2001:db8:85a3:8d3:1319:8a2e:370:7348",
				Agent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"}); err != nil {
				t.Fatal(err)
			}
			b := browser.Start(t, s.URL)
			b.Do("phone width", chromedp.EmulateViewport(390, 844))

			if st := b.Open("/signin"); st != http.StatusOK {
				t.Fatalf("open /signin = %d", st)
			}
			b.Type("#f-email", bob.Email)
			b.Type("#f-password", memberPassword)
			if st := b.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/" {
				t.Fatalf("sign in = %d at %s", st, b.Path())
			}
			for _, p := range []string{"/settings", "/settings/security", "/settings/tokens"} {
				if st := b.Open(p); st != http.StatusOK {
					t.Fatalf("open %s = %d", p, st)
				}
				if over := browser.Run(b, "measure "+p, chromedp.Evaluate[float64](sidewaysOverflow)); over > 0 {
					b.Screenshot("overflow " + p)
					t.Errorf("%s at 390 px: %v px to scroll sideways", p, over)
				}
				b.CheckAccessibility(p + " at phone width")
			}
			if n := b.Count(".tokens tbody tr"); n != 3 {
				t.Errorf("%d tokens listed, want 3", n)
			}

			// A plain click on a language's name ticks it.
			b.Open("/settings")
			b.Do("open the full list", chromedp.Click(chromedp.CSS("#f-languages summary")))
			b.Do("tick Welsh", chromedp.Click(chromedp.CSS(`#f-languages label:has(input[value="cy"])`)))
			b.Do("tick Swahili", chromedp.Click(chromedp.CSS(`#f-languages label:has(input[value="sw"])`)))
			if st := b.Click(`form[action="/settings"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/members/bob" {
				t.Fatalf("save profile = %d at %s", st, b.Path())
			}
			m, err := s.DB.FindMemberByID(testutil.As(bob), bob.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Sorted(slices.Values(m.Languages)); strings.Join(got, ",") != "cy,sw" {
				t.Errorf("languages saved = %v, want cy and sw", got)
			}

			// Changing the password keeps this browser signed in.
			b.Open("/settings/security")
			b.Type("#f-current_password", memberPassword)
			b.Type("#f-new_password", "a fresh passphrase")
			if st := b.Click(`form[action="/settings/password"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/settings/security" {
				t.Fatalf("change password = %d at %s", st, b.Path())
			}
			if n := b.Count("tbody tr"); n != 1 {
				t.Errorf("%d sessions after the change, want this one only", n)
			}
		})
	}
}

// TestBrowserPasswordReset follows a reset link in a real browser: the
// new password is chosen on the page, the browser is sent to sign in, and
// the new password signs in. The page passes axe in both themes.
func TestBrowserPasswordReset(t *testing.T) {
	browser.RequireAxe(t)
	s := testutil.NewServer(t, testutil.Engines[0])
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	secret, err := s.DB.CreatePasswordReset(testutil.Operator(), ann.Email)
	if err != nil {
		t.Fatal(err)
	}
	b := browser.Start(t, s.URL)
	if st := b.Open("/reset/" + secret); st != http.StatusOK {
		t.Fatalf("open the reset link = %d", st)
	}
	b.CheckAccessibility("password reset")
	b.Type("#f-password", "a brand new password")
	if st := b.Click(`main form button[type="submit"]`); st != http.StatusOK || b.Path() != "/signin" {
		t.Fatalf("reset = %d at %s", st, b.Path())
	}
	if !strings.Contains(b.Text(".flash"), "Your password is changed") {
		t.Fatalf("after the reset: %q", b.Text("main"))
	}
	b.Type("#f-email", ann.Email)
	b.Type("#f-password", "a brand new password")
	if st := b.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/" {
		t.Fatalf("sign in with the new password = %d at %s", st, b.Path())
	}
	if st := b.Open("/reset/" + secret); st != http.StatusNotFound {
		t.Fatalf("the used link = %d, want 404", st)
	}
	b.CheckAccessibility("password reset link used")
}
