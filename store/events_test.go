package store_test

import (
	"context"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestEvents: each change records what happened, in its transaction: a
// refused change records nothing; a mention names whom it mentions, not
// the writer; the events are for Sharefair, not for members.
func TestEvents(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		testutil.MustJoin(t, db, ann, rome)
		testutil.MustJoin(t, db, bob, rome)
		var seen int64
		next := func() []sharefair.Event {
			t.Helper()
			es, err := db.Events(testutil.Operator(), seen, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) > 0 {
				seen = es[len(es)-1].ID
			}
			return es
		}
		next() // what setting up recorded

		th, err := db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "Hello", Body: "Ask @bob, and @ann, and @nobody.",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: rome.Slug}})
		if err != nil {
			t.Fatal(err)
		}
		es := next()
		if len(es) != 2 || es[0].Kind != sharefair.EventThreadStarted || es[0].ActorID != ann.ID || es[0].ThreadID != th.ID ||
			es[0].HubID != rome.ID || es[0].PostID == 0 || es[1].Kind != sharefair.EventMentioned || es[1].SubjectID != bob.ID ||
			es[1].PostID != es[0].PostID {
			t.Fatalf("a thread mentioning bob, its writer and nobody: %+v", es)
		}
		p, err := db.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "Thanks @ann.", Attribution: sharefair.AttributionAnonymous})
		if err != nil {
			t.Fatal(err)
		}
		es = next()
		if len(es) != 2 || es[0].Kind != sharefair.EventPostWritten || es[0].PostID != p.ID || es[0].ActorID != bob.ID ||
			es[1].Kind != sharefair.EventMentioned || es[1].SubjectID != ann.ID {
			t.Fatalf("an anonymous reply mentioning ann: %+v", es)
		}
		// Refused: nothing happened, nothing is recorded.
		if _, err := db.LockThread(testutil.As(admin), th.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = db.WritePost(testutil.As(ann), th.ID, sharefair.NewPost{Body: "Locked out, @bob."})
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
		if es := next(); len(es) != 0 {
			t.Fatalf("a refused reply recorded %+v", es)
		}
		if _, err := db.HidePost(testutil.As(admin), p.ID, sharefair.FlagAbusive); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RestorePost(testutil.As(admin), p.ID); err != nil {
			t.Fatal(err)
		}
		es = next()
		if len(es) != 2 || es[0].Kind != sharefair.EventPostHidden || es[0].SubjectID != bob.ID || es[0].ActorID != admin.ID ||
			es[1].Kind != sharefair.EventPostRestored || es[1].PostID != p.ID {
			t.Fatalf("a hide and a restore: %+v", es)
		}
		inv, _, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "new@example.org", Hub: rome.Slug})
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.CreateCircle(testutil.As(ann), sharefair.NewCircle{Name: "Pair", Kind: sharefair.CircleSecret})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.InviteToCircle(testutil.As(ann), c.Key, "bob"); err != nil {
			t.Fatal(err)
		}
		if again, err := db.InviteToCircle(testutil.As(ann), c.Key, "bob"); err != nil || again {
			t.Fatalf("invite twice: %v %v", again, err)
		}
		es = next()
		if len(es) != 2 || es[0].Kind != sharefair.EventInvited || es[0].InvitationID != inv.ID || es[0].HubID != rome.ID ||
			es[1].Kind != sharefair.EventCircleInvited || es[1].SubjectID != bob.ID || es[1].CircleID != c.ID {
			t.Fatalf("an invitation to the hub and one to the circle (made once): %+v", es)
		}
		_, err = db.Events(testutil.As(admin), 0, 10)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, err = db.Events(context.Background(), 0, 10)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
	})
}
