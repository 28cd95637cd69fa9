package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/jobs"
)

// The moderation routes, each answer checked against openapi.json: a flag,
// the queue for a coordinator and an admin, hide and restore, a lock, a
// reveal shown to the author alone, standing changes that end a token at
// once, and the audit log that names content by number.
func TestModerationAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		coraM := testutil.MustCreateMember(t, v.s.DB, "cora", sharefair.RoleMember)
		testutil.MustJoin(t, v.s.DB, coraM, v.rome)
		if _, err := v.s.DB.SetCoordinator(testutil.As(v.s.Admin), "rome", "cora", true); err != nil {
			t.Fatal(err)
		}
		cora := newClient(t, v.s, v.s.Token(t, coraM))
		danM := testutil.MustCreateMember(t, v.s.DB, "dan", sharefair.RoleMember)
		testutil.MustJoin(t, v.s.DB, danM, v.rome)
		dan := newClient(t, v.s, v.s.Token(t, danM))

		var th threadJSON
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Rome matters", "hub": "rome", "body": "Opening"}).ok(201, &th)
		var anon postJSON
		dan.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "sentinel words",
			"attribution": "anonymous"}).ok(201, &anon)

		flags := path("/api/v1/posts/%d/flags", anon.ID)
		v.alice.as(t).post(flags, map[string]any{"reason": "rude"}).fails(422, sharefair.EINVALID, "reason")
		v.bob.as(t).post(flags, map[string]any{"reason": "abusive"}).fails(404, sharefair.ENOTFOUND, "")
		v.alice.as(t).post(flags, map[string]any{"reason": "abusive", "note": "a threat"}).ok(204, nil)
		var un struct {
			Changed bool `json:"changed"`
		}
		v.alice.as(t).post(flags, map[string]any{"reason": "abusive"}).ok(200, &un)
		var seen postJSON
		v.alice.as(t).get(path("/api/v1/posts/%d", anon.ID)).ok(200, &seen)
		if !seen.Flagged {
			t.Fatal("the flagger is not told they flagged")
		}

		var queue struct {
			Items []struct {
				Post      postJSON `json:"post"`
				FlagCount int      `json:"flag_count"`
				Notes     []string `json:"notes"`
			} `json:"items"`
			Total int `json:"total"`
		}
		cora.as(t).get("/api/v1/moderation").ok(200, &queue)
		if queue.Total != 1 || queue.Items[0].Post.ID != anon.ID || queue.Items[0].Post.Author != nil ||
			queue.Items[0].FlagCount != 1 || queue.Items[0].Notes[0] != "a threat" {
			t.Fatalf("queue = %+v", queue)
		}
		res := v.admin.as(t).get("/api/v1/moderation").ok(200, nil)
		if strings.Contains(string(res.Body), "dan") {
			t.Fatal("the queue names an anonymous author")
		}
		v.bob.as(t).get("/api/v1/moderation").ok(200, &queue)
		if queue.Total != 0 {
			t.Fatalf("bob's queue = %+v", queue)
		}

		hidden := path("/api/v1/posts/%d/hidden", anon.ID)
		v.alice.as(t).do("PUT", hidden, map[string]any{"reason": "abusive"}).fails(403, sharefair.EFORBIDDEN, "")
		cora.as(t).do("PUT", hidden, map[string]any{"reason": "x"}).fails(422, sharefair.EINVALID, "reason")
		cora.as(t).do("PUT", hidden, map[string]any{"reason": "abusive"}).ok(204, nil)
		cora.as(t).do("PUT", hidden, map[string]any{"reason": "abusive"}).ok(200, nil)
		v.alice.as(t).get(path("/api/v1/posts/%d", anon.ID)).ok(200, &seen)
		if !seen.Hidden || seen.Body != "" || seen.HTML != "" || seen.HiddenReason != nil {
			t.Fatalf("reader sees %+v", seen)
		}
		dan.as(t).get(path("/api/v1/posts/%d", anon.ID)).ok(200, &seen)
		if !seen.Hidden || seen.Body != "sentinel words" || seen.HiddenReason == nil || *seen.HiddenReason != "abusive" {
			t.Fatalf("author sees %+v", seen)
		}
		cora.as(t).del(hidden).ok(204, nil)
		cora.as(t).del(hidden).ok(200, nil)

		lock := path("/api/v1/threads/%d/lock", th.ID)
		v.alice.as(t).put(lock).fails(403, sharefair.EFORBIDDEN, "")
		cora.as(t).put(lock).ok(204, nil)
		d := v.alice.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "more"}).fails(409, sharefair.ECONFLICT, "")
		if !strings.Contains(d.Message, "locked") {
			t.Fatalf("locked message = %q", d.Message)
		}
		cora.as(t).del(lock).ok(204, nil)

		reveal := path("/api/v1/posts/%d/reveal", anon.ID)
		cora.as(t).post(reveal, map[string]any{"reason": "Threats against a member."}).fails(403, sharefair.EFORBIDDEN, "")
		v.admin.as(t).post(reveal, map[string]any{"reason": "short"}).fails(422, sharefair.EINVALID, "reason")
		var who struct {
			Author authorJSON `json:"author"`
		}
		v.admin.as(t).post(reveal, map[string]any{"reason": "Threats against a member."}).ok(200, &who)
		if who.Author.Handle != "dan" {
			t.Fatalf("revealed %+v", who)
		}
		v.admin.as(t).get(path("/api/v1/posts/%d", anon.ID)).ok(200, &seen)
		if seen.Author != nil || seen.Revealed != nil {
			t.Fatalf("the admin's view changed: %+v", seen)
		}
		dan.as(t).get(path("/api/v1/posts/%d", anon.ID)).ok(200, &seen)
		if seen.Revealed == nil || seen.Revealed.Reason != "Threats against a member." {
			t.Fatalf("author not told: %+v", seen)
		}

		standing := "/api/v1/members/bob/standing"
		cora.as(t).do("PUT", standing, map[string]any{"state": "suspended"}).fails(403, sharefair.EFORBIDDEN, "")
		v.admin.as(t).do("PUT", "/api/v1/members/admin/standing", map[string]any{"role": "member"}).fails(409, sharefair.ECONFLICT, "")
		v.admin.as(t).do("PUT", standing, map[string]any{}).fails(422, sharefair.EINVALID, "state")
		var st struct {
			State   string `json:"state"`
			Changed bool   `json:"changed"`
		}
		v.admin.as(t).do("PUT", standing, map[string]any{"state": "suspended"}).ok(200, &st)
		if st.State != "suspended" || !st.Changed {
			t.Fatalf("standing = %+v", st)
		}
		d = v.bob.as(t).get("/api/v1/me").fails(401, sharefair.EUNAUTHORIZED, "")
		if !strings.Contains(d.Message, "suspended") && !strings.Contains(d.Message, "not valid") {
			t.Fatalf("suspended token message = %q", d.Message)
		}
		v.admin.as(t).do("PUT", standing, map[string]any{"state": "active", "role": "admin"}).ok(200, &st)

		var log struct {
			Items []struct {
				Action  string  `json:"action"`
				PostID  *int64  `json:"post_id"`
				URL     *string `json:"url"`
				Detail  string  `json:"detail"`
				Reason  string  `json:"reason"`
				ActorID *int64  `json:"actor_id"`
				Subject *struct {
					Handle string `json:"handle"`
				} `json:"subject"`
			} `json:"items"`
			Total int `json:"total"`
		}
		cora.as(t).get("/api/v1/audit").fails(403, sharefair.EFORBIDDEN, "")
		res = v.admin.as(t).get("/api/v1/audit?actor=cora").ok(200, &log)
		if log.Total != 4 || log.Items[3].Action != "hide" || *log.Items[3].PostID != anon.ID ||
			*log.Items[3].URL != v.s.URL+path("/posts/%d", anon.ID) || log.Items[3].Detail != "abusive" {
			t.Fatalf("cora's acts = %s", res.Body)
		}
		if strings.Contains(string(res.Body), "sentinel") {
			t.Fatal("the audit log copies a post")
		}
		v.admin.as(t).get("/api/v1/audit?action=reveal").ok(200, &log)
		if log.Total != 1 || log.Items[0].Reason != "Threats against a member." || log.Items[0].Subject != nil {
			t.Fatalf("reveals = %+v", log)
		}
		v.admin.as(t).get("/api/v1/audit?subject=bob").ok(200, &log)
		if log.Total != 3 || log.Items[0].Action != "role_change" || log.Items[0].Detail != "member → admin" {
			t.Fatalf("bob's entries = %+v", log)
		}
		v.admin.as(t).get("/api/v1/audit?action=nonsense").fails(422, sharefair.EINVALID, "action")
		v.admin.as(t).get("/api/v1/audit?actor=nobody").ok(200, &log)
		if log.Total != 0 {
			t.Fatalf("unknown actor = %+v", log)
		}
	})
}

// TestJobsAPI: network admins read the background jobs by kind; members
// are refused.
func TestJobsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		if _, _, err := v.s.DB.EnqueueJob(context.Background(), jobs.New{Kind: "sweep"}); err != nil {
			t.Fatal(err)
		}
		var list listOf[struct {
			Kind    string  `json:"kind"`
			Ready   int     `json:"ready"`
			NextDue *string `json:"next_due"`
		}]
		v.admin.as(t).get("/api/v1/admin/jobs").ok(200, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].Kind != "sweep" || list.Items[0].Ready != 1 || list.Items[0].NextDue == nil {
			t.Fatalf("jobs: %+v", list)
		}
		v.alice.as(t).get("/api/v1/admin/jobs").fails(403, "forbidden", "")
	})
}
