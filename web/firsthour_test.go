package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// wantRedirectExact checks that r redirects to exactly to.
func wantRedirectExact(t *testing.T, r response, to string) {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != to {
		t.Fatalf("redirect to %q, want %q", loc, to)
	}
}

// flashAfter posts form to path with c, follows the redirect and returns
// the flash message the next page shows.
func flashAfter(t *testing.T, c *http.Client, s *testutil.Server, path string, form url.Values) string {
	t.Helper()
	r := post(t, c, s, path, form)
	wantStatus(t, r, http.StatusSeeOther)
	next := get(t, c, s, strings.TrimPrefix(r.Header.Get("Location"), s.URL))
	wantStatus(t, next, http.StatusOK)
	return strings.TrimSpace(next.Doc.Find(".flash").Text())
}

// checklistOnHome returns the checklist's items on c's home page, each
// link mapped to whether it is ticked; nil when there is no checklist.
func checklistOnHome(t *testing.T, c *http.Client, s *testutil.Server) map[string]bool {
	t.Helper()
	r := get(t, c, s, "/")
	wantStatus(t, r, http.StatusOK)
	if r.Doc.Find(".checklist").Length() == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, li := range r.Doc.Find(".checklist li").EachIter() {
		href, _ := li.Find("a").Attr("href")
		out[href] = li.HasClass("done")
	}
	return out
}

func TestChecklistPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := s.Browser(t, s.Admin)
			bobM := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			bob := s.Browser(t, bobM)

			items := checklistOnHome(t, admin, s)
			want := map[string]bool{"/network": false, "/hubs/new": false, "/hubs": false, "/invitations": true, "/threads/new": false}
			if len(items) != len(want) {
				t.Fatalf("checklist = %v, want %v", items, want)
			}
			for k, w := range want {
				if items[k] != w {
					t.Errorf("item %s done = %v, want %v", k, items[k], w)
				}
			}
			// While it shows, it leads the admin; the way to the welcome page waits.
			if r := get(t, admin, s, "/"); r.Doc.Find(".welcome-back").Length() != 0 {
				t.Error("admin sees both the checklist and the welcome link")
			}
			// Members never see it.
			if checklistOnHome(t, bob, s) != nil {
				t.Fatal("a member sees the setup checklist")
			}

			wantRedirect(t, post(t, admin, s, "/network", url.Values{"name": {"KM"}, "description": {"For KM people."}, "time_zone": {"UTC"}}), "/network")
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			items = checklistOnHome(t, admin, s)
			if !items["/network"] || !items["/hubs/new"] || items["/hubs/rome/coordinators"] {
				t.Fatalf("after describing and a hub: %v", items)
			}
			r := get(t, admin, s, "/")
			if !strings.Contains(r.Doc.Find(".checklist").Text(), "Nobody coordinates Rome yet.") {
				t.Errorf("checklist does not name the hub without a coordinator: %q", r.Doc.Find(".checklist").Text())
			}
			if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "bob", true); err != nil {
				t.Fatal(err)
			}
			testutil.MustCreateThread(t, s.DB, bobM, nil, "First", "Hello")
			if items := checklistOnHome(t, admin, s); items != nil {
				t.Fatalf("checklist still shown when done: %v", items)
			}
			if r := get(t, admin, s, "/"); r.Doc.Find(`.welcome-back a[href="/welcome"]`).Length() != 1 {
				t.Error("checklist done: the admin, profile incomplete, is not led to the welcome page")
			}
			// A new hub nobody coordinates brings it back, with that one step.
			testutil.MustCreateHub(t, s.DB, s.Admin, "Nairobi")
			items = checklistOnHome(t, admin, s)
			if items == nil || items["/hubs/nairobi/coordinators"] || !items["/threads/new"] {
				t.Fatalf("after Nairobi: %v", items)
			}
		})
	}
}

// emptyOn returns the text of the empty states on path as c sees it, and
// the links and buttons they offer.
func emptyOn(t *testing.T, c *http.Client, s *testutil.Server, path string) (string, []string) {
	t.Helper()
	r := get(t, c, s, path)
	wantStatus(t, r, http.StatusOK)
	var actions []string
	for _, a := range r.Doc.Find(".empty a, .empty form").EachIter() {
		if href, ok := a.Attr("href"); ok {
			actions = append(actions, href)
		} else if act, ok := a.Attr("action"); ok {
			actions = append(actions, "POST "+act)
		}
	}
	return strings.Join(strings.Fields(r.Doc.Find(".empty").Text()), " "), actions
}

func TestEmptyStates(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := s.Browser(t, s.Admin)
			annM := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			ann := s.Browser(t, annM)
			check := func(c *http.Client, path, text string, actions ...string) {
				t.Helper()
				got, acts := emptyOn(t, c, s, path)
				if !strings.Contains(got, text) {
					t.Errorf("%s: empty state %q, want %q", path, got, text)
				}
				if strings.Join(acts, " ") != strings.Join(actions, " ") {
					t.Errorf("%s: empty state offers %v, want %v", path, acts, actions)
				}
			}
			// Only admins are offered to create a hub.
			check(admin, "/hubs", "No hubs yet.", "/hubs/new")
			check(ann, "/hubs", "The network admins create hubs", []string{}...)
			check(ann, "/", "No discussions yet.", "/threads/new")
			// The admin's home page: the checklist leads, the sidebar offers the first hub.
			check(admin, "/", "The network has no hubs yet", "/threads/new", "/hubs/new")
			check(ann, "/threads", "No discussions yet.", "/threads/new")
			check(ann, "/members/ann", "You have not posted", "/threads")
			check(admin, "/members/ann", "Member ann has not posted", []string{}...)
			check(ann, "/settings/tokens", "You have no access tokens.", []string{}...)
			check(ann, "/members?q=nobody-like-this", "No member matches these filters.", "/members")
			check(admin, "/invitations", "You have not invited anyone yet.", []string{}...)

			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			p := sharefair.JoinByRequest
			if _, err := s.DB.UpdateHub(testutil.As(s.Admin), rome.Slug, sharefair.HubUpdate{JoinPolicy: &p}); err != nil {
				t.Fatal(err)
			}
			check(admin, "/hubs/rome/coordinators", "Nobody coordinates Rome yet.", "/invitations?hub=rome")
			check(admin, "/hubs/rome/coordinators?q=zzz", "No member of Rome matches “zzz”.", "/hubs/rome/coordinators")
			check(admin, "/hubs/rome/requests", "No requests are waiting.", []string{}...)
			// Admins may post in any hub; a non-member is told how to join.
			check(admin, "/hubs/rome", "No discussions in Rome yet.", "/threads/new?hub=rome", "/invitations?hub=rome")
			check(ann, "/hubs/rome", "are for its members. Ask to join", []string{}...)
			// In no hub: the home page offers to find one.
			check(ann, "/", "You are in no hub yet.", "/threads/new", "/hubs")
			testutil.MustJoin(t, s.DB, annM, rome) // asks, and is approved
			if _, err := s.DB.DecideJoinRequest(testutil.As(s.Admin), rome.Slug, "ann", true); err != nil {
				t.Fatal(err)
			}
			check(ann, "/hubs/rome", "No discussions in Rome yet.", "/threads/new?hub=rome")
		})
	}
}

func TestWelcome(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			big, err := s.DB.CreateHub(testutil.As(s.Admin), sharefair.NewHub{Name: "Nairobi", City: "Nairobi"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.CreateHub(testutil.As(s.Admin), sharefair.NewHub{Name: "Quiet", JoinPolicy: sharefair.JoinByRequest}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.CreateHub(testutil.As(s.Admin), sharefair.NewHub{Name: "Secret", JoinPolicy: sharefair.JoinByInvitation}); err != nil {
				t.Fatal(err)
			}
			testutil.MustJoin(t, s.DB, testutil.MustCreateMember(t, s.DB, "xavier", sharefair.RoleMember), big)
			testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Welcome, everyone", "Say hello.")
			_, token, err := s.DB.CreateInvitation(testutil.As(s.Admin), sharefair.NewInvitation{Email: "carla@example.org", Hub: rome.Slug})
			if err != nil {
				t.Fatal(err)
			}
			c := s.Browser(t, nil)
			wantRedirectExact(t, post(t, c, s, "/join/"+token, url.Values{"name": {"Carla"}, "handle": {"carla"}, "password": {"long enough pw"}}), "/welcome")
			r := get(t, c, s, "/welcome")
			wantStatus(t, r, http.StatusOK)
			main := strings.Join(strings.Fields(r.Doc.Find("main").Text()), " ")
			for _, want := range []string{"Welcome, Carla!", "finds people by organisation, city, language and expertise",
				"Still empty: your organisation, your city, the languages you work in and your expertise.",
				"You are a member of Rome", "Welcome, everyone"} {
				if !strings.Contains(main, want) {
					t.Errorf("welcome page lacks %q:\n%s", want, main)
				}
			}
			var offered []string
			for _, f := range r.Doc.Find(".suggestions form").EachIter() {
				act, _ := f.Attr("action")
				next, _ := f.Find(`input[name="next"]`).Attr("value")
				offered = append(offered, act+" "+next+" "+strings.TrimSpace(f.Find("button").Text()))
			}
			want := []string{"/hubs/nairobi/join /welcome Join", "/hubs/quiet/join /welcome Ask to join"}
			if strings.Join(offered, "|") != strings.Join(want, "|") {
				t.Fatalf("suggestions = %v, want %v", offered, want)
			}
			// The home page leads back while the profile is incomplete.
			if r := get(t, c, s, "/"); r.Doc.Find(`.welcome-back a[href="/welcome"]`).Length() != 1 {
				t.Fatal("home page does not lead back to the welcome page")
			}

			// One button, no script: joined, and back at the welcome page.
			r = post(t, c, s, "/hubs/nairobi/join", url.Values{"next": {"/welcome"}})
			wantRedirectExact(t, r, "/welcome")
			r = get(t, c, s, "/welcome")
			if f := strings.TrimSpace(r.Doc.Find(".flash").Text()); f != "You joined Nairobi." {
				t.Errorf("flash = %q", f)
			}
			if r.Doc.Find(`.suggestions form[action="/hubs/nairobi/join"]`).Length() != 0 {
				t.Error("a hub joined is still suggested")
			}
			// next leads only to this site.
			wantRedirectExact(t, post(t, c, s, "/hubs/quiet/join", url.Values{"next": {"//evil.example/"}}), "/")

			// Part of the profile: saved, and told what is still missing.
			form := url.Values{"name": {"Carla"}, "handle": {"carla"}, "organisation": {"FAO"}, "city": {"Rome"}}
			if f := flashAfter(t, c, s, "/settings", form); f != "Your profile is saved. Still empty: the languages you work in and your expertise; the directory finds people by them." {
				t.Errorf("partial profile flash = %q", f)
			}
			form.Set("languages", "en")
			form.Set("expertise", "knowledge cafés")
			if f := flashAfter(t, c, s, "/settings", form); f != "Your profile is saved." {
				t.Errorf("profile flash = %q", f)
			}
			if r := get(t, c, s, "/"); r.Doc.Find(".welcome-back").Length() != 0 {
				t.Fatal("home page still leads to the welcome page with a complete profile")
			}
			if r := get(t, c, s, "/welcome"); !strings.Contains(r.Doc.Find("main").Text(), "Your profile is complete") {
				t.Fatal("welcome page does not say the profile is complete")
			}
		})
	}
}

func TestFlashMessages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := s.Browser(t, s.Admin)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			annM := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bobM := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			testutil.MustJoin(t, s.DB, bobM, rome)
			ann, bob := s.Browser(t, annM), s.Browser(t, bobM)
			th := testutil.MustCreateThread(t, s.DB, annM, nil, "Lessons", "How do you keep them?")
			thread := "/threads/" + itoa64(th.ID)

			cases := []struct {
				name string
				c    func() string
				want string
			}{
				{"HubCreated", func() string {
					return flashAfter(t, admin, s, "/hubs", url.Values{"name": {"Nairobi"}, "join_policy": {"open"}})
				}, "The hub Nairobi is created. Next, appoint its coordinator: someone who keeps it alive."},
				{"HubEdited", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/edit", url.Values{"name": {"Rome"}, "city": {"Roma"}, "time_zone": {"Europe/Rome"}})
				}, "The changes to Rome are saved."},
				{"StandDownNeverCoordinated", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"bob"}, "coordinator": {"no"}})
				}, "@bob did not coordinate Rome; nothing changed."},
				{"Appointed", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"bob"}, "coordinator": {"yes"}})
				}, "@bob now coordinates Rome."},
				{"AppointedTwice", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"bob"}, "coordinator": {"yes"}})
				}, "@bob coordinates Rome already; nothing changed."},
				{"StoodDown", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"bob"}, "coordinator": {"no"}})
				}, "@bob no longer coordinates Rome, and stays a member of it."},
				{"LeaveNotIn", func() string { return flashAfter(t, ann, s, "/hubs/rome/leave", nil) },
					"You were not a member of Rome, nor waiting to join it: nothing changed."},
				{"JoinedAlready", func() string { return flashAfter(t, bob, s, "/hubs/rome/join", nil) },
					"You are a member of Rome already; nothing changed."},
				{"Left", func() string { return flashAfter(t, bob, s, "/hubs/rome/leave", nil) }, "You left Rome."},
				{"RequestToJoin", func() string {
					p := sharefair.JoinByRequest
					if _, err := s.DB.UpdateHub(testutil.As(s.Admin), rome.Slug, sharefair.HubUpdate{JoinPolicy: &p}); err != nil {
						t.Fatal(err)
					}
					return flashAfter(t, ann, s, "/hubs/rome/join", nil)
				}, "You asked to join Rome. A coordinator will decide."},
				{"RequestTwice", func() string { return flashAfter(t, ann, s, "/hubs/rome/join", nil) },
					"You had asked to join Rome already; a coordinator will decide. Nothing changed."},
				{"Approved", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/requests/ann", url.Values{"decision": {"approve"}})
				}, "@ann is now a member of the hub."},
				{"ApprovedTwice", func() string {
					return flashAfter(t, admin, s, "/hubs/rome/requests/ann", url.Values{"decision": {"approve"}})
				}, "@ann is a member of the hub already; nothing changed."},
				{"PostSaved", func() string {
					posts, _, err := s.DB.FindPosts(testutil.As(annM), th.ID, sharefair.Page{})
					if err != nil || len(posts) == 0 {
						t.Fatal(posts, err)
					}
					return flashAfter(t, ann, s, "/posts/"+itoa64(posts[0].ID)+"/edit", url.Values{"body": {"How do you keep lessons?"}})
				}, "Your post is saved."},
				{"TitleSaved", func() string {
					return flashAfter(t, ann, s, thread+"/edit", url.Values{"title": {"Lessons learnt"}})
				}, "The title is saved."},
				{"Replied", func() string {
					return flashAfter(t, bob, s, thread+"/posts", url.Values{"body": {"A page per project."}})
				}, "Your reply is posted."},
				{"NetworkSaved", func() string {
					return flashAfter(t, admin, s, "/network", url.Values{"name": {"KM"}, "description": {""}, "time_zone": {"UTC"}})
				}, "The network's settings are saved."},
				{"SignedOut", func() string { return flashAfter(t, bob, s, "/signout", nil) }, "You are signed out."},
			}
			for _, tc := range cases {
				if got := tc.c(); got != tc.want {
					t.Errorf("%s: flash %q, want %q", tc.name, got, tc.want)
				}
			}
		})
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
