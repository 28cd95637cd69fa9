package api_test

import (
	"testing"
	"time"

	"github.com/sharefair/sharefair/internal/testutil"
)

type notificationOut struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	At     time.Time
	Read   bool                     `json:"read"`
	Actor  *struct{ Handle string } `json:"actor"`
	Thread *struct{ ID int64 }      `json:"thread"`
	PostID *int64                   `json:"post_id"`
	URL    string                   `json:"url"`
}

type threadMarks struct {
	ID          int64  `json:"id"`
	Follow      string `json:"follow"`
	ReadTo      int64  `json:"read_to_post_id"`
	UnreadPosts int    `json:"unread_posts"`
	FirstUnread *int64 `json:"first_unread_post_id"`
	New         bool   `json:"new"`
}

// TestNotificationsAPI: a script reads what a member is told of as the
// page does, marks it read, follows and mutes threads; the count on /me
// moves with it, and what is withdrawn leaves the list.
func TestNotificationsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		testutil.MustJoin(t, v.s.DB, v.bobM, v.rome)
		alice, bob := v.alice.as(t), v.bob.as(t)
		unread := func(c *client) int {
			t.Helper()
			var me struct {
				Unread int `json:"unread_notifications"`
			}
			c.get("/api/v1/me").ok(200, &me)
			return me.Unread
		}
		var th threadMarks
		alice.post("/api/v1/threads", map[string]any{"title": "Stories", "audience": "hub", "hub": "rome", "body": "Tell one."}).ok(201, &th)
		var bobSees threadMarks
		bob.get(path("/api/v1/threads/%d", th.ID)).ok(200, &bobSees)
		if !bobSees.New || bobSees.ReadTo != 0 || bobSees.Follow != "normal" {
			t.Fatalf("bob, who never opened it: %+v", bobSees)
		}
		var anon struct{ ID int64 }
		bob.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Mine, unsigned.", "attribution": "anonymous"}).ok(201, &anon)
		v.s.RunJobs(t)
		if n := unread(alice); n != 1 {
			t.Fatalf("alice has %d unread after a reply", n)
		}
		var list struct {
			Items []notificationOut `json:"items"`
			Total int               `json:"total"`
		}
		alice.get("/api/v1/notifications").ok(200, &list)
		if list.Total != 1 || list.Items[0].Kind != "reply" || list.Items[0].Actor != nil || list.Items[0].Read ||
			list.Items[0].At.Hour() != 0 || list.Items[0].Thread == nil || list.Items[0].Thread.ID != th.ID ||
			list.Items[0].PostID == nil || *list.Items[0].PostID != anon.ID {
			t.Fatalf("alice told of an anonymous reply: %+v", list)
		}
		var marks threadMarks
		alice.get(path("/api/v1/threads/%d", th.ID)).ok(200, &marks)
		if marks.UnreadPosts != 1 || marks.FirstUnread == nil || *marks.FirstUnread != anon.ID || marks.New {
			t.Fatalf("alice's thread: %+v", marks)
		}
		alice.post(path("/api/v1/threads/%d/read", th.ID), map[string]any{}).ok(204, nil)
		alice.get(path("/api/v1/threads/%d", th.ID)).ok(200, &marks)
		if marks.UnreadPosts != 0 || marks.FirstUnread != nil || marks.ReadTo != anon.ID || unread(alice) != 0 {
			t.Fatalf("alice read it: %+v, %d unread", marks, unread(alice))
		}
		alice.post(path("/api/v1/threads/%d/read", th.ID), map[string]any{"page": -1}).fails(422, "invalid", "page")

		// Following and muting.
		alice.put(path("/api/v1/threads/%d/follow", th.ID)).fails(400, "bad_request", "")
		alice.do("PUT", path("/api/v1/threads/%d/follow", th.ID), map[string]any{"level": "loud"}).fails(422, "invalid", "level")
		alice.do("PUT", path("/api/v1/threads/%d/follow", th.ID), map[string]any{"level": "muted"}).ok(204, nil)
		var same struct {
			Changed bool `json:"changed"`
		}
		alice.do("PUT", path("/api/v1/threads/%d/follow", th.ID), map[string]any{"level": "muted"}).ok(200, &same)
		if same.Changed {
			t.Fatal("muting twice changed something")
		}
		bob.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Signed now."}).ok(201, nil)
		v.s.RunJobs(t)
		if n := unread(alice); n != 0 {
			t.Fatalf("muted, alice has %d unread", n)
		}
		v.admin.as(t).do("PUT", path("/api/v1/threads/%d/follow", th.ID), map[string]any{"level": "following"}).ok(204, nil)
		v.bob.as(t).do("PUT", path("/api/v1/threads/%d/follow", th.ID+1000), map[string]any{"level": "following"}).fails(404, "not_found", "")

		// A mention, then withdrawn: it leaves the list.
		var m struct{ ID int64 }
		bob.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Ask @alice."}).ok(201, &m)
		v.s.RunJobs(t)
		alice.get("/api/v1/notifications").ok(200, &list)
		if list.Total != 2 || list.Items[0].Kind != "mention" || list.Items[0].Actor == nil || list.Items[0].Actor.Handle != "bob" ||
			!list.Items[1].Read {
			t.Fatalf("alice, mentioned while muted: %+v", list)
		}
		var adminList struct {
			Items []notificationOut `json:"items"`
		}
		v.admin.as(t).get("/api/v1/notifications").ok(200, &adminList)
		if len(adminList.Items) != 1 || adminList.Items[0].Kind != "reply" {
			t.Fatalf("the admin follows and was told: %+v", adminList)
		}
		bob.post(path("/api/v1/posts/%d/withdraw", m.ID), nil).ok(200, nil)
		alice.get("/api/v1/notifications").ok(200, &list)
		if list.Total != 1 || list.Items[0].Kind != "reply" || unread(alice) != 0 {
			t.Fatalf("a withdrawn mention still told: %+v", list)
		}

		// Marking read: by number, or all; too many at once is refused.
		ids := make([]int64, 101)
		alice.post("/api/v1/notifications/read", map[string]any{"ids": ids}).fails(422, "invalid", "ids")
		var marked struct {
			Marked int `json:"marked"`
		}
		v.admin.as(t).post("/api/v1/notifications/read", map[string]any{"ids": []int64{adminList.Items[0].ID}}).ok(200, &marked)
		if marked.Marked != 1 || unread(v.admin.as(t)) != 0 {
			t.Fatalf("the admin marked one read: %+v", marked)
		}
		v.admin.as(t).post("/api/v1/notifications/read", map[string]any{}).ok(200, &marked)
		if marked.Marked != 0 {
			t.Fatalf("nothing left to mark: %+v", marked)
		}
		v.anon.as(t).get("/api/v1/notifications").fails(401, "unauthorized", "")
	})
}

// TestMailSettingsAPI: a script chooses how each kind arrives; a bad kind
// or delivery is named; the outbox is the admins'.
func TestMailSettingsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		alice := v.alice.as(t)
		var s struct {
			Delivery map[string]string `json:"delivery"`
			Stopped  *time.Time        `json:"stopped_at"`
		}
		alice.get("/api/v1/me/mail").ok(200, &s)
		if len(s.Delivery) != 6 || s.Delivery["reply"] != "email" || s.Stopped != nil {
			t.Fatalf("defaults: %+v", s)
		}
		alice.patch("/api/v1/me/mail", map[string]any{"delivery": map[string]string{"reply": "app", "mention": "off"}}).ok(200, &s)
		if s.Delivery["reply"] != "app" || s.Delivery["mention"] != "off" || s.Delivery["invitation"] != "email" {
			t.Fatalf("after the change: %+v", s)
		}
		alice.patch("/api/v1/me/mail", map[string]any{"delivery": map[string]string{"reply": "loud"}}).fails(422, "invalid", "reply")
		alice.patch("/api/v1/me/mail", map[string]any{"delivery": map[string]string{"gossip": "app"}}).fails(422, "invalid", "delivery")
		alice.get("/api/v1/admin/outbox").fails(403, "forbidden", "")
		var box struct {
			Total int `json:"total"`
		}
		v.admin.as(t).get("/api/v1/admin/outbox").ok(200, &box)
	})
}
