package store_test

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

var sentinelRE = regexp.MustCompile(`(?i)zyxwarbleton|zyxsentinel|quorvex`)

// mustSentinel creates a member whose name, handle, organisation and
// email are found nowhere else, in hub.
func mustSentinel(t *testing.T, db *store.DB, hub *sharefair.Hub) *sharefair.Member {
	t.Helper()
	m, err := db.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "zyx.sentinel@quorvex.example",
		Handle: "zyxsentinel", Name: "Zyxwarbleton Sentinel", Password: "correct horse battery", Role: sharefair.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	org := "Quorvex Holdings"
	if m, err = db.UpdateMember(testutil.As(m), m.ID, sharefair.MemberUpdate{Organisation: &org}); err != nil {
		t.Fatal(err)
	}
	testutil.MustJoin(t, db, m, hub)
	return m
}

// TestDeleteAccount: a member deletes their account keeping their posts;
// the password is asked; their row is emptied, their handle retired, their
// profile and directory entry gone, their posts shown as a former
// member's, their mentions out of others' posts (Markdown and HTML), their
// sessions, tokens, memberships and pending invitations gone; the audit
// log holds their number alone. The last admin may not.
func TestDeleteAccount(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		olive := testutil.MustCreateMember(t, db, "olive", sharefair.RoleMember)
		hub := testutil.MustCreateHub(t, db, admin, "Harbour")
		s := mustSentinel(t, db, hub)
		th := testutil.MustCreateThread(t, db, s, nil, "Sentinel's thread", "Opening words.")
		mention, err := db.CreatePost(testutil.As(olive), th.ID, "Thanks @ZyxSentinel, and @zyxsentinel2 is someone else.")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(mention.HTML, `href="/members/zyxsentinel"`) {
			t.Fatalf("the mention is not linked before: %s", mention.HTML)
		}
		if _, err := db.CreateSession(ctx, s.ID, sharefair.SessionClient{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.CreateToken(testutil.As(s), s.ID, "script"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, `UPDATE members SET role = 'admin' WHERE id = $1`, s.ID); err != nil {
			t.Fatal(err)
		}
		s.Role = sharefair.RoleAdmin
		if _, _, err := db.CreateInvitation(testutil.As(s), sharefair.NewInvitation{Email: "friend@example.org"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, `UPDATE members SET role = 'member' WHERE id = $1`, admin.ID); err != nil {
			t.Fatal(err)
		}
		// The last admin is refused; another admin, and they may go.
		err = db.DeleteAccount(testutil.As(s), sharefair.AccountDeletion{Password: "correct horse battery"})
		if sharefair.ErrorCode(err) != sharefair.ECONFLICT {
			t.Fatalf("the last admin's deletion = %v", err)
		}
		if err := db.Exec(ctx, `UPDATE members SET role = 'admin' WHERE id = $1`, admin.ID); err != nil {
			t.Fatal(err)
		}
		err = db.DeleteAccount(testutil.As(s), sharefair.AccountDeletion{Password: "wrong"})
		if sharefair.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("a wrong password = %v", err)
		}
		if err := db.DeleteAccount(testutil.As(s), sharefair.AccountDeletion{Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}

		// The row: nothing personal, deleted, no way in.
		var email, handle, name, org, state, role string
		if err := db.QueryRow(ctx, `SELECT email, handle, name, organisation, state, role FROM members WHERE id = $1`, s.ID).
			Scan(&email, &handle, &name, &org, &state, &role); err != nil {
			t.Fatal(err)
		}
		if sentinelRE.MatchString(email+handle+name+org) || state != "deleted" || role != "member" {
			t.Fatalf("row after deletion: %q %q %q %q %s %s", email, handle, name, org, state, role)
		}
		if _, err := db.Authenticate(ctx, "zyx.sentinel@quorvex.example", "correct horse battery"); err == nil {
			t.Fatal("signed in after deletion")
		}
		for _, table := range []string{"sessions", "tokens", "hub_members"} {
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE member_id = $1`, s.ID).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%s: %d rows left (%v)", table, n, err)
			}
		}
		var pending int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM invitations WHERE invited_by = $1 AND revoked_at IS NULL`, s.ID).Scan(&pending); err != nil || pending != 0 {
			t.Fatalf("%d invitations still pending (%v)", pending, err)
		}
		if h, _ := db.FindHubBySlug(testutil.As(olive), hub.Slug); h.MemberCount != 0 {
			t.Fatalf("hub counts %d members", h.MemberCount)
		}
		// Found nowhere.
		if _, err := db.FindMemberByHandle(testutil.As(olive), "zyxsentinel"); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("profile by handle = %v", err)
		}
		if _, err := db.FindMemberByID(testutil.As(admin), s.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("profile by id = %v", err)
		}
		ms, total, err := db.FindMembers(testutil.As(admin), sharefair.MemberFilter{})
		if err != nil || total != 2 || len(ms) != 2 {
			t.Fatalf("directory: %d of %d (%v)", len(ms), total, err)
		}
		// Posts kept as a former member's; the mention gone from olive's.
		posts, _, err := db.FindPosts(testutil.As(olive), th.ID, sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if a := posts[0].Author; a == nil || !a.Former || a.Name != sharefair.FormerMemberName || a.Handle != "" || posts[0].Source != "Opening words." {
			t.Fatalf("kept post: %+v by %+v", posts[0], a)
		}
		if got, _ := db.FindThreadByID(testutil.As(olive), th.ID); got.Author == nil || !got.Author.Former {
			t.Fatalf("thread author: %+v", got.Author)
		}
		if p := posts[1]; sentinelRE.MatchString(p.Source+p.HTML) && !strings.Contains(p.Source, "@zyxsentinel2") ||
			!strings.Contains(p.Source, "Thanks "+sharefair.FormerMention) || strings.Contains(p.HTML, `/members/zyxsentinel"`) {
			t.Fatalf("olive's post after deletion: %q / %q", p.Source, p.HTML)
		}
		// The handle is not anyone's to take.
		_, err = db.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "new@example.org",
			Handle: "zyxsentinel", Name: "Impostor", Password: "correct horse battery", Role: sharefair.RoleMember})
		if sharefair.ErrorFields(err)["handle"] == "" {
			t.Fatalf("a retired handle was taken: %v", err)
		}
		h := "zyxsentinel"
		if _, err := db.UpdateMember(testutil.As(olive), olive.ID, sharefair.MemberUpdate{Handle: &h}); sharefair.ErrorFields(err)["handle"] == "" {
			t.Fatalf("a retired handle was taken by a rename: %v", err)
		}
		// The log: their number, no actor, nothing else.
		var actor sql.NullInt64
		var subject int64
		var reason, detail string
		if err := db.QueryRow(ctx, `SELECT actor_id, subject_member_id, reason, detail FROM audit_log WHERE action = 'account_delete'`).
			Scan(&actor, &subject, &reason, &detail); err != nil {
			t.Fatal(err)
		}
		if actor.Valid || subject != s.ID || reason != "" || detail != "" {
			t.Fatalf("audit: actor %v subject %d %q %q", actor, subject, reason, detail)
		}
	})
}

// TestDeleteAccountWithdrawingPosts: a member who deletes their account
// and chooses to withdraw their posts leaves tombstones where others
// replied, and no thread where nobody did.
func TestDeleteAccountWithdrawingPosts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		hub := testutil.MustCreateHub(t, db, admin, "Harbour")
		s := mustSentinel(t, db, hub)
		lone := testutil.MustCreateThread(t, db, s, nil, "Nobody answered", "Alone.")
		busy := testutil.MustCreateThread(t, db, s, nil, "Answered", "Opening.")
		if _, err := db.CreatePost(testutil.As(admin), busy.ID, "A reply."); err != nil {
			t.Fatal(err)
		}
		if _, err := db.WritePost(testutil.As(s), busy.ID, sharefair.NewPost{Body: "Anonymous words.", Attribution: sharefair.AttributionAnonymous}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAccount(testutil.As(s), sharefair.AccountDeletion{Password: "correct horse battery", WithdrawPosts: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindThreadByID(testutil.As(admin), lone.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("the lone thread = %v", err)
		}
		posts, _, err := db.FindPosts(testutil.As(admin), busy.ID, sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(posts) != 3 || !posts[0].Withdrawn || posts[1].Withdrawn || !posts[2].Withdrawn {
			t.Fatalf("posts: %+v", posts)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM posts WHERE author_id = $1 AND source <> ''`, s.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d posts keep text (%v)", n, err)
		}
	})
}
