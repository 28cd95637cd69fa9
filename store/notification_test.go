package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// runNotify runs the notify jobs due, as the job runner would, and
// reports how many ran.
func runNotify(t *testing.T, db *store.DB) int {
	t.Helper()
	ctx := context.Background()
	ran := 0
	for {
		js, err := db.ClaimJobs(ctx, "test", []string{store.JobNotify}, 50, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 {
			return ran
		}
		for _, j := range js {
			id, err := strconv.ParseInt(j.Payload, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Notify(ctx, id); err != nil {
				t.Fatalf("notify %d: %v", id, err)
			}
			if err := db.CompleteJob(ctx, j.ID, "test"); err != nil {
				t.Fatal(err)
			}
			ran++
		}
	}
}

func notificationsOf(t *testing.T, db *store.DB, m *sharefair.Member) ([]*sharefair.Notification, int) {
	t.Helper()
	ns, _, err := db.Notifications(testutil.As(m), sharefair.Page{})
	if err != nil {
		t.Fatal(err)
	}
	unread, err := db.UnreadNotifications(testutil.As(m))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range ns {
		if !x.Read {
			n++
		}
	}
	if n != unread {
		t.Fatalf("%s: %d unread listed, %d counted", m.Handle, n, unread)
	}
	return ns, unread
}

func threadFor(t *testing.T, db *store.DB, m *sharefair.Member, id int64) *sharefair.Thread {
	t.Helper()
	th, err := db.FindThreadByID(testutil.As(m), id)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// TestNotifications: who is told of what, and what they are shown of it
// at the moment they look.
func TestNotifications(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		cyd := testutil.MustCreateMember(t, db, "cyd", sharefair.RoleMember)
		dee := testutil.MustCreateMember(t, db, "dee", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		for _, m := range []*sharefair.Member{ann, bob, cyd} {
			testutil.MustJoin(t, db, m, rome)
		}
		th := testutil.MustCreateThread(t, db, ann, rome, "Harvesting", "How do you harvest a meeting?")
		if runNotify(t, db); true {
			if _, n := notificationsOf(t, db, ann); n != 0 {
				t.Fatalf("a thread started tells its author %d things", n)
			}
		}
		if got := threadFor(t, db, cyd, th.ID); !got.New || got.ViewerReadTo != 0 {
			t.Fatalf("a thread cyd never opened: new %v, read to %d", got.New, got.ViewerReadTo)
		}
		if got := threadFor(t, db, ann, th.ID); got.New || got.ViewerReadTo == 0 || got.Unread != 0 {
			t.Fatalf("its author's thread: new %v, read to %d, unread %d", got.New, got.ViewerReadTo, got.Unread)
		}

		reply := func(m *sharefair.Member, body string, attr sharefair.Attribution) *sharefair.Post {
			t.Helper()
			p, err := db.WritePost(testutil.As(m), th.ID, sharefair.NewPost{Body: body, Attribution: attr})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		// A reply tells the thread's author, who took part, not cyd.
		first := reply(bob, "Signed reply.", sharefair.AttributionNamed)
		runNotify(t, db)
		ns, n := notificationsOf(t, db, ann)
		if n != 1 || ns[0].Kind != sharefair.NotifyReply || ns[0].Replies != 1 || ns[0].Actor == nil || ns[0].Actor.ID != bob.ID ||
			ns[0].Thread == nil || ns[0].Thread.ID != th.ID || ns[0].PostID != first.ID {
			t.Fatalf("ann after bob's reply: %d unread, %+v", n, ns)
		}
		if _, n := notificationsOf(t, db, cyd); n != 0 {
			t.Fatalf("cyd, who neither took part nor follows, was told %d things", n)
		}
		if _, n := notificationsOf(t, db, bob); n != 0 {
			t.Fatalf("bob was told of his own reply")
		}
		if got := threadFor(t, db, ann, th.ID); got.Unread != 1 || got.FirstUnreadID != first.ID {
			t.Fatalf("ann's thread: unread %d from %d, want 1 from %d", got.Unread, got.FirstUnreadID, first.ID)
		}

		// cyd follows; an anonymous reply is gathered into ann's, and
		// told to cyd without a name and without its time of day.
		if changed, err := db.FollowThread(testutil.As(cyd), th.ID, sharefair.FollowFollowing); err != nil || !changed {
			t.Fatalf("follow = %v, %v", changed, err)
		}
		if changed, err := db.FollowThread(testutil.As(cyd), th.ID, sharefair.FollowFollowing); err != nil || changed {
			t.Fatalf("following twice = %v, %v", changed, err)
		}
		if _, err := db.FollowThread(testutil.As(cyd), th.ID, "loud"); sharefair.ErrorFields(err)["level"] == "" {
			t.Fatalf("an unknown level = %v", err)
		}
		anon := reply(bob, "Unsigned reply.", sharefair.AttributionAnonymous)
		if ran := runNotify(t, db); ran != 1 {
			t.Fatalf("%d notify jobs for one reply", ran)
		}
		ns, n = notificationsOf(t, db, ann)
		if n != 1 || ns[0].Replies != 2 || ns[0].Actor != nil || !ns[0].At.Equal(ns[0].At.Truncate(24*time.Hour)) {
			t.Fatalf("ann's gathered replies, one anonymous: %d unread, %+v", n, ns[0])
		}
		ns, n = notificationsOf(t, db, cyd)
		if n != 1 || ns[0].Replies != 1 || ns[0].Actor != nil || ns[0].PostID != anon.ID || ns[0].At.Hour() != 0 || ns[0].At.Minute() != 0 {
			t.Fatalf("cyd, told of an anonymous reply: %d unread, %+v", n, ns[0])
		}
		// Running the job again tells nobody twice.
		evs, err := db.Events(testutil.Operator(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.PostID < anon.ID {
				continue // from before cyd followed
			}
			if err := db.Notify(context.Background(), e.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ns, n := notificationsOf(t, db, cyd); n != 1 || len(ns) != 1 || ns[0].Replies != 1 {
			t.Fatalf("after every event ran again, cyd has %d unread: %+v", n, ns)
		}
		if ns, n := notificationsOf(t, db, ann); n != 1 || len(ns) != 1 || ns[0].Replies != 2 {
			t.Fatalf("after every event ran again, ann has %d unread: %+v", n, ns)
		}

		// A reply that mentions cyd tells her of the mention, not as a
		// reply; dee, mentioned, cannot read the hub's thread: told of
		// nothing until she joins.
		mention := reply(bob, "Over to @cyd and @dee.", sharefair.AttributionNamed)
		runNotify(t, db)
		ns, n = notificationsOf(t, db, cyd)
		if n != 2 || ns[0].Kind != sharefair.NotifyMention || ns[0].PostID != mention.ID || ns[0].Actor == nil || ns[0].Actor.ID != bob.ID ||
			ns[1].Kind != sharefair.NotifyReply || ns[1].Replies != 1 {
			t.Fatalf("cyd mentioned: %d unread, %+v %+v", n, ns[0], ns[1])
		}
		if _, n := notificationsOf(t, db, dee); n != 0 {
			t.Fatalf("dee was told of a thread she cannot read")
		}
		// Told nothing of what she could not read when it was said, even
		// once she may; a mention since reaches her.
		testutil.MustJoin(t, db, dee, rome)
		if _, n := notificationsOf(t, db, dee); n != 0 {
			t.Fatalf("dee, now in the hub, was told of an earlier mention")
		}
		mention2 := reply(bob, "Welcome @dee.", sharefair.AttributionNamed)
		runNotify(t, db)
		if ns, n := notificationsOf(t, db, dee); n != 1 || ns[0].Kind != sharefair.NotifyMention || ns[0].PostID != mention2.ID {
			t.Fatalf("dee, mentioned in the hub: %d unread, %+v", n, ns)
		}
		if _, err := db.WithdrawPost(testutil.As(bob), mention2.ID); err != nil {
			t.Fatal(err)
		}
		// Withdrawn, the mention leaves both.
		if _, err := db.WithdrawPost(testutil.As(bob), mention.ID); err != nil {
			t.Fatal(err)
		}
		if ns, n := notificationsOf(t, db, cyd); n != 1 || ns[0].Kind != sharefair.NotifyReply {
			t.Fatalf("cyd after the withdrawal: %d unread, %+v", n, ns)
		}
		if _, n := notificationsOf(t, db, dee); n != 0 {
			t.Fatalf("dee still told of a withdrawn post")
		}
		// ann's gathering holds bob's two replies and the withdrawn one.
		if ns, _ := notificationsOf(t, db, ann); ns[0].Replies != 2 {
			t.Fatalf("ann's replies after a withdrawal: %+v", ns[0])
		}

		// Hidden by a moderator: it leaves ann's count, and bob is told,
		// with the reason and without the moderator's name.
		if _, err := db.HidePost(testutil.As(admin), first.ID, sharefair.FlagOffTopic); err != nil {
			t.Fatal(err)
		}
		runNotify(t, db)
		if ns, _ := notificationsOf(t, db, ann); ns[0].Replies != 1 || ns[0].Actor != nil {
			t.Fatalf("ann's replies after a hide: %+v", ns[0])
		}
		ns, n = notificationsOf(t, db, bob)
		if n != 1 || ns[0].Kind != sharefair.NotifyPostHidden || ns[0].Actor != nil || ns[0].Reason != string(sharefair.FlagOffTopic) ||
			ns[0].PostID != first.ID {
			t.Fatalf("bob, whose post was hidden: %d unread, %+v", n, ns)
		}
		if _, err := db.RestorePost(testutil.As(admin), first.ID); err != nil {
			t.Fatal(err)
		}
		runNotify(t, db)
		if ns, n := notificationsOf(t, db, bob); n != 2 || ns[0].Kind != sharefair.NotifyPostRestored || ns[0].Reason != "" {
			t.Fatalf("bob, whose post was restored: %d unread, %+v", n, ns)
		}

		// Reading the thread marks its notifications read; muted, ann is
		// told of no more replies, and told again once she unmutes.
		if err := db.MarkThreadRead(testutil.As(ann), th.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, n := notificationsOf(t, db, ann); n != 0 {
			t.Fatalf("ann read the thread; %d unread", n)
		}
		if got := threadFor(t, db, ann, th.ID); got.Unread != 0 || got.FirstUnreadID != 0 {
			t.Fatalf("ann read it all: unread %d from %d", got.Unread, got.FirstUnreadID)
		}
		if _, err := db.FollowThread(testutil.As(ann), th.ID, sharefair.FollowMuted); err != nil {
			t.Fatal(err)
		}
		late := reply(cyd, "Late.", sharefair.AttributionNamed)
		runNotify(t, db)
		if _, n := notificationsOf(t, db, ann); n != 0 {
			t.Fatalf("muted, ann was told %d things", n)
		}
		if got := threadFor(t, db, ann, th.ID); got.Unread != 1 || got.FirstUnreadID != late.ID || got.ViewerFollow != sharefair.FollowMuted {
			t.Fatalf("muted, the thread still shows what is new: %+v", got)
		}
		if _, err := db.FollowThread(testutil.As(ann), th.ID, sharefair.FollowNormal); err != nil {
			t.Fatal(err)
		}
		reply(cyd, "Later.", sharefair.AttributionNamed)
		runNotify(t, db)
		if ns, n := notificationsOf(t, db, ann); n != 1 || ns[0].Replies != 1 || ns[0].Actor == nil || ns[0].Actor.ID != cyd.ID {
			t.Fatalf("unmuted, ann: %d unread, %+v", n, ns)
		}
		// Reading the first page, which holds them all, reads them.
		if err := db.MarkThreadRead(testutil.As(ann), th.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, n := notificationsOf(t, db, ann); n != 0 {
			t.Fatalf("ann read the one page: %d unread", n)
		}
		// Whoever may not read the thread is told it does not exist.
		outsider := testutil.MustCreateMember(t, db, "eve", sharefair.RoleMember)
		testutil.AssertCode(t, db.MarkThreadRead(testutil.As(outsider), th.ID, 0), sharefair.ENOTFOUND)
		_, err = db.FollowThread(testutil.As(outsider), th.ID, sharefair.FollowFollowing)
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)

		// Another's notification cannot be opened; one's own is marked
		// read by opening it.
		// bob took part: told of cyd's replies, and of his post's hide
		// and restoring.
		ns, n = notificationsOf(t, db, bob)
		if n != 3 || ns[0].Kind != sharefair.NotifyReply || ns[0].Replies != 2 {
			t.Fatalf("bob: %d unread, %+v", n, ns)
		}
		_, err = db.OpenNotification(testutil.As(ann), ns[0].ID)
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)
		if got, err := db.OpenNotification(testutil.As(bob), ns[0].ID); err != nil || !got.Read || got.ID != ns[0].ID {
			t.Fatalf("bob opens his = %+v, %v", got, err)
		}
		if _, n := notificationsOf(t, db, bob); n != 2 {
			t.Fatalf("bob opened one of three: %d unread", n)
		}
		if changed, err := db.MarkNotificationsRead(testutil.As(bob), nil); err != nil || changed != 2 {
			t.Fatalf("mark all read = %d, %v", changed, err)
		}
		if _, n := notificationsOf(t, db, bob); n != 0 {
			t.Fatalf("bob marked all read: %d unread", n)
		}
	})
}

// TestNotificationsOfInvitations: a member invited to a circle, or by
// email to a hub, is told, and the hub's invitation lets them in; a
// declined circle invitation leaves the list.
func TestNotificationsOfInvitations(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		dee := testutil.MustCreateMember(t, db, "dee", sharefair.RoleMember)
		c, err := db.CreateCircle(testutil.As(host), sharefair.NewCircle{Name: "Quiet room", Kind: sharefair.CircleSecret})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.InviteToCircle(testutil.As(host), c.Key, dee.Handle); err != nil {
			t.Fatal(err)
		}
		oslo, err := db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: "Oslo", JoinPolicy: sharefair.JoinByInvitation})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.JoinHub(testutil.As(dee), oslo.Slug)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		if _, _, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: dee.Email, Hub: oslo.Slug}); err != nil {
			t.Fatal(err)
		}
		runNotify(t, db)
		ns, n := notificationsOf(t, db, dee)
		if n != 2 || ns[0].Kind != sharefair.NotifyInvitation || ns[0].Hub == nil || ns[0].Hub.ID != oslo.ID || ns[0].Actor == nil ||
			ns[0].Actor.ID != admin.ID || ns[1].Kind != sharefair.NotifyCircleInvitation || ns[1].Circle == nil ||
			ns[1].Circle.Key != c.Key || ns[1].Actor == nil || ns[1].Actor.ID != host.ID {
			t.Fatalf("dee invited twice: %d unread, %+v %+v", n, ns[0], ns[1])
		}
		if h, err := db.FindHubBySlug(testutil.As(dee), oslo.Slug); err != nil || !h.ViewerMayJoin || h.ViewerMayRequest || !h.ViewerInvited {
			t.Fatalf("the hub dee is invited to offers: join %v, ask %v (%v)", h.ViewerMayJoin, h.ViewerMayRequest, err)
		}
		if out, err := db.JoinHub(testutil.As(dee), oslo.Slug); err != nil || out != sharefair.Joined {
			t.Fatalf("dee joins by her invitation = %v, %v", out, err)
		}
		if ns, _ := notificationsOf(t, db, dee); len(ns) != 2 {
			t.Fatalf("an accepted invitation stays in the list: %+v", ns)
		}
		if _, err := db.AnswerCircleInvitation(testutil.As(dee), c.Key, false); err != nil {
			t.Fatal(err)
		}
		if ns, _ := notificationsOf(t, db, dee); len(ns) != 1 || ns[0].Kind != sharefair.NotifyInvitation {
			t.Fatalf("a declined circle invitation leaves the list: %+v", ns)
		}
	})
}

// TestMemberMayReadAgrees: the rule that decides whom to tell of a thread
// gives the answer the rule that decides who may read it gives, for every
// kind of member and every audience.
func TestMemberMayReadAgrees(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		inHub := testutil.MustCreateMember(t, db, "inhub", sharefair.RoleMember)
		named := testutil.MustCreateMember(t, db, "named", sharefair.RoleMember)
		stranger := testutil.MustCreateMember(t, db, "stranger", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		testutil.MustJoin(t, db, inHub, rome)
		testutil.MustJoin(t, db, host, rome)
		var threads []*sharefair.Thread
		for _, kind := range []sharefair.CircleKind{sharefair.CircleOpen, sharefair.CircleClosed, sharefair.CircleSecret} {
			c, err := db.CreateCircle(testutil.As(host), sharefair.NewCircle{Name: "Circle " + string(kind), Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			th, err := db.CreateThread(testutil.As(host), sharefair.NewThread{Title: "In " + string(kind), Body: "Words.",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceCircle, Circle: c.Key}})
			if err != nil {
				t.Fatal(err)
			}
			threads = append(threads, th)
		}
		for _, a := range []sharefair.AudienceChoice{{Kind: sharefair.AudienceNetwork}, {Kind: sharefair.AudienceHub, Hub: rome.Slug},
			{Kind: sharefair.AudienceMembers, Members: []string{"named"}}} {
			th, err := db.CreateThread(testutil.As(host), sharefair.NewThread{Title: "For " + string(a.Kind), Body: "Words.", Audience: a})
			if err != nil {
				t.Fatal(err)
			}
			threads = append(threads, th)
		}
		checked := 0
		for _, m := range []*sharefair.Member{admin, host, inHub, named, stranger} {
			for _, th := range threads {
				_, err := db.FindThreadByID(testutil.As(m), th.ID)
				reads := err == nil
				told, err := db.MemberMayRead(context.Background(), m.ID, th.ID)
				if err != nil {
					t.Fatal(err)
				}
				if told != reads {
					t.Errorf("%s and %q: may read %v, would be told %v", m.Handle, th.Title, reads, told)
				}
				checked++
			}
		}
		if checked != 30 {
			t.Fatalf("%d pairs checked", checked)
		}
	})
}

// TestRepliesGatheredInAnyOrder: the jobs of a thread's replies, run in
// reverse order, or all at once (several instances on PostgreSQL), gather
// every reply into one notification, the first to the last.
func TestRepliesGatheredInAnyOrder(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		var voices []*sharefair.Member
		for i := range 12 {
			voices = append(voices, testutil.MustCreateMember(t, db, "m"+strconv.Itoa(i), sharefair.RoleMember))
		}
		seen := int64(0)
		replies := func(title string) (first int64, events []int64) {
			th := testutil.MustCreateThread(t, db, ann, nil, title, "Say something.")
			for i, m := range voices {
				p, err := db.WritePost(testutil.As(m), th.ID, sharefair.NewPost{Body: "Voice " + strconv.Itoa(i)})
				if err != nil {
					t.Fatal(err)
				}
				if first == 0 {
					first = p.ID
				}
			}
			evs, err := db.Events(testutil.Operator(), seen, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				seen = e.ID
				if e.Kind == sharefair.EventPostWritten {
					events = append([]int64{e.ID}, events...) // the last first
				}
			}
			return first, events
		}
		check := func(how string, first int64, thread int64) {
			t.Helper()
			ns, _ := notificationsOf(t, db, ann)
			for _, n := range ns {
				if n.Thread.ID == thread {
					if n.Replies != 12 || n.PostID != first {
						t.Fatalf("%s: %d replies from post %d, want 12 from %d", how, n.Replies, n.PostID, first)
					}
					return
				}
			}
			t.Fatalf("%s: no notification of the thread", how)
		}

		first, events := replies("In reverse")
		for _, id := range events {
			if err := db.Notify(context.Background(), id); err != nil {
				t.Fatal(err)
			}
		}
		th, err := db.FindPostByID(testutil.As(ann), first)
		if err != nil {
			t.Fatal(err)
		}
		check("in reverse", first, th.ThreadID)

		first, events = replies("At once")
		var wg sync.WaitGroup
		errs := make(chan error, len(events))
		for _, id := range events {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.Notify(context.Background(), id)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if th, err = db.FindPostByID(testutil.As(ann), first); err != nil {
			t.Fatal(err)
		}
		check("at once", first, th.ThreadID)
	})
}

// TestDeletedAccountsMail: deleting an account drops its mail not sent
// yet (with its notifications), and its address leaves the outbox.
func TestDeletedAccountsMail(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		if _, err := db.UpdateMailSettings(testutil.As(ann), sharefair.MailSettingsUpdate{
			Delivery: map[sharefair.NotificationKind]sharefair.Delivery{sharefair.NotifyReply: sharefair.DeliverEmail}}); err != nil {
			t.Fatal(err)
		}
		th := testutil.MustCreateThread(t, db, ann, nil, "Leaving soon", "A last word.")
		if _, err := db.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "Goodbye, ann."}); err != nil {
			t.Fatal(err)
		}
		runNotify(t, db)
		if err := db.RequestPasswordReset(context.Background(), ann.Email); err != nil {
			t.Fatal(err)
		}
		items, _, err := db.Outbox(testutil.As(admin), sharefair.Page{})
		if err != nil || len(items) != 2 || items[0].State != "queued" {
			t.Fatalf("before: %+v, %v", items, err)
		}
		if err := db.DeleteAccount(testutil.As(ann), sharefair.AccountDeletion{Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		items, _, err = db.Outbox(testutil.As(admin), sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.State == "queued" || strings.Contains(it.To, "ann@") {
				t.Fatalf("after: %+v", items)
			}
		}
	})
}
