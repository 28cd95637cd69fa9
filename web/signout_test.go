package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/server"
)

// TestSignOutEndsTheSession: signing out ends the session on the server,
// not only in the browser: its cookie, sent again (copied, say), lets no
// one in, on pages or the API. The same for a session ended by a password
// change elsewhere.
func TestSignOutEndsTheSession(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			u, _ := url.Parse(s.URL)
			secretOf := func(c *http.Client) string {
				for _, ck := range c.Jar.Cookies(u) {
					if ck.Name == server.SessionCookie {
						return ck.Value
					}
				}
				t.Fatal("no session cookie")
				return ""
			}
			replay := func(secret string) (page, api int) {
				c := s.Browser(t, nil)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: server.SessionCookie, Value: secret, Path: "/"}})
				page = get(t, c, s, "/settings").StatusCode
				req, _ := http.NewRequest("GET", s.URL+"/api/v1/me", nil)
				req.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: secret})
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return page, res.StatusCode
			}

			c := s.Browser(t, bob)
			old := secretOf(c)
			if p, a := replay(old); p != http.StatusOK || a != http.StatusOK {
				t.Fatalf("before signing out, the session answers %d on pages and %d on the API", p, a)
			}
			wantRedirect(t, post(t, c, s, "/signout", nil), "/signin")
			if p, a := replay(old); p != http.StatusSeeOther || a != http.StatusUnauthorized {
				t.Fatalf("after signing out, the old cookie answers %d on pages and %d on the API", p, a)
			}

			here, there := s.Browser(t, bob), s.Browser(t, bob)
			elsewhere := secretOf(there)
			wantRedirect(t, post(t, here, s, "/settings/password", url.Values{"current_password": {memberPassword},
				"new_password": {"a fresh passphrase"}}), "/settings/security")
			if p, a := replay(elsewhere); p != http.StatusSeeOther || a != http.StatusUnauthorized {
				t.Fatalf("after a password change, another session answers %d on pages and %d on the API", p, a)
			}
			if p, a := replay(secretOf(here)); p != http.StatusOK || a != http.StatusOK {
				t.Fatalf("the session that changed the password answers %d on pages and %d on the API", p, a)
			}
			// Not silently: the page says the tokens stay, and where to revoke them.
			r := get(t, here, s, "/settings/security")
			if r.Doc.Find(`section[aria-labelledby="password-h"] a[href="/settings/tokens"]`).Length() == 0 {
				t.Fatal("the password form does not say where access tokens are revoked")
			}
		})
	}
}
