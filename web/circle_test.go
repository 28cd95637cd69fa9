package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestCirclePages goes through circles on the pages alone: starting a
// secret one, inviting, accepting, posting for it, what outsiders and
// admins see, and narrowing a thread's audience.
func TestCirclePages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			hostM := testutil.MustCreateMember(t, s.DB, "host", sharefair.RoleMember)
			testutil.MustCreateMember(t, s.DB, "amina", sharefair.RoleMember)
			host := s.Browser(t, hostM)
			kofi := s.Browser(t, testutil.MustCreateMember(t, s.DB, "kofi", sharefair.RoleMember))
			outsider := s.Browser(t, testutil.MustCreateMember(t, s.DB, "out", sharefair.RoleMember))
			admin := s.Browser(t, s.Admin)

			r := get(t, host, s, "/circles/new")
			if r.Doc.Find(`input[type=radio][name=kind][value=open][checked]`).Length() != 1 {
				t.Fatal("new circle form: open not chosen by default")
			}
			r = post(t, host, s, "/circles", url.Values{"name": {" "}, "kind": {"secret"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "name") == "" || r.Doc.Find(`input[name=kind][value=secret][checked]`).Length() != 1 {
				t.Fatal("empty name not refused beside the field, or kind lost")
			}
			to := wantRedirect(t, post(t, host, s, "/circles", url.Values{"name": {"Quiet room"}, "kind": {"secret"},
				"description": {"For **us**."}}), "/circles/")
			key := strings.TrimPrefix(to, "/circles/")
			if !sharefair.ValidCircleKey(key) {
				t.Fatalf("circle address %q", to)
			}
			r = get(t, host, s, to)
			if r.Doc.Find("h1").Text() != "Quiet room" || r.Doc.Find("main .body strong").Text() != "us" ||
				r.Doc.Find(`a[href="`+to+`/manage"]`).Length() != 1 {
				t.Fatal("circle page lacks its name, description or Manage link")
			}

			// Outsiders and admins: the same 404 as an address that never was.
			never := get(t, outsider, s, "/circles/zzzzzzzzzz")
			wantStatus(t, never, http.StatusNotFound)
			for _, c := range []*http.Client{outsider, admin} {
				got := get(t, c, s, to)
				wantStatus(t, got, http.StatusNotFound)
				if got.Doc.Find("main").Text() != never.Doc.Find("main").Text() {
					t.Fatal("the secret circle's 404 differs from a never-existing one's")
				}
				if list := get(t, c, s, "/circles"); strings.Contains(list.Body, "Quiet room") {
					t.Fatal("the secret circle is listed")
				}
			}

			// Invite, accept on the circles page.
			r = post(t, host, s, to+"/invite", url.Values{"handle": {"@nobody"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "handle") == "" {
				t.Fatal("unknown handle not refused beside the field")
			}
			wantRedirect(t, post(t, host, s, to+"/invite", url.Values{"handle": {"@kofi"}}), to+"/manage")
			r = get(t, kofi, s, "/circles")
			if r.Doc.Find(`form[action="`+to+`/answer"] button[value=accept]`).Length() != 1 {
				t.Fatal("the invitation is not on the invitee's circles page")
			}
			wantRedirect(t, post(t, kofi, s, to+"/answer", url.Values{"answer": {"accept"}}), to)

			// The composer offers the circle, saying who reads it.
			r = get(t, kofi, s, "/threads/new?circle="+key)
			opt := r.Doc.Find(`#f-audience option[value="circle:` + key + `"]`)
			if _, sel := opt.Attr("selected"); !sel || !strings.Contains(opt.Text(), "2 people") ||
				strings.Contains(opt.Text(), "admins") {
				t.Fatalf("circle option %q", opt.Text())
			}
			th := wantRedirect(t, post(t, kofi, s, "/threads", url.Values{"title": {"Inside"}, "body": {"Words."},
				"audience": {"circle:" + key}}), "/threads/")
			r = get(t, host, s, th)
			if badge := r.Doc.Find(`.thread-head a.badge[href="` + to + `"]`); badge.Text() != "Quiet room circle" {
				t.Fatalf("audience badge %q", badge.Text())
			}
			wantStatus(t, get(t, admin, s, th), http.StatusNotFound)

			// Narrowing: host replied, so only narrower.
			post(t, host, s, th+"/posts", url.Values{"body": {"A reply."}})
			r = post(t, kofi, s, th+"/audience", url.Values{"audience": {"network"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "audience") == "" {
				t.Fatal("widening not refused beside the field")
			}
			wantRedirect(t, post(t, kofi, s, th+"/audience", url.Values{"audience": {"members"}, "members": {"@host"}}), th)
			r = get(t, host, s, th)
			if !strings.Contains(r.Doc.Find(".thread-head .badge").First().Text(), "Named members only: @host") {
				t.Fatalf("badge after narrowing %q", r.Doc.Find(".thread-head .badge").First().Text())
			}

			// The admin's audited list.
			r = get(t, admin, s, "/admin/circles")
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.Doc.Find("table.rows").Text(), "Quiet room") {
				t.Fatal("the admin list lacks the secret circle")
			}
			wantStatus(t, get(t, outsider, s, "/admin/circles"), http.StatusForbidden)
		})
	}
}

// TestEditCirclePages: a host edits the circle's name and description from
// its page; a bad name is refused beside the field, keeping what was
// typed; a member who does not host it is refused the form.
func TestEditCirclePages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			hostM := testutil.MustCreateMember(t, s.DB, "host", sharefair.RoleMember)
			memberM := testutil.MustCreateMember(t, s.DB, "member", sharefair.RoleMember)
			c, err := s.DB.CreateCircle(testutil.As(hostM), sharefair.NewCircle{Name: "Open water", Kind: sharefair.CircleOpen})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.JoinCircle(testutil.As(memberM), c.Key); err != nil {
				t.Fatal(err)
			}
			host, member := s.Browser(t, hostM), s.Browser(t, memberM)
			at := "/circles/" + c.Key
			if r := get(t, host, s, at); r.Doc.Find(`a[href="`+at+`/edit"]`).Length() != 1 {
				t.Fatal("the circle page offers its host no edit link")
			}
			if r := get(t, member, s, at); r.Doc.Find(`a[href="`+at+`/edit"]`).Length() != 0 {
				t.Fatal("the circle page offers a member who does not host it the edit link")
			}
			r := get(t, host, s, at+"/edit")
			wantStatus(t, r, http.StatusOK)
			if v, _ := r.Doc.Find("#f-name").Attr("value"); v != "Open water" {
				t.Fatalf("edit form name = %q", v)
			}
			r = post(t, host, s, at+"/edit", url.Values{"name": {" "}, "description": {"Kept *words*."}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "name") == "" || r.Doc.Find("#f-description").Text() != "Kept *words*." {
				t.Fatal("a blank name is not refused beside the field, or the description typed is lost")
			}
			wantRedirect(t, post(t, host, s, at+"/edit", url.Values{"name": {"Deep water"}, "description": {"About *waves*."}}), at)
			r = get(t, host, s, at)
			if r.Doc.Find("h1").Text() != "Deep water" || r.Doc.Find("header .body em").Text() != "waves" {
				t.Fatalf("after the edit the page shows %q", r.Doc.Find("header").Text())
			}
			wantStatus(t, get(t, member, s, at+"/edit"), http.StatusForbidden)
			wantStatus(t, post(t, member, s, at+"/edit", url.Values{"name": {"Mine"}}), http.StatusForbidden)
		})
	}
}

// TestReplyFormWarnsFewReaders: where a discussion's readers are few (named
// members, a small circle), the reply form says they may guess who wrote a
// post that hides its author; where they are many, it does not.
func TestReplyFormWarnsFewReaders(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			testutil.MustCreateMember(t, s.DB, "cat", sharefair.RoleMember)
			c, err := s.DB.CreateCircle(testutil.As(ann), sharefair.NewCircle{Name: "Pair", Kind: sharefair.CircleOpen})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.JoinCircle(testutil.As(bob), c.Key); err != nil {
				t.Fatal(err)
			}
			hint := func(aud sharefair.AudienceChoice) string {
				t.Helper()
				th, err := s.DB.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "Among few", Body: "Words.", Audience: aud})
				if err != nil {
					t.Fatal(err)
				}
				r := get(t, s.Browser(t, bob), s, "/threads/"+strconv.FormatInt(th.ID, 10))
				wantStatus(t, r, http.StatusOK)
				return r.Doc.Find("#f-attribution-hint").Text()
			}
			for what, c := range map[string]struct {
				aud  sharefair.AudienceChoice
				want string
			}{
				"named members":  {sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: []string{"bob", "cat"}}, "Only 3 people read this discussion"},
				"a small circle": {sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: c.Key}, "Only 2 people read this discussion"},
				"the network":    {sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, ""},
			} {
				got := hint(c.aud)
				if c.want == "" && strings.Contains(got, "Only ") || c.want != "" && !strings.Contains(got, c.want) {
					t.Errorf("for %s the reply form says %q, want %q", what, got, c.want)
				}
			}
		})
	}
}

// TestCirclesPagePaged: the circles to join come a page at a time; the
// viewer's own and those they are invited to stand above, whole.
func TestCirclesPagePaged(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			host := testutil.MustCreateMember(t, s.DB, "host", sharefair.RoleMember)
			viewer := testutil.MustCreateMember(t, s.DB, "viewer", sharefair.RoleMember)
			n := sharefair.DefaultPageSize + 3
			for i := range n {
				if _, err := s.DB.CreateCircle(testutil.As(host), sharefair.NewCircle{Name: fmt.Sprintf("Circle %02d", i), Kind: sharefair.CircleOpen}); err != nil {
					t.Fatal(err)
				}
			}
			mine, err := s.DB.CreateCircle(testutil.As(viewer), sharefair.NewCircle{Name: "Mine", Kind: sharefair.CircleOpen})
			if err != nil {
				t.Fatal(err)
			}
			b := s.Browser(t, viewer)
			r := get(t, b, s, "/circles")
			wantStatus(t, r, http.StatusOK)
			if r.Doc.Find(`a[href="/circles/`+mine.Key+`"]`).Length() == 0 {
				t.Fatal("the viewer's own circle is not listed")
			}
			first := r.Doc.Find(`a[href^="/circles/"]`).FilterFunction(func(_ int, a *goquery.Selection) bool {
				return strings.HasPrefix(a.Text(), "Circle ")
			}).Length()
			if first != sharefair.DefaultPageSize || r.Doc.Find(`a[href="/circles?page=2"]`).Length() == 0 {
				t.Fatalf("page 1 lists %d circles to join, want %d and a link to page 2", first, sharefair.DefaultPageSize)
			}
			r = get(t, b, s, "/circles?page=2")
			second := r.Doc.Find(`a[href^="/circles/"]`).FilterFunction(func(_ int, a *goquery.Selection) bool {
				return strings.HasPrefix(a.Text(), "Circle ")
			}).Length()
			if second != 3 {
				t.Fatalf("page 2 lists %d circles to join, want 3", second)
			}
		})
	}
}
