package api_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// hubsFixture starts a server with the cast and, by the requests Create
// and Coordinators check, the Nairobi and Bangkok hubs and (when
// coordinator) alice coordinating Rome.
func hubsFixture(t *testing.T, e testutil.Engine, coordinator bool) *env {
	t.Helper()
	v := newEnv(t, e)
	v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": " Nairobi ", "description": "East Africa\r\nMonthly"}).ok(201, nil)
	v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": "Bangkok hub", "slug": "bkk"}).ok(201, nil)
	if coordinator {
		v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
	}
	return v
}

func TestHubs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// Two servers no subtest changes (JoinLeave leaves Nairobi as it
		// found it): v, and vc where alice coordinates Rome. The subtests
		// that make hubs or change one start their own (hubsFixture).
		v, vc := hubsFixture(t, e, false), hubsFixture(t, e, true)
		t.Run("Create", func(t *testing.T) {
			v := newEnv(t, e)
			var h hubJSON
			r := v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": " Nairobi ", "description": "East Africa\r\nMonthly"}).ok(201, &h)
			if h.Slug != "nairobi" || h.Name != "Nairobi" || h.Description != "East Africa\nMonthly" || h.ViewerRole != nil ||
				h.Coordinators == nil || h.MemberCount != 0 {
				t.Fatalf("hub = %+v", h)
			}
			if r.Header.Get("Location") != v.s.URL+"/api/v1/hubs/nairobi" {
				t.Errorf("Location = %q", r.Header.Get("Location"))
			}
			v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": "Bangkok hub", "slug": "bkk"}).ok(201, &h)
			if h.Slug != "bkk" {
				t.Fatalf("slug = %q", h.Slug)
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
			{"ErrNotAdmin", v.alice, map[string]any{"name": "Lima"}, 403, "forbidden", ""},
			{"ErrNameRequired", v.admin, map[string]any{"name": " "}, 422, "invalid", "name"},
			{"ErrNameTooLong", v.admin, map[string]any{"name": strings.Repeat("x", sharefair.MaxHubNameLen+1)}, 422, "invalid", "name"},
			{"ErrSlugInvalid", v.admin, map[string]any{"name": "Lima", "slug": "Lima!"}, 422, "invalid", "slug"},
			{"ErrNoSlugFromName", v.admin, map[string]any{"name": "東京"}, 422, "invalid", "slug"},
			{"ErrSlugTaken", v.admin, map[string]any{"name": "Rome again", "slug": "rome"}, 409, "conflict", "slug"},
			{"ErrDescriptionTooLong", v.admin, map[string]any{"name": "Lima", "description": strings.Repeat("d", sharefair.MaxHubDescLen+1)}, 422, "invalid", "description"},
		} {
			t.Run(c.name, func(t *testing.T) {
				c.client.as(t).post("/api/v1/hubs", c.body).fails(c.status, c.code, c.field)
			})
		}
		t.Run("List", func(t *testing.T) {
			var l listOf[hubJSON]
			v.alice.as(t).get("/api/v1/hubs").ok(200, &l)
			var got []string
			for _, h := range l.Items {
				got = append(got, h.Slug)
			}
			if strings.Join(got, ",") != "bkk,nairobi,rome" || l.Total != 3 {
				t.Fatalf("hubs = %v (%+v)", got, l)
			}
			if role := l.Items[2].ViewerRole; role == nil || *role != "member" || l.Items[2].MemberCount != 1 {
				t.Fatalf("rome = %+v", l.Items[2])
			}
			v.alice.as(t).get("/api/v1/hubs?per_page=2&page=2").ok(200, &l)
			if len(l.Items) != 1 || l.Items[0].Slug != "rome" || l.Total != 3 || l.Pages != 2 {
				t.Fatalf("page 2 = %+v", l)
			}
		})
		t.Run("ErrGetUnknown", func(t *testing.T) {
			v.alice.as(t).get("/api/v1/hubs/atlantis").fails(404, "not_found", "")
		})
		t.Run("Coordinators", func(t *testing.T) {
			v := hubsFixture(t, e, false)
			v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
			var h hubJSON
			v.alice.as(t).get("/api/v1/hubs/rome").ok(200, &h)
			if len(h.Coordinators) != 1 || h.Coordinators[0].Handle != "alice" || h.ViewerRole == nil || *h.ViewerRole != "coordinator" {
				t.Fatalf("hub = %+v", h)
			}
		})
		t.Run("ErrCoordinatorNotAdmin", func(t *testing.T) {
			v := vc
			v.alice.as(t).put("/api/v1/hubs/rome/coordinators/bob").fails(403, "forbidden", "")
			v.alice.as(t).del("/api/v1/hubs/rome/coordinators/alice").fails(403, "forbidden", "")
		})
		t.Run("ErrCoordinatorUnknown", func(t *testing.T) {
			v.admin.as(t).put("/api/v1/hubs/rome/coordinators/nobody").fails(404, "not_found", "handle")
			v.admin.as(t).put("/api/v1/hubs/atlantis/coordinators/bob").fails(404, "not_found", "")
			v.admin.as(t).del("/api/v1/hubs/atlantis/coordinators/bob").fails(404, "not_found", "")
			v.admin.as(t).del("/api/v1/hubs/rome/coordinators/nobody").fails(404, "not_found", "")
		})
		t.Run("StandDownNonMemberChangesNothing", func(t *testing.T) {
			v := vc
			// Standing down someone who never coordinated says so.
			var same struct {
				Changed *bool  `json:"changed"`
				Message string `json:"message"`
			}
			v.admin.as(t).del("/api/v1/hubs/rome/coordinators/bob").ok(200, &same)
			if same.Changed == nil || *same.Changed || same.Message != "@bob does not coordinate the hub." {
				t.Fatalf("stand down = %+v", same)
			}
			var h hubJSON
			v.bob.as(t).get("/api/v1/hubs/rome").ok(200, &h)
			if h.ViewerRole != nil {
				t.Fatalf("bob was put in the hub: %+v", h)
			}
		})
		t.Run("PatchByCoordinator", func(t *testing.T) {
			v := hubsFixture(t, e, true)
			var h hubJSON
			v.alice.as(t).patch("/api/v1/hubs/rome", map[string]any{"description": "Meets monthly."}).ok(200, &h)
			if h.Description != "Meets monthly." || h.Name != "Rome" {
				t.Fatalf("hub = %+v", h)
			}
			v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"name": "Roma"}).ok(200, &h)
			if h.Name != "Roma" || h.Description != "Meets monthly." || h.Slug != "rome" {
				t.Fatalf("hub = %+v", h)
			}
		})
		t.Run("ErrPatch", func(t *testing.T) {
			v := vc
			v.bob.as(t).patch("/api/v1/hubs/rome", map[string]any{"name": "Mine"}).fails(403, "forbidden", "")
			v.alice.as(t).patch("/api/v1/hubs/rome", map[string]any{"name": ""}).fails(422, "invalid", "name")
			v.admin.as(t).patch("/api/v1/hubs/atlantis", map[string]any{"name": "x"}).fails(404, "not_found", "")
			v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"slug": "roma"}).fails(400, "bad_request", "slug")
		})
		t.Run("StandDown", func(t *testing.T) {
			v := hubsFixture(t, e, true)
			v.admin.as(t).del("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
			var h hubJSON
			v.alice.as(t).get("/api/v1/hubs/rome").ok(200, &h)
			if len(h.Coordinators) != 0 || h.ViewerRole == nil || *h.ViewerRole != "member" {
				t.Fatalf("hub = %+v", h)
			}
		})
		t.Run("JoinLeave", func(t *testing.T) {
			c := v.bob.as(t)
			c.put("/api/v1/hubs/nairobi/membership").ok(204, nil)
			c.put("/api/v1/hubs/nairobi/membership").ok(200, nil) // twice is harmless, and said
			var h hubJSON
			c.get("/api/v1/hubs/nairobi").ok(200, &h)
			if h.ViewerRole == nil || *h.ViewerRole != "member" || h.MemberCount != 1 {
				t.Fatalf("hub = %+v", h)
			}
			var l listOf[memberJSON]
			c.get("/api/v1/hubs/nairobi/members").ok(200, &l)
			if l.Total != 1 || l.Items[0].Handle != "bob" {
				t.Fatalf("members = %+v", l)
			}
			c.del("/api/v1/hubs/nairobi/membership").ok(204, nil)
			c.get("/api/v1/hubs/nairobi").ok(200, &h)
			if h.ViewerRole != nil || h.MemberCount != 0 {
				t.Fatalf("hub = %+v", h)
			}
			c.put("/api/v1/hubs/atlantis/membership").fails(404, "not_found", "")
			c.del("/api/v1/hubs/atlantis/membership").fails(404, "not_found", "")
		})
		t.Run("Members", func(t *testing.T) {
			var l listOf[memberJSON]
			v.bob.as(t).get("/api/v1/hubs/rome/members?q=ali").ok(200, &l)
			if l.Total != 1 || l.Items[0].Handle != "alice" {
				t.Fatalf("members = %+v", l)
			}
			v.bob.as(t).get("/api/v1/hubs/atlantis/members").fails(404, "not_found", "")
		})
		t.Run("Threads", func(t *testing.T) {
			var th threadJSON
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Roman", "hub": "rome", "body": "x"}).ok(201, &th)
			v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Everyone", "body": "x"}).ok(201, nil)
			var l listOf[threadJSON]
			v.alice.as(t).get("/api/v1/hubs/rome/threads").ok(200, &l)
			if l.Total != 1 || l.Items[0].ID != th.ID {
				t.Fatalf("threads = %+v", l)
			}
			v.alice.as(t).get("/api/v1/hubs/atlantis/threads").fails(404, "not_found", "")
		})
	})
}
