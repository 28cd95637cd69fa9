package api_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// threadsFixture makes on v what TestThreads's subtests start from, by
// the requests CreateNetworkThread, CreateHubThread,
// CreateHubThreadImpliedAudience and (when withReply) Reply check: bob's
// network thread, alice's two Rome threads and alice's reply to bob.
func threadsFixture(t *testing.T, v *env, withReply bool) (open threadJSON, reply postJSON) {
	t.Helper()
	v.bob.as(t).post("/api/v1/threads", map[string]any{"title": "  Tips for dispersed teams ",
		"body": "What works for you, @alice?\r\nAnything <script>alert(1)</script>"}).ok(201, &open)
	v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Rome: next meetup venue", "audience": "hub",
		"hub": "rome", "body": "Somewhere near *Termini*?"}).ok(201, nil)
	v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Implied", "hub": "rome", "body": "x"}).ok(201, nil)
	if withReply {
		v.alice.as(t).post(path("/api/v1/threads/%d/posts", open.ID), map[string]any{"body": "Weekly calls.\r\nShort ones."}).ok(201, &reply)
	}
	return open, reply
}

func TestThreads(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// The cast, which no subtest changes: each makes its own threads
		// (threadsFixture), and List, which counts them all, its own server.
		v := newEnv(t, e)
		t.Run("CreateNetworkThread", func(t *testing.T) {
			var open threadJSON
			r := v.bob.as(t).post("/api/v1/threads", map[string]any{"title": "  Tips for dispersed teams ",
				"body": "What works for you, @alice?\r\nAnything <script>alert(1)</script>"}).ok(201, &open)
			if open.Title != "Tips for dispersed teams" || open.Audience.Kind != "network" || open.Audience.Hub != nil ||
				open.Author == nil || open.Author.Handle != "bob" || open.PostCount != 1 || open.ReplyCount != 0 {
				t.Fatalf("thread = %+v", open)
			}
			if want := v.s.URL + path("/threads/%d", open.ID); open.URL != want {
				t.Errorf("url = %q, want %q", open.URL, want)
			}
			if loc := r.Header.Get("Location"); loc != v.s.URL+path("/api/v1/threads/%d", open.ID) {
				t.Errorf("Location = %q", loc)
			}
			if open.CreatedAt.Location().String() != "UTC" || !strings.HasSuffix(string(r.Body), "\n") {
				t.Errorf("created_at = %v", open.CreatedAt)
			}
			if !strings.Contains(string(r.Body), `"created_at":"`) || strings.Contains(string(r.Body), `+00:00`) {
				t.Errorf("times must be RFC 3339 UTC: %s", r.Body)
			}
		})
		t.Run("CreateHubThread", func(t *testing.T) {
			var hubThread threadJSON
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Rome: next meetup venue", "audience": "hub",
				"hub": "rome", "body": "Somewhere near *Termini*?"}).ok(201, &hubThread)
			if hubThread.Audience.Kind != "hub" || hubThread.Audience.Hub == nil || hubThread.Audience.Hub.Slug != "rome" ||
				hubThread.Audience.Hub.Name != "Rome" {
				t.Fatalf("thread = %+v", hubThread)
			}
		})
		t.Run("CreateHubThreadImpliedAudience", func(t *testing.T) {
			var th threadJSON
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Implied", "hub": "rome", "body": "x"}).ok(201, &th)
			if th.Audience.Kind != "hub" {
				t.Fatalf("audience = %+v", th.Audience)
			}
		})
		for _, c := range []struct {
			name   string
			client *client
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"ErrTitleRequired", v.alice, map[string]any{"title": " ", "body": "x"}, 422, "invalid", "title"},
			{"ErrBodyRequired", v.alice, map[string]any{"title": "x", "body": "\n\t "}, 422, "invalid", "body"},
			{"ErrTitleTooLong", v.alice, map[string]any{"title": strings.Repeat("é", sharefair.MaxThreadTitleLen+1), "body": "x"}, 422, "invalid", "title"},
			{"ErrBodyTooLong", v.alice, map[string]any{"title": "x", "body": strings.Repeat("a", sharefair.MaxPostLen+1)}, 422, "invalid", "body"},
			{"ErrTitleControl", v.alice, map[string]any{"title": "a\x07b", "body": "x"}, 422, "invalid", "title"},
			{"ErrAudience", v.alice, map[string]any{"title": "x", "body": "x", "audience": "moon"}, 422, "invalid", "audience"},
			{"ErrHubUnknown", v.alice, map[string]any{"title": "x", "body": "x", "audience": "hub", "hub": "atlantis"}, 422, "invalid", "hub"},
			{"ErrHubMissing", v.alice, map[string]any{"title": "x", "body": "x", "audience": "hub"}, 422, "invalid", "hub"},
			{"ErrHubNotJoined", v.bob, map[string]any{"title": "x", "body": "x", "audience": "hub", "hub": "rome"}, 403, "forbidden", "hub"},
		} {
			t.Run(c.name, func(t *testing.T) {
				c.client.as(t).post("/api/v1/threads", c.body).fails(c.status, c.code, c.field)
			})
		}

		t.Run("Get", func(t *testing.T) {
			open, _ := threadsFixture(t, v, false)
			var th threadJSON
			v.alice.as(t).get(path("/api/v1/threads/%d", open.ID)).ok(200, &th)
			if th.ID != open.ID || th.Title != open.Title {
				t.Fatalf("thread = %+v", th)
			}
		})
		t.Run("Reply", func(t *testing.T) {
			open, _ := threadsFixture(t, v, false)
			var reply postJSON
			v.alice.as(t).post(path("/api/v1/threads/%d/posts", open.ID), map[string]any{"body": "Weekly calls.\r\nShort ones."}).ok(201, &reply)
			if reply.ThreadID != open.ID || reply.Body != "Weekly calls.\nShort ones." || !reply.Mine ||
				reply.Author == nil || reply.Author.Handle != "alice" || reply.Attribution != "named" || reply.EditedAt != nil {
				t.Fatalf("reply = %+v", reply)
			}
			var th threadJSON
			v.bob.as(t).get(path("/api/v1/threads/%d", open.ID)).ok(200, &th)
			if th.PostCount != 2 || th.ReplyCount != 1 {
				t.Fatalf("counts = %d, %d", th.PostCount, th.ReplyCount)
			}
		})
		t.Run("ErrReplyEmpty", func(t *testing.T) {
			open, _ := threadsFixture(t, v, false)
			v.alice.as(t).post(path("/api/v1/threads/%d/posts", open.ID), map[string]any{"body": " "}).fails(422, "invalid", "body")
		})
		t.Run("ErrReplyUnknownThread", func(t *testing.T) {
			v.alice.as(t).post("/api/v1/threads/987654/posts", map[string]any{"body": "x"}).fails(404, "not_found", "")
		})
		// Posts and threads carry what the thread page shows beside the
		// author's name: their organisation, as it is now.
		t.Run("AuthorOrganisation", func(t *testing.T) {
			v := newEnv(t, e)
			open, _ := threadsFixture(t, v, true)
			v.alice.as(t).patch("/api/v1/me", map[string]any{"organisation": "FAO"}).ok(200, nil)
			var l listOf[postJSON]
			v.bob.as(t).get(path("/api/v1/threads/%d/posts", open.ID)).ok(200, &l)
			if len(l.Items) != 2 || l.Items[0].Author == nil || l.Items[0].Author.Organisation != "" ||
				l.Items[1].Author == nil || l.Items[1].Author.Handle != "alice" || l.Items[1].Author.Organisation != "FAO" {
				t.Fatalf("posts' authors = %+v, %+v", l.Items[0].Author, l.Items[1].Author)
			}
			var th threadJSON
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "By FAO", "body": "x"}).ok(201, &th)
			if th.Author == nil || th.Author.Organisation != "FAO" {
				t.Fatalf("thread's author = %+v", th.Author)
			}
		})
		t.Run("Posts", func(t *testing.T) {
			open, reply := threadsFixture(t, v, true)
			var l listOf[postJSON]
			v.bob.as(t).get(path("/api/v1/threads/%d/posts", open.ID)).ok(200, &l)
			if l.Total != 2 || len(l.Items) != 2 || l.PerPage != sharefair.PostsPerPage || l.Page != 1 || l.Pages != 1 {
				t.Fatalf("posts = %+v", l)
			}
			first := l.Items[0]
			if first.Body != "What works for you, @alice?\nAnything <script>alert(1)</script>" {
				t.Errorf("body = %q", first.Body)
			}
			if strings.Contains(first.HTML, "<script") || !strings.Contains(first.HTML, `href="/members/alice"`) {
				t.Errorf("html = %q", first.HTML)
			}
			if !first.Mine || l.Items[1].Mine || l.Items[1].Author.Handle != "alice" {
				t.Errorf("mine = %v, %v", first.Mine, l.Items[1].Mine)
			}
			v.bob.as(t).get(path("/api/v1/threads/%d/posts?per_page=1&page=2", open.ID)).ok(200, &l)
			if l.Total != 2 || len(l.Items) != 1 || l.Items[0].ID != reply.ID || l.Pages != 2 {
				t.Fatalf("page 2 = %+v", l)
			}
		})
		t.Run("GetPost", func(t *testing.T) {
			_, reply := threadsFixture(t, v, true)
			var p postJSON
			v.bob.as(t).get(path("/api/v1/posts/%d", reply.ID)).ok(200, &p)
			if p.ID != reply.ID || p.Mine || p.Body != reply.Body {
				t.Fatalf("post = %+v", p)
			}
		})
		t.Run("EditPost", func(t *testing.T) {
			_, reply := threadsFixture(t, v, true)
			var p postJSON
			v.alice.as(t).patch(path("/api/v1/posts/%d", reply.ID), map[string]any{"body": "Weekly **calls**."}).ok(200, &p)
			if p.Body != "Weekly **calls**." || p.EditedAt == nil || !strings.Contains(p.HTML, "<strong>calls</strong>") {
				t.Fatalf("post = %+v", p)
			}
		})
		t.Run("ErrEditPostNotAuthor", func(t *testing.T) {
			_, reply := threadsFixture(t, v, true)
			v.bob.as(t).patch(path("/api/v1/posts/%d", reply.ID), map[string]any{"body": "mine now"}).fails(403, "forbidden", "")
		})
		t.Run("ErrEditPostEmpty", func(t *testing.T) {
			_, reply := threadsFixture(t, v, true)
			v.alice.as(t).patch(path("/api/v1/posts/%d", reply.ID), map[string]any{"body": ""}).fails(422, "invalid", "body")
		})
		t.Run("Rename", func(t *testing.T) {
			open, _ := threadsFixture(t, v, false)
			var th threadJSON
			v.bob.as(t).patch(path("/api/v1/threads/%d", open.ID), map[string]any{"title": "Dispersed teams"}).ok(200, &th)
			if th.Title != "Dispersed teams" {
				t.Fatalf("title = %q", th.Title)
			}
			v.admin.as(t).patch(path("/api/v1/threads/%d", open.ID), map[string]any{"title": "Dispersed teams: tips"}).ok(200, &th)
		})
		t.Run("ErrRenameNotAuthor", func(t *testing.T) {
			open, _ := threadsFixture(t, v, false)
			v.alice.as(t).patch(path("/api/v1/threads/%d", open.ID), map[string]any{"title": "Hijack"}).fails(403, "forbidden", "")
		})
		t.Run("ErrRenameEmpty", func(t *testing.T) {
			open, _ := threadsFixture(t, v, false)
			v.bob.as(t).patch(path("/api/v1/threads/%d", open.ID), map[string]any{"title": ""}).fails(422, "invalid", "title")
		})
		t.Run("List", func(t *testing.T) {
			v := newEnv(t, e)
			threadsFixture(t, v, false)
			var l listOf[threadJSON]
			v.alice.as(t).get("/api/v1/threads").ok(200, &l)
			if l.Total != 3 || len(l.Items) != 3 || l.PerPage != 30 {
				t.Fatalf("list = %+v", l)
			}
			v.alice.as(t).get("/api/v1/threads?hub=rome").ok(200, &l)
			if l.Total != 2 {
				t.Fatalf("rome = %+v", l)
			}
			v.alice.as(t).get("/api/v1/threads?hub=atlantis").ok(200, &l)
			if l.Total != 0 || len(l.Items) != 0 || l.Pages != 1 {
				t.Fatalf("atlantis = %+v", l)
			}
			v.alice.as(t).get("/api/v1/threads?per_page=2&page=2").ok(200, &l)
			if l.Total != 3 || len(l.Items) != 1 || l.Pages != 2 || l.Page != 2 {
				t.Fatalf("page 2 = %+v", l)
			}
			v.alice.as(t).get("/api/v1/threads?page=9").ok(200, &l)
			if l.Total != 3 || len(l.Items) != 0 {
				t.Fatalf("past the end = %+v", l)
			}
		})
	})
}

// TestHubThreadHidden checks that a hub thread does not exist, for someone
// outside the hub, through every API path: 404, never 403, and left out of
// every list and count.
func TestHubThreadHidden(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.post("/api/v1/threads", map[string]any{"title": "Rome only", "audience": "hub", "hub": "rome", "body": "Members only"}).ok(201, &th)
		var p postJSON
		v.alice.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "A reply"}).ok(201, &p)

		for _, c := range []struct {
			name, method, path string
			body               any
		}{
			{"Thread", "GET", path("/api/v1/threads/%d", th.ID), nil},
			{"Rename", "PATCH", path("/api/v1/threads/%d", th.ID), map[string]any{"title": "Mine"}},
			{"Posts", "GET", path("/api/v1/threads/%d/posts", th.ID), nil},
			{"Reply", "POST", path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Let me in"}},
			{"Post", "GET", path("/api/v1/posts/%d", p.ID), nil},
			{"EditPost", "PATCH", path("/api/v1/posts/%d", p.ID), map[string]any{"body": "Edited"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				v.bob.as(t).do(c.method, c.path, c.body).fails(404, "not_found", "")
			})
		}
		t.Run("Lists", func(t *testing.T) {
			var l listOf[threadJSON]
			v.bob.as(t).get("/api/v1/hubs/rome/threads").ok(200, &l)
			if l.Total != 0 || len(l.Items) != 0 {
				t.Fatalf("hub threads = %+v", l)
			}
			v.bob.as(t).get("/api/v1/threads?hub=rome").ok(200, &l)
			if l.Total != 0 || len(l.Items) != 0 {
				t.Fatalf("threads?hub = %+v", l)
			}
			v.bob.as(t).get("/api/v1/threads").ok(200, &l)
			if l.Total != 0 || len(l.Items) != 0 {
				t.Fatalf("threads = %+v", l)
			}
		})
		t.Run("MemberActivity", func(t *testing.T) {
			var m memberJSON
			v.bob.as(t).get("/api/v1/members/alice").ok(200, &m)
			if len(m.RecentThreads) != 0 {
				t.Fatalf("recent threads = %+v", m.RecentThreads)
			}
			v.admin.as(t).get("/api/v1/members/alice").ok(200, &m)
			if len(m.RecentThreads) != 1 || m.RecentThreads[0].ID != th.ID {
				t.Fatalf("admin sees recent threads = %+v", m.RecentThreads)
			}
		})
		t.Run("StillThere", func(t *testing.T) {
			v.admin.as(t).get(path("/api/v1/threads/%d", th.ID)).ok(200, nil)
			var l listOf[postJSON]
			v.alice.as(t).get(path("/api/v1/threads/%d/posts", th.ID)).ok(200, &l)
			if l.Total != 2 {
				t.Fatalf("posts = %+v", l)
			}
		})
		t.Run("VisibleAfterJoining", func(t *testing.T) {
			v.bob.as(t).put("/api/v1/hubs/rome/membership").ok(204, nil)
			v.bob.as(t).get(path("/api/v1/posts/%d", p.ID)).ok(200, nil)
			v.bob.as(t).del("/api/v1/hubs/rome/membership").ok(204, nil)
			v.bob.as(t).get(path("/api/v1/posts/%d", p.ID)).fails(404, "not_found", "")
		})
	})
}
