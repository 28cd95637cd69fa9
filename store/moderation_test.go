package store_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

func TestModeration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		f := threadsFixture(t, e, false)
		db, admin, ann, bob, rome := f.db, f.admin, f.ann, f.bob, f.rome
		cora := testutil.MustCreateMember(t, db, "cora", sharefair.RoleMember)
		testutil.MustJoin(t, db, cora, rome)
		if _, err := db.SetCoordinator(testutil.As(admin), "rome", "cora", true); err != nil {
			t.Fatal(err)
		}
		// dan is in Rome too, and writes anonymously there.
		dan := testutil.MustCreateMember(t, db, "dan", sharefair.RoleMember)
		testutil.MustJoin(t, db, dan, rome)
		anon, err := db.WritePost(testutil.As(dan), f.secret.ID, sharefair.NewPost{Body: "sentinel words", Attribution: sharefair.AttributionAnonymous})
		if err != nil {
			t.Fatal(err)
		}
		netPost, err := db.CreatePost(testutil.As(ann), f.open.ID, "a network reply")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("Flag", func(t *testing.T) {
			_, err := db.FlagPost(testutil.As(ann), anon.ID, sharefair.NewFlag{Reason: "nonsense"})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			_, err = db.FlagPost(testutil.As(ann), anon.ID, sharefair.NewFlag{Reason: sharefair.FlagAbusive, Note: strings.Repeat("x", sharefair.MaxFlagNoteLen+1)})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			// bob is not in Rome: the post does not exist for him.
			_, err = db.FlagPost(testutil.As(bob), anon.ID, sharefair.NewFlag{Reason: sharefair.FlagAbusive})
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.FlagPost(testutil.As(dan), anon.ID, sharefair.NewFlag{Reason: sharefair.FlagAbusive})
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			for i, want := range []bool{true, false} {
				changed, err := db.FlagPost(testutil.As(ann), anon.ID, sharefair.NewFlag{Reason: sharefair.FlagAbusive, Note: "rude"})
				if err != nil || changed != want {
					t.Fatalf("flag %d: %v, %v", i, changed, err)
				}
			}
			if _, err := db.FlagPost(testutil.As(bob), netPost.ID, sharefair.NewFlag{Reason: sharefair.FlagSpam}); err != nil {
				t.Fatal(err)
			}
			p, err := db.FindPostByID(testutil.As(ann), anon.ID)
			if err != nil || !p.ViewerFlagged {
				t.Fatalf("flagger sees %+v, %v", p, err)
			}
			th, err := db.FindThreadByID(testutil.As(ann), f.secret.ID)
			if err != nil || !th.ViewerFlagged {
				t.Fatalf("thread for flagger %+v, %v", th, err)
			}
			if p, _ := db.FindPostByID(testutil.As(cora), anon.ID); p.ViewerFlagged {
				t.Fatal("another member sees the flag as theirs")
			}
		})

		t.Run("Queue", func(t *testing.T) {
			items, total, err := db.FindModerationQueue(testutil.As(cora), sharefair.Page{})
			if err != nil || total != 1 || len(items) != 1 || items[0].Post.ID != anon.ID {
				t.Fatalf("coordinator queue = %v, %d, %v", items, total, err)
			}
			it := items[0]
			if it.Post.Author != nil || it.FlagCount != 1 || it.Flags[0].Reason != sharefair.FlagAbusive || it.Notes[0] != "rude" {
				t.Fatalf("item = %+v, post %+v", it, it.Post)
			}
			items, total, err = db.FindModerationQueue(testutil.As(admin), sharefair.Page{})
			if err != nil || total != 2 || len(items) != 2 || items[0].Post.ID != anon.ID || items[1].Post.ID != netPost.ID {
				t.Fatalf("admin queue = %v, %d, %v", items, total, err)
			}
			if items[0].Post.Author != nil {
				t.Fatal("the queue reveals an anonymous author to an admin")
			}
			for _, m := range []*sharefair.Member{ann, bob, dan} {
				if items, total, err := db.FindModerationQueue(testutil.As(m), sharefair.Page{}); err != nil || total != 0 || len(items) != 0 {
					t.Fatalf("%s queue = %v, %d, %v", m.Handle, items, total, err)
				}
			}
		})

		t.Run("HideRestore", func(t *testing.T) {
			_, err := db.HidePost(testutil.As(ann), anon.ID, sharefair.FlagAbusive)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.HidePost(testutil.As(cora), netPost.ID, sharefair.FlagSpam)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.HidePost(testutil.As(bob), anon.ID, sharefair.FlagAbusive)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.HidePost(testutil.As(cora), anon.ID, "")
			testutil.AssertCode(t, err, sharefair.EINVALID)
			for i, want := range []bool{true, false} {
				if changed, err := db.HidePost(testutil.As(cora), anon.ID, sharefair.FlagAbusive); err != nil || changed != want {
					t.Fatalf("hide %d: %v, %v", i, changed, err)
				}
			}
			reader, err := db.FindPostByID(testutil.As(ann), anon.ID)
			if err != nil || !reader.Hidden || reader.Source != "" || reader.HTML != "" || reader.HiddenReason != "" {
				t.Fatalf("reader sees %+v, %v", reader, err)
			}
			posts, _, err := db.FindPosts(testutil.As(ann), f.secret.ID, sharefair.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range posts {
				if strings.Contains(p.Source+p.HTML, "sentinel") {
					t.Fatal("a hidden post's text in a reader's list")
				}
			}
			mod, _ := db.FindPostByID(testutil.As(cora), anon.ID)
			if !mod.Hidden || mod.Source != "sentinel words" || mod.HiddenReason != sharefair.FlagAbusive || mod.Author != nil {
				t.Fatalf("moderator sees %+v", mod)
			}
			own, _ := db.FindPostByID(testutil.As(dan), anon.ID)
			if !own.Hidden || own.Source != "sentinel words" || own.HiddenReason != sharefair.FlagAbusive ||
				own.AsReadersSee == nil || own.AsReadersSee.Source != "" {
				t.Fatalf("author sees %+v", own)
			}
			// Hiding settled the flags.
			if _, total, _ := db.FindModerationQueue(testutil.As(cora), sharefair.Page{}); total != 0 {
				t.Fatalf("queue after hiding = %d", total)
			}
			for i, want := range []bool{true, false} {
				if changed, err := db.RestorePost(testutil.As(cora), anon.ID); err != nil || changed != want {
					t.Fatalf("restore %d: %v, %v", i, changed, err)
				}
			}
			if p, _ := db.FindPostByID(testutil.As(ann), anon.ID); p.Hidden || p.Source != "sentinel words" {
				t.Fatalf("restored post = %+v", p)
			}
			if changed, err := db.DismissFlags(testutil.As(admin), netPost.ID); err != nil || !changed {
				t.Fatalf("dismiss: %v, %v", changed, err)
			}
			if _, total, _ := db.FindModerationQueue(testutil.As(admin), sharefair.Page{}); total != 0 {
				t.Fatalf("queue after dismissing = %d", total)
			}
			// A dismissed flag leaves room for a new one.
			if changed, err := db.FlagPost(testutil.As(bob), netPost.ID, sharefair.NewFlag{Reason: sharefair.FlagSpam}); err != nil || !changed {
				t.Fatalf("flag again: %v, %v", changed, err)
			}
		})

		t.Run("Lock", func(t *testing.T) {
			_, err := db.LockThread(testutil.As(ann), f.secret.ID, true)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			if changed, err := db.LockThread(testutil.As(cora), f.secret.ID, true); err != nil || !changed {
				t.Fatalf("lock: %v, %v", changed, err)
			}
			_, err = db.CreatePost(testutil.As(ann), f.secret.ID, "one more")
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			if th, _ := db.FindThreadByID(testutil.As(ann), f.secret.ID); !th.Locked {
				t.Fatal("not shown locked")
			}
			if changed, err := db.LockThread(testutil.As(cora), f.secret.ID, false); err != nil || !changed {
				t.Fatalf("unlock: %v, %v", changed, err)
			}
			if _, err := db.CreatePost(testutil.As(ann), f.secret.ID, "one more"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("Reveal", func(t *testing.T) {
			_, err := db.RevealAuthor(testutil.As(cora), anon.ID, "Threats against a member.")
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.RevealAuthor(testutil.As(admin), anon.ID, "abuse")
			testutil.AssertCode(t, err, sharefair.EINVALID)
			_, err = db.RevealAuthor(testutil.As(admin), netPost.ID, "Threats against a member.")
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			who, err := db.RevealAuthor(testutil.As(admin), anon.ID, "Threats against a member.")
			if err != nil || who.Handle != "dan" {
				t.Fatalf("reveal = %+v, %v", who, err)
			}
			// Nothing changes for anyone else, the admin included.
			for _, m := range []*sharefair.Member{admin, ann, cora} {
				p, _ := db.FindPostByID(testutil.As(m), anon.ID)
				if p.Author != nil || p.Revealed != nil {
					t.Fatalf("%s sees %+v after the reveal", m.Handle, p)
				}
			}
			own, _ := db.FindPostByID(testutil.As(dan), anon.ID)
			if own.Revealed == nil || own.Revealed.Reason != "Threats against a member." || own.AsReadersSee.Revealed != nil {
				t.Fatalf("author told %+v", own.Revealed)
			}
			entries, _, err := db.FindAuditEntries(testutil.As(admin), sharefair.AuditFilter{Action: sharefair.AuditReveal})
			if err != nil || len(entries) != 1 || entries[0].PostID != anon.ID || entries[0].SubjectID != 0 || entries[0].Subject != nil {
				t.Fatalf("reveal entries = %+v, %v", entries, err)
			}
		})

		t.Run("Standing", func(t *testing.T) {
			_, err := db.SetMemberState(testutil.As(cora), bob.ID, sharefair.MemberSuspended)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.SetMemberState(testutil.As(admin), admin.ID, sharefair.MemberSuspended)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			secret, err := db.CreateSession(testutil.As(bob), bob.ID, sharefair.SessionClient{})
			if err != nil {
				t.Fatal(err)
			}
			_, token, err := db.CreateToken(testutil.As(bob), bob.ID, "laptop")
			if err != nil {
				t.Fatal(err)
			}
			if changed, err := db.SetMemberState(testutil.As(admin), bob.ID, sharefair.MemberSuspended); err != nil || !changed {
				t.Fatalf("suspend: %v, %v", changed, err)
			}
			if _, err := db.MemberBySession(testutil.As(nil), secret); sharefair.ErrorCode(err) != sharefair.EUNAUTHORIZED {
				t.Fatalf("session after suspension: %v", err)
			}
			if _, err := db.MemberByToken(testutil.As(nil), token); sharefair.ErrorCode(err) != sharefair.EUNAUTHORIZED {
				t.Fatalf("token after suspension: %v", err)
			}
			_, err = db.Authenticate(testutil.As(nil), "bob@example.org", "correct horse battery")
			if !strings.Contains(sharefair.ErrorMessage(err), "suspended") {
				t.Fatalf("sign-in while suspended: %v", err)
			}
			// A request already under way is refused at its write.
			_, err = db.CreatePost(testutil.As(bob), f.open.ID, "still here")
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			_, err = db.SetMemberState(testutil.As(admin), bob.ID, sharefair.MemberDeleted)
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if changed, err := db.SetMemberState(testutil.As(admin), bob.ID, sharefair.MemberActive); err != nil || !changed {
				t.Fatalf("reinstate: %v, %v", changed, err)
			}
			if _, err := db.Authenticate(testutil.As(nil), "bob@example.org", "correct horse battery"); err != nil {
				t.Fatalf("sign-in after reinstatement: %v", err)
			}
			if changed, err := db.SetMemberState(testutil.As(admin), bob.ID, sharefair.MemberDeactivated); err != nil || !changed {
				t.Fatalf("deactivate: %v, %v", changed, err)
			}
			_, err = db.SetMemberState(testutil.As(admin), bob.ID, sharefair.MemberSuspended)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			if changed, err := db.SetMemberState(testutil.As(admin), bob.ID, sharefair.MemberActive); err != nil || !changed {
				t.Fatalf("reactivate: %v, %v", changed, err)
			}

			_, err = db.SetMemberRole(testutil.As(cora), bob.ID, sharefair.RoleAdmin)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.SetMemberRole(testutil.As(admin), admin.ID, sharefair.RoleMember)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			for i, want := range []bool{true, false} {
				if changed, err := db.SetMemberRole(testutil.As(admin), bob.ID, sharefair.RoleAdmin); err != nil || changed != want {
					t.Fatalf("role %d: %v, %v", i, changed, err)
				}
			}
			entries, total, err := db.FindAuditEntries(testutil.As(admin), sharefair.AuditFilter{SubjectID: bob.ID})
			if err != nil || total != 5 {
				t.Fatalf("bob's entries = %d, %v", total, err)
			}
			var actions []string
			for _, e := range entries {
				actions = append(actions, string(e.Action))
				if e.Actor == nil || e.Actor.Handle != "admin" || e.Subject == nil || e.Subject.Handle != "bob" {
					t.Fatalf("entry = %+v", e)
				}
			}
			if got := strings.Join(actions, " "); got != "role_change reactivate deactivate reinstate suspend" {
				t.Fatalf("actions = %s", got)
			}
			if entries[0].Detail != "member → admin" {
				t.Fatalf("detail = %q", entries[0].Detail)
			}
		})

		t.Run("AuditLog", func(t *testing.T) {
			_, _, err := db.FindAuditEntries(testutil.As(cora), sharefair.AuditFilter{})
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			entries, _, err := db.FindAuditEntries(testutil.As(admin), sharefair.AuditFilter{ActorID: cora.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, string(e.Action))
				if e.Action == sharefair.AuditHide && (e.PostID != anon.ID || e.ThreadID != f.secret.ID || e.HubID != rome.ID || e.Detail != "abusive") {
					t.Fatalf("hide entry = %+v", e)
				}
				if strings.Contains(e.Reason+e.Detail, "sentinel") {
					t.Fatal("the log copies a post's text")
				}
			}
			if strings.Join(got, " ") != "unlock lock restore hide" {
				t.Fatalf("cora's acts = %v", got)
			}
		})
	})
}
