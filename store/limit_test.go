package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// rateLimited asserts err is a refusal over a limit, with a wait of about
// want (within a second).
func rateLimited(t *testing.T, err error, want time.Duration) {
	t.Helper()
	testutil.AssertCode(t, err, sharefair.ERATELIMITED)
	e := err.(*sharefair.Error)
	if got := time.Duration(e.RetryAfterSeconds) * time.Second; got < want-time.Second || got > want+time.Second {
		t.Fatalf("retry after %s, want about %s (%q)", got, want, e.Message)
	}
}

func TestPostLimit(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		db.PostLimit = store.Limit{Events: 3, Per: 10 * time.Minute}
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		// A thread's opening post and replies count together.
		th := testutil.MustCreateThread(t, db, bob, nil, "Limits", "One.")
		clock.Advance(time.Minute)
		if _, err := db.CreatePost(testutil.As(bob), th.ID, "Two."); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if _, err := db.CreatePost(testutil.As(bob), th.ID, "Three."); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		_, err := db.CreatePost(testutil.As(bob), th.ID, "Four.")
		// The first post leaves the period 10 minutes after it was written.
		rateLimited(t, err, 7*time.Minute)
		_, err = db.CreateThread(testutil.As(bob), sharefair.NewThread{Title: "Another", Body: "Four.", Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}})
		rateLimited(t, err, 7*time.Minute)
		// Nothing was written.
		if got, err := db.FindThreadByID(testutil.As(bob), th.ID); err != nil || got.PostCount != 3 {
			t.Fatalf("thread after refusals: %+v, %v", got, err)
		}
		if _, total, err := db.FindThreads(testutil.As(bob), sharefair.ThreadFilter{}); err != nil || total != 1 {
			t.Fatalf("threads after refusals: %d, %v", total, err)
		}
		// Another member is not held back by bob's posts.
		if _, err := db.CreatePost(testutil.As(ann), th.ID, "Ann's."); err != nil {
			t.Fatal(err)
		}
		// Editing is not posting.
		posts, _, err := db.FindPosts(testutil.As(bob), th.ID, sharefair.Page{})
		if err != nil || len(posts) == 0 {
			t.Fatalf("posts: %v", err)
		}
		if _, err := db.UpdatePost(testutil.As(bob), posts[0].ID, "One, edited."); err != nil {
			t.Fatalf("editing at the limit: %v", err)
		}
		clock.Advance(7 * time.Minute)
		if _, err := db.CreatePost(testutil.As(bob), th.ID, "Four, later."); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
		_, err = db.CreatePost(testutil.As(bob), th.ID, "Five.")
		rateLimited(t, err, time.Minute)

		db.PostLimit = store.Limit{}
		for i := range 5 {
			if _, err := db.CreatePost(testutil.As(bob), th.ID, fmt.Sprint("Unlimited ", i)); err != nil {
				t.Fatalf("without a limit: %v", err)
			}
		}
	})
}

// TestPostLimitConcurrent: of many posts sent at once, exactly as many as
// the limit allows are written; none slips past the last place.
func TestPostLimitConcurrent(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		db.PostLimit = store.Limit{Events: 5, Per: time.Hour}
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		th := testutil.MustCreateThread(t, db, bob, nil, "Race", "One.")
		var wg sync.WaitGroup
		// Open the pool's connections first, so that the posts below race
		// each other rather than queue for connections.
		for range 16 {
			wg.Go(func() { _, _, _ = db.FindPosts(testutil.As(bob), th.ID, sharefair.Page{}) })
		}
		wg.Wait()
		var mu sync.Mutex
		codes := map[string]int{}
		start := make(chan struct{})
		for i := range 20 {
			wg.Go(func() {
				<-start
				_, err := db.CreatePost(testutil.As(bob), th.ID, fmt.Sprint("Reply ", i))
				mu.Lock()
				codes[sharefair.ErrorCode(err)]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		if codes[""] != 4 || codes[sharefair.ERATELIMITED] != 16 {
			t.Fatalf("outcomes %v, want 4 written and 16 refused", codes)
		}
		if got, _ := db.FindThreadByID(testutil.As(bob), th.ID); got.PostCount != 5 {
			t.Fatalf("%d posts written, want 5", got.PostCount)
		}
	})
}

func TestInvitationLimit(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		db.InvitationLimit = store.Limit{Events: 2, Per: 24 * time.Hour}
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		other := testutil.MustCreateMember(t, db, "other", sharefair.RoleAdmin)
		invite := func(m *sharefair.Member, email string) (*sharefair.Invitation, error) {
			inv, _, err := db.CreateInvitation(testutil.As(m), sharefair.NewInvitation{Email: email})
			return inv, err
		}
		first, err := invite(admin, "a@example.org")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		if _, err := invite(admin, "b@example.org"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		_, err = invite(admin, "c@example.org")
		rateLimited(t, err, 22*time.Hour)
		_, _, err = db.ResendInvitation(testutil.As(admin), first.ID)
		rateLimited(t, err, 22*time.Hour)
		invs, total, err := db.FindInvitations(testutil.As(admin), sharefair.Page{})
		if err != nil || total != 2 || len(invs) != 2 {
			t.Fatalf("invitations after refusals: %d, %v", total, err)
		}
		if _, err := invite(other, "c@example.org"); err != nil {
			t.Fatalf("another inviter: %v", err)
		}
		clock.Advance(22 * time.Hour)
		// The first has left the period; renewing it counts it again, at
		// its renewal.
		if _, _, err := db.ResendInvitation(testutil.As(admin), first.ID); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
		// b, sent an hour after the first, leaves the period first now.
		_, err = invite(admin, "d@example.org")
		rateLimited(t, err, time.Hour)
	})
}
