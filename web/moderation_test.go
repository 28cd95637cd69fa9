package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/jobs"
)

// TestModerationPages walks moderation through the forms on both engines:
// a reader flags an anonymous reply, the hub's coordinator finds it in the
// queue without its author and hides it, readers see the tombstone and
// its author the reason, an admin reveals the author with a reason the
// author is then shown, locks the discussion, suspends a member from the
// web, and reads it all in the audit log, by number and link.
func TestModerationPages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			db := s.DB
			rome := testutil.MustCreateHub(t, db, s.Admin, "Rome")
			ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
			cora := testutil.MustCreateMember(t, db, "cora", sharefair.RoleMember)
			dan := testutil.MustCreateMember(t, db, "dan", sharefair.RoleMember)
			for _, m := range []*sharefair.Member{ann, cora, dan} {
				testutil.MustJoin(t, db, m, rome)
			}
			if _, err := db.SetCoordinator(testutil.As(s.Admin), "rome", "cora", true); err != nil {
				t.Fatal(err)
			}
			th := testutil.MustCreateThread(t, db, ann, rome, "Rome matters", "Opening words")
			anon, err := db.WritePost(testutil.As(dan), th.ID, sharefair.NewPost{Body: "offending words", Attribution: sharefair.AttributionAnonymous})
			if err != nil {
				t.Fatal(err)
			}
			annC, coraC, danC, adminC := s.Browser(t, ann), s.Browser(t, cora), s.Browser(t, dan), s.Browser(t, s.Admin)
			postPath := "/posts/" + itoa(anon.ID)
			threadPath := "/threads/" + itoa(th.ID)

			// Flag: the reason is required, and said next to the field.
			r := post(t, annC, s, postPath+"/flag", url.Values{"reason": {""}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.Doc.Find(`#reason-error, [id$="reason-error"]`).Length() == 0 && !strings.Contains(r.Body, "Choose why") {
				t.Fatal("no error next to the reason")
			}
			r = post(t, annC, s, postPath+"/flag", url.Values{"reason": {"abusive"}, "note": {"A threat"}})
			wantStatus(t, r, http.StatusSeeOther)
			r = get(t, annC, s, threadPath+"?page=1")
			if !strings.Contains(r.Body, "You flagged this post") {
				t.Fatal("the flagger is not shown their flag")
			}
			if r = get(t, danC, s, postPath+"/flag"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("author flags own post: %d", r.StatusCode)
			}

			// The queue: the coordinator's, without the author.
			if r = get(t, annC, s, "/moderation"); r.Doc.Find("section.card").Length() != 0 {
				t.Fatal("a member's queue shows posts")
			}
			r = get(t, coraC, s, "/moderation")
			wantStatus(t, r, http.StatusOK)
			card := r.Doc.Find("section.card")
			if card.Length() != 1 || !strings.Contains(card.Text(), "offending words") || !strings.Contains(card.Text(), "A threat") ||
				strings.Contains(card.Text(), "dan") || !strings.Contains(card.Text(), "Anonymous") {
				t.Fatalf("queue card = %q", card.Text())
			}
			if r.Doc.Find(`nav a[href="/moderation"]`).Length() != 1 {
				t.Fatal("no Moderation in the coordinator's navigation")
			}

			// Hide from the moderation page.
			if r = get(t, annC, s, postPath+"/moderate"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("member moderates: %d", r.StatusCode)
			}
			wantStatus(t, get(t, coraC, s, postPath+"/moderate"), http.StatusOK)
			wantStatus(t, post(t, coraC, s, postPath+"/hide", url.Values{"reason": {"nonsense"}}), http.StatusUnprocessableEntity)
			wantStatus(t, post(t, coraC, s, postPath+"/hide", url.Values{"reason": {"abusive"}}), http.StatusSeeOther)
			// The moderator first, so that a rendering of theirs, were it
			// kept, would be what the readers below are served.
			r = get(t, coraC, s, threadPath+"?page=1")
			if !strings.Contains(r.Body, "offending words") || r.Doc.Find(".badge.state").Length() == 0 {
				t.Fatal("the moderator does not see the hidden post with its marker")
			}
			r = get(t, annC, s, threadPath+"?page=1")
			if strings.Contains(r.Body, "offending words") || !strings.Contains(r.Body, "Hidden by a moderator") {
				t.Fatal("readers still see the hidden post")
			}
			// A second reader is served the shared rendering: still hidden.
			other := testutil.MustCreateMember(t, db, "other", sharefair.RoleMember)
			testutil.MustJoin(t, db, other, rome)
			if r = get(t, s.Browser(t, other), s, threadPath); strings.Contains(r.Body, "offending words") {
				t.Fatal("the shared rendering shows the hidden post")
			}
			r = get(t, danC, s, threadPath+"?page=1")
			if !strings.Contains(r.Body, "offending words") || !strings.Contains(r.Body, "A moderator hid this post (Abusive or hateful)") {
				t.Fatal("the author is not told why")
			}

			// Reveal: admins only, with a written reason the author reads.
			if r = get(t, coraC, s, postPath+"/reveal"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("coordinator reveals: %d", r.StatusCode)
			}
			wantStatus(t, get(t, adminC, s, postPath+"/reveal"), http.StatusOK)
			wantStatus(t, post(t, adminC, s, postPath+"/reveal", url.Values{"reason": {""}}), http.StatusUnprocessableEntity)
			r = post(t, adminC, s, postPath+"/reveal", url.Values{"reason": {"Threats against a member."}})
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.Doc.Find(".flash").Text(), "Member dan") {
				t.Fatalf("reveal result = %q", r.Doc.Find("main").Text())
			}
			if r = get(t, adminC, s, threadPath+"?page=1"); strings.Contains(r.Body, "Member dan") {
				t.Fatal("the reveal changed the admin's view of the thread")
			}
			r = get(t, danC, s, threadPath+"?page=1")
			if !strings.Contains(r.Body, "An admin revealed to themselves that you wrote this, on ") ||
				!strings.Contains(r.Body, "giving the reason: Threats against a member.") {
				t.Fatal("the author is not shown the reveal")
			}

			// Lock: the reply form gives way to a notice; replies refused.
			wantStatus(t, post(t, coraC, s, threadPath+"/lock", url.Values{"lock": {"1"}}), http.StatusSeeOther)
			r = get(t, annC, s, threadPath+"?page=1")
			if r.Doc.Find(`form[action$="/posts"]`).Length() != 0 || !strings.Contains(r.Body, "locked this discussion") {
				t.Fatal("a locked thread still offers to reply")
			}
			if r = post(t, annC, s, threadPath+"/posts", url.Values{"body": {"more"}}); r.StatusCode != http.StatusConflict {
				t.Fatalf("reply to a locked thread: %d", r.StatusCode)
			}

			// Standing from the web: admins only.
			if r = get(t, coraC, s, "/members/ann/standing"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("coordinator standing page: %d", r.StatusCode)
			}
			if r = get(t, adminC, s, "/members/ann"); r.Doc.Find(`a[href="/members/ann/standing"]`).Length() != 1 {
				t.Fatal("no standing link on the profile for an admin")
			}
			wantStatus(t, post(t, adminC, s, "/members/ann/standing", url.Values{"state": {"suspended"}}), http.StatusSeeOther)
			if r = get(t, annC, s, "/threads"); r.StatusCode == http.StatusOK {
				t.Fatal("a suspended member's session still works")
			}
			r = post(t, &http.Client{}, s, "/signin", url.Values{"email": {ann.Email}, "password": {memberPassword}})
			if !strings.Contains(r.Body, "Your account is suspended") {
				t.Fatalf("sign-in while suspended = %d %q", r.StatusCode, r.Doc.Find("main").Text())
			}
			wantStatus(t, post(t, adminC, s, "/members/ann/standing", url.Values{"state": {"active"}}), http.StatusSeeOther)
			wantStatus(t, post(t, adminC, s, "/members/cora/standing", url.Values{"role": {"admin"}}), http.StatusSeeOther)

			// The audit log: admins, filtered, by reference.
			if r = get(t, coraC, s, "/admin/audit"); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusOK {
				t.Fatalf("audit for cora: %d", r.StatusCode)
			}
			if r = get(t, danC, s, "/admin/audit"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("audit for a member: %d", r.StatusCode)
			}
			r = get(t, adminC, s, "/admin/audit")
			wantStatus(t, r, http.StatusOK)
			if strings.Contains(r.Body, "offending words") {
				t.Fatal("the audit log copies a post")
			}
			if r.Doc.Find(`td a[href="`+postPath+`"]`).Length() < 2 || !strings.Contains(r.Body, "member → admin") {
				t.Fatalf("audit rows = %q", r.Doc.Find("table").Text())
			}
			r = get(t, adminC, s, "/admin/audit?action=hide")
			if n := r.Doc.Find("tbody tr").Length(); n != 1 || !strings.Contains(r.Doc.Find("tbody").Text(), "Member cora") {
				t.Fatalf("hide rows = %d %q", n, r.Doc.Find("tbody").Text())
			}
			r = get(t, adminC, s, "/admin/audit?subject=ann")
			if n := r.Doc.Find("tbody tr").Length(); n != 2 {
				t.Fatalf("ann's rows = %d", n)
			}
		})
	}
}

// TestJobsPage: network admins see the background jobs by kind, with the
// latest failure; members are refused.
func TestJobsPage(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ctx := context.Background()
			if _, _, err := s.DB.EnqueueJob(ctx, jobs.New{Kind: "sweep"}); err != nil {
				t.Fatal(err)
			}
			js, err := s.DB.ClaimJobs(ctx, "w", []string{"sweep"}, 1, time.Minute)
			if err != nil || len(js) != 1 {
				t.Fatalf("claim: %v %v", js, err)
			}
			if err := s.DB.FailJob(ctx, js[0].ID, "w", "database is locked", time.Time{}); err != nil {
				t.Fatal(err)
			}
			r := get(t, s.Browser(t, s.Admin), s, "/admin/jobs")
			wantStatus(t, r, http.StatusOK)
			row := r.Doc.Find("tbody tr").First()
			if !strings.HasPrefix(row.Find(`td[data-label="Kind"]`).Text(), "Hourly sweep") || row.Find(`td[data-label="Failed"]`).Text() != "1" ||
				!strings.Contains(row.Find(`td[data-label="Latest failure"]`).Text(), "database is locked") {
				t.Fatalf("jobs page row: %q", row.Text())
			}
			if r := get(t, s.Browser(t, s.Admin), s, "/network"); r.Doc.Find(`a[href="/admin/jobs"]`).Length() != 1 {
				t.Fatal("the network settings do not lead to the jobs page")
			}
			m := testutil.MustCreateMember(t, s.DB, "member", sharefair.RoleMember)
			wantStatus(t, get(t, s.Browser(t, m), s, "/admin/jobs"), http.StatusForbidden)
		})
	}
}
