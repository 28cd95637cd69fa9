package store_test

import (
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// mustJoinByInvitation brings m into circle c by its host's invitation.
func mustJoinByInvitation(t *testing.T, db *store.DB, host, m *sharefair.Member, c *sharefair.Circle) {
	t.Helper()
	if _, err := db.InviteToCircle(testutil.As(host), c.Key, m.Handle); err != nil {
		t.Fatalf("invite %s: %v", m.Handle, err)
	}
	if _, err := db.AnswerCircleInvitation(testutil.As(m), c.Key, true); err != nil {
		t.Fatalf("%s accepts: %v", m.Handle, err)
	}
}

// TestCircleModeration: a circle's content is its hosts' to moderate, not
// the network admins' (who may read an open circle's); titles follow
// moderation; reveals are the admins' where they moderate; and the audit
// log names an act in a secret circle only to admins who are in it.
func TestCircleModeration(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		insider := testutil.MustCreateMember(t, db, "insider", sharefair.RoleAdmin)
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		writer := testutil.MustCreateMember(t, db, "writer", sharefair.RoleMember)
		open := mustCircle(t, db, host, "Open water", sharefair.CircleOpen)
		secret := mustCircle(t, db, host, "Quiet room", sharefair.CircleSecret)
		if _, err := db.JoinCircle(testutil.As(writer), open.Key); err != nil {
			t.Fatal(err)
		}
		mustJoinByInvitation(t, db, host, writer, secret)
		mustJoinByInvitation(t, db, host, insider, secret)

		anonIn := func(c *sharefair.Circle) (*sharefair.Thread, int64) {
			th := mustCircleThread(t, db, host, c, "About "+c.Name)
			p, err := db.WritePost(testutil.As(writer), th.ID, sharefair.NewPost{Body: "Unsigned words.",
				Attribution: sharefair.AttributionAnonymous})
			if err != nil {
				t.Fatal(err)
			}
			return th, p.ID
		}
		openThread, openPost := anonIn(open)
		secretThread, secretPost := anonIn(secret)

		// The admin reads the open circle, and may not moderate it.
		if _, err := db.FindPostByID(testutil.As(admin), openPost); err != nil {
			t.Fatalf("admin reads the open circle's post: %v", err)
		}
		_, err := db.HidePost(testutil.As(admin), openPost, sharefair.FlagAbusive)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, err = db.RevealAuthor(testutil.As(admin), openPost, "Threats against a member.")
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		if th, err := db.FindThreadByID(testutil.As(admin), openThread.ID); err != nil || th.ViewerMayReveal || th.ViewerMayModerate {
			t.Fatalf("the admin is offered to moderate or reveal in the open circle: %+v, %v", th, err)
		}
		_, err = db.RenameThread(testutil.As(admin), openThread.ID, "Renamed by an admin")
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		// Nor an admin in the secret circle who does not host it.
		_, err = db.HidePost(testutil.As(insider), secretPost, sharefair.FlagAbusive)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)

		// The host moderates both, and retitles.
		for _, id := range []int64{openPost, secretPost} {
			if changed, err := db.HidePost(testutil.As(host), id, sharefair.FlagAbusive); err != nil || !changed {
				t.Fatalf("host hides post %d: %v, %v", id, changed, err)
			}
		}
		if _, err := db.RenameThread(testutil.As(host), openThread.ID, "Renamed by its host"); err != nil {
			t.Fatalf("host renames: %v", err)
		}
		// The writer withdraws what the host hid in the secret circle.
		if _, err := db.WithdrawPost(testutil.As(writer), secretPost); err != nil {
			t.Fatal(err)
		}

		entries := func(m *sharefair.Member, f sharefair.AuditFilter) map[sharefair.AuditAction][]*sharefair.AuditEntry {
			t.Helper()
			es, _, err := db.FindAuditEntries(testutil.As(m), f)
			if err != nil {
				t.Fatal(err)
			}
			by := map[sharefair.AuditAction][]*sharefair.AuditEntry{}
			for _, e := range es {
				by[e.Action] = append(by[e.Action], e)
			}
			return by
		}
		// The admin outside: the open circle's hide in full, the secret
		// circle's acts as that something was done there.
		out := entries(admin, sharefair.AuditFilter{})
		if hides := out[sharefair.AuditHide]; len(hides) != 2 {
			t.Fatalf("admin reads %d hides, want 2", len(hides))
		}
		var named, unnamed *sharefair.AuditEntry
		for _, e := range out[sharefair.AuditHide] {
			if e.InSecretCircle {
				unnamed = e
			} else {
				named = e
			}
		}
		if named == nil || named.PostID != openPost || named.CircleID != open.ID || named.Actor == nil || named.Actor.ID != host.ID {
			t.Errorf("the open circle's hide reads %+v, want post %d in circle %d by the host", named, openPost, open.ID)
		}
		if unnamed == nil || unnamed.PostID != 0 || unnamed.ThreadID != 0 || unnamed.CircleID != 0 || unnamed.ActorID != 0 || unnamed.Actor != nil {
			t.Errorf("the secret circle's hide reads %+v to an admin outside it, want nothing named", unnamed)
		}
		if w := out[sharefair.AuditWithdraw]; len(w) != 1 || !w[0].InSecretCircle || w[0].PostID != 0 {
			t.Errorf("the secret circle's withdrawal reads %+v to an admin outside it, want nothing named", w)
		}
		// Looking the host up finds only what may name them.
		if byHost := entries(admin, sharefair.AuditFilter{ActorID: host.ID}); len(byHost[sharefair.AuditHide]) != 1 {
			t.Errorf("admin finds %d hides by the host, want the open circle's alone", len(byHost[sharefair.AuditHide]))
		}

		// The admin inside reads every entry in full.
		in := entries(insider, sharefair.AuditFilter{})
		for _, e := range append(in[sharefair.AuditHide], in[sharefair.AuditWithdraw]...) {
			if e.InSecretCircle {
				t.Errorf("%s entry hidden from an admin in the circle: %+v", e.Action, e)
			}
		}
		var secretHide *sharefair.AuditEntry
		for _, e := range in[sharefair.AuditHide] {
			if e.PostID == secretPost {
				secretHide = e
			}
		}
		if secretHide == nil || secretHide.CircleID != secret.ID || secretHide.ThreadID != secretThread.ID || secretHide.Actor == nil {
			t.Errorf("the secret circle's hide reads %+v to an admin in it, want it named, by the host", secretHide)
		}
		if w := in[sharefair.AuditWithdraw]; len(w) != 1 || w[0].CircleID != secret.ID || w[0].PostID != secretPost {
			t.Errorf("the withdrawal reads %+v to an admin in the circle, want post %d in circle %d", w, secretPost, secret.ID)
		}
	})
}
