package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestChathamHousePseudonyms: every post in a Chatham House thread is
// chatham, signed with a pseudonym numbered in the order of first posts,
// stable for each writer within the thread; anonymous posts there have
// none; concurrent first posts get distinct numbers.
func TestChathamHousePseudonyms(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		th, err := db.CreateThread(testutil.As(admin), sharefair.NewThread{Title: "Frank", Body: "Opening.",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, ChathamHouse: true})
		if err != nil {
			t.Fatal(err)
		}
		if !th.ChathamHouse || th.Author == nil {
			t.Fatalf("thread ChathamHouse %v, author %v for its author", th.ChathamHouse, th.Author)
		}
		// Writers first posting at once: each a distinct number.
		const n = 8
		writers := make([]*sharefair.Member, n)
		for i := range writers {
			writers[i] = testutil.MustCreateMember(t, db, fmt.Sprintf("w%d", i), sharefair.RoleMember)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i, w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.CreatePost(testutil.As(w), th.ID, "First words.")
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.CreatePost(testutil.As(admin), th.ID, "The opener again."); err != nil {
			t.Fatal(err)
		}
		if _, err := db.WritePost(testutil.As(admin), th.ID, sharefair.NewPost{Body: "Unsigned.", Attribution: sharefair.AttributionAnonymous}); err != nil {
			t.Fatal(err)
		}
		posts, _, err := db.FindPosts(testutil.As(ann), th.ID, sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(posts) != n+3 {
			t.Fatalf("%d posts, want %d", len(posts), n+3)
		}
		seen := map[int]bool{}
		for i, p := range posts {
			if p.Author != nil {
				t.Errorf("post %d shows its author %q to another member", i, p.Author.Handle)
			}
			switch {
			case i == 0 || i == n+1:
				if p.Attribution != sharefair.AttributionChatham || p.Pseudonym != 1 {
					t.Errorf("the opener's post %d is %s as Participant %d, want chatham 1", i, p.Attribution, p.Pseudonym)
				}
			case i == n+2:
				if p.Attribution != sharefair.AttributionAnonymous || p.Pseudonym != 0 {
					t.Errorf("the anonymous post is %s with pseudonym %d", p.Attribution, p.Pseudonym)
				}
			default:
				if p.Attribution != sharefair.AttributionChatham || p.Pseudonym < 2 || p.Pseudonym > n+1 || seen[p.Pseudonym] {
					t.Errorf("post %d is %s as Participant %d: not a fresh number in 2…%d", i, p.Attribution, p.Pseudonym, n+1)
				}
				seen[p.Pseudonym] = true
			}
		}
		// In the order of first posts: the posts' ids follow it.
		for i := 2; i <= n; i++ {
			if posts[i].Pseudonym < posts[i-1].Pseudonym {
				t.Errorf("pseudonyms out of the order of first posts: %d after %d", posts[i].Pseudonym, posts[i-1].Pseudonym)
			}
		}
		// Another thread numbers afresh: the first writer there is 1.
		th2, err := db.CreateThread(testutil.As(writers[n-1]), sharefair.NewThread{Title: "Frank 2", Body: "Opening.",
			Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, ChathamHouse: true})
		if err != nil {
			t.Fatal(err)
		}
		p2, _, err := db.FindPosts(testutil.As(ann), th2.ID, sharefair.Page{})
		if err != nil || len(p2) != 1 || p2[0].Pseudonym != 1 {
			t.Fatalf("the second thread's opening post: %+v, %v", p2, err)
		}
		// A member's profile counts none of it.
		ts, total, err := db.FindThreads(testutil.As(ann), sharefair.ThreadFilter{ParticipantID: admin.ID})
		if err != nil || total != 0 || len(ts) != 0 {
			t.Errorf("the opener's profile lists %d threads (total %d, err %v), want none", len(ts), total, err)
		}
		// The thread's opening post hides its author in lists too.
		ts, _, err = db.FindThreads(testutil.As(ann), sharefair.ThreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, lt := range ts {
			if lt.Author != nil {
				t.Errorf("thread %q shows its author %q in the list", lt.Title, lt.Author.Handle)
			}
			if !lt.ChathamHouse {
				t.Errorf("thread %q is not marked Chatham House in the list", lt.Title)
			}
		}
	})
}
