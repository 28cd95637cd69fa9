package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// hostileNexts are ways to try to leave the site after signing in.
var hostileNexts = []string{
	"/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\x00/evil.example",
	"//evil.example", "///evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example", "/%5Cevil.example",
	"/%2F%2Fevil.example", "/.//evil.example", "/./%2F/evil.example", "https://evil.example", "https:evil.example",
	"https:", " //evil.example", "/ /evil.example", "/\u2215\u2215evil.example", "/\uff0f\uff0fevil.example",
	"javascript:alert(1)", "/" + strings.Repeat("a", 10000), "/x#//evil.example",
}

// onSite reports whether a browser following Location stays on s: it
// drops tabs and newlines and reads backslashes as slashes first.
func onSite(t *testing.T, s *testutil.Server, loc string) bool {
	t.Helper()
	base, _ := url.Parse(s.URL + "/signin")
	browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	u, err := base.Parse(browser)
	return err == nil && u.Host == base.Host && u.Scheme == base.Scheme
}

func TestSignInNextStaysOnSite(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			signIn := url.Values{"email": {"bob@example.org"}, "password": {"correct horse battery"}}
			for _, next := range append(hostileNexts, "/threads?page=2") {
				want := "/"
				if next == "/threads?page=2" {
					want = next
				}
				// The sign-in page carries next in a hidden field, as a
				// person following a link would post it.
				c := s.Browser(t, nil)
				r := get(t, c, s, "/signin?next="+url.QueryEscape(next))
				wantStatus(t, r, http.StatusOK)
				hidden, _ := r.Doc.Find(`form[action="/signin"] input[name="next"]`).Attr("value")
				if hidden != want {
					t.Errorf("next %q: hidden field %q, want %q", next, hidden, want)
				}
				form := url.Values{"email": signIn["email"], "password": signIn["password"], "next": {hidden}}
				r = post(t, c, s, "/signin", form)
				if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != want || !onSite(t, s, loc) {
					t.Errorf("next %q through the form: %d to %q, want %q", next, r.StatusCode, loc, want)
				}
				// Posted directly, as an attacker's page would.
				form.Set("next", next)
				r = post(t, s.Browser(t, nil), s, "/signin", form)
				if loc := r.Header.Get("Location"); loc != want || !onSite(t, s, loc) {
					t.Errorf("next %q posted: to %q, want %q", next, loc, want)
				}
				// Already signed in, the sign-in page sends on at once.
				r = get(t, c, s, "/signin?next="+url.QueryEscape(next))
				if loc := r.Header.Get("Location"); loc != want || !onSite(t, s, loc) {
					t.Errorf("next %q when signed in: to %q, want %q", next, loc, want)
				}
			}
			// The address as an attacker would link it, unescaped.
			c := s.Browser(t, nil)
			r := get(t, c, s, "/signin?next=/%09/evil.example")
			if v, _ := r.Doc.Find(`input[name="next"]`).Attr("value"); v != "/" {
				t.Errorf("hidden next for /%%09/evil.example: %q", v)
			}
			wantRedirect(t, post(t, c, s, "/signin", signIn), "/")
			if loc := get(t, c, s, "/signin?next=/%09/evil.example").Header.Get("Location"); loc != "/" {
				t.Errorf("signed in, /signin?next=/%%09/evil.example goes to %q", loc)
			}
		})
	}
}
