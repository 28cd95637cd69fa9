package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// mustCircle starts a circle as m.
func mustCircle(t *testing.T, db *store.DB, m *sharefair.Member, name string, kind sharefair.CircleKind) *sharefair.Circle {
	t.Helper()
	c, err := db.CreateCircle(testutil.As(m), sharefair.NewCircle{Name: name, Kind: kind, Description: "About **us**."})
	if err != nil {
		t.Fatalf("create circle %q: %v", name, err)
	}
	return c
}

// mustCircleThread starts a thread for circle c as m.
func mustCircleThread(t *testing.T, db *store.DB, m *sharefair.Member, c *sharefair.Circle, title string) *sharefair.Thread {
	t.Helper()
	th, err := db.CreateThread(testutil.As(m), sharefair.NewThread{Title: title, Body: "Words.",
		Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: c.Key}})
	if err != nil {
		t.Fatalf("create circle thread %q: %v", title, err)
	}
	return th
}

// threadTitles lists the titles of the threads f finds for m.
func threadTitles(t *testing.T, db *store.DB, m *sharefair.Member, f sharefair.ThreadFilter) (string, int) {
	t.Helper()
	ts, total, err := db.FindThreads(testutil.As(m), f)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, th := range ts {
		titles = append(titles, th.Title)
	}
	return strings.Join(titles, ","), total
}

func TestCircleVisibility(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		inner := testutil.MustCreateMember(t, db, "inner", sharefair.RoleMember)
		outer := testutil.MustCreateMember(t, db, "outer", sharefair.RoleMember)
		guest := testutil.MustCreateMember(t, db, "guest", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		testutil.MustJoin(t, db, host, rome)

		open := mustCircle(t, db, host, "Open water", sharefair.CircleOpen)
		closed := mustCircle(t, db, host, "Closed door", sharefair.CircleClosed)
		secret := mustCircle(t, db, host, "Quiet room", sharefair.CircleSecret)
		for _, c := range []*sharefair.Circle{open, closed, secret} {
			if _, err := db.InviteToCircle(testutil.As(host), c.Key, "inner"); err != nil {
				t.Fatal(err)
			}
			if out, err := db.AnswerCircleInvitation(testutil.As(inner), c.Key, true); err != nil || out != sharefair.CircleJoined {
				t.Fatalf("accept %s: %v %v", c.Kind, out, err)
			}
		}
		if _, err := db.InviteToCircle(testutil.As(host), secret.Key, "guest"); err != nil {
			t.Fatal(err)
		}
		mustCircleThread(t, db, host, open, "OpenT")
		mustCircleThread(t, db, inner, closed, "ClosedT")
		secretThread := mustCircleThread(t, db, inner, secret, "SecretT")
		testutil.MustCreateThread(t, db, host, rome, "HubT", "Hub words.")

		t.Run("Threads", func(t *testing.T) {
			for _, c := range []struct {
				m    *sharefair.Member
				want string
			}{
				{inner, "SecretT,ClosedT,OpenT"},
				{host, "HubT,SecretT,ClosedT,OpenT"},
				// Admins read open and closed circles' threads, not a secret one's.
				{admin, "HubT,ClosedT,OpenT"},
				{outer, ""},
				// An invitee reads nothing until they accept.
				{guest, ""},
			} {
				got, total := threadTitles(t, db, c.m, sharefair.ThreadFilter{})
				if got != c.want || total != len(strings.Split(c.want, ","))-map[bool]int{true: 1}[c.want == ""] {
					t.Errorf("%s sees %q (total %d), want %q", c.m.Handle, got, total, c.want)
				}
			}
			if _, err := db.FindThreadByID(testutil.As(admin), secretThread.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Fatalf("admin reads a secret circle's thread: %v", err)
			}
			if _, _, err := db.FindPosts(testutil.As(outer), secretThread.ID, sharefair.Page{}); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Fatalf("outsider reads a secret circle's posts: %v", err)
			}
		})

		t.Run("NotInHubLists", func(t *testing.T) {
			got, total := threadTitles(t, db, host, sharefair.ThreadFilter{HubID: rome.ID})
			if got != "HubT" || total != 1 {
				t.Fatalf("hub list = %q (%d), want HubT alone", got, total)
			}
			got, total = threadTitles(t, db, inner, sharefair.ThreadFilter{CircleID: secret.ID})
			if got != "SecretT" || total != 1 {
				t.Fatalf("circle list = %q (%d)", got, total)
			}
			got, total = threadTitles(t, db, admin, sharefair.ThreadFilter{CircleID: secret.ID})
			if got != "" || total != 0 {
				t.Fatalf("admin's list of a secret circle = %q (%d)", got, total)
			}
		})

		t.Run("ProfileActivity", func(t *testing.T) {
			// What inner started shows on their profile only where the
			// viewer may read it.
			for _, c := range []struct {
				m    *sharefair.Member
				want string
			}{{outer, ""}, {admin, "ClosedT"}, {host, "SecretT,ClosedT"}} {
				if got, total := threadTitles(t, db, c.m, sharefair.ThreadFilter{ParticipantID: inner.ID}); got != c.want ||
					total != strings.Count(c.want, "T") {
					t.Errorf("%s sees inner's activity %q (%d), want %q", c.m.Handle, got, total, c.want)
				}
			}
		})

		t.Run("SecretIsNowhere", func(t *testing.T) {
			// The same answer as for a key no circle ever had.
			_, errSecret := db.FindCircle(testutil.As(outer), secret.Key)
			_, errNever := db.FindCircle(testutil.As(outer), "zzzzzzzzzz")
			if sharefair.ErrorCode(errSecret) != sharefair.ENOTFOUND || errSecret.Error() != errNever.Error() {
				t.Fatalf("secret: %v, never existed: %v", errSecret, errNever)
			}
			_, errAdmin := db.FindCircle(testutil.As(admin), secret.Key)
			if errAdmin == nil || errAdmin.Error() != errNever.Error() {
				t.Fatalf("admin finds a secret circle: %v", errAdmin)
			}
			for _, m := range []*sharefair.Member{outer, admin} {
				cs, _, err := db.FindCircles(testutil.As(m), sharefair.CircleFilter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs {
					if c.Kind == sharefair.CircleSecret {
						t.Fatalf("%s lists the secret circle", m.Handle)
					}
				}
				if len(cs) != 2 {
					t.Fatalf("%s lists %d circles, want the open and the closed", m.Handle, len(cs))
				}
			}
			// Every write refuses it as never existed too.
			for name, err := range map[string]error{
				"join":   second(db.JoinCircle(testutil.As(outer), secret.Key)),
				"leave":  second(db.LeaveCircle(testutil.As(outer), secret.Key)),
				"invite": second(db.InviteToCircle(testutil.As(admin), secret.Key, "outer")),
				"answer": second(db.AnswerCircleInvitation(testutil.As(outer), secret.Key, true)),
			} {
				if err == nil || err.Error() != errNever.Error() {
					t.Errorf("%s: %v, want %v", name, err, errNever)
				}
			}
			// Writing for it: the same refusal as for a circle that never was.
			_, errW := db.CreateThread(testutil.As(outer), sharefair.NewThread{Title: "x", Body: "y",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: secret.Key}})
			_, errN := db.CreateThread(testutil.As(outer), sharefair.NewThread{Title: "x", Body: "y",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: "zzzzzzzzzz"}})
			if fieldError(errW, "circle") == "" || errW.Error() != errN.Error() {
				t.Fatalf("write for secret: %v; for none: %v", errW, errN)
			}
		})

		t.Run("Invitee", func(t *testing.T) {
			c, err := db.FindCircle(testutil.As(guest), secret.Key)
			if err != nil {
				t.Fatal(err)
			}
			if !c.ViewerInvited || c.ViewerMayRead || c.DescriptionHTML != "" || c.MemberCount != 0 || len(c.Hosts) != 1 {
				t.Fatalf("invitee sees %+v", c)
			}
			cs, _, err := db.FindCircles(testutil.As(guest), sharefair.CircleFilter{Invited: true})
			if err != nil || len(cs) != 1 || cs[0].Key != secret.Key {
				t.Fatalf("invitations = %v %v", cs, err)
			}
			if _, err := db.FindCircleMembers(testutil.As(guest), secret.Key); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("invitee lists members: %v", err)
			}
		})

		t.Run("NoNameConflict", func(t *testing.T) {
			// Another member names a circle as the secret one is named:
			// nothing tells them it exists.
			again, err := db.CreateCircle(testutil.As(outer), sharefair.NewCircle{Name: "Quiet room", Kind: sharefair.CircleSecret})
			if err != nil {
				t.Fatalf("same name refused: %v", err)
			}
			if again.Key == secret.Key || !sharefair.ValidCircleKey(again.Key) {
				t.Fatalf("keys %q and %q", again.Key, secret.Key)
			}
		})

		t.Run("AdminList", func(t *testing.T) {
			before := auditCount(t, db, sharefair.AuditSecretCircles)
			list, err := db.FindSecretCircles(testutil.As(admin))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range list {
				names = append(names, s.Name)
			}
			if len(list) != 2 || list[0].Name != "Quiet room" || len(list[0].Hosts) != 1 {
				t.Fatalf("secret circles = %v", names)
			}
			if after := auditCount(t, db, sharefair.AuditSecretCircles); after != before+1 {
				t.Fatalf("audit entries %d → %d, want one more", before, after)
			}
			if _, err := db.FindSecretCircles(testutil.As(host)); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("a member lists secret circles: %v", err)
			}
			if after := auditCount(t, db, sharefair.AuditSecretCircles); after != before+1 {
				t.Fatal("a refused look was audited")
			}
		})
	})
}

// auditCount counts the audit log's entries of action a.
func auditCount(t *testing.T, db *store.DB, a sharefair.AuditAction) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = $1`, string(a)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCircleMembership(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		open := mustCircle(t, db, host, "Open", sharefair.CircleOpen)
		closed := mustCircle(t, db, host, "Closed", sharefair.CircleClosed)
		if open.ViewerRole != sharefair.CircleRoleHost || open.MemberCount != 1 || !open.ViewerMayHost ||
			!strings.Contains(open.DescriptionHTML, "<strong>us</strong>") {
			t.Fatalf("created = %+v", open)
		}

		t.Run("Open", func(t *testing.T) {
			for i, want := range []sharefair.CircleOutcome{sharefair.CircleJoined, sharefair.CircleAlreadyMember} {
				if out, err := db.JoinCircle(testutil.As(ann), open.Key); err != nil || out != want {
					t.Fatalf("join %d = %v %v", i, out, err)
				}
			}
			c, _ := db.FindCircle(testutil.As(ann), open.Key)
			if c.MemberCount != 2 || c.ViewerRole != sharefair.CircleRoleMember {
				t.Fatalf("after join %+v", c)
			}
		})

		t.Run("Closed", func(t *testing.T) {
			for i, want := range []sharefair.CircleOutcome{sharefair.CircleRequested, sharefair.CircleAlreadyRequested} {
				if out, err := db.JoinCircle(testutil.As(bob), closed.Key); err != nil || out != want {
					t.Fatalf("ask %d = %v %v", i, out, err)
				}
			}
			if _, err := db.DecideCircleRequest(testutil.As(ann), closed.Key, "bob", true); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("a non-host admits: %v", err)
			}
			reqs, err := db.FindCircleRequests(testutil.As(host), closed.Key)
			if err != nil || len(reqs) != 1 || reqs[0].Member.Handle != "bob" {
				t.Fatalf("requests = %v %v", reqs, err)
			}
			if ok, err := db.DecideCircleRequest(testutil.As(host), closed.Key, "bob", true); err != nil || !ok {
				t.Fatalf("approve = %v %v", ok, err)
			}
			if ok, err := db.DecideCircleRequest(testutil.As(host), closed.Key, "bob", true); err != nil || ok {
				t.Fatalf("approve again = %v %v, want an honest no-op", ok, err)
			}
		})

		t.Run("Hosting", func(t *testing.T) {
			if _, err := db.LeaveCircle(testutil.As(host), open.Key); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("the last host leaves: %v", err)
			}
			if _, err := db.SetCircleHost(testutil.As(host), open.Key, "host", false); fieldError(err, "handle") == "" {
				t.Fatalf("the last host steps down: %v", err)
			}
			if _, err := db.SetCircleHost(testutil.As(host), open.Key, "bob", true); fieldError(err, "handle") == "" {
				t.Fatalf("a non-member made host: %v", err)
			}
			if ok, err := db.SetCircleHost(testutil.As(host), open.Key, "ann", true); err != nil || !ok {
				t.Fatalf("share hosting = %v %v", ok, err)
			}
			if ok, err := db.SetCircleHost(testutil.As(host), open.Key, "ann", true); err != nil || ok {
				t.Fatalf("again = %v %v", ok, err)
			}
			if out, err := db.LeaveCircle(testutil.As(host), open.Key); err != nil || out != sharefair.CircleLeft {
				t.Fatalf("host leaves after sharing = %v %v", out, err)
			}
			c, err := db.FindCircle(testutil.As(ann), open.Key)
			if err != nil || len(c.Hosts) != 1 || c.Hosts[0].Handle != "ann" || c.MemberCount != 1 {
				t.Fatalf("after hand-over %+v %v", c, err)
			}
			if out, err := db.LeaveCircle(testutil.As(bob), open.Key); err != nil || out != sharefair.CircleNotIn {
				t.Fatalf("leave when not in = %v %v", out, err)
			}
		})

		t.Run("RemoveAudited", func(t *testing.T) {
			before := auditCount(t, db, sharefair.AuditCircleRemove)
			if _, err := db.RemoveFromCircle(testutil.As(bob), closed.Key, "host"); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("a member removes: %v", err)
			}
			if ok, err := db.RemoveFromCircle(testutil.As(host), closed.Key, "bob"); err != nil || !ok {
				t.Fatalf("remove = %v %v", ok, err)
			}
			if ok, err := db.RemoveFromCircle(testutil.As(host), closed.Key, "bob"); err != nil || ok {
				t.Fatalf("remove again = %v %v", ok, err)
			}
			if after := auditCount(t, db, sharefair.AuditCircleRemove); after != before+1 {
				t.Fatalf("audit entries %d → %d", before, after)
			}
			var subject, circle int64
			if err := db.QueryRow(context.Background(), `SELECT subject_member_id, circle_id FROM audit_log
				WHERE action = 'circle_remove' ORDER BY id DESC LIMIT 1`).Scan(&subject, &circle); err != nil {
				t.Fatal(err)
			}
			if subject != bob.ID || circle != closed.ID {
				t.Fatalf("audit names member %d circle %d", subject, circle)
			}
		})

		t.Run("Decline", func(t *testing.T) {
			secret := mustCircle(t, db, host, "Secret", sharefair.CircleSecret)
			if ok, err := db.InviteToCircle(testutil.As(host), secret.Key, "@Ann"); err != nil || !ok {
				t.Fatalf("invite = %v %v", ok, err)
			}
			if ok, err := db.InviteToCircle(testutil.As(host), secret.Key, "ann"); err != nil || ok {
				t.Fatalf("invite again = %v %v", ok, err)
			}
			if _, err := db.InviteToCircle(testutil.As(host), secret.Key, "nobody"); fieldError(err, "handle") == "" {
				t.Fatalf("invite nobody: %v", err)
			}
			if out, err := db.AnswerCircleInvitation(testutil.As(ann), secret.Key, false); err != nil || out != sharefair.CircleDeclined {
				t.Fatalf("decline = %v %v", out, err)
			}
			if _, err := db.FindCircle(testutil.As(ann), secret.Key); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Fatalf("after declining, the secret circle is still there: %v", err)
			}
		})

		t.Run("Validation", func(t *testing.T) {
			_, err := db.CreateCircle(testutil.As(ann), sharefair.NewCircle{Name: " ", Kind: "hidden"})
			if fieldError(err, "name") == "" || fieldError(err, "kind") == "" {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

// TestRightsCircleHost: a circle's host moderates its content
// (mayModerateThread), so the pages offer them the moderation queue; a
// plain member of the circle is offered nothing, and hosting a circle
// gives no right to invite to the network or its hubs.
func TestRightsCircleHost(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		guest := testutil.MustCreateMember(t, db, "guest", sharefair.RoleMember)
		c := mustCircle(t, db, host, "Quiet room", sharefair.CircleSecret)
		if _, err := db.InviteToCircle(testutil.As(host), c.Key, "guest"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AnswerCircleInvitation(testutil.As(guest), c.Key, true); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			m    *sharefair.Member
			want sharefair.NetworkRights
		}{
			{host, sharefair.NetworkRights{Moderate: true}},
			{guest, sharefair.NetworkRights{}},
		} {
			if r, err := db.Rights(testutil.As(tc.m)); err != nil || r != tc.want {
				t.Errorf("rights of %s = %+v, %v; want %+v", tc.m.Handle, r, err, tc.want)
			}
		}
	})
}

// TestUpdateCircle: hosts change a circle's name and description, members
// and admins do not, a secret circle is not found by those outside it,
// and a refused change writes nothing.
func TestUpdateCircle(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		member := testutil.MustCreateMember(t, db, "member", sharefair.RoleMember)
		open := mustCircle(t, db, host, "Open water", sharefair.CircleOpen)
		secret := mustCircle(t, db, host, "Quiet room", sharefair.CircleSecret)
		if _, err := db.JoinCircle(testutil.As(member), open.Key); err != nil {
			t.Fatal(err)
		}
		name, desc := "  Deep water ", "About *waves*."
		c, err := db.UpdateCircle(testutil.As(host), open.Key, sharefair.CircleUpdate{Name: &name, Description: &desc})
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Deep water" || c.Description != desc || !strings.Contains(c.DescriptionHTML, "<em>waves</em>") || c.Kind != sharefair.CircleOpen {
			t.Fatalf("updated circle %+v", c)
		}
		// Only the description: the name stays.
		desc2 := ""
		if c, err = db.UpdateCircle(testutil.As(host), open.Key, sharefair.CircleUpdate{Description: &desc2}); err != nil || c.Name != "Deep water" || c.DescriptionHTML != "" {
			t.Fatalf("description alone: %+v, %v", c, err)
		}
		other := "Taken over"
		_, err = db.UpdateCircle(testutil.As(member), open.Key, sharefair.CircleUpdate{Name: &other})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, err = db.UpdateCircle(testutil.As(admin), open.Key, sharefair.CircleUpdate{Name: &other})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, err = db.UpdateCircle(testutil.As(admin), secret.Key, sharefair.CircleUpdate{Name: &other})
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)
		blank, long := " ", strings.Repeat("x", sharefair.MaxHubDescLen+1)
		for _, u := range []sharefair.CircleUpdate{{Name: &blank}, {Name: &other, Description: &long}} {
			_, err = db.UpdateCircle(testutil.As(host), open.Key, u)
			testutil.AssertCode(t, err, sharefair.EINVALID)
		}
		if c, err := db.FindCircle(testutil.As(host), open.Key); err != nil || c.Name != "Deep water" {
			t.Fatalf("after refusals: %+v, %v", c, err)
		}
	})
}

// TestFindCirclesPaged: a page of circles and the count of them all, by
// name; circles the viewer is invited to are not among those to join.
func TestFindCirclesPaged(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		viewer := testutil.MustCreateMember(t, db, "viewer", sharefair.RoleMember)
		for i := range 7 {
			mustCircle(t, db, host, "Circle "+strconv.Itoa(i), sharefair.CircleOpen)
		}
		invited := mustCircle(t, db, host, "Circle invited", sharefair.CircleClosed)
		if _, err := db.InviteToCircle(testutil.As(host), invited.Key, "viewer"); err != nil {
			t.Fatal(err)
		}
		mustCircle(t, db, host, "Circle secret", sharefair.CircleSecret)
		page := func(f sharefair.CircleFilter) (string, int) {
			t.Helper()
			cs, total, err := db.FindCircles(testutil.As(viewer), f)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cs {
				names = append(names, strings.TrimPrefix(c.Name, "Circle "))
			}
			return strings.Join(names, ","), total
		}
		if got, total := page(sharefair.CircleFilter{Joinable: true, Page: sharefair.Page{Number: 2, Size: 3}}); got != "3,4,5" || total != 7 {
			t.Fatalf("joinable, page 2 of 3: %q of %d", got, total)
		}
		if got, total := page(sharefair.CircleFilter{Page: sharefair.Page{Number: 3, Size: 3}}); got != "6,invited" || total != 8 {
			t.Fatalf("all known, page 3 of 3: %q of %d", got, total)
		}
		if got, total := page(sharefair.CircleFilter{Invited: true}); got != "invited" || total != 1 {
			t.Fatalf("invited: %q of %d", got, total)
		}
	})
}
