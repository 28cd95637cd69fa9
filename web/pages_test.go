package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestEveryPageRenders fetches every page as the people who see it, so a
// broken template fails the build rather than a member.
func TestEveryPageRenders(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			coord := testutil.MustCreateMember(t, s.DB, "coord", sharefair.RoleMember)
			if err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "coord", true); err != nil {
				t.Fatal(err)
			}
			th := testutil.MustCreateThread(t, s.DB, coord, rome, "Monthly topic", "Let us *vote*.")
			_, token, err := s.DB.CreateInvitation(testutil.As(coord), sharefair.NewInvitation{Email: "new@example.org", Hub: "rome"})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.DB.CreateToken(testutil.As(coord), coord.ID, "script"); err != nil {
				t.Fatal(err)
			}
			thread := "/threads/" + strconv.FormatInt(th.ID, 10)
			posts, _, _ := s.DB.FindPosts(testutil.As(coord), th.ID, sharefair.Page{})
			post := "/posts/" + strconv.FormatInt(posts[0].ID, 10)

			pages := map[string][]string{
				"guest": {"/signin", "/join/" + token},
				"coordinator": {"/", "/threads", "/threads/new", "/threads/new?hub=rome", thread, thread + "/edit",
					post + "/edit", "/hubs", "/hubs/rome", "/hubs/rome/edit", "/members", "/members?hub=rome&q=co",
					"/members/coord", "/members/admin", "/settings", "/invitations", "/invitations?hub=rome"},
				"admin": {"/", "/hubs", "/hubs/new", "/hubs/rome", thread, "/invitations", "/members/coord", "/network"},
			}
			clients := map[string]*http.Client{"guest": s.Browser(t, nil), "coordinator": s.Browser(t, coord), "admin": s.Browser(t, s.Admin)}
			for who, paths := range pages {
				for _, p := range paths {
					r := get(t, clients[who], s, p)
					wantStatus(t, r, http.StatusOK)
					if r.Doc.Find("main h1").Length() != 1 {
						t.Errorf("%s as %s: want exactly one h1", p, who)
					}
					if lang, _ := r.Doc.Find("html").Attr("lang"); lang != "en" || r.Doc.Find("title").Text() == "" {
						t.Errorf("%s as %s: no lang or title", p, who)
					}
					r.Doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, c *goquery.Selection) {
						id, _ := c.Attr("id")
						if id == "" || r.Doc.Find(`label[for="`+id+`"]`).Length() != 1 {
							t.Errorf("%s as %s: control %s has no label", p, who, id)
						}
					})
				}
			}
			wantRedirect(t, get(t, clients["coordinator"], s, post), thread+"#p")
		})
	}
}

// TestHubsAndProfiles exercises the hub, directory, profile and token
// pages' forms.
func TestHubsAndProfiles(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := s.Browser(t, s.Admin)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			b := s.Browser(t, bob)

			wantStatus(t, get(t, b, s, "/hubs/new"), http.StatusForbidden)
			wantStatus(t, post(t, b, s, "/hubs", url.Values{"name": {"Rome"}}), http.StatusForbidden)
			r := post(t, admin, s, "/hubs", url.Values{"name": {" "}, "description": {"kept"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "name") == "" || r.Doc.Find("#f-description").Text() != "kept" {
				t.Fatal("hub form error not shown beside the name, or description lost")
			}
			wantRedirect(t, post(t, admin, s, "/hubs", url.Values{"name": {"Rome"}, "description": {"After work, near Termini."}}), "/hubs/rome")
			r = post(t, admin, s, "/hubs", url.Values{"name": {"ROME"}})
			wantStatus(t, r, http.StatusConflict)
			if fieldError(r, "slug") == "" {
				t.Fatal("taken address not shown beside the field")
			}

			// Join, appoint, edit as coordinator, leave.
			r = get(t, b, s, "/hubs/rome")
			if !strings.Contains(r.Doc.Find("main").Text(), "Join the hub to read them") {
				t.Fatal("non-member not told how to read the hub's discussions")
			}
			wantRedirect(t, post(t, b, s, "/hubs/rome/join", nil), "/hubs/rome")
			r = get(t, b, s, "/hubs/rome")
			if !strings.Contains(r.Doc.Find(".flash").Text(), "joined") || r.Doc.Find(`form[action="/hubs/rome/leave"]`).Length() != 1 {
				t.Fatal("after joining: no flash or no leave button")
			}
			wantStatus(t, get(t, b, s, "/hubs/rome/edit"), http.StatusForbidden)
			r = post(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"ghost"}, "coordinator": {"yes"}})
			wantStatus(t, r, http.StatusNotFound)
			if fieldError(r, "handle") == "" {
				t.Fatal("unknown handle not shown beside the field")
			}
			wantRedirect(t, post(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"@bob"}, "coordinator": {"yes"}}), "/hubs/rome")
			wantRedirect(t, post(t, b, s, "/hubs/rome/edit", url.Values{"name": {"Rome & Lazio"}, "description": {"Monthly."}}), "/hubs/rome")
			r = get(t, b, s, "/hubs/rome")
			if r.Doc.Find("h1").Text() != "Rome & Lazio" || !strings.Contains(r.Doc.Find(".meta").First().Text(), "Member bob") {
				t.Fatalf("hub page after edit: %q / %q", r.Doc.Find("h1").Text(), r.Doc.Find(".meta").First().Text())
			}
			wantRedirect(t, post(t, b, s, "/hubs/rome/leave", nil), "/hubs/rome")

			// Profile.
			r = post(t, b, s, "/settings", url.Values{"name": {"Bob Rossi"}, "handle": {"bob"}, "organisation": {"IDLO"},
				"title": {"KM officer"}, "city": {"Rome"}, "country": {"IT"}, "time_zone": {"Europe/Rome"},
				"languages": {"it", "en"}, "expertise": {"Facilitation, knowledge harvesting"}, "bio": {"Ask me about\r\nmeetups."}})
			wantRedirect(t, r, "/members/bob")
			r = get(t, admin, s, "/members/bob")
			facts := r.Doc.Find(".facts").Text()
			for _, want := range []string{"KM officer, IDLO", "Rome, Italy", "Europe/Rome", "English", "Italian", "knowledge harvesting"} {
				if !strings.Contains(facts, want) {
					t.Errorf("profile facts lack %q: %s", want, facts)
				}
			}
			if r.Doc.Find(".bio").Text() != "Ask me about\nmeetups." {
				t.Errorf("bio = %q", r.Doc.Find(".bio").Text())
			}
			if r.Doc.Find("#tokens-h").Length() != 0 {
				t.Error("someone else's profile shows the tokens section")
			}
			r = post(t, b, s, "/settings", url.Values{"name": {""}, "handle": {"admin"}, "country": {"XX"}, "time_zone": {"Mars/Base"}, "languages": {"zz"}, "bio": {"kept"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			for _, f := range []string{"name", "country", "time_zone", "languages"} {
				if fieldError(r, f) == "" {
					t.Errorf("no error beside %s", f)
				}
			}
			if r.Doc.Find("#f-bio").Text() != "kept" {
				t.Error("bio not kept")
			}

			// Directory filters.
			for q, want := range map[string]bool{"organisation=IDLO": true, "language=it": true, "expertise=facilitation": true,
				"q=rossi": true, "hub=rome": false, "language=fr": false} {
				r := get(t, admin, s, "/members?"+q)
				if got := r.Doc.Find(`.cards a[href="/members/bob"]`).Length() == 1; got != want {
					t.Errorf("/members?%s lists bob: %v, want %v", q, got, want)
				}
			}

			// Tokens on the member's own profile page.
			r = post(t, b, s, "/settings/tokens", url.Values{"name": {""}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "name") == "" {
				t.Fatal("token name error not beside the field")
			}
			wantRedirect(t, post(t, b, s, "/settings/tokens", url.Values{"name": {"report script"}}), "/members/bob")
			r = get(t, b, s, "/members/bob")
			flash := r.Doc.Find(".flash").Text()
			i := strings.Index(flash, sharefair.TokenPrefix)
			if i < 0 {
				t.Fatalf("new token not shown: %q", flash)
			}
			secret := strings.Fields(flash[i:])[0]
			if m, err := s.DB.MemberByToken(testutil.As(nil), secret); err != nil || m.ID != bob.ID {
				t.Fatalf("shown token does not work: %v", err)
			}
			if !strings.Contains(r.Doc.Find(".tokens table").Text(), "report script") {
				t.Fatal("token not listed")
			}
			action, _ := r.Doc.Find(".tokens table form").Attr("action")
			wantRedirect(t, post(t, b, s, action, nil), "/members/bob")
			if _, err := s.DB.MemberByToken(testutil.As(nil), secret); err == nil {
				t.Fatal("revoked token still works")
			}
			wantStatus(t, post(t, b, s, action, nil), http.StatusNotFound)
		})
	}
}

// TestDirectoryRefusesUnmatchableFilters checks a filter with text no
// member can have is answered beside the filter, not with a server error.
func TestDirectoryRefusesUnmatchableFilters(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			c := s.Browser(t, s.Admin)
			for _, q := range []string{"q=%00", "hub=a%00", "organisation=%FF", "expertise=x%00y", "language=%00"} {
				r := get(t, c, s, "/members?"+q)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				name, _, _ := strings.Cut(q, "=")
				if fieldError(r, name) == "" {
					t.Errorf("/members?%s: no error beside the %s filter", q, name)
				}
			}
			for _, p := range []string{"/members/a%00b", "/hubs/a%00b", "/threads?page=99999999999999999"} {
				if r := get(t, c, s, p); r.StatusCode >= 500 {
					t.Errorf("%s: status %d", p, r.StatusCode)
				}
			}
		})
	}
}

func TestNetworkSettings(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			admin, b := s.Browser(t, s.Admin), s.Browser(t, bob)
			wantStatus(t, get(t, b, s, "/network"), http.StatusForbidden)
			wantStatus(t, post(t, b, s, "/network", url.Values{"name": {"Taken over"}}), http.StatusForbidden)
			r := post(t, admin, s, "/network", url.Values{"name": {"  "}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "name") == "" {
				t.Fatal("no error beside the name")
			}
			wantRedirect(t, post(t, admin, s, "/network", url.Values{"name": {" KM Rome network "}}), "/network")
			r = get(t, b, s, "/")
			if got := r.Doc.Find(".brand").Text(); got != "KM Rome network" {
				t.Fatalf("brand = %q", got)
			}
			if v, _ := get(t, admin, s, "/network").Doc.Find("#f-name").Attr("value"); v != "KM Rome network" {
				t.Fatalf("form shows %q", v)
			}
		})
	}
}
