package store_test

import (
	"context"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestAuditLogAppendOnly checks that the database itself refuses to change
// or remove what the audit log holds, on both engines, whatever code runs.
func TestAuditLogAppendOnly(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := testutil.MustCreateMember(t, db, "ada", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		if err := db.AppendAudit(ctx, ada.ID, string(sharefair.AuditSuspend), bob.ID); err != nil {
			t.Fatalf("append = %v", err)
		}
		if err := db.AppendAudit(ctx, ada.ID, "made_up", bob.ID); err == nil {
			t.Fatal("an unknown action was written")
		}
		if err := db.Exec(ctx, `UPDATE audit_log SET action = 'reinstate'`); err == nil {
			t.Fatal("an audit entry was changed")
		}
		if err := db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("an audit entry was deleted")
		}
		var n int
		var action string
		if err := db.QueryRow(ctx, `SELECT COUNT(*), MIN(action) FROM audit_log`).Scan(&n, &action); err != nil {
			t.Fatal(err)
		}
		if n != 1 || action != string(sharefair.AuditSuspend) {
			t.Fatalf("log holds %d entries, first %q; want the one suspension", n, action)
		}
	})
}

// TestAuditSecretCircleContent: an entry about a secret circle's content
// names it (by number) only to network admins who are the circle's
// members; to any other admin the circle is nowhere, so the entry says
// only that it concerns a secret circle's content. That holds for an act
// in the circle, which records it, and for an older act on content since
// moved into the circle.
func TestAuditSecretCircleContent(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		inner := testutil.MustCreateMember(t, db, "inner", sharefair.RoleAdmin)
		outer := testutil.MustCreateMember(t, db, "outer", sharefair.RoleAdmin)
		c := mustCircle(t, db, host, "Quiet room", sharefair.CircleSecret)
		if _, err := db.InviteToCircle(testutil.As(host), c.Key, "inner"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AnswerCircleInvitation(testutil.As(inner), c.Key, true); err != nil {
			t.Fatal(err)
		}
		hideReply := func(th *sharefair.Thread, moderator *sharefair.Member) int64 {
			t.Helper()
			p, err := db.WritePost(testutil.As(inner), th.ID, sharefair.NewPost{Body: "A reply.", Attribution: sharefair.AttributionAnonymous})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.HidePost(testutil.As(moderator), p.ID, sharefair.FlagReason("abusive")); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		// Hidden by its host in the circle.
		inCircle := hideReply(mustCircleThread(t, db, host, c, "In the circle"), host)
		// Hidden by an admin for the network, then moved into the circle.
		moved := testutil.MustCreateThread(t, db, host, nil, "Moved in", "Words.")
		movedPost := hideReply(moved, outer)
		if _, _, err := db.NarrowAudience(testutil.As(host), moved.ID, sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: c.Key}); err != nil {
			t.Fatal(err)
		}

		entries, total, err := db.FindAuditEntries(testutil.As(inner), sharefair.AuditFilter{})
		if err != nil || total != 2 || len(entries) != 2 {
			t.Fatalf("entries for an admin in the circle: %d of %d, %v", len(entries), total, err)
		}
		if e := entries[0]; e.PostID != movedPost || e.ThreadID != moved.ID || e.InSecretCircle {
			t.Errorf("the moved thread's entry for an admin in the circle = %+v", e)
		}
		if e := entries[1]; e.PostID != inCircle || e.CircleID != c.ID || e.InSecretCircle {
			t.Errorf("the circle's entry for an admin in the circle = %+v", e)
		}

		entries, total, err = db.FindAuditEntries(testutil.As(outer), sharefair.AuditFilter{})
		if err != nil || total != 2 || len(entries) != 2 {
			t.Fatalf("entries for an admin outside the circle: %d of %d, %v", len(entries), total, err)
		}
		for _, e := range entries {
			if !e.InSecretCircle || e.PostID != 0 || e.ThreadID != 0 || e.CircleID != 0 || e.HubID != 0 ||
				e.Action != sharefair.AuditHide || e.Subject != nil {
				t.Errorf("an entry for an admin outside the circle names its content: %+v", e)
			}
		}
	})
}
