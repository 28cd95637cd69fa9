package api_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

func TestHubDetails(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		t.Run("Create", func(t *testing.T) {
			var h hubJSON
			v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": "Lima", "city": "Lima", "time_zone": "America/Lima",
				"description": "We meet **monthly**.", "join_policy": "invitation"}).ok(201, &h)
			if h.City != "Lima" || h.TimeZone != "America/Lima" || h.JoinPolicy != "invitation" ||
				h.DescriptionHTML != "<p>We meet <strong>monthly</strong>.</p>\n" || h.Description != "We meet **monthly**." {
				t.Fatalf("hub = %+v", h)
			}
			if h.PendingRequests == nil || *h.PendingRequests != 0 {
				t.Fatalf("admin sees pending requests %v", h.PendingRequests)
			}
		})
		t.Run("Defaults", func(t *testing.T) {
			var h hubJSON
			v.alice.as(t).get("/api/v1/hubs/rome").ok(200, &h)
			if h.TimeZone != "UTC" || h.JoinPolicy != "open" || h.PendingRequests != nil || h.ViewerRequested {
				t.Fatalf("hub = %+v", h)
			}
		})
		for _, c := range []struct {
			name, field string
			body        map[string]any
		}{
			{"ErrTimeZone", "time_zone", map[string]any{"name": "Mars", "time_zone": "Mars/Olympus_Mons"}},
			{"ErrTimeZoneLocal", "time_zone", map[string]any{"name": "Here", "time_zone": "Local"}},
			{"ErrJoinPolicy", "join_policy", map[string]any{"name": "Secret", "join_policy": "secret"}},
			{"ErrCity", "city", map[string]any{"name": "Long", "city": strings.Repeat("c", 101)}},
		} {
			t.Run(c.name, func(t *testing.T) {
				v.admin.as(t).post("/api/v1/hubs", c.body).fails(422, "invalid", c.field)
			})
		}
		t.Run("ErrPatchTimeZone", func(t *testing.T) {
			v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"time_zone": ""}).fails(422, "invalid", "time_zone")
		})
	})
}

func TestJoinPolicies(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var h hubJSON
		// By request: bob asks, alice (a member, not a coordinator) may
		// neither set the policy nor see requests; the admin approves.
		v.alice.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "request"}).fails(403, "forbidden", "")
		v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "request"}).ok(200, &h)
		if h.JoinPolicy != "request" {
			t.Fatalf("policy = %q", h.JoinPolicy)
		}
		var out struct {
			Status string `json:"status"`
		}
		v.bob.as(t).put("/api/v1/hubs/rome/membership").ok(202, &out)
		if out.Status != "requested" {
			t.Fatalf("status = %q", out.Status)
		}
		v.bob.as(t).get("/api/v1/hubs/rome").ok(200, &h)
		if !h.ViewerRequested || h.ViewerRole != nil || h.PendingRequests != nil {
			t.Fatalf("bob sees %+v", h)
		}
		v.alice.as(t).get("/api/v1/hubs/rome/requests").fails(403, "forbidden", "")
		v.alice.as(t).post("/api/v1/hubs/rome/requests/bob", map[string]any{"decision": "approve"}).fails(403, "forbidden", "")
		var l listOf[struct {
			Member refJSON `json:"member"`
		}]
		v.admin.as(t).get("/api/v1/hubs/rome/requests").ok(200, &l)
		if l.Total != 1 || len(l.Items) != 1 || l.Items[0].Member.Handle != "bob" {
			t.Fatalf("requests = %+v", l)
		}
		v.admin.as(t).post("/api/v1/hubs/rome/requests/bob", map[string]any{"decision": "maybe"}).fails(422, "invalid", "decision")
		v.admin.as(t).post("/api/v1/hubs/rome/requests/bob", map[string]any{}).fails(422, "invalid", "decision")
		// alice is in the hub already: approving her changes nothing, and says so.
		var same struct {
			Changed *bool  `json:"changed"`
			Message string `json:"message"`
		}
		v.admin.as(t).post("/api/v1/hubs/rome/requests/alice", map[string]any{"decision": "approve"}).ok(200, &same)
		if same.Changed == nil || *same.Changed || same.Message != "@alice is a member of the hub already." {
			t.Fatalf("approve a member = %+v", same)
		}
		v.admin.as(t).post("/api/v1/hubs/rome/requests/alice", map[string]any{"decision": "decline"}).fails(404, "not_found", "handle")
		v.admin.as(t).post("/api/v1/hubs/rome/requests/bob", map[string]any{"decision": "approve"}).ok(204, nil)
		v.bob.as(t).get("/api/v1/hubs/rome").ok(200, &h)
		if h.ViewerRole == nil || *h.ViewerRole != "member" || h.ViewerRequested || h.MemberCount != 2 {
			t.Fatalf("approved bob sees %+v", h)
		}
		v.bob.as(t).del("/api/v1/hubs/rome/membership").ok(204, nil)

		// By invitation only: asking is refused.
		v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "invitation"}).ok(200, &h)
		v.bob.as(t).put("/api/v1/hubs/rome/membership").fails(403, "forbidden", "")

		// Opening needs confirm_open.
		v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "open"}).fails(422, "invalid", "confirm_open")
		v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "open", "confirm_open": false}).fails(422, "invalid", "confirm_open")
		v.bob.as(t).get("/api/v1/hubs/rome").ok(200, &h)
		if h.JoinPolicy != "invitation" {
			t.Fatalf("opened without confirmation: %q", h.JoinPolicy)
		}
		v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "open", "confirm_open": true}).ok(200, &h)
		v.bob.as(t).put("/api/v1/hubs/rome/membership").ok(204, nil)
	})
}
