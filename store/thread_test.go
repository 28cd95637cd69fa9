package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// threadsEnv is what TestThreads's subtests start from.
type threadsEnv struct {
	db              *store.DB
	clock           *testutil.Clock
	admin, ann, bob *sharefair.Member
	rome            *sharefair.Hub
	// open is bob's network thread; secret is ann's Rome thread.
	open, secret *sharefair.Thread
}

// threadsFixture opens a database with an admin, ann (in the Rome hub),
// bob (in no hub), bob's network thread and ann's Rome thread and, when
// replies, ann's seven replies to bob as RepliesBumpActivityAndPaginate
// makes them.
func threadsFixture(t *testing.T, e testutil.Engine, replies bool) threadsEnv {
	t.Helper()
	f := threadsEnv{db: testutil.MustOpenDB(t, e), clock: &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}}
	db, clock := f.db, f.clock
	db.Now = clock.Now
	f.admin = testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
	f.ann = testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
	f.bob = testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
	f.rome = testutil.MustCreateHub(t, db, f.admin, "Rome")
	testutil.MustJoin(t, db, f.ann, f.rome)
	f.open = testutil.MustCreateThread(t, db, f.bob, nil, "Tips for dispersed teams", "What works for you, @ann?")
	clock.Advance(time.Minute)
	f.secret = testutil.MustCreateThread(t, db, f.ann, f.rome, "Rome: next meetup venue", "Somewhere near *Termini*?")
	if replies {
		for i := 0; i < 7; i++ {
			clock.Advance(time.Second)
			if _, err := db.CreatePost(testutil.As(f.ann), f.open.ID, fmt.Sprintf("reply %d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return f
}

func TestThreads(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// The subtests that only read, or are refused, share one
		// database; those that write open their own (threadsFixture).
		f := threadsFixture(t, e, false)
		db, admin, ann, bob, rome, open, secret := f.db, f.admin, f.ann, f.bob, f.rome, f.open, f.secret

		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: " ", Body: "", Audience: sharefair.AudienceChoice{Kind: "moon"}})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if f := sharefair.ErrorFields(err); f["title"] == "" || f["body"] == "" || f["audience"] == "" {
				t.Fatalf("fields = %v", f)
			}
			_, err = db.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "x", Body: strings.Repeat("a", sharefair.MaxPostLen+1)})
			testutil.AssertCode(t, err, sharefair.EINVALID)
		})
		t.Run("ErrHubNotJoined", func(t *testing.T) {
			_, err := db.CreateThread(testutil.As(bob), sharefair.NewThread{Title: "x", Body: "y", Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: "rome"}})
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.CreateThread(testutil.As(bob), sharefair.NewThread{Title: "x", Body: "y", Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: "nowhere"}})
			testutil.AssertCode(t, err, sharefair.EINVALID)
		})

		t.Run("RenderedOnWrite", func(t *testing.T) {
			posts, total, err := db.FindPosts(testutil.As(ann), open.ID, sharefair.Page{})
			if err != nil || total != 1 || len(posts) != 1 {
				t.Fatalf("posts = %v, %d, %v", posts, total, err)
			}
			if !strings.Contains(posts[0].HTML, `href="/members/ann"`) || posts[0].Source != "What works for you, @ann?" {
				t.Fatalf("post = %+v", posts[0])
			}
			if posts[0].Mine || posts[0].Author.Handle != "bob" {
				t.Fatalf("post author = %+v, mine = %v", posts[0].Author, posts[0].Mine)
			}
		})

		// The visibility rule: a hub thread exists only for the hub's
		// members and network admins.
		t.Run("HubThreadHiddenFromNonMembers", func(t *testing.T) {
			bobCtx := testutil.As(bob)
			_, err := db.FindThreadByID(bobCtx, secret.ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, _, err = db.FindPosts(bobCtx, secret.ID, sharefair.Page{})
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.CreatePost(bobCtx, secret.ID, "let me in")
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			threads, total, err := db.FindThreads(bobCtx, sharefair.ThreadFilter{})
			if err != nil || total != 1 || len(threads) != 1 || threads[0].ID != open.ID {
				t.Fatalf("bob's threads = %v (total %d), %v", threads, total, err)
			}
			threads, total, _ = db.FindThreads(bobCtx, sharefair.ThreadFilter{HubID: rome.ID})
			if total != 0 || len(threads) != 0 {
				t.Fatalf("bob sees %d Rome threads (total %d)", len(threads), total)
			}
			threads, total, _ = db.FindThreads(bobCtx, sharefair.ThreadFilter{ParticipantID: ann.ID})
			if total != 0 || len(threads) != 0 {
				t.Fatalf("ann's activity leaks to bob: %d threads", total)
			}
			first, _, err := db.FindPosts(testutil.As(ann), secret.ID, sharefair.Page{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.FindPostByID(bobCtx, first[0].ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, _, err = db.PostPosition(bobCtx, first[0].ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.UpdatePost(bobCtx, first[0].ID, "edited")
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.FindThreadByID(context.Background(), open.ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
		})
		t.Run("HubThreadVisibleToMembersAndAdmins", func(t *testing.T) {
			for _, m := range []*sharefair.Member{ann, admin} {
				threads, total, err := db.FindThreads(testutil.As(m), sharefair.ThreadFilter{})
				if err != nil || total != 2 || threads[0].ID != secret.ID {
					t.Fatalf("%s's threads = %v (total %d), %v", m.Handle, threads, total, err)
				}
			}
			testutil.MustJoin(t, db, bob, rome)
			if _, err := db.FindThreadByID(testutil.As(bob), secret.ID); err != nil {
				t.Fatalf("after joining: %v", err)
			}
			if _, err := db.LeaveHub(testutil.As(bob), rome.Slug); err != nil {
				t.Fatal(err)
			}
			_, err := db.FindThreadByID(testutil.As(bob), secret.ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
		})

		t.Run("RepliesBumpActivityAndPaginate", func(t *testing.T) {
			f := threadsFixture(t, e, false)
			db, clock, ann, bob, open := f.db, f.clock, f.ann, f.bob, f.open
			for i := 0; i < 7; i++ {
				clock.Advance(time.Second)
				if _, err := db.CreatePost(testutil.As(ann), open.ID, fmt.Sprintf("reply %d", i)); err != nil {
					t.Fatal(err)
				}
			}
			threads, _, _ := db.FindThreads(testutil.As(ann), sharefair.ThreadFilter{})
			if threads[0].ID != open.ID || threads[0].PostCount != 8 || threads[0].ReplyCount() != 7 {
				t.Fatalf("first thread = %+v", threads[0])
			}
			posts, total, err := db.FindPosts(testutil.As(ann), open.ID, sharefair.Page{Number: 2, Size: 3})
			if err != nil || total != 8 || len(posts) != 3 || posts[0].Source != "reply 2" {
				t.Fatalf("page 2 = %v, %d, %v", posts, total, err)
			}
			_, pos, err := db.PostPosition(testutil.As(bob), posts[1].ID)
			if err != nil || pos != 5 {
				t.Fatalf("position = %d, %v", pos, err)
			}
			threads, total, _ = db.FindThreads(testutil.As(bob), sharefair.ThreadFilter{ParticipantID: ann.ID})
			if total != 1 || threads[0].ID != open.ID {
				t.Fatalf("ann's visible activity = %v", threads)
			}
		})

		t.Run("EditMarksEdited", func(t *testing.T) {
			f := threadsFixture(t, e, true)
			db, clock, ann, bob, open := f.db, f.clock, f.ann, f.bob, f.open
			posts, _, _ := db.FindPosts(testutil.As(bob), open.ID, sharefair.Page{})
			_, err := db.UpdatePost(testutil.As(ann), posts[0].ID, "hijack")
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, err = db.UpdatePost(testutil.As(bob), posts[0].ID, "")
			testutil.AssertCode(t, err, sharefair.EINVALID)
			clock.Advance(time.Minute)
			p, err := db.UpdatePost(testutil.As(bob), posts[0].ID, "What works for you, **@ann**?")
			if err != nil || p.EditedAt == nil || !p.EditedAt.Equal(clock.Now()) || !strings.Contains(p.HTML, "<strong>") {
				t.Fatalf("edited = %+v, %v", p, err)
			}
			_, err = db.RenameThread(testutil.As(ann), open.ID, "Mine now")
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			if th, err := db.RenameThread(testutil.As(bob), open.ID, " Tips for teams "); err != nil || th.Title != "Tips for teams" {
				t.Fatalf("rename = %v, %v", th, err)
			}
		})

		// Attribution: authors of Chatham House and anonymous posts are
		// hidden from everyone but themselves, in lists too.
		t.Run("HiddenAuthors", func(t *testing.T) {
			f := threadsFixture(t, e, true)
			db, admin, ann, bob, open := f.db, f.admin, f.ann, f.bob, f.open
			posts, _, _ := db.FindPosts(testutil.As(ann), open.ID, sharefair.Page{})
			last := posts[len(posts)-1]
			if err := db.Exec(context.Background(), `UPDATE posts SET attribution = 'chatham' WHERE id = $1`, last.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(context.Background(), `UPDATE posts SET attribution = 'anonymous' WHERE thread_id = $1 AND author_id = $2`, open.ID, ann.ID); err != nil {
				t.Fatal(err)
			}
			for _, viewer := range []*sharefair.Member{bob, admin} {
				p, err := db.FindPostByID(testutil.As(viewer), last.ID)
				if err != nil || p.Author != nil || p.Mine {
					t.Fatalf("%s sees author %+v of a hidden post (%v)", viewer.Handle, p.Author, err)
				}
				threads, _, _ := db.FindThreads(testutil.As(viewer), sharefair.ThreadFilter{ParticipantID: ann.ID})
				for _, th := range threads {
					if th.ID == open.ID {
						t.Fatalf("%s learns ann posted anonymously", viewer.Handle)
					}
				}
			}
			p, err := db.FindPostByID(testutil.As(ann), last.ID)
			if err != nil || p.Author == nil || !p.Mine {
				t.Fatalf("author cannot see own hidden post: %+v, %v", p, err)
			}
		})

		// What the author's page shares with other readers: each of a
		// writer's own posts as a reader who wrote none of them sees it,
		// hidden authors hidden and without the edit right.
		t.Run("AsReadersSee", func(t *testing.T) {
			th := testutil.MustCreateThread(t, db, bob, nil, "Shared views", "named, by bob")
			for _, w := range []*sharefair.Member{ann, bob, ann} {
				if _, err := db.CreatePost(testutil.As(w), th.ID, "a reply by "+w.Handle); err != nil {
					t.Fatal(err)
				}
			}
			posts, _, _ := db.FindPosts(testutil.As(bob), th.ID, sharefair.Page{})
			for i, attribution := range []string{"named", "chatham", "anonymous", "chatham"} {
				if err := db.Exec(context.Background(), `UPDATE posts SET attribution = $1 WHERE id = $2`, attribution, posts[i].ID); err != nil {
					t.Fatal(err)
				}
			}
			dee := testutil.MustCreateMember(t, db, "dee", sharefair.RoleMember)
			reader, _, err := db.FindPosts(testutil.As(dee), th.ID, sharefair.Page{})
			if err != nil || len(reader) != 4 {
				t.Fatalf("dee reads %d posts, %v", len(reader), err)
			}
			for _, writer := range []*sharefair.Member{ann, bob} {
				posts, _, err := db.FindPosts(testutil.As(writer), th.ID, sharefair.Page{})
				if err != nil || len(posts) != len(reader) {
					t.Fatalf("%s reads %d posts, %v", writer.Handle, len(posts), err)
				}
				own := 0
				for i, p := range posts {
					shared := p
					if p.Mine {
						own++
						if shared = p.AsReadersSee; shared == nil {
							t.Fatalf("%s's own post %d has no view as readers see it", writer.Handle, p.ID)
						}
					} else if p.AsReadersSee != nil {
						t.Fatalf("%s's view of another's post %d has a readers' view", writer.Handle, p.ID)
					}
					if !reflect.DeepEqual(shared, reader[i]) {
						t.Errorf("%s's post %d as readers see it:\n %+v\nwant what dee sees:\n %+v", writer.Handle, p.ID, shared, reader[i])
					}
				}
				if own == 0 {
					t.Fatalf("%s wrote none of the posts", writer.Handle)
				}
			}
		})
	})
}

// TestThreadsPastLastPage checks the total is still counted when the page
// asked for is past the end.
func TestThreadsPastLastPage(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		testutil.MustCreateThread(t, db, ann, nil, "One", "body")
		threads, total, err := db.FindThreads(testutil.As(ann), sharefair.ThreadFilter{Page: sharefair.Page{Number: 3}})
		if err != nil || len(threads) != 0 || total != 1 {
			t.Fatalf("past the last page: %d threads, total %d, %v", len(threads), total, err)
		}
		for i := 0; i < 4; i++ {
			testutil.MustCreateThread(t, db, ann, nil, "More", "body")
		}
		// Without a total: exact up to one past the page.
		for _, tc := range []struct{ size, wantLen, wantTotal int }{{2, 2, 3}, {4, 4, 5}, {5, 5, 5}, {9, 5, 5}} {
			threads, total, err := db.FindThreads(testutil.As(ann), sharefair.ThreadFilter{Page: sharefair.Page{Size: tc.size}, NoTotal: true})
			if err != nil || len(threads) != tc.wantLen || total != tc.wantTotal {
				t.Fatalf("NoTotal, size %d: %d threads, total %d, %v; want %d, %d", tc.size, len(threads), total, err, tc.wantLen, tc.wantTotal)
			}
		}
	})
}

// TestThreadVersion checks the version grows with everything a thread's
// pages show of its posts, and ViewerPosted tells who wrote in it.
func TestThreadVersion(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		th := testutil.MustCreateThread(t, db, ann, nil, "Versions", "first")
		load := func(m *sharefair.Member) *sharefair.Thread {
			t.Helper()
			got, err := db.FindThreadByID(testutil.As(m), th.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		v := load(bob).Version
		if !load(ann).ViewerPosted || load(bob).ViewerPosted {
			t.Fatal("ViewerPosted wrong before bob replies")
		}
		steps := []struct {
			name string
			do   func() error
		}{
			{"reply", func() error { _, err := db.CreatePost(testutil.As(bob), th.ID, "reply"); return err }},
			{"edit", func() error {
				posts, _, _ := db.FindPosts(testutil.As(ann), th.ID, sharefair.Page{})
				_, err := db.UpdatePost(testutil.As(ann), posts[0].ID, "first, edited")
				return err
			}},
			{"author renamed", func() error {
				n := "Ann Renamed"
				_, err := db.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Name: &n})
				return err
			}},
			{"author's organisation set", func() error {
				o := "FAO"
				_, err := db.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Organisation: &o})
				return err
			}},
			{"author's organisation changed", func() error {
				o := "IFAD"
				_, err := db.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Organisation: &o})
				return err
			}},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			nv := load(bob).Version
			if nv <= v {
				t.Fatalf("%s: version %d, was %d", st.name, nv, v)
			}
			v = nv
		}
		if !load(bob).ViewerPosted {
			t.Fatal("ViewerPosted false after bob replied")
		}
		title := "Bio only"
		if _, err := db.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Bio: &title}); err != nil {
			t.Fatal(err)
		}
		if load(bob).Version != v {
			t.Fatal("a bio change moved the version; nothing shown beside posts changed")
		}
		same := "IFAD"
		if _, err := db.UpdateMember(testutil.As(ann), ann.ID, sharefair.MemberUpdate{Organisation: &same}); err != nil {
			t.Fatal(err)
		}
		if load(bob).Version != v {
			t.Fatal("saving the same organisation moved the version")
		}
		// What moved the version is what the posts show beside the name.
		posts, _, err := db.FindPosts(testutil.As(bob), th.ID, sharefair.Page{})
		if err != nil || len(posts) != 2 || posts[0].Author == nil || posts[0].Author.Organisation != "IFAD" ||
			posts[1].Author == nil || posts[1].Author.Organisation != "" {
			t.Fatalf("posts' authors %+v, %+v (%v)", posts[0].Author, posts[1].Author, err)
		}
		if th := load(bob); th.Author == nil || th.Author.Organisation != "IFAD" {
			t.Fatalf("thread's author %+v", th.Author)
		}
	})
}

func TestFindOwnPosts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		testutil.MustJoin(t, db, ann, rome)
		th := testutil.MustCreateThread(t, db, ann, rome, "Own", "ann 0")
		for i := 1; i < 7; i++ {
			author := admin
			if i%3 == 0 {
				author = ann
			}
			if _, err := db.CreatePost(testutil.As(author), th.ID, fmt.Sprintf("post %d", i)); err != nil {
				t.Fatal(err)
			}
		}
		// Posts 0..6; ann wrote 0, 3 and 6. Pages of 3: [0 1 2] [3 4 5] [6].
		for n, want := range map[int][]string{1: {"ann 0"}, 2: {"post 3"}, 3: {"post 6"}} {
			own, err := db.FindOwnPosts(testutil.As(ann), th.ID, sharefair.Page{Number: n, Size: 3})
			if err != nil || len(own) != len(want) {
				t.Fatalf("page %d: %d posts, %v", n, len(own), err)
			}
			for i, p := range own {
				if p.Source != want[i] || !p.Mine || p.Author == nil {
					t.Fatalf("page %d: %+v", n, p)
				}
			}
		}
		own, err := db.FindOwnPosts(testutil.As(admin), th.ID, sharefair.Page{Number: 1, Size: 3})
		if err != nil || len(own) != 2 {
			t.Fatalf("admin's own on page 1: %d, %v", len(own), err)
		}
		_, err = db.FindOwnPosts(testutil.As(bob), th.ID, sharefair.Page{Number: 1, Size: 3})
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)
	})
}

// TestHubThreadCount checks that a hub's threads are counted for those who
// may read them and for no one else, whatever else the network holds.
func TestHubThreadCount(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		out := testutil.MustCreateMember(t, db, "out", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		lima := testutil.MustCreateHub(t, db, admin, "Lima")
		testutil.MustJoin(t, db, ann, rome)
		testutil.MustJoin(t, db, out, lima)
		for i := 0; i < 3; i++ {
			testutil.MustCreateThread(t, db, ann, rome, "In Rome", "body")
		}
		testutil.MustCreateThread(t, db, out, lima, "In Lima", "body")
		testutil.MustCreateThread(t, db, ann, nil, "For everyone", "body")
		for _, tc := range []struct {
			m     *sharefair.Member
			total int
		}{{ann, 3}, {admin, 3}, {out, 0}} {
			threads, total, err := db.FindThreads(testutil.As(tc.m), sharefair.ThreadFilter{HubID: rome.ID, Page: sharefair.Page{Size: 2}})
			if err != nil || total != tc.total || len(threads) != min(2, tc.total) {
				t.Errorf("%s: %d threads of Rome, total %d, %v; want total %d", tc.m.Handle, len(threads), total, err, tc.total)
			}
		}
	})
}
