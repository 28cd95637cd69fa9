package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestHubDetailsPage checks the hub form's city, time zone and Markdown
// description, and how the hub page shows them.
func TestHubDetailsPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := s.Browser(t, s.Admin)

			r := get(t, admin, s, "/hubs/new")
			if r.Doc.Find(`select#f-time_zone optgroup[label="Europe"] option[value="Europe/Rome"]`).Length() != 1 ||
				r.Doc.Find(`input[type=radio][name=join_policy][value=open][checked]`).Length() != 1 {
				t.Fatal("new hub form: no grouped time zones or no open policy checked")
			}
			r = post(t, admin, s, "/hubs", url.Values{"name": {"Rome"}, "time_zone": {"Mars/Base"}, "city": {"Rome"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "time_zone") == "" || r.Doc.Find("#f-city").AttrOr("value", "") != "Rome" {
				t.Fatal("bad time zone not shown beside the field, or city lost")
			}
			wantRedirect(t, post(t, admin, s, "/hubs", url.Values{"name": {"Rome"}, "city": {"Rome"}, "time_zone": {"Europe/Rome"},
				"description": {"We meet **monthly**.\n\n<script>alert(1)</script>"}, "join_policy": {"open"}}), "/hubs/rome")
			r = get(t, admin, s, "/hubs/rome")
			desc := r.Doc.Find("main .body")
			if desc.Find("strong").Text() != "monthly" || strings.Contains(r.Body, "**monthly**") || desc.Find("script").Length() != 0 {
				t.Fatalf("description not rendered as Markdown: %q", desc.Text())
			}
			meta := r.Doc.Find("main .meta").First().Text()
			if !strings.Contains(meta, "Rome") || !strings.Contains(meta, "Europe/Rome") {
				t.Fatalf("meta = %q", meta)
			}
			r = get(t, admin, s, "/hubs/rome/edit")
			if r.Doc.Find(`#f-time_zone option[value="Europe/Rome"][selected]`).Length() != 1 || r.Doc.Find("#f-city").AttrOr("value", "") != "Rome" ||
				r.Doc.Find(`#f-time_zone option[value=""]`).Length() != 0 {
				t.Fatal("edit form does not hold the hub's city and time zone")
			}
		})
	}
}

// TestJoinPoliciesPages goes through the three join policies as members,
// coordinators and network admins do, on the pages alone.
func TestJoinPoliciesPages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			admin := s.Browser(t, s.Admin)
			rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
			coordM := testutil.MustCreateMember(t, s.DB, "coord", sharefair.RoleMember)
			if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), rome.Slug, "coord", true); err != nil {
				t.Fatal(err)
			}
			coord := s.Browser(t, coordM)
			bob := s.Browser(t, testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember))
			testutil.MustCreateThread(t, s.DB, coordM, rome, "Past topic", "Only for members.")

			// A member's most prominent action is not leaving.
			r := get(t, coord, s, "/hubs/rome")
			if r.Doc.Find(`.bar form[action="/hubs/rome/leave"]`).Length() != 0 ||
				r.Doc.Find(`form[action="/hubs/rome/leave"] button.link`).Length() != 1 {
				t.Fatal("Leave this hub is not a quiet action")
			}
			if !strings.Contains(r.Doc.Find(".policy").Text(), "open") {
				t.Fatalf("policy = %q", r.Doc.Find(".policy").Text())
			}

			// By request.
			wantRedirect(t, post(t, coord, s, "/hubs/rome/edit", url.Values{"join_policy": {"request"}}), "/hubs/rome")
			r = get(t, bob, s, "/hubs/rome")
			if !strings.Contains(r.Doc.Find(".policy").Text(), "by request") || r.Doc.Find(`form[action="/hubs/rome/join"] button`).Text() != "Ask to join" {
				t.Fatalf("bob sees policy %q and button %q", r.Doc.Find(".policy").Text(), r.Doc.Find(`form[action="/hubs/rome/join"] button`).Text())
			}
			wantRedirect(t, post(t, bob, s, "/hubs/rome/join", nil), "/hubs/rome")
			r = get(t, bob, s, "/hubs/rome")
			if !strings.Contains(r.Doc.Find(".flash").Text(), "asked") || r.Doc.Find(`form[action="/hubs/rome/join"]`).Length() != 0 ||
				r.Doc.Find(`form[action="/hubs/rome/leave"] input[name=withdraw]`).Length() != 1 ||
				strings.Contains(r.Body, "Past topic") {
				t.Fatal("after asking: no flash, a join button still, no withdraw, or the discussions shown")
			}
			wantStatus(t, get(t, bob, s, "/hubs/rome/requests"), http.StatusForbidden)
			wantStatus(t, post(t, bob, s, "/hubs/rome/requests/bob", url.Values{"decision": {"approve"}}), http.StatusForbidden)
			r = get(t, coord, s, "/hubs/rome")
			if link := r.Doc.Find(`a[href="/hubs/rome/requests"]`).Text(); link != "1 request to join" {
				t.Fatalf("coordinator sees %q", link)
			}
			r = get(t, coord, s, "/hubs/rome/requests")
			if r.Doc.Find(`form[action="/hubs/rome/requests/bob"] button[value=approve]`).Length() != 1 {
				t.Fatal("no approve button for bob's request")
			}
			wantStatus(t, post(t, coord, s, "/hubs/rome/requests/bob", url.Values{"decision": {"maybe"}}), http.StatusUnprocessableEntity)
			wantRedirect(t, post(t, coord, s, "/hubs/rome/requests/bob", url.Values{"decision": {"approve"}}), "/hubs/rome/requests")
			// Approved before: said, not an error; declining a member is no request.
			wantRedirect(t, post(t, coord, s, "/hubs/rome/requests/bob", url.Values{"decision": {"approve"}}), "/hubs/rome/requests")
			wantStatus(t, post(t, coord, s, "/hubs/rome/requests/bob", url.Values{"decision": {"decline"}}), http.StatusNotFound)
			r = get(t, bob, s, "/hubs/rome")
			if !strings.Contains(r.Body, "Past topic") {
				t.Fatal("approved member cannot read the hub's discussions")
			}
			wantRedirect(t, post(t, bob, s, "/hubs/rome/leave", nil), "/hubs/rome")

			// By invitation only: no button, and joining is refused.
			wantRedirect(t, post(t, coord, s, "/hubs/rome/edit", url.Values{"join_policy": {"invitation"}}), "/hubs/rome")
			r = get(t, bob, s, "/hubs/rome")
			if r.Doc.Find(`form[action="/hubs/rome/join"]`).Length() != 0 || !strings.Contains(r.Doc.Find(".policy").Text(), "invitation only") {
				t.Fatal("invitation-only hub offers to join, or does not say so")
			}
			wantStatus(t, post(t, bob, s, "/hubs/rome/join", nil), http.StatusForbidden)

			// Opening it is confirmed.
			r = get(t, coord, s, "/hubs/rome/edit")
			if r.Doc.Find(`input[type=checkbox]#f-confirm_open`).Length() != 1 || !strings.Contains(r.Doc.Find("#f-confirm_open-hint").Text(), "past discussions") {
				t.Fatal("no warning and confirmation for opening a closed hub")
			}
			r = post(t, coord, s, "/hubs/rome/edit", url.Values{"name": {"Rome"}, "join_policy": {"open"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "confirm_open") == "" || r.Doc.Find(`#f-join_policy-open[checked]`).Length() != 1 {
				t.Fatal("opening without confirmation: no error beside the checkbox, or the choice lost")
			}
			if h, _ := s.DB.FindHubBySlug(testutil.As(s.Admin), "rome"); h.JoinPolicy != sharefair.JoinByInvitation {
				t.Fatalf("opened without confirmation: %s", h.JoinPolicy)
			}
			wantRedirect(t, post(t, coord, s, "/hubs/rome/edit", url.Values{"join_policy": {"open"}, "confirm_open": {"yes"}}), "/hubs/rome")
			if r := get(t, coord, s, "/hubs/rome/edit"); r.Doc.Find("#f-confirm_open").Length() != 0 {
				t.Fatal("an open hub's form asks to confirm opening")
			}
			wantRedirect(t, post(t, bob, s, "/hubs/rome/join", nil), "/hubs/rome")

			// Appointing picks a member of the hub from a list.
			testutil.MustCreateMember(t, s.DB, "outsider", sharefair.RoleMember)
			r = get(t, admin, s, "/hubs/rome/coordinators")
			if r.Doc.Find(`input[type=radio][name=handle][value=bob]`).Length() != 1 ||
				r.Doc.Find(`input[name=handle][value=outsider]`).Length() != 0 || r.Doc.Find(`input[type=text][name=handle]`).Length() != 0 {
				t.Fatal("coordinators page does not list exactly the hub's members to choose from")
			}
			r = get(t, admin, s, "/hubs/rome/coordinators?q=zzz")
			if r.Doc.Find(`input[type=radio][name=handle]`).Length() != 0 {
				t.Fatal("filter does not narrow the members")
			}
			wantStatus(t, get(t, coord, s, "/hubs/rome/coordinators"), http.StatusForbidden)
			r = post(t, admin, s, "/hubs/rome/coordinators", url.Values{"coordinator": {"yes"}})
			wantStatus(t, r, http.StatusNotFound)
			if fieldError(r, "handle") == "" || r.Doc.Find(`input[type=radio][name=handle]`).Length() == 0 {
				t.Fatal("appointing nobody: no error beside the list, or the list gone")
			}
			wantRedirect(t, post(t, admin, s, "/hubs/rome/coordinators", url.Values{"handle": {"bob"}, "coordinator": {"yes"}}), "/hubs/rome")
			r = get(t, admin, s, "/hubs/rome/coordinators")
			if r.Doc.Find(`form[action="/hubs/rome/coordinators"] input[type=hidden][value=bob]`).Length() != 1 {
				t.Fatal("new coordinator has no stand-down button")
			}
		})
	}
}
