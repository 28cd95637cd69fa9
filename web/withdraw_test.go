package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestWithdrawPost: the author finds Withdraw on their own post only, is
// asked to confirm, and withdraws; a reader who had the page cached sees
// the tombstone at once, without the text or the author; the author's
// profile no longer lists the thread; withdrawing the opening post shows
// the thread as "Withdrawn thread"; others are refused; the last post's
// withdrawal removes the thread.
func TestWithdrawPost(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := mustMember(t, s, "ann", "Ann Author")
			bob := mustMember(t, s, "bob", "Bob Reader")
			th := testutil.MustCreateThread(t, s.DB, ann, nil, "Ann's frank title", "Ann opens the thread.")
			reply, err := s.DB.CreatePost(testutil.As(ann), th.ID, "Words Ann regrets.")
			if err != nil {
				t.Fatal(err)
			}
			bobReply, err := s.DB.CreatePost(testutil.As(bob), th.ID, "Bob answers.")
			if err != nil {
				t.Fatal(err)
			}
			me, reader := s.Browser(t, ann), s.Browser(t, bob)
			threadPath := "/threads/" + itoa(th.ID)
			// The reader's visit fills the cache.
			if r := get(t, reader, s, threadPath+"?page=1"); !strings.Contains(r.Body, "Words Ann regrets.") ||
				r.Doc.Find(`a[href$="/withdraw"]`).Length() != 1 {
				t.Fatalf("bob sees %d withdraw links before", r.Doc.Find(`a[href$="/withdraw"]`).Length())
			}
			r := get(t, me, s, threadPath+"?page=1")
			if n := r.Doc.Find(`a[href$="/withdraw"]`).Length(); n != 2 {
				t.Fatalf("ann sees %d withdraw links, want her two posts'", n)
			}
			wantStatus(t, get(t, reader, s, "/posts/"+itoa(reply.ID)+"/withdraw"), http.StatusForbidden)
			wantStatus(t, post(t, reader, s, "/posts/"+itoa(reply.ID)+"/withdraw", nil), http.StatusForbidden)

			r = get(t, me, s, "/posts/"+itoa(reply.ID)+"/withdraw")
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.Body, "Words Ann regrets.") || r.Doc.Find(`form[method="post"][action="/posts/`+itoa(reply.ID)+`/withdraw"] button`).Length() != 1 {
				t.Fatalf("confirm page: %s", r.Doc.Find("main").Text())
			}
			wantRedirect(t, post(t, me, s, "/posts/"+itoa(reply.ID)+"/withdraw", url.Values{}), threadPath)

			for _, c := range []*http.Client{reader, me} {
				r := get(t, c, s, threadPath+"?page=1")
				tomb := r.Doc.Find("#p" + itoa(reply.ID))
				if strings.Contains(r.Body, "Words Ann regrets") || !strings.Contains(tomb.Text(), "Withdrawn by its author") ||
					strings.Contains(tomb.Text(), "Ann Author") || tomb.Find(`a[href^="/members/"]`).Length() != 0 {
					t.Fatalf("the thread after withdrawal: %s", tomb.Text())
				}
			}
			// A second time: nothing changes, and the author is told.
			r = post(t, me, s, "/posts/"+itoa(reply.ID)+"/withdraw", url.Values{})
			wantRedirect(t, r, threadPath)

			// The opening post: its title goes too.
			posts, _, _ := s.DB.FindPosts(testutil.As(ann), th.ID, sharefair.Page{})
			wantRedirect(t, post(t, me, s, "/posts/"+itoa(posts[0].ID)+"/withdraw", url.Values{}), threadPath)
			r = get(t, reader, s, threadPath+"?page=1")
			if strings.Contains(r.Body, "frank title") || strings.TrimSpace(r.Doc.Find("h1").Text()) != sharefair.WithdrawnThreadTitle ||
				!strings.Contains(r.Body, "Bob answers.") {
				t.Fatalf("thread page after the opening post's withdrawal: %s", r.Doc.Find("main").Text())
			}
			if r := get(t, reader, s, "/threads"); strings.Contains(r.Body, "frank title") || !strings.Contains(r.Body, sharefair.WithdrawnThreadTitle) {
				t.Fatalf("the list after withdrawal: %s", r.Doc.Find("main").Text())
			}
			if r := get(t, reader, s, "/members/ann"); strings.Contains(r.Body, "Withdrawn thread") || strings.Contains(r.Body, threadPath+`"`) {
				t.Fatalf("ann's profile still lists the thread: %s", r.Doc.Find("main").Text())
			}
			// Bob's own reply was the last post left: the thread goes.
			wantRedirect(t, post(t, reader, s, "/posts/"+itoa(bobReply.ID)+"/withdraw", url.Values{}), "/threads")
			wantStatus(t, get(t, reader, s, threadPath+"?page=1"), http.StatusNotFound)
		})
	}
}
