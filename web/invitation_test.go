package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// invitationSite is a server with Rome, its coordinator and a member.
type invitationSite struct {
	s          *testutil.Server
	coord, bob *sharefair.Member
	c          *http.Client // the coordinator's browser
}

func newInvitationSite(t *testing.T, e testutil.Engine) invitationSite {
	t.Helper()
	s := testutil.NewServer(t, e)
	rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
	coord := testutil.MustCreateMember(t, s.DB, "coord", sharefair.RoleMember)
	if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "coord", true); err != nil {
		t.Fatal(err)
	}
	return invitationSite{s: s, coord: coord, bob: testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember), c: s.Browser(t, coord)}
}

// invite submits the invitation form and returns the invitations page it
// leads to, with the link its flash message shows.
func (v invitationSite) invite(t *testing.T, form url.Values) (response, string) {
	t.Helper()
	wantRedirect(t, post(t, v.c, v.s, "/invitations", form), "/invitations")
	return v.flashLink(t)
}

// flashLink opens the invitations page and finds the link in its flash.
func (v invitationSite) flashLink(t *testing.T) (response, string) {
	t.Helper()
	r := get(t, v.c, v.s, "/invitations")
	wantStatus(t, r, http.StatusOK)
	link := joinLink.FindString(r.Doc.Find(".flash").Text())
	if link == "" {
		t.Fatalf("no link in the flash: %q", r.Doc.Find(".flash").Text())
	}
	return r, strings.TrimPrefix(link, v.s.URL)
}

// rowFor returns the invitations table's row for email.
func rowFor(r response, email string) *goquery.Selection {
	return r.Doc.Find("table.invitations tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Find("td").First().Text(), email)
	})
}

func TestInvitationDetailsPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			v := newInvitationSite(t, e)
			r := get(t, v.c, v.s, "/invitations")
			if r.Doc.Find(`input[name="name"]`).Length() != 1 || r.Doc.Find(`textarea[name="message"]`).Length() != 1 {
				t.Fatal("the invitation form has no name and message fields")
			}
			r = post(t, v.c, v.s, "/invitations", url.Values{"email": {"x@example.org"}, "hub": {"rome"},
				"message": {strings.Repeat("m", sharefair.MaxInvitationMessageLen+1)}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "message") == "" || r.Doc.Find(`textarea[name="message"]`).Text() == "" {
				t.Fatal("an over-long message is not refused beside the field, with what was typed kept")
			}

			const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>`
			const rtl = "مرحبا بك في الشبكة"
			message := rtl + "\n" + hostile
			_, link := v.invite(t, url.Values{"email": {"leila@example.org"}, "hub": {"rome"}, "name": {"Leila " + hostile}, "message": {message}})
			guest := v.s.Browser(t, nil)
			r = get(t, guest, v.s, link)
			wantStatus(t, r, http.StatusOK)
			main := r.Doc.Find("main")
			if main.Find("script, img").Length() != 0 {
				t.Fatalf("what the inviter wrote became markup: %s", r.Body)
			}
			q := main.Find(".invitation-message blockquote")
			if q.Text() != message || q.AttrOr("dir", "") != "auto" {
				t.Fatalf("message shown as %q (dir %q), want %q with dir=auto", q.Text(), q.AttrOr("dir", ""), message)
			}
			if got := main.Find(`strong[dir="auto"]`).Text(); got != "Leila "+hostile {
				t.Fatalf("invitee's name shown as %q", got)
			}
			if got := r.Doc.Find("#f-name").AttrOr("value", ""); got != "Leila "+hostile {
				t.Fatalf("name field offers %q, want the name the inviter gave", got)
			}
		})
	}
}

// TestInviteMemberPageAsAny: a coordinator inviting a member's address sees
// what they see for anyone else, and the member, signed in, accepts it.
func TestInviteMemberPageAsAny(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			v := newInvitationSite(t, e)
			answers := map[string]response{}
			pages := map[string]response{}
			links := map[string]string{}
			for _, email := range []string{"bob@example.org", "zed@example.org"} {
				a := post(t, v.c, v.s, "/invitations", url.Values{"email": {email}, "hub": {"rome"}, "name": {"Someone"}})
				wantRedirect(t, a, "/invitations")
				answers[email] = a
				pages[email], links[email] = v.flashLink(t)
			}
			m, z := answers["bob@example.org"], answers["zed@example.org"]
			if m.StatusCode != z.StatusCode || m.Header.Get("Location") != z.Header.Get("Location") || m.Body != z.Body {
				t.Fatalf("answers differ: %d %q %q / %d %q %q", m.StatusCode, m.Header.Get("Location"), m.Body,
					z.StatusCode, z.Header.Get("Location"), z.Body)
			}
			varying := regexp.MustCompile(`bob@example\.org|zed@example\.org|/join/[A-Za-z0-9_-]+|/invitations/\d+/`)
			norm := func(s string) string { return varying.ReplaceAllString(s, "") }
			mf, zf := pages["bob@example.org"].Doc.Find(".flash").Text(), pages["zed@example.org"].Doc.Find(".flash").Text()
			if norm(mf) != norm(zf) {
				t.Fatalf("flash messages differ:\n%s\n%s", mf, zf)
			}
			last := pages["zed@example.org"]
			mr, _ := goquery.OuterHtml(rowFor(last, "bob@example.org"))
			zr, _ := goquery.OuterHtml(rowFor(last, "zed@example.org"))
			if mr == "" || norm(mr) != norm(zr) {
				t.Fatalf("rows differ:\n%s\n%s", mr, zr)
			}

			// Another member signed in is told to sign out; no form.
			other := v.s.Browser(t, v.s.Admin)
			r := get(t, other, v.s, links["bob@example.org"])
			wantStatus(t, r, http.StatusOK)
			if r.Doc.Find(`main form[action^="/join/"]`).Length() != 0 || r.Doc.Find(`main form[action="/signout"]`).Length() != 1 ||
				!strings.Contains(r.Doc.Find("main").Text(), "another email address") {
				t.Fatalf("join page for another member: %s", r.Doc.Find("main").Text())
			}
			wantStatus(t, post(t, other, v.s, links["bob@example.org"], url.Values{}), http.StatusForbidden)

			// The member it is addressed to accepts with one button.
			bob := v.s.Browser(t, v.bob)
			r = get(t, bob, v.s, links["bob@example.org"])
			wantStatus(t, r, http.StatusOK)
			if r.Doc.Find(`main form input[type="password"]`).Length() != 0 ||
				!strings.Contains(r.Doc.Find("main form button").Text(), "Accept and join Rome") {
				t.Fatalf("join page for the member: %s", r.Doc.Find("main").Text())
			}
			wantRedirect(t, post(t, bob, v.s, links["bob@example.org"], url.Values{}), "/hubs/rome")
			hub, err := v.s.DB.FindHubBySlug(testutil.As(v.bob), "rome")
			if err != nil || hub.ViewerRole != sharefair.HubRoleMember {
				t.Fatalf("bob in Rome: %+v, %v", hub, err)
			}
			wantStatus(t, get(t, bob, v.s, links["bob@example.org"]), http.StatusNotFound)
		})
	}
}

func TestInvitationRenewalPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			v := newInvitationSite(t, e)
			r, link := v.invite(t, url.Values{"email": {"mo@example.org"}, "hub": {"rome"}})
			row := rowFor(r, "mo@example.org")
			linkAction, _ := row.Find(`form[action$="/link"]`).Attr("action")
			resendAction, _ := row.Find(`form[action$="/resend"]`).Attr("action")
			if linkAction == "" || resendAction == "" || row.Find(`form[action$="/revoke"]`).Length() != 1 {
				t.Fatalf("a pending invitation's row offers: %s", row.Text())
			}

			// A new link: the old one stops working.
			wantRedirect(t, post(t, v.c, v.s, linkAction, nil), "/invitations")
			r, link2 := v.flashLink(t)
			if link2 == link || !strings.Contains(r.Doc.Find(".flash").Text(), "previous link no longer works") {
				t.Fatalf("new link %q (was %q), flash %q", link2, link, r.Doc.Find(".flash").Text())
			}
			guest := v.s.Browser(t, nil)
			wantStatus(t, get(t, guest, v.s, link), http.StatusNotFound)
			wantStatus(t, get(t, guest, v.s, link2), http.StatusOK)

			// Others may not renew it.
			wantStatus(t, post(t, v.s.Browser(t, v.bob), v.s, linkAction, nil), http.StatusNotFound)

			// Expired: only re-sending is offered, and it gives a new period.
			v.s.Clock.Advance(sharefair.InvitationTTL + time.Hour)
			r = get(t, v.c, v.s, "/invitations")
			row = rowFor(r, "mo@example.org")
			if row.Find(`form[action$="/link"]`).Length() != 0 || row.Find(`form[action$="/resend"]`).Length() != 1 {
				t.Fatalf("an expired invitation's row offers: %s", row.Text())
			}
			wantStatus(t, post(t, v.c, v.s, linkAction, nil), http.StatusConflict)
			wantRedirect(t, post(t, v.c, v.s, resendAction, nil), "/invitations")
			r, link3 := v.flashLink(t)
			if !strings.Contains(rowFor(r, "mo@example.org").Text(), "pending until") {
				t.Fatalf("re-sent invitation: %s", rowFor(r, "mo@example.org").Text())
			}
			wantStatus(t, get(t, guest, v.s, link2), http.StatusNotFound)
			wantStatus(t, get(t, guest, v.s, link3), http.StatusOK)

			// Inviting the address again refreshes it: still one row.
			_, link4 := v.invite(t, url.Values{"email": {"MO@example.org"}, "hub": {"rome"}})
			r = get(t, v.c, v.s, "/invitations")
			if n := rowFor(r, "mo@example.org").Length(); n != 1 {
				t.Fatalf("%d rows for one address", n)
			}
			wantStatus(t, get(t, guest, v.s, link3), http.StatusNotFound)

			// The coordinator stood down: accepting is refused, clearly.
			if _, err := v.s.DB.SetCoordinator(testutil.As(v.s.Admin), "rome", "coord", false); err != nil {
				t.Fatal(err)
			}
			// What they may no longer do is not offered; withdrawing is.
			row = rowFor(get(t, v.c, v.s, "/invitations"), "mo@example.org")
			if row.Find(`form[action$="/link"], form[action$="/resend"]`).Length() != 0 || row.Find(`form[action$="/revoke"]`).Length() != 1 {
				t.Fatalf("a stood-down coordinator's row offers: %s", row.Text())
			}
			wantStatus(t, post(t, v.c, v.s, resendAction, nil), http.StatusForbidden)
			r = post(t, guest, v.s, link4, url.Values{"name": {"Mo"}, "handle": {"mo"}, "password": {"long enough pw"}})
			wantStatus(t, r, http.StatusForbidden)
			if !strings.Contains(r.Doc.Find("main").Text(), "can no longer invite people to the Rome hub") {
				t.Fatalf("refusal says: %s", r.Doc.Find("main").Text())
			}
		})
	}
}

// TestBrowserInvitationsOnAPhone: at 390 px the invitations page, its
// list included, does not scroll sideways.
func TestBrowserInvitationsOnAPhone(t *testing.T) {
	browser.RequireAxe(t)
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			testutil.MustCreateHub(t, s.DB, s.Admin, "Rome with a rather long hub name")
			for _, email := range []string{"a.very.long.address.for.someone@subdomain.example.org", "b@example.org"} {
				if _, _, err := s.DB.CreateInvitation(testutil.As(s.Admin), sharefair.NewInvitation{Email: email,
					Hub: "rome-with-a-rather-long-hub-name", Name: "Someone With A Long Name"}); err != nil {
					t.Fatal(err)
				}
			}
			b := browser.Start(t, s.URL)
			b.Do("phone width", chromedp.EmulateViewport(390, 844))
			b.Open("/signin")
			b.Type("#f-email", "admin@example.org")
			b.Type("#f-password", "correct horse battery")
			b.Click(`form[action="/signin"] button[type="submit"]`)
			if st := b.Open("/invitations"); st != http.StatusOK {
				t.Fatalf("open /invitations = %d", st)
			}
			if n := b.Count("table.invitations tbody tr"); n != 2 {
				t.Fatalf("%d invitations listed, want 2", n)
			}
			wide := browser.Run(b, "measure widths", chromedp.Evaluate[[]string](`(() => {
				const out = [];
				// Visually hidden text, for screen readers, is clipped to a pixel.
				const hidden = el => { for (let e = el; e; e = e.parentElement) { const cs = getComputedStyle(e); if (cs.position === "absolute" && cs.clip !== "auto") return true; } return false; };
				if (document.documentElement.scrollWidth > window.innerWidth) out.push("page " + document.documentElement.scrollWidth);
				for (const el of document.querySelectorAll("main, main *")) {
					if (hidden(el)) continue;
					if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible") out.push(el.tagName + "." + el.className + " " + el.scrollWidth + ">" + el.clientWidth);
					if (el.getBoundingClientRect().right > window.innerWidth + 1) out.push(el.tagName + "." + el.className + " ends at " + el.getBoundingClientRect().right);
				}
				return out;
			})()`))
			if len(wide) > 0 {
				b.Screenshot("invitations-phone")
				t.Fatalf("at 390 px, sideways scrolling: %v", wide)
			}
			b.Screenshot("invitations-phone")
			b.CheckAccessibility("the invitations page on a phone")
		})
	}
}
