package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestDeleteAccountLeavesNoTrace: the sentinel member, with a unique name,
// handle, organisation and email, starts a thread, is mentioned by another
// member, belongs to a hub, invites someone; every page and API answer that
// showed them (checked to show them first) holds nothing of them once they
// delete their account through the form, keeping their posts: the thread,
// lists, the profile (404), the directory, the hub and its members, the
// mentioning post, the circle they hosted and its members, a thread that
// named them as a reader, an admin's views and another member's export.
// The form asks for the password and refuses the last admin.
func TestDeleteAccountLeavesNoTrace(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			sent, err := s.DB.CreateMember(testutil.Operator(), sharefair.NewMember{Email: sentinel.email,
				Handle: sentinel.handle, Name: sentinel.name, Password: "correct horse battery", Role: sharefair.RoleMember})
			if err != nil {
				t.Fatal(err)
			}
			org := sentinel.org
			if sent, err = s.DB.UpdateMember(testutil.As(sent), sent.ID, sharefair.MemberUpdate{Organisation: &org}); err != nil {
				t.Fatal(err)
			}
			other := mustMember(t, s, "olive", "Olive Other")
			hub := testutil.MustCreateHub(t, s.DB, s.Admin, "Harbour")
			testutil.MustJoin(t, s.DB, sent, hub)
			testutil.MustJoin(t, s.DB, other, hub)
			th := testutil.MustCreateThread(t, s.DB, sent, hub, "A thread of theirs", "Their opening words.")
			if _, err := s.DB.CreatePost(testutil.As(other), th.ID, "Thanks @"+sentinel.handle+", well said."); err != nil {
				t.Fatal(err)
			}
			// A circle they host, olive in it; a thread of olive's naming
			// them and the admin as its readers.
			circle, err := s.DB.CreateCircle(testutil.As(sent), sharefair.NewCircle{Name: "Harbour circle", Kind: sharefair.CircleClosed,
				Description: "Hosted by @" + sentinel.handle + "."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.InviteToCircle(testutil.As(sent), circle.Key, other.Handle); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.AnswerCircleInvitation(testutil.As(other), circle.Key, true); err != nil {
				t.Fatal(err)
			}
			named, err := s.DB.CreateThread(testutil.As(other), sharefair.NewThread{Title: "Between us", Body: "For the named.",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: []string{sentinel.handle, s.Admin.Handle}}})
			if err != nil {
				t.Fatal(err)
			}
			me, olive, admin := s.Browser(t, sent), s.Browser(t, other), s.Browser(t, s.Admin)
			oliveToken, adminToken := s.Token(t, other), s.Token(t, s.Admin)
			pages := []string{"/threads/" + itoa(th.ID), "/threads", "/", "/members", "/members?q=zyx", "/hubs/" + hub.Slug,
				"/members/olive", "/settings/data/export", "/circles/" + circle.Key, "/threads/" + itoa(named.ID)}
			apis := []string{"/threads/" + itoa(th.ID), "/threads/" + itoa(th.ID) + "/posts", "/threads", "/members", "/hubs/" + hub.Slug,
				"/circles/" + circle.Key, "/circles/" + circle.Key + "/members", "/threads/" + itoa(named.ID)}
			check := func(wantShown bool) {
				t.Helper()
				for _, c := range []struct {
					name string
					c    *http.Client
				}{{"olive", olive}, {"admin", admin}} {
					for _, path := range pages {
						r := get(t, c.c, s, path)
						what := c.name + " " + path
						if wantShown {
							if !sentinelRE.MatchString(r.Body) && path != "/members/olive" && path != "/settings/data/export" {
								t.Errorf("%s: the sentinel does not show before deletion, so the check proves nothing", what)
							}
							continue
						}
						wantNoSentinel(t, what, r.Header, r.Body)
					}
				}
				for _, tok := range []string{oliveToken, adminToken} {
					for _, path := range apis {
						h, body := apiGet(t, s, tok, path)
						if wantShown {
							if !sentinelRE.MatchString(body) && path != "/hubs/"+hub.Slug {
								t.Errorf("API %s: the sentinel does not show before deletion", path)
							}
							continue
						}
						wantNoSentinel(t, "API "+path, h, body)
					}
				}
			}
			check(true)

			// The password is asked.
			r := post(t, me, s, "/settings/data/delete", url.Values{"posts": {"keep"}, "current_password": {"wrong password"}})
			if fieldError(r, "current_password") == "" {
				t.Fatalf("a wrong password: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			r = post(t, me, s, "/settings/data/delete", url.Values{"posts": {"keep"}, "current_password": {"correct horse battery"}})
			wantRedirect(t, r, "/signin")
			check(false)

			// They are not left among the circle's hosts and members, nor
			// among the thread's readers, as a former member: olive hosts
			// the circle now.
			for _, path := range []string{"/circles/" + circle.Key, "/threads/" + itoa(named.ID)} {
				if r := get(t, olive, s, path); r.StatusCode != http.StatusOK || strings.Contains(r.Body, sharefair.FormerMemberName) {
					t.Errorf("olive %s: %d, former member shown: %v", path, r.StatusCode, strings.Contains(r.Body, sharefair.FormerMemberName))
				}
			}
			for _, path := range []string{"/circles/" + circle.Key, "/circles/" + circle.Key + "/members", "/threads/" + itoa(named.ID)} {
				if _, body := apiGet(t, s, oliveToken, path); strings.Contains(body, sharefair.FormerMemberName) {
					t.Errorf("API %s shows a former member: %s", path, body)
				}
			}
			if c, err := s.DB.FindCircle(testutil.As(other), circle.Key); err != nil || !c.ViewerMayHost {
				t.Errorf("olive does not host the circle: %+v (%v)", c, err)
			}
			if r := get(t, olive, s, "/members/"+sentinel.handle); r.StatusCode != http.StatusNotFound {
				t.Errorf("the profile answers %d", r.StatusCode)
			}
			r = get(t, olive, s, "/threads/"+itoa(th.ID))
			if by := r.Doc.Find(".post .by").First(); !strings.Contains(by.Text(), sharefair.FormerMemberName) || by.Find("a[href^='/members/']").Length() != 0 {
				t.Errorf("the kept post is signed %q", by.Text())
			}
			if !strings.Contains(r.Body, "Thanks "+sharefair.FormerMention+", well said.") {
				t.Errorf("olive's post does not read as a former member's mention: %s", r.Doc.Find(".post").Text())
			}
			// Signed out: the session is gone.
			if r := get(t, me, s, "/settings"); r.StatusCode == http.StatusOK || (r.StatusCode == http.StatusSeeOther && !strings.HasPrefix(r.Header.Get("Location"), "/signin")) {
				t.Errorf("the deleted member's session still opens /settings: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
		})
	}
}

// TestDeleteAccountLastAdmin: the network's only admin is told to make
// another member an admin first, next to nothing deleted.
func TestDeleteAccountLastAdmin(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			r := post(t, s.Browser(t, s.Admin), s, "/settings/data/delete", url.Values{"posts": {"keep"}, "current_password": {"correct horse battery"}})
			if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "last admin") {
				t.Fatalf("the last admin's deletion: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			if _, err := s.DB.FindMemberByID(testutil.As(s.Admin), s.Admin.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPasswordResetPages: a reset link asks for a new password, refuses a
// short one beside the field, then signs every session out and sends to
// sign in; used or unknown, it says it cannot be used, the same for both.
func TestPasswordResetPages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			m := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			signedIn := s.Browser(t, m)
			secret, err := s.DB.CreatePasswordReset(testutil.Operator(), m.Email)
			if err != nil {
				t.Fatal(err)
			}
			guest := s.Browser(t, nil)
			at := "/reset/" + secret
			r := get(t, guest, s, at)
			wantStatus(t, r, http.StatusOK)
			if r.Doc.Find(`input[name=password][type=password]`).Length() != 1 || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatal("the reset page asks for no new password, or may be kept")
			}
			r = post(t, guest, s, at, url.Values{"password": {"short"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "password") == "" {
				t.Fatal("a short password is not refused beside the field")
			}
			wantRedirect(t, post(t, guest, s, at, url.Values{"password": {"a new long password"}}), "/signin")
			if r := get(t, guest, s, "/signin"); !strings.Contains(r.Doc.Find(".flash").Text(), "Your password is changed") {
				t.Fatalf("after the reset, the sign-in page says %q", r.Doc.Find(".flash").Text())
			}
			wantRedirect(t, get(t, signedIn, s, "/settings"), "/signin")
			used, never := get(t, guest, s, at), get(t, guest, s, "/reset/"+strings.Repeat("x", len(secret)))
			wantStatus(t, used, http.StatusNotFound)
			if used.Doc.Find("main").Text() != never.Doc.Find("main").Text() || used.Doc.Find("main form").Length() != 0 ||
				!strings.HasPrefix(used.Doc.Find(".notice").Text(), "This reset link is not valid") {
				t.Fatal("a used link and an unknown one read differently, or still offer the form")
			}
		})
	}
}
