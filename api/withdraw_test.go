package api_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

// withdrawalJSON is the answer of POST /posts/{id}/withdraw.
type withdrawalJSON struct {
	Changed       bool      `json:"changed"`
	ThreadDeleted bool      `json:"thread_deleted"`
	Post          *postJSON `json:"post"`
	Message       string    `json:"message"`
}

// TestWithdrawPost: through the API an author withdraws an anonymous reply
// and then the opening post; readers get tombstones with no text and no
// author, and a withdrawn, untitled thread; a second withdrawal says
// nothing changed; others, admins included, are refused; the thread goes
// when nothing is left in it.
func TestWithdrawPost(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Alice's title", "body": "Alice opens."}).ok(201, &th)
		var anon, bobs postJSON
		v.alice.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Alice unsigned.", "attribution": "anonymous"}).ok(201, &anon)
		v.bob.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Bob replies."}).ok(201, &bobs)

		for _, c := range []*client{v.bob, v.admin} {
			c.as(t).post(path("/api/v1/posts/%d/withdraw", anon.ID), nil).fails(403, "forbidden", "")
		}
		v.anon.as(t).post(path("/api/v1/posts/%d/withdraw", anon.ID), nil).fails(401, "unauthorized", "")
		v.alice.as(t).post("/api/v1/posts/999999/withdraw", nil).fails(404, "not_found", "")

		var w withdrawalJSON
		v.alice.as(t).post(path("/api/v1/posts/%d/withdraw", anon.ID), nil).ok(200, &w)
		if !w.Changed || w.ThreadDeleted || w.Post == nil || !w.Post.Withdrawn || w.Post.Body != "" || w.Post.HTML != "" || w.Post.Author != nil || w.Post.Mine {
			t.Fatalf("withdrawal = %+v, post %+v", w, w.Post)
		}
		v.alice.as(t).post(path("/api/v1/posts/%d/withdraw", anon.ID), nil).ok(200, &w)
		if w.Changed || w.Message == "" {
			t.Fatalf("second withdrawal = %+v", w)
		}
		v.alice.as(t).patch(path("/api/v1/posts/%d", anon.ID), map[string]any{"body": "Back."}).fails(403, "forbidden", "")

		var list listOf[postJSON]
		r := v.bob.as(t).get(path("/api/v1/threads/%d/posts", th.ID)).ok(200, &list)
		opening := list.Items[0]
		if strings.Contains(string(r.Body), "Alice unsigned") || len(list.Items) != 3 || !list.Items[1].Withdrawn {
			t.Fatalf("posts after withdrawal: %s", r.Body)
		}
		v.alice.as(t).post(path("/api/v1/posts/%d/withdraw", opening.ID), nil).ok(200, &w)
		var got threadJSON
		r = v.bob.as(t).get(path("/api/v1/threads/%d", th.ID)).ok(200, &got)
		if !got.Withdrawn || got.Title != "" || got.Author != nil || strings.Contains(string(r.Body), "Alice's title") {
			t.Fatalf("thread after its opening post's withdrawal: %s", r.Body)
		}
		v.admin.as(t).patch(path("/api/v1/threads/%d", th.ID), map[string]any{"title": "Renamed"}).fails(403, "forbidden", "")

		v.bob.as(t).post(path("/api/v1/posts/%d/withdraw", bobs.ID), nil).ok(200, &w)
		if !w.ThreadDeleted || w.Post != nil {
			t.Fatalf("withdrawing the last post = %+v", w)
		}
		v.bob.as(t).get(path("/api/v1/threads/%d", th.ID)).fails(404, "not_found", "")
	})
}
