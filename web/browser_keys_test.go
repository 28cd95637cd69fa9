package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestBrowserKeyboard uses Sharefair by keyboard alone, as a person who
// cannot use a mouse would: Tab to move, typing to fill fields, Enter to
// follow a link or press a button. A member signs in, opens their hub,
// starts a discussion there and replies to it. The one page opened by
// address is the sign-in page, as a person would type it; whether each
// focus shows is TestBrowserFocusVisible's part.
func TestBrowserKeyboard(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			grace := testutil.MustCreateMember(t, s.DB, "grace", sharefair.RoleMember)
			testutil.MustJoin(t, s.DB, grace, hub)
			b := browser.Start(t, s.URL)

			if st := b.Open("/signin"); st != http.StatusOK {
				t.Fatalf("open /signin = %d", st)
			}
			b.TabTo("#f-email")
			b.Press(grace.Email)
			b.TabTo("#f-password")
			b.Press(memberPassword)
			b.TabTo(`form[action="/signin"] button[type="submit"]`)
			if st := b.PressToOpen(kb.Enter); st != http.StatusOK || b.Path() != "/" {
				t.Fatalf("sign in by keyboard = %d at %s, want 200 at /", st, b.Path())
			}

			hubLink := `a[href="/hubs/` + hub.Slug + `"]`
			b.TabTo(hubLink)
			if st := b.PressToOpen(kb.Enter); st != http.StatusOK || b.Path() != "/hubs/"+hub.Slug {
				t.Fatalf("Enter on the hub's link = %d at %s", st, b.Path())
			}

			b.TabTo(`a[href="/threads/new?hub=` + hub.Slug + `"]`)
			if st := b.PressToOpen(kb.Enter); st != http.StatusOK || !strings.HasPrefix(b.Path(), "/threads/new") {
				t.Fatalf("Enter on start a discussion = %d at %s", st, b.Path())
			}
			if got := b.Value("#f-audience"); got != "hub:"+hub.Slug {
				t.Errorf("the new discussion's audience is %q, want the hub it was started from", got)
			}
			const title = "Lessons learnt, by keyboard"
			b.TabTo("#f-title")
			b.Press(title)
			b.TabTo("#f-body")
			b.Press("Where do your projects *record* what they learnt?")
			b.TabTo(`form[action="/threads"] button[type="submit"]`)
			if st := b.PressToOpen(kb.Enter); st != http.StatusOK || !strings.HasPrefix(b.Path(), "/threads/") {
				t.Fatalf("start a discussion by keyboard = %d at %s", st, b.Path())
			}
			if h1 := b.Text("h1"); h1 != title {
				t.Errorf("thread heading = %q, want %q", h1, title)
			}

			const reply = "In a shared page per project, updated at each milestone."
			b.TabTo("#f-body")
			b.Press(reply)
			b.TabTo(`form[action$="/posts"] button[type="submit"]`)
			if st := b.PressToOpen(kb.Enter); st != http.StatusOK {
				t.Fatalf("reply by keyboard = %d at %s", st, b.Path())
			}
			bodies := b.Texts(".post .body")
			if len(bodies) != 2 || !strings.Contains(bodies[1], reply) {
				t.Fatalf("thread shows posts %q, want the opening post and the reply", bodies)
			}

			// What reached the database is what was typed.
			ctx, cancel := context.WithTimeout(testutil.As(grace), 10*time.Second)
			defer cancel()
			threads, _, err := s.DB.FindThreads(ctx, sharefair.ThreadFilter{HubID: hub.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(threads) != 1 || threads[0].Title != title || threads[0].ReplyCount() != 1 {
				t.Errorf("the hub's threads in the database = %+v, want %q with one reply", threads, title)
			}
		})
	}
}

// TestBrowserFocusVisible goes through each main page with Tab, in the
// light and the dark theme, and fails for any link or control whose
// keyboard focus does not show: no outline or box-shadow, or one with less
// than 3:1 contrast against what is behind it (WCAG 2.1 1.4.11). The look
// is the same on both engines, so one is enough.
func TestBrowserFocusVisible(t *testing.T) {
	s := testutil.NewServer(t, testutil.SQLite)
	hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
	grace := testutil.MustCreateMember(t, s.DB, "grace", sharefair.RoleMember)
	testutil.MustJoin(t, s.DB, grace, hub)
	th := testutil.MustCreateThread(t, s.DB, grace, hub, "Sharing lessons learnt across hubs", "How do your hubs **record** what projects learnt?")
	b := browser.Start(t, s.URL)

	pages := []struct{ path, name string }{{"/signin", "the sign-in page"}}
	if st := b.Open("/signin"); st != http.StatusOK {
		t.Fatalf("open /signin = %d", st)
	}
	b.Type("#f-email", grace.Email)
	b.Type("#f-password", memberPassword)
	for _, th := range browser.Themes {
		b.SetTheme(th)
		checkFocus(t, b, pages[0].path, pages[0].name)
	}
	b.Open("/signin")
	b.Type("#f-email", grace.Email)
	b.Type("#f-password", memberPassword)
	if st := b.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/" {
		t.Fatalf("sign in = %d at %s", st, b.Path())
	}
	for _, pg := range []struct{ path, name string }{
		{"/", "the home page"},
		{"/hubs/" + hub.Slug, "the hub page"},
		{"/threads/" + itoa(th.ID), "the thread page"},
		{"/threads/new?hub=" + hub.Slug, "the new-discussion form"},
		{"/members", "the member directory"},
		{"/members/grace", "the member's profile"},
		{"/settings", "the profile settings"},
	} {
		for _, theme := range browser.Themes {
			b.SetTheme(theme)
			checkFocus(t, b, pg.path, pg.name)
		}
	}
}

// checkFocus opens path and tabs through it, checking every focus shows.
func checkFocus(t *testing.T, b *browser.Browser, path, name string) {
	t.Helper()
	if st := b.Open(path); st != http.StatusOK {
		t.Errorf("open %s = %d", path, st)
		return
	}
	seen := b.CheckFocus(name)
	t.Logf("%s in the %s theme: Tab went through %d links and controls", name, b.Theme(), len(seen))
	if len(seen) < 3 {
		t.Errorf("%s: Tab went through only %d elements", name, len(seen))
	}
}
