package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestEveryPageRenders fetches every page as the people who see it, so a
// broken template fails the build rather than a member; and checks that
// each form is offered only to those who may save it.
func TestEveryPageRenders(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			coord := testutil.MustCreateMember(t, s.DB, "coord", sharefair.RoleMember)
			if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "coord", true); err != nil {
				t.Fatal(err)
			}
			member := testutil.MustCreateMember(t, s.DB, "member", sharefair.RoleMember)
			testutil.MustJoin(t, s.DB, member, rome)
			outsider := testutil.MustCreateMember(t, s.DB, "outsider", sharefair.RoleMember)
			byRequest := sharefair.JoinByRequest
			if _, err := s.DB.UpdateHub(testutil.As(s.Admin), rome.Slug, sharefair.HubUpdate{JoinPolicy: &byRequest}); err != nil {
				t.Fatal(err)
			}
			if out, err := s.DB.JoinHub(testutil.As(outsider), rome.Slug); err != nil || out != sharefair.Requested {
				t.Fatalf("outsider asks to join: %q, %v", out, err)
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
			postPath := "/posts/" + strconv.FormatInt(posts[0].ID, 10)

			n, err := s.DB.Network(testutil.As(s.Admin))
			if err != nil {
				t.Fatal(err)
			}
			network := n.Name
			pages := map[string][]string{
				"guest": {"/signin", "/join/" + token},
				"coordinator": {"/", "/welcome", "/threads", "/threads/new", "/threads/new?hub=rome", thread, thread + "/edit",
					postPath + "/edit", "/hubs", "/hubs/rome", "/hubs/rome/edit", "/members", "/members?hub=rome&q=co",
					"/members/coord", "/members/admin", "/settings", "/settings/security", "/settings/tokens", "/settings/data", "/settings/notifications", "/notifications", "/invitations", "/invitations?hub=rome", "/hubs/rome/requests", "/hubs/rome/manage"},
				"admin": {"/", "/hubs", "/hubs/new", "/hubs/rome", thread, "/invitations", "/members/coord", "/network",
					"/hubs/rome/coordinators", "/hubs/rome/coordinators?q=co&page=2", "/hubs/rome/requests", "/hubs/rome/manage",
					"/admin/outbox", "/admin/jobs"},
			}
			clients := map[string]*http.Client{"guest": s.Browser(t, nil), "coordinator": s.Browser(t, coord), "admin": s.Browser(t, s.Admin),
				"member": s.Browser(t, member), "outsider": s.Browser(t, outsider)}
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
					checkHead(t, r, p+" as "+who, network, who == "guest")
					r.Doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, c *goquery.Selection) {
						// Labelled by a label naming it, or by the label it is in.
						id, _ := c.Attr("id")
						if (id == "" || r.Doc.Find(`label[for="`+id+`"]`).Length() != 1) && c.ParentsFiltered("label").Length() != 1 {
							t.Errorf("%s as %s: control %s has no label", p, who, id)
						}
					})
				}
			}
			wantRedirect(t, get(t, clients["coordinator"], s, postPath), thread+"?page=1#p")

			// Each form is offered (its page served, the link or button to
			// it shown) to those who may save it, and to nobody else: they
			// are refused its page and its saving alike, with 404 where
			// what it changes is hidden from them.
			for _, o := range []struct {
				name   string
				on     string // the page that offers the form
				link   string // the link or button to it there
				form   string // the form's own page; "" when on the page itself
				save   string
				values url.Values
				may    []string
				hidden []string // for whom the thing does not exist
			}{
				{"RenameThread", thread, `a[href="` + thread + `/edit"]`, thread + "/edit", thread + "/edit",
					url.Values{"title": {"Taken"}}, []string{"coordinator", "admin"}, []string{"outsider"}},
				{"EditPost", thread, `a[href="` + postPath + `/edit"]`, postPath + "/edit", postPath + "/edit",
					url.Values{"body": {"Taken"}}, []string{"coordinator"}, []string{"outsider"}},
				{"EditHub", "/hubs/rome/manage", `a[href="/hubs/rome/edit"]`, "/hubs/rome/edit", "/hubs/rome/edit",
					url.Values{"name": {"Taken"}, "description": {""}}, []string{"coordinator", "admin"}, nil},
				{"CreateHub", "/hubs", `a[href="/hubs/new"]`, "/hubs/new", "/hubs",
					url.Values{"name": {"Lima"}}, []string{"admin"}, nil},
				{"NetworkSettings", "/hubs", `a[href="/network"]`, "/network", "/network",
					url.Values{"name": {"Taken"}}, []string{"admin"}, nil},
				{"Invite", "/", `header nav a[href="/invitations"]`, "/invitations", "/invitations",
					url.Values{"email": {"x@example.org"}, "hub": {"rome"}}, []string{"coordinator", "admin"}, nil},
				{"InviteToHub", "/hubs/rome/manage", `a[href="/invitations?hub=rome"]`, "/invitations?hub=rome", "/invitations",
					url.Values{"email": {"y@example.org"}, "hub": {"rome"}}, []string{"coordinator", "admin"}, nil},
				{"AppointCoordinator", "/hubs/rome/manage", `a[href="/hubs/rome/coordinators"]`, "/hubs/rome/coordinators", "/hubs/rome/coordinators",
					url.Values{"handle": {"member"}, "coordinator": {"yes"}}, []string{"admin"}, nil},
				{"AnswerJoinRequests", "/hubs/rome/manage", `a[href="/hubs/rome/requests"]`, "/hubs/rome/requests", "/hubs/rome/requests/outsider",
					url.Values{"decision": {"decline"}}, []string{"coordinator", "admin"}, nil},
				{"ManageHub", "/hubs/rome", `a[href="/hubs/rome/manage"]`, "", "", nil, []string{"coordinator", "admin"}, nil},
				{"StartHubThread", "/hubs/rome", `a[href="/threads/new?hub=rome"]`, "", "/threads",
					url.Values{"title": {"t"}, "body": {"b"}, "audience": {"hub:rome"}}, []string{"coordinator", "admin", "member"}, nil},
			} {
				t.Run(o.name, func(t *testing.T) {
					for _, who := range []string{"admin", "coordinator", "member", "outsider"} {
						c := clients[who]
						may, hidden := slices.Contains(o.may, who), slices.Contains(o.hidden, who)
						refusal := http.StatusForbidden
						if hidden {
							refusal = http.StatusNotFound
						}
						r := get(t, c, s, o.on)
						if hidden {
							wantStatus(t, r, http.StatusNotFound)
						} else {
							wantStatus(t, r, http.StatusOK)
							if n := r.Doc.Find(o.link).Length(); (n > 0) != may {
								t.Errorf("%s as %s: %d of %s, want offered %v", o.on, who, n, o.link, may)
							}
						}
						if o.form != "" {
							want := http.StatusOK
							if !may {
								want = refusal
							}
							if r := get(t, c, s, o.form); r.StatusCode != want {
								t.Errorf("GET %s as %s: status %d, want %d", o.form, who, r.StatusCode, want)
							} else if !may && r.Doc.Find(`form[action="`+o.save+`"]`).Length() != 0 {
								t.Errorf("GET %s as %s: the refusal still holds the form", o.form, who)
							}
						}
						if !may && o.save != "" {
							if r := post(t, c, s, o.save, o.values); r.StatusCode != refusal {
								t.Errorf("POST %s as %s: status %d, want %d", o.save, who, r.StatusCode, refusal)
							}
						}
					}
				})
			}
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
			if r.Doc.Find("h1").Text() != "Rome & Lazio" || !strings.Contains(r.Doc.Find("#hub-coordinators").Parent().Text(), "Member bob") {
				t.Fatalf("hub page after edit: %q / %q", r.Doc.Find("h1").Text(), r.Doc.Find("#hub-coordinators").Parent().Text())
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

			// Tokens in the member's settings, not on their profile.
			r = post(t, b, s, "/settings/tokens", url.Values{"name": {""}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "name") == "" {
				t.Fatal("token name error not beside the field")
			}
			wantRedirect(t, post(t, b, s, "/settings/tokens", url.Values{"name": {"report script"}}), "/settings/tokens")
			r = get(t, b, s, "/settings/tokens")
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
			if get(t, b, s, "/members/bob").Doc.Find("#tokens-h, .tokens").Length() != 0 {
				t.Error("the member's own profile page shows their tokens")
			}
			action, _ := r.Doc.Find(".tokens table form").Attr("action")
			wantRedirect(t, post(t, b, s, action, nil), "/settings/tokens")
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
