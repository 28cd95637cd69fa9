package store_test

import (
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

func TestNamedMembersAudience(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		amina := testutil.MustCreateMember(t, db, "amina", sharefair.RoleMember)
		kofi := testutil.MustCreateMember(t, db, "kofi", sharefair.RoleMember)
		other := testutil.MustCreateMember(t, db, "other", sharefair.RoleMember)
		th, err := db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "Between us", Body: "Quietly.",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: []string{"@amina, kofi", "ann"}}})
		if err != nil {
			t.Fatal(err)
		}
		if th.Audience.Kind != sharefair.AudienceMembers || len(th.Audience.Members) != 2 ||
			th.Audience.Label() != "Named members only: @amina, @kofi" {
			t.Fatalf("audience = %+v (%q)", th.Audience, th.Audience.Label())
		}
		for _, m := range []*sharefair.Member{ann, amina, kofi} {
			if _, err := db.FindThreadByID(testutil.As(m), th.ID); err != nil {
				t.Errorf("%s may not read: %v", m.Handle, err)
			}
		}
		// Not even admins: they are not named.
		for _, m := range []*sharefair.Member{admin, other} {
			if _, err := db.FindThreadByID(testutil.As(m), th.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Errorf("%s reads it: %v", m.Handle, err)
			}
			if got, total := threadTitles(t, db, m, sharefair.ThreadFilter{}); got != "" || total != 0 {
				t.Errorf("%s lists %q (%d)", m.Handle, got, total)
			}
		}

		t.Run("ErrUnknownMember", func(t *testing.T) {
			_, err := db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "x", Body: "y",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: []string{"ghost"}}})
			if fieldError(err, "members") == "" {
				t.Fatalf("err = %v", err)
			}
			_, err = db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "x", Body: "y",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceMembers}})
			if fieldError(err, "members") == "" {
				t.Fatalf("no members: %v", err)
			}
			_, err = db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "x", Body: "y",
				Audience: sharefair.AudienceChoice{Kind: "everyone"}})
			if fieldError(err, "audience") == "" {
				t.Fatalf("unknown audience: %v", err)
			}
		})
	})
}

func TestNarrowAudience(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		cy := testutil.MustCreateMember(t, db, "cy", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		testutil.MustJoin(t, db, ann, rome)
		testutil.MustJoin(t, db, bob, rome)
		circle := mustCircle(t, db, ann, "Ours", sharefair.CircleOpen)
		members := func(h ...string) sharefair.AudienceChoice {
			return sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: h}
		}
		network := sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}
		hub := sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: "rome"}
		inCircle := sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: circle.Key}

		t.Run("BeforeReplies", func(t *testing.T) {
			th := testutil.MustCreateThread(t, db, ann, rome, "Early", "Words.")
			// Before anyone else replied: any audience the author may use,
			// wider too.
			for _, a := range []sharefair.AudienceChoice{network, inCircle, members("cy"), hub} {
				got, changed, err := db.NarrowAudience(testutil.As(ann), th.ID, a)
				if err != nil || !changed || got.Audience.Kind != a.Kind {
					t.Fatalf("to %s: %v %v %+v", a.Kind, changed, err, got)
				}
			}
			if _, changed, err := db.NarrowAudience(testutil.As(ann), th.ID, hub); err != nil || changed {
				t.Fatalf("same audience: %v %v, want an honest no-op", changed, err)
			}
			if _, _, err := db.NarrowAudience(testutil.As(admin), th.ID, network); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("an admin changes it: %v", err)
			}
			var count int
			if err := db.QueryRow(testutil.As(admin), `SELECT thread_count FROM hubs WHERE id = $1`, rome.ID).Scan(&count); err != nil || count != 1 {
				t.Fatalf("hub thread count = %d %v", count, err)
			}
		})

		t.Run("AfterReplies", func(t *testing.T) {
			th := testutil.MustCreateThread(t, db, ann, rome, "Late", "Words.")
			if _, err := db.CreatePost(testutil.As(bob), th.ID, "A reply."); err != nil {
				t.Fatal(err)
			}
			for name, c := range map[string]struct {
				a     sharefair.AudienceChoice
				field string
			}{
				"ToNetwork":       {network, "audience"},
				"ToCircle":        {inCircle, "audience"},
				"ToNonReader":     {members("bob", "cy"), "members"},
				"ToAnotherMember": {members("cy"), "members"},
			} {
				_, _, err := db.NarrowAudience(testutil.As(ann), th.ID, c.a)
				if fieldError(err, c.field) == "" {
					t.Errorf("%s: err = %v, want a refusal on %s", name, err, c.field)
				}
			}
			// Hub → named members who all read it now: narrower.
			got, changed, err := db.NarrowAudience(testutil.As(ann), th.ID, members("bob"))
			if err != nil || !changed || got.Audience.Kind != sharefair.AudienceMembers {
				t.Fatalf("narrow to bob: %v %v", changed, err)
			}
			if _, err := db.FindThreadByID(testutil.As(admin), th.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Fatalf("after narrowing the admin reads it: %v", err)
			}
			// Never wider again.
			for _, a := range []sharefair.AudienceChoice{hub, network, members("bob", "cy")} {
				if _, _, err := db.NarrowAudience(testutil.As(ann), th.ID, a); sharefair.ErrorCode(err) != sharefair.EINVALID {
					t.Errorf("widen to %v: %v", a, err)
				}
			}
			var count int
			if err := db.QueryRow(testutil.As(admin), `SELECT thread_count FROM hubs WHERE id = $1`, rome.ID).Scan(&count); err != nil || count != 1 {
				t.Fatalf("hub thread count = %d %v, want the earlier thread alone", count, err)
			}
		})

		t.Run("NetworkToAnything", func(t *testing.T) {
			th := testutil.MustCreateThread(t, db, ann, nil, "Open", "Words.")
			if _, err := db.CreatePost(testutil.As(cy), th.ID, "A reply."); err != nil {
				t.Fatal(err)
			}
			if _, changed, err := db.NarrowAudience(testutil.As(ann), th.ID, inCircle); err != nil || !changed {
				t.Fatalf("network → circle: %v %v", changed, err)
			}
			if _, err := db.FindThreadByID(testutil.As(cy), th.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Fatalf("cy, outside the circle, still reads it: %v", err)
			}
		})
	})
}
