package store_test

import (
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// errOf keeps the error of a call that also returns a value.
func errOf[T any](_ T, err error) error { return err }

func checklistDone(t *testing.T, db *store.DB, admin *sharefair.Member) map[sharefair.ChecklistKey]sharefair.ChecklistItem {
	t.Helper()
	c, err := db.Checklist(testutil.As(admin))
	if err != nil {
		t.Fatal(err)
	}
	out := map[sharefair.ChecklistKey]sharefair.ChecklistItem{}
	for _, it := range c.Items {
		out[it.Key] = it
	}
	if len(out) != 5 {
		t.Fatalf("items = %+v", c.Items)
	}
	return out
}

func TestChecklist(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)

		t.Run("AdminsOnly", func(t *testing.T) {
			testutil.AssertCode(t, errOf(db.Checklist(testutil.As(bob))), sharefair.EFORBIDDEN)
			testutil.AssertCode(t, errOf(db.Checklist(testutil.As(nil))), sharefair.EUNAUTHORIZED)
		})

		// bob is a second member already: "invite" counts him.
		items := checklistDone(t, db, admin)
		for k, want := range map[sharefair.ChecklistKey]bool{sharefair.CheckDescribe: false, sharefair.CheckHubs: false,
			sharefair.CheckCoordinators: false, sharefair.CheckInvite: true, sharefair.CheckDiscussion: false} {
			if items[k].Done != want {
				t.Errorf("%s done = %v, want %v", k, items[k].Done, want)
			}
		}
		if items[sharefair.CheckCoordinators].Detail != "Create a hub first." {
			t.Errorf("coordinators detail = %q", items[sharefair.CheckCoordinators].Detail)
		}

		// A description of white space is no description.
		blank := "   "
		if _, err := db.UpdateNetwork(testutil.As(admin), sharefair.NetworkUpdate{Description: &blank}); err != nil {
			t.Fatal(err)
		}
		if checklistDone(t, db, admin)[sharefair.CheckDescribe].Done {
			t.Error("blank description counts as described")
		}
		desc := "Knowledge managers of the region."
		if _, err := db.UpdateNetwork(testutil.As(admin), sharefair.NetworkUpdate{Description: &desc}); err != nil {
			t.Fatal(err)
		}

		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		items = checklistDone(t, db, admin)
		if !items[sharefair.CheckDescribe].Done || !items[sharefair.CheckHubs].Done || items[sharefair.CheckCoordinators].Done {
			t.Fatalf("after a hub: %+v", items)
		}
		if it := items[sharefair.CheckCoordinators]; it.Page != "/hubs/rome/coordinators" || it.Detail != "Nobody coordinates Rome yet." {
			t.Errorf("coordinators item = %+v", it)
		}
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "bob", true); err != nil {
			t.Fatal(err)
		}
		testutil.MustCreateThread(t, db, bob, nil, "First", "Hello")
		c, err := db.Checklist(testutil.As(admin))
		if err != nil || !c.Done() || c.Remaining() != 0 {
			t.Fatalf("all done? %+v, %v", c, err)
		}

		// Undone again: a new hub nobody coordinates brings the checklist back.
		testutil.MustCreateHub(t, db, admin, "Nairobi")
		c, err = db.Checklist(testutil.As(admin))
		if err != nil || c.Done() || c.Remaining() != 1 || len(c.HubsWithoutCoordinator) != 1 || c.HubsWithoutCoordinator[0].Slug != "nairobi" {
			t.Fatalf("after a second hub: %+v, %v", c, err)
		}
	})
}

func TestChecklistInvitationCounts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		if checklistDone(t, db, admin)[sharefair.CheckInvite].Done {
			t.Fatal("invite done with one member and no invitation")
		}
		if _, _, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "ann@example.org"}); err != nil {
			t.Fatal(err)
		}
		if !checklistDone(t, db, admin)[sharefair.CheckInvite].Done {
			t.Fatal("an invitation does not count")
		}
	})
}

func TestSuggestedHubs(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		create := func(name, city string, policy sharefair.JoinPolicy) *sharefair.Hub {
			t.Helper()
			h, err := db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: name, City: city, JoinPolicy: policy})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		create("Big", "Paris", sharefair.JoinOpen)
		create("Small", "Lyon", sharefair.JoinOpen)
		create("Asking", "Berlin", sharefair.JoinByRequest)
		create("Closed", "Zürich", sharefair.JoinByInvitation)
		home := create("Home", "Zürich", sharefair.JoinByRequest)
		invited := create("Invited", "Oslo", sharefair.JoinByInvitation)
		for i := range 3 {
			m := testutil.MustCreateMember(t, db, "m"+string(rune('a'+i)), sharefair.RoleMember)
			if _, err := db.JoinHub(testutil.As(m), "big"); err != nil {
				t.Fatal(err)
			}
		}
		m := testutil.MustCreateMember(t, db, "small1", sharefair.RoleMember)
		if _, err := db.JoinHub(testutil.As(m), "small"); err != nil {
			t.Fatal(err)
		}

		// Ann arrives by an invitation to the Invited hub, then leaves it,
		// and lives in Zürich, written in capitals.
		inv, token, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "ann@example.org", Hub: invited.Slug})
		if err != nil || inv.Hub == nil {
			t.Fatal(err)
		}
		ann, err := db.AcceptInvitation(testutil.As(nil), token, sharefair.Acceptance{Name: "Ann", Handle: "ann", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		slugs := func() []string {
			t.Helper()
			ss, err := db.SuggestedHubs(testutil.As(ann))
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, s := range ss {
				out = append(out, s.Hub.Slug+":"+string(s.Reason))
			}
			return out
		}
		// A member of Invited: it is not suggested; Closed never is.
		want := []string{"big:largest", "small:largest", "asking:largest", "home:largest"}
		if got := slugs(); !equal(got, want) {
			t.Fatalf("before city: %v, want %v", got, want)
		}
		city := "ZÜRICH "
		if _, err := db.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{City: &city}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LeaveHub(testutil.As(ann), invited.Slug); err != nil {
			t.Fatal(err)
		}
		// Invited takes invitations only: left, it cannot be joined with a
		// button, so it is still not suggested.
		want = []string{"home:same_city", "big:largest", "small:largest", "asking:largest"}
		if got := slugs(); !equal(got, want) {
			t.Fatalf("with city: %v, want %v", got, want)
		}
		// Asked to join: no longer suggested.
		if _, err := db.JoinHub(testutil.As(ann), home.Slug); err != nil {
			t.Fatal(err)
		}
		want = []string{"big:largest", "small:largest", "asking:largest"}
		if got := slugs(); !equal(got, want) {
			t.Fatalf("after asking: %v, want %v", got, want)
		}
		testutil.AssertCode(t, errOf(db.SuggestedHubs(testutil.As(nil))), sharefair.EUNAUTHORIZED)
	})
}

func TestSuggestedHubsInvitation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		big := testutil.MustCreateHub(t, db, admin, "Big")
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		for _, h := range []string{"x1", "x2"} {
			testutil.MustJoin(t, db, testutil.MustCreateMember(t, db, h, sharefair.RoleMember), big)
		}
		_, token, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "ann@example.org", Hub: rome.Slug})
		if err != nil {
			t.Fatal(err)
		}
		ann, err := db.AcceptInvitation(testutil.As(nil), token, sharefair.Acceptance{Name: "Ann", Handle: "ann", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.LeaveHub(testutil.As(ann), rome.Slug); err != nil {
			t.Fatal(err)
		}
		ss, err := db.SuggestedHubs(testutil.As(ann))
		if err != nil || len(ss) != 2 || ss[0].Hub.Slug != "rome" || ss[0].Reason != sharefair.SuggestedInvitation || ss[1].Hub.Slug != "big" {
			t.Fatalf("suggestions = %+v, %v", ss, err)
		}
	})
}

func TestHonestOutcomes(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		as := testutil.As(admin)

		t.Run("Coordinators", func(t *testing.T) {
			// Standing down someone who never coordinated changes nothing.
			if changed, err := db.SetCoordinator(as, rome.Slug, "bob", false); err != nil || changed {
				t.Fatalf("stand down a non-member = %v, %v", changed, err)
			}
			if changed, err := db.SetCoordinator(as, rome.Slug, "bob", true); err != nil || !changed {
				t.Fatalf("appoint = %v, %v", changed, err)
			}
			if changed, err := db.SetCoordinator(as, rome.Slug, "bob", true); err != nil || changed {
				t.Fatalf("appoint twice = %v, %v", changed, err)
			}
			if changed, err := db.SetCoordinator(as, rome.Slug, "bob", false); err != nil || !changed {
				t.Fatalf("stand down = %v, %v", changed, err)
			}
			if changed, err := db.SetCoordinator(as, rome.Slug, "bob", false); err != nil || changed {
				t.Fatalf("stand down twice = %v, %v", changed, err)
			}
			// bob stays a member, and a member appointed is changed.
			if h, _ := db.FindHubBySlug(testutil.As(bob), rome.Slug); h.ViewerRole != sharefair.HubRoleMember {
				t.Fatalf("bob's role = %q", h.ViewerRole)
			}
			if changed, err := db.SetCoordinator(as, rome.Slug, "bob", true); err != nil || !changed {
				t.Fatalf("appoint a member = %v, %v", changed, err)
			}
		})

		t.Run("Membership", func(t *testing.T) {
			if out, err := db.LeaveHub(testutil.As(ann), rome.Slug); err != nil || out != sharefair.NotInHub {
				t.Fatalf("leave unjoined = %q, %v", out, err)
			}
			if out, err := db.JoinHub(testutil.As(ann), rome.Slug); err != nil || out != sharefair.Joined {
				t.Fatalf("join = %q, %v", out, err)
			}
			if out, err := db.JoinHub(testutil.As(ann), rome.Slug); err != nil || out != sharefair.AlreadyMember {
				t.Fatalf("join twice = %q, %v", out, err)
			}
			if out, err := db.LeaveHub(testutil.As(ann), rome.Slug); err != nil || out != sharefair.Left {
				t.Fatalf("leave = %q, %v", out, err)
			}
			p := sharefair.JoinByRequest
			if _, err := db.UpdateHub(as, rome.Slug, sharefair.HubUpdate{JoinPolicy: &p}); err != nil {
				t.Fatal(err)
			}
			if out, err := db.JoinHub(testutil.As(ann), rome.Slug); err != nil || out != sharefair.Requested {
				t.Fatalf("ask = %q, %v", out, err)
			}
			if out, err := db.LeaveHub(testutil.As(ann), rome.Slug); err != nil || out != sharefair.Withdrawn {
				t.Fatalf("withdraw = %q, %v", out, err)
			}
		})

		t.Run("Requests", func(t *testing.T) {
			if _, err := db.JoinHub(testutil.As(ann), rome.Slug); err != nil {
				t.Fatal(err)
			}
			if changed, err := db.DecideJoinRequest(as, rome.Slug, "ann", true); err != nil || !changed {
				t.Fatalf("approve = %v, %v", changed, err)
			}
			// Approved before: nothing changed, and no error.
			if changed, err := db.DecideJoinRequest(as, rome.Slug, "ann", true); err != nil || changed {
				t.Fatalf("approve twice = %v, %v", changed, err)
			}
			// Declining someone who is a member is not a request either.
			testutil.AssertCode(t, errOf(db.DecideJoinRequest(as, rome.Slug, "ann", false)), sharefair.ENOTFOUND)
			testutil.AssertCode(t, errOf(db.DecideJoinRequest(as, rome.Slug, "admin", true)), sharefair.ENOTFOUND)
		})
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
