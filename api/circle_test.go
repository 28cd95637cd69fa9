package api_test

import (
	"bytes"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

// circleAPIJSON is a circle as the API answers it.
type circleAPIJSON struct {
	Key             string    `json:"key"`
	Name            string    `json:"name"`
	Kind            string    `json:"kind"`
	MemberCount     int       `json:"member_count"`
	Hosts           []refJSON `json:"hosts"`
	ViewerRole      *string   `json:"viewer_role"`
	ViewerInvited   bool      `json:"viewer_invited"`
	PendingRequests *int      `json:"pending_requests"`
}

// circleThreadJSON is a thread with the audience fields circles add.
type circleThreadJSON struct {
	ID       int64 `json:"id"`
	Audience struct {
		Kind   string `json:"kind"`
		Circle *struct {
			Key  string `json:"key"`
			Name string `json:"name"`
		} `json:"circle"`
		Members []refJSON `json:"members"`
	} `json:"audience"`
}

func TestCirclesAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var secret circleAPIJSON
		r := v.alice.as(t).post("/api/v1/circles", map[string]any{"name": "Quiet room", "kind": "secret",
			"description": "Only *us*."}).ok(201, &secret)
		if secret.Kind != "secret" || secret.ViewerRole == nil || *secret.ViewerRole != "host" || len(secret.Hosts) != 1 ||
			secret.PendingRequests == nil || r.Header.Get("Location") != v.s.URL+"/api/v1/circles/"+secret.Key {
			t.Fatalf("created %+v (Location %q)", secret, r.Header.Get("Location"))
		}
		at := "/api/v1/circles/" + secret.Key

		t.Run("SecretIsNotFound", func(t *testing.T) {
			never := v.bob.as(t).get("/api/v1/circles/zzzzzzzzzz")
			never.fails(404, "not_found", "")
			for _, c := range []*client{v.bob, v.admin} {
				got := c.as(t).get(at)
				got.fails(404, "not_found", "")
				if !bytes.Equal(got.Body, never.Body) {
					t.Fatalf("secret answers %s, never-existed %s", got.Body, never.Body)
				}
				c.as(t).get(at+"/threads").fails(404, "not_found", "")
				var list listOf[circleAPIJSON]
				c.as(t).get("/api/v1/circles").ok(200, &list)
				if list.Total != 0 {
					t.Fatalf("the secret circle is listed: %+v", list)
				}
			}
			// Same names are fine: nothing conflicts, nothing tells.
			v.bob.as(t).post("/api/v1/circles", map[string]any{"name": "Quiet room", "kind": "secret"}).ok(201, nil)
		})

		t.Run("Invite", func(t *testing.T) {
			v.bob.as(t).put(at+"/invitations/alice").fails(404, "not_found", "")
			v.alice.as(t).put(at+"/invitations/nobody").fails(422, "invalid", "handle")
			v.alice.as(t).put(at+"/invitations/bob").ok(204, nil)
			var same unchangedJSON
			v.alice.as(t).put(at+"/invitations/bob").ok(200, &same)
			var seen circleAPIJSON
			v.bob.as(t).get(at).ok(200, &seen)
			if !seen.ViewerInvited || seen.ViewerRole != nil || seen.MemberCount != 0 {
				t.Fatalf("invitee sees %+v", seen)
			}
			v.bob.as(t).post(at+"/invitation", map[string]any{"decision": "maybe"}).fails(422, "invalid", "decision")
			v.bob.as(t).post(at+"/invitation", map[string]any{"decision": "accept"}).ok(204, nil)
			v.bob.as(t).post(at+"/invitation", map[string]any{"decision": "accept"}).ok(200, &same)
			var members listOf[struct {
				Role string `json:"role"`
			}]
			v.bob.as(t).get(at+"/members").ok(200, &members)
			if members.Total != 2 || members.Items[0].Role != "host" {
				t.Fatalf("members = %+v", members)
			}
		})

		t.Run("Threads", func(t *testing.T) {
			var th circleThreadJSON
			v.bob.as(t).post("/api/v1/threads", map[string]any{"title": "Inside", "body": "Words.", "audience": "circle",
				"circle": secret.Key}).ok(201, &th)
			if th.Audience.Kind != "circle" || th.Audience.Circle == nil || th.Audience.Circle.Key != secret.Key {
				t.Fatalf("thread audience %+v", th.Audience)
			}
			thread := path("/api/v1/threads/%d", th.ID)
			v.admin.as(t).get(thread).fails(404, "not_found", "")
			var list listOf[circleThreadJSON]
			v.alice.as(t).get(at+"/threads").ok(200, &list)
			if list.Total != 1 {
				t.Fatalf("circle threads = %+v", list)
			}
			v.admin.as(t).post("/api/v1/threads", map[string]any{"title": "x", "body": "y", "audience": "circle",
				"circle": secret.Key}).fails(422, "invalid", "circle")
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "x", "body": "y", "audience": "moon"}).
				fails(422, "invalid", "audience")
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "x", "body": "y", "audience": "members",
				"members": []string{"ghost"}}).fails(422, "invalid", "members")

			// Narrowing: alice replied, so only narrower; never wider.
			v.alice.as(t).post(thread+"/posts", map[string]any{"body": "A reply."}).ok(201, nil)
			v.bob.as(t).do("PUT", thread+"/audience", map[string]any{"audience": "network"}).fails(422, "invalid", "audience")
			v.alice.as(t).do("PUT", thread+"/audience", map[string]any{"audience": "network"}).fails(403, "forbidden", "audience")
			var narrowed circleThreadJSON
			v.bob.as(t).do("PUT", thread+"/audience", map[string]any{"audience": "members", "members": []string{"alice"}}).ok(204, nil)
			v.bob.as(t).get(thread).ok(200, &narrowed)
			if narrowed.Audience.Kind != "members" || len(narrowed.Audience.Members) != 1 || narrowed.Audience.Members[0].Handle != "alice" {
				t.Fatalf("narrowed %+v", narrowed.Audience)
			}
			var same unchangedJSON
			v.bob.as(t).do("PUT", thread+"/audience", map[string]any{"audience": "members", "members": []string{"@alice"}}).ok(200, &same)
		})

		t.Run("AdminList", func(t *testing.T) {
			v.alice.as(t).get("/api/v1/admin/secret-circles").fails(403, "forbidden", "")
			var list listOf[struct {
				Name        string    `json:"name"`
				Hosts       []refJSON `json:"hosts"`
				MemberCount int       `json:"member_count"`
			}]
			v.admin.as(t).get("/api/v1/admin/secret-circles").ok(200, &list)
			if list.Total != 2 || list.Items[0].Name != "Quiet room" {
				t.Fatalf("secret circles = %+v", list)
			}
		})

		t.Run("Membership", func(t *testing.T) {
			var closed circleAPIJSON
			v.alice.as(t).post("/api/v1/circles", map[string]any{"name": "Closed", "kind": "closed"}).ok(201, &closed)
			c := "/api/v1/circles/" + closed.Key
			v.bob.as(t).put(c+"/membership").ok(202, nil)
			var same unchangedJSON
			v.bob.as(t).put(c+"/membership").ok(200, &same)
			v.alice.as(t).post(c+"/requests/bob", map[string]any{"decision": "approve"}).ok(204, nil)
			v.alice.as(t).put(c+"/hosts/bob").ok(204, nil)
			v.alice.as(t).put(c+"/hosts/bob").ok(200, &same)
			v.alice.as(t).del(c+"/membership").ok(204, nil)
			v.bob.as(t).del(c+"/membership").fails(403, "forbidden", "")
			v.bob.as(t).del(c+"/hosts/bob").fails(422, "invalid", "handle")
			v.alice.as(t).put(c+"/membership").ok(202, nil)
			v.bob.as(t).post(c+"/requests/alice", map[string]any{"decision": "approve"}).ok(204, nil)
			v.bob.as(t).del(c+"/members/alice").ok(204, nil)
			v.bob.as(t).del(c+"/members/alice").ok(200, &same)
		})
	})
}

// unchangedJSON is the answer to a change that had nothing to do.
type unchangedJSON struct {
	Changed bool   `json:"changed"`
	Message string `json:"message"`
}

// TestPatchCircle: a circle's hosts change its name and description;
// others are refused, a bad field is named, a secret circle is not found.
func TestPatchCircle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var open, secret circleAPIJSON
		v.alice.as(t).post("/api/v1/circles", map[string]any{"name": "Open water", "kind": "open"}).ok(201, &open)
		v.alice.as(t).post("/api/v1/circles", map[string]any{"name": "Quiet room", "kind": "secret"}).ok(201, &secret)
		at := "/api/v1/circles/" + open.Key
		var got circleAPIJSON
		v.alice.as(t).patch(at, map[string]any{"name": "Deep water"}).ok(200, &got)
		if got.Name != "Deep water" || got.Kind != "open" {
			t.Fatalf("patched %+v", got)
		}
		v.alice.as(t).patch(at, map[string]any{"name": " "}).fails(422, "invalid", "name")
		v.bob.as(t).put(at+"/membership").ok(204, nil)
		v.bob.as(t).patch(at, map[string]any{"name": "Mine now"}).fails(403, "forbidden", "")
		v.admin.as(t).patch(at, map[string]any{"name": "Mine now"}).fails(403, "forbidden", "")
		v.admin.as(t).patch("/api/v1/circles/"+secret.Key, map[string]any{"name": "Found"}).fails(404, "not_found", "")
		v.alice.as(t).get(at).ok(200, &got)
		if got.Name != "Deep water" {
			t.Fatalf("after refusals: %+v", got)
		}
	})
}
