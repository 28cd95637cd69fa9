package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestWithdrawPost: an author's withdrawn reply is emptied in the database,
// shows to everyone (its author too) as a tombstone without author,
// pseudonym or text, leaves profile activity and the export, moves the
// thread's version and latest activity, and is logged by number with no
// actor when its author was hidden. Twice is a no-op; nobody else may.
func TestWithdrawPost(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		th, err := db.CreateThread(testutil.As(admin), sharefair.NewThread{Title: "Open", Body: "Opening.",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, ChathamHouse: true})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := db.CreatePost(testutil.As(ann), th.ID, "Words ann takes back.")
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.FindThreadByID(testutil.As(bob), th.ID)

		for _, who := range []*sharefair.Member{bob, admin} {
			if _, err := db.WithdrawPost(testutil.As(who), secret.ID); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
				t.Fatalf("%s withdrew ann's post: %v", who.Handle, err)
			}
		}
		w, err := db.WithdrawPost(testutil.As(ann), secret.ID)
		if err != nil || !w.Changed || w.ThreadDeleted || w.ThreadID != th.ID {
			t.Fatalf("withdraw = %+v, %v", w, err)
		}
		var src, html string
		var at sql.NullTime
		if err := db.QueryRow(ctx, `SELECT source, html, withdrawn_at FROM posts WHERE id = $1`, secret.ID).Scan(&src, &html, &at); err != nil {
			t.Fatal(err)
		}
		if src != "" || html != "" || !at.Valid {
			t.Fatalf("stored %q, %q, withdrawn %v: the text must be deleted", src, html, at)
		}
		for _, who := range []*sharefair.Member{ann, bob, admin} {
			p, err := db.FindPostByID(testutil.As(who), secret.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Withdrawn || p.Author != nil || p.Pseudonym != 0 || p.Mine || p.ViewerMayEdit || p.ViewerMayWithdraw || p.Source != "" {
				t.Fatalf("%s reads the tombstone as %+v", who.Handle, p)
			}
		}
		after, err := db.FindThreadByID(testutil.As(bob), th.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Version == before.Version || !after.LastActivityAt.Equal(th.LastActivityAt) || after.Withdrawn || after.Title != "Open" {
			t.Fatalf("thread after a reply's withdrawal: %+v (before %+v)", after, before)
		}
		if _, err := db.UpdatePost(testutil.As(ann), secret.ID, "Back again."); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
			t.Fatalf("editing a withdrawn post = %v", err)
		}
		// Twice: nothing to do for its author, still refused for others.
		if w, err := db.WithdrawPost(testutil.As(ann), secret.ID); err != nil || w.Changed {
			t.Fatalf("second withdrawal = %+v, %v", w, err)
		}
		if _, err := db.WithdrawPost(testutil.As(bob), secret.ID); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
			t.Fatalf("bob on a withdrawn post: %v", err)
		}
		// One audit entry, by number, without an actor: the post was
		// under a pseudonym.
		var n int
		var actor, post, thread sql.NullInt64
		var reason, detail string
		if err := db.QueryRow(ctx, `SELECT COUNT(*), MAX(actor_id), MAX(post_id), MAX(thread_id), MAX(reason), MAX(detail)
			FROM audit_log WHERE action = 'withdraw'`).Scan(&n, &actor, &post, &thread, &reason, &detail); err != nil {
			t.Fatal(err)
		}
		if n != 1 || actor.Valid || post.Int64 != secret.ID || thread.Int64 != th.ID || reason != "" || detail != "" {
			t.Fatalf("audit: %d entries, actor %v, post %v, thread %v, %q %q", n, actor, post, thread, reason, detail)
		}
		// The export no longer holds it.
		var b strings.Builder
		if err := db.ExportMember(testutil.As(ann), &b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "takes back") {
			t.Fatalf("export still holds the withdrawn post: %s", b.String())
		}
	})
}

// TestWithdrawOpeningPost: withdrawing the opening post takes the title
// with it; the thread stays, untitled and without author, while a reply
// is there, and goes when the last post left is withdrawn, from lists,
// counts and the hub's count too. Named withdrawals name their actor.
func TestWithdrawOpeningPost(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		th, err := db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "Ann's own words", Body: "Opening.",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}})
		if err != nil {
			t.Fatal(err)
		}
		posts, _, _ := db.FindPosts(testutil.As(ann), th.ID, sharefair.Page{})
		opening := posts[0]
		reply, err := db.CreatePost(testutil.As(admin), th.ID, "A reply.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.WithdrawPost(testutil.As(ann), opening.ID); err != nil {
			t.Fatal(err)
		}
		for _, who := range []*sharefair.Member{ann, admin} {
			got, err := db.FindThreadByID(testutil.As(who), th.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Withdrawn || got.Title != "" || got.Author != nil || got.ViewerMayRename || got.DisplayTitle() != sharefair.WithdrawnThreadTitle {
				t.Fatalf("%s reads the thread as %+v", who.Handle, got)
			}
		}
		if _, err := db.RenameThread(testutil.As(admin), th.ID, "A new title"); sharefair.ErrorCode(err) != sharefair.EFORBIDDEN {
			t.Fatalf("renaming a withdrawn thread = %v", err)
		}
		if ts, _, _ := db.FindThreads(testutil.As(ann), sharefair.ThreadFilter{ParticipantID: ann.ID}); len(ts) != 0 {
			t.Fatalf("ann's activity still lists %d threads", len(ts))
		}
		var actor sql.NullInt64
		if err := db.QueryRow(ctx, `SELECT actor_id FROM audit_log WHERE action = 'withdraw' AND post_id = $1`, opening.ID).Scan(&actor); err != nil {
			t.Fatal(err)
		}
		if actor.Int64 != ann.ID {
			t.Fatalf("a named post's withdrawal logged actor %v", actor)
		}
		// The last post left goes, and the thread with it.
		w, err := db.WithdrawPost(testutil.As(admin), reply.ID)
		if err != nil || !w.ThreadDeleted {
			t.Fatalf("withdrawing the last post = %+v, %v", w, err)
		}
		if _, err := db.FindThreadByID(testutil.As(admin), th.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("deleted thread = %v", err)
		}
		if _, total, _ := db.FindThreads(testutil.As(admin), sharefair.ThreadFilter{}); total != 0 {
			t.Fatalf("%d threads listed", total)
		}

		// A hub's lone thread: withdrawn with its opening post, and the
		// hub's count with it.
		hub := testutil.MustCreateHub(t, db, admin, "north")
		ht, err := db.CreateThread(testutil.As(admin), sharefair.NewThread{Title: "Hub", Body: "Only post.", Audience: sharefair.AudienceChoice{Hub: "north"}})
		if err != nil {
			t.Fatal(err)
		}
		hp, _, _ := db.FindPosts(testutil.As(admin), ht.ID, sharefair.Page{})
		if w, err := db.WithdrawPost(testutil.As(admin), hp[0].ID); err != nil || !w.ThreadDeleted {
			t.Fatalf("withdraw lone opening = %+v, %v", w, err)
		}
		if _, total, _ := db.FindThreads(testutil.As(admin), sharefair.ThreadFilter{HubID: hub.ID}); total != 0 {
			t.Fatalf("hub still counts %d threads", total)
		}
		if _, err := db.WithdrawPost(testutil.As(admin), hp[0].ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("withdrawing a post of a deleted thread = %v", err)
		}
	})
}

// TestWithdrawNamedThread: a named-members thread withdrawn whole is
// deleted with its list of readers, so that the thread given its number
// next (SQLite reuses the highest) is read by none of them.
func TestWithdrawNamedThread(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ana := testutil.MustCreateMember(t, db, "ana", sharefair.RoleMember)
		bea := testutil.MustCreateMember(t, db, "bea", sharefair.RoleMember)
		cy := testutil.MustCreateMember(t, db, "cy", sharefair.RoleMember)
		named := func(reader string) *sharefair.Thread {
			t.Helper()
			th, err := db.CreateThread(testutil.As(ana), sharefair.NewThread{Title: "For @" + reader, Body: "Between us.",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: []string{reader}}})
			if err != nil {
				t.Fatal(err)
			}
			return th
		}
		th := named(bea.Handle)
		posts, _, err := db.FindPosts(testutil.As(ana), th.ID, sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if w, err := db.WithdrawPost(testutil.As(ana), posts[0].ID); err != nil || !w.ThreadDeleted {
			t.Fatalf("withdraw the only post: %+v %v", w, err)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audience_members WHERE content_kind = 'thread' AND content_id = $1`,
			th.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("the deleted thread keeps %d named readers (%v)", n, err)
		}
		next := named(cy.Handle)
		if _, err := db.FindThreadByID(testutil.As(bea), next.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("bea reads thread %d (the deleted one was %d): %v", next.ID, th.ID, err)
		}
	})
}
