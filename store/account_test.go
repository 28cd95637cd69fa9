package store_test

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

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

// circleState reads circle id's member count and its hosts' ids (at most
// two: the lowest and the highest), and whether it is there at all.
func circleState(t *testing.T, db *store.DB, id int64) (exists bool, count int, hosts []int64) {
	t.Helper()
	ctx := context.Background()
	err := db.QueryRow(ctx, `SELECT member_count FROM circles WHERE id = $1`, id).Scan(&count)
	if errors.Is(err, sql.ErrNoRows) {
		return false, 0, nil
	} else if err != nil {
		t.Fatal(err)
	}
	var lo, hi sql.NullInt64
	if err := db.QueryRow(ctx, `SELECT MIN(member_id), MAX(member_id) FROM circle_members WHERE circle_id = $1 AND role = 'host'`, id).
		Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}
	if lo.Valid {
		hosts = append(hosts, lo.Int64)
	}
	if hi.Valid && hi != lo {
		hosts = append(hosts, hi.Int64)
	}
	return true, count, hosts
}

// TestDeleteAccountCircles: a member who deletes their account leaves
// every circle: their memberships, their requests, the invitations to them
// and the ones they sent go; a circle they were the last host of passes
// to its longest-standing active member; one they co-hosted keeps its
// other host alone; one left empty is deleted if it holds no threads and
// kept, hostless, with its requests gone, if it does; their mentions in a
// circle's and a hub's descriptions go; no circle row names them.
func TestDeleteAccountCircles(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &testutil.Clock{T: time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		hub := testutil.MustCreateHub(t, db, admin, "Harbour")
		s := mustSentinel(t, db, hub)
		early := testutil.MustCreateMember(t, db, "early", sharefair.RoleMember)
		olive := testutil.MustCreateMember(t, db, "olive", sharefair.RoleMember)
		bea := testutil.MustCreateMember(t, db, "bea", sharefair.RoleMember) // after olive, so a later number
		cy := testutil.MustCreateMember(t, db, "cy", sharefair.RoleMember)
		ina := testutil.MustCreateMember(t, db, "ina", sharefair.RoleMember)
		asker := testutil.MustCreateMember(t, db, "asker", sharefair.RoleMember)
		invite := func(host *sharefair.Member, c *sharefair.Circle, m *sharefair.Member) {
			t.Helper()
			if _, err := db.InviteToCircle(testutil.As(host), c.Key, m.Handle); err != nil {
				t.Fatal(err)
			}
		}
		join := func(host *sharefair.Member, c *sharefair.Circle, m *sharefair.Member) {
			t.Helper()
			invite(host, c, m)
			if _, err := db.AnswerCircleInvitation(testutil.As(m), c.Key, true); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
		}
		ask := func(c *sharefair.Circle, m *sharefair.Member) {
			t.Helper()
			if out, err := db.JoinCircle(testutil.As(m), c.Key); err != nil || out != sharefair.CircleRequested {
				t.Fatalf("ask to join %s: %s %v", c.Name, out, err)
			}
		}

		// Hosted by the sentinel alone: early (suspended since), bea and
		// olive joined in that order; ina invited by the sentinel, asker
		// asking.
		hosted := mustCircle(t, db, s, "Hosted", sharefair.CircleClosed)
		clock.Advance(time.Hour)
		join(s, hosted, early)
		join(s, hosted, bea)
		join(s, hosted, olive)
		invite(s, hosted, ina)
		ask(hosted, asker)
		if err := db.Exec(ctx, `UPDATE members SET state = 'suspended' WHERE id = $1`, early.ID); err != nil {
			t.Fatal(err)
		}
		// Co-hosted with cy, whose description mentions the sentinel.
		shared, err := db.CreateCircle(testutil.As(cy), sharefair.NewCircle{Name: "Shared", Kind: sharefair.CircleOpen,
			Description: "Ask @zyxsentinel or @cy."})
		if err != nil {
			t.Fatal(err)
		}
		if !sentinelRE.MatchString(shared.DescriptionHTML) {
			t.Fatalf("the mention is not linked before: %s", shared.DescriptionHTML)
		}
		join(cy, shared, s)
		if _, err := db.SetCircleHost(testutil.As(cy), shared.Key, s.Handle, true); err != nil {
			t.Fatal(err)
		}
		join(cy, shared, olive)
		// cy's secret circle invites the sentinel; cy's closed one has
		// their request.
		secret := mustCircle(t, db, cy, "Secret of cy", sharefair.CircleSecret)
		invite(cy, secret, s)
		closed := mustCircle(t, db, cy, "Closed of cy", sharefair.CircleClosed)
		ask(closed, s)
		// Only the sentinel: one with nothing in it, one with a thread
		// and a request.
		alone := mustCircle(t, db, s, "Alone", sharefair.CircleSecret)
		invite(s, alone, ina)
		kept := mustCircle(t, db, s, "Kept", sharefair.CircleClosed)
		keptThread := mustCircleThread(t, db, s, kept, "Kept words")
		ask(kept, asker)

		// The hub's description mentions them too.
		hubDesc := "Ask @zyxsentinel or @cy about the meetups."
		if _, err := db.UpdateHub(testutil.As(admin), hub.Slug, sharefair.HubUpdate{Description: &hubDesc}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAccount(testutil.As(s), sharefair.AccountDeletion{Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}

		// Nothing in the circle tables has their number.
		for _, q := range []string{
			`SELECT COUNT(*) FROM circle_members WHERE member_id = $1`,
			`SELECT COUNT(*) FROM circle_requests WHERE member_id = $1`,
			`SELECT COUNT(*) FROM circle_invitations WHERE member_id = $1 OR invited_by = $1`,
		} {
			var n int
			if err := db.QueryRow(ctx, q, s.ID).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%s: %d (%v)", q, n, err)
			}
		}
		// Hosting passed to bea: she joined before olive, and early is
		// suspended. The request of another stays for her to decide.
		if ok, count, hosts := circleState(t, db, hosted.ID); !ok || count != 3 || len(hosts) != 1 || hosts[0] != bea.ID {
			t.Fatalf("Hosted: %v, %d members, hosts %v (bea is %d)", ok, count, hosts, bea.ID)
		}
		reqs, err := db.FindCircleRequests(testutil.As(bea), hosted.Key)
		if err != nil || len(reqs) != 1 || reqs[0].Member.ID != asker.ID {
			t.Fatalf("Hosted's requests for its new host: %v (%v)", reqs, err)
		}
		if c, err := db.FindCircle(testutil.As(ina), hosted.Key); err != nil || c.ViewerInvited {
			t.Fatalf("ina's invitation from the sentinel: %+v (%v)", c, err)
		}
		// Shared keeps cy alone as host, olive a member still.
		if ok, count, hosts := circleState(t, db, shared.ID); !ok || count != 2 || len(hosts) != 1 || hosts[0] != cy.ID {
			t.Fatalf("Shared: %v, %d members, hosts %v", ok, count, hosts)
		}
		got, err := db.FindCircle(testutil.As(olive), shared.Key)
		if err != nil {
			t.Fatal(err)
		}
		if sentinelRE.MatchString(got.Description+got.DescriptionHTML) || !strings.Contains(got.Description, "Ask "+sharefair.FormerMention+" or @cy.") ||
			!strings.Contains(got.DescriptionHTML, `/members/cy"`) {
			t.Fatalf("Shared's description: %q / %q", got.Description, got.DescriptionHTML)
		}
		gotHub, err := db.FindHubBySlug(testutil.As(olive), hub.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if sentinelRE.MatchString(gotHub.Description+gotHub.DescriptionHTML) || !strings.Contains(gotHub.Description, "Ask "+sharefair.FormerMention+" or @cy") ||
			!strings.Contains(gotHub.DescriptionHTML, `/members/cy"`) {
			t.Fatalf("the hub's description: %q / %q", gotHub.Description, gotHub.DescriptionHTML)
		}
		// Alone is gone, with ina's invitation to it.
		if ok, _, _ := circleState(t, db, alone.ID); ok {
			t.Fatal("the empty circle with no thread is still there")
		}
		if cs, _, err := db.FindCircles(testutil.As(ina), sharefair.CircleFilter{Invited: true}); err != nil || len(cs) != 0 {
			t.Fatalf("ina is invited to %d circles (%v)", len(cs), err)
		}
		// Kept stays for its thread, with nobody in it and no request.
		if ok, count, hosts := circleState(t, db, kept.ID); !ok || count != 0 || len(hosts) != 0 {
			t.Fatalf("Kept: %v, %d members, hosts %v", ok, count, hosts)
		}
		if c, err := db.FindCircle(testutil.As(asker), kept.Key); err != nil || c.ViewerRequested {
			t.Fatalf("asker's request to the empty circle: %+v (%v)", c, err)
		}
		if th, err := db.FindThreadByID(testutil.As(admin), keptThread.ID); err != nil || th.Author == nil || !th.Author.Former {
			t.Fatalf("the kept circle's thread for an admin: %+v (%v)", th, err)
		}
		// The circles of others that invited or heard from them.
		if ok, count, _ := circleState(t, db, secret.ID); !ok || count != 1 {
			t.Fatalf("cy's secret circle: %v, %d", ok, count)
		}
		if reqs, err := db.FindCircleRequests(testutil.As(cy), closed.Key); err != nil || len(reqs) != 0 {
			t.Fatalf("cy's closed circle has %d requests (%v)", len(reqs), err)
		}
	})
}

// TestDeleteAccountNamedReaders: a member named as a reader of others'
// threads is taken off their lists, which the others named keep; the
// threads they wrote for named members are withdrawn as any other: a
// tombstone their readers still read where someone replied, and gone,
// readers and all, where nobody did, so that a thread given its number
// afterwards (SQLite reuses the highest) has none of its readers.
func TestDeleteAccountNamedReaders(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		hub := testutil.MustCreateHub(t, db, admin, "Harbour")
		s := mustSentinel(t, db, hub)
		olive := testutil.MustCreateMember(t, db, "olive", sharefair.RoleMember)
		bea := testutil.MustCreateMember(t, db, "bea", sharefair.RoleMember)
		named := func(m *sharefair.Member, title string, readers ...string) *sharefair.Thread {
			t.Helper()
			th, err := db.CreateThread(testutil.As(m), sharefair.NewThread{Title: title, Body: "Between us.",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceMembers, Members: readers}})
			if err != nil {
				t.Fatal(err)
			}
			return th
		}
		readers := func(m *sharefair.Member, id int64) string {
			t.Helper()
			th, err := db.FindThreadByID(testutil.As(m), id)
			if err != nil {
				t.Fatalf("thread %d for %s: %v", id, m.Handle, err)
			}
			var hs []string
			for _, r := range th.Audience.Members {
				hs = append(hs, r.Handle+"/"+r.Name)
			}
			return strings.Join(hs, ",")
		}
		oliveThread := named(olive, "Olive's", "zyxsentinel", "bea")
		answered := named(s, "Answered", "olive")
		if _, err := db.CreatePost(testutil.As(olive), answered.ID, "A reply."); err != nil {
			t.Fatal(err)
		}
		lone := named(s, "Lone", "bea") // the highest number
		if got := readers(bea, oliveThread.ID); !sentinelRE.MatchString(got) {
			t.Fatalf("the sentinel is not a named reader before: %s", got)
		}

		if err := db.DeleteAccount(testutil.As(s), sharefair.AccountDeletion{Password: "correct horse battery", WithdrawPosts: true}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audience_members WHERE member_id = $1`, s.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d named-reader rows name them (%v)", n, err)
		}
		// Olive's thread: bea reads on, the list names her alone.
		for _, m := range []*sharefair.Member{olive, bea} {
			if got := readers(m, oliveThread.ID); sentinelRE.MatchString(got) || !strings.Contains(got, "bea/") {
				t.Fatalf("Olive's thread's readers for %s: %s", m.Handle, got)
			}
		}
		// Their answered thread: a tombstone, olive its reader still, bea not.
		if th, err := db.FindThreadByID(testutil.As(olive), answered.ID); err != nil || !th.Withdrawn {
			t.Fatalf("the answered thread for olive: %+v (%v)", th, err)
		}
		if _, err := db.FindThreadByID(testutil.As(bea), answered.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("the answered thread for bea = %v", err)
		}
		// The lone one: gone, with its readers.
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audience_members WHERE content_kind = 'thread' AND content_id = $1`,
			lone.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("the deleted thread keeps %d named readers (%v)", n, err)
		}
		next := named(olive, "Olive's next", "admin")
		if next.ID == lone.ID {
			t.Logf("the new thread took the deleted one's number %d", next.ID)
		}
		if _, err := db.FindThreadByID(testutil.As(bea), next.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
			t.Fatalf("bea, named on the deleted thread, reads the next one of its number: %v", err)
		}
	})
}
