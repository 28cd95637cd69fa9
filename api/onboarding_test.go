package api_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

type checklistJSON struct {
	Done      bool `json:"done"`
	Remaining int  `json:"remaining"`
	Items     []struct {
		Key    string `json:"key"`
		Done   bool   `json:"done"`
		Detail string `json:"detail"`
		URL    string `json:"url"`
	} `json:"items"`
	HubsWithoutCoordinator []struct {
		Slug string `json:"slug"`
	} `json:"hubs_without_coordinator"`
}

func TestChecklist(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.alice.as(t).get("/api/v1/network/checklist").fails(403, "forbidden", "")
		v.anon.as(t).get("/api/v1/network/checklist").fails(401, "unauthorized", "")

		var c checklistJSON
		v.admin.as(t).get("/api/v1/network/checklist").ok(200, &c)
		done := map[string]bool{}
		for _, it := range c.Items {
			done[it.Key] = it.Done
		}
		// Rome exists, with members but no coordinator; no description,
		// no discussion.
		want := map[string]bool{"describe": false, "hubs": true, "coordinators": false, "invite": true, "discussion": false}
		for k, w := range want {
			if done[k] != w {
				t.Errorf("%s done = %v, want %v", k, done[k], w)
			}
		}
		if c.Done || c.Remaining != 3 || len(c.HubsWithoutCoordinator) != 1 || c.HubsWithoutCoordinator[0].Slug != "rome" {
			t.Fatalf("checklist = %+v", c)
		}
		if c.Items[2].URL != v.s.URL+"/hubs/rome/coordinators" {
			t.Errorf("coordinators url = %q", c.Items[2].URL)
		}

		v.admin.as(t).patch("/api/v1/network", map[string]any{"description": "For KM people."}).ok(200, nil)
		v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Hello", "body": "First", "audience": "network"}).ok(201, nil)
		v.admin.as(t).get("/api/v1/network/checklist").ok(200, &c)
		if !c.Done || c.Remaining != 0 {
			t.Fatalf("all done? %+v", c)
		}
		// A hub without a coordinator undoes it again.
		v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": "Nairobi"}).ok(201, nil)
		v.admin.as(t).get("/api/v1/network/checklist").ok(200, &c)
		if c.Done || c.Remaining != 1 {
			t.Fatalf("after Nairobi: %+v", c)
		}
	})
}

func TestSuggestedHubs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": "Nairobi", "city": "Nairobi", "join_policy": "request"}).ok(201, nil)
		v.admin.as(t).post("/api/v1/hubs", map[string]any{"name": "Secret", "join_policy": "invitation"}).ok(201, nil)
		type suggestions struct {
			Items []struct {
				Slug   string `json:"slug"`
				Reason string `json:"reason"`
				Join   string `json:"join"`
			} `json:"items"`
		}
		var s suggestions
		v.bob.as(t).get("/api/v1/me/suggested-hubs").ok(200, &s)
		if len(s.Items) != 2 || s.Items[0].Slug != "rome" || s.Items[0].Join != "join" || s.Items[1].Slug != "nairobi" ||
			s.Items[1].Join != "request" || s.Items[1].Reason != "largest" {
			t.Fatalf("bob's suggestions = %+v", s)
		}
		v.bob.as(t).patch("/api/v1/me", map[string]any{"city": "nairobi"}).ok(200, nil)
		v.bob.as(t).get("/api/v1/me/suggested-hubs").ok(200, &s)
		if len(s.Items) != 2 || s.Items[0].Slug != "nairobi" || s.Items[0].Reason != "same_city" {
			t.Fatalf("bob in Nairobi: %+v", s)
		}
		// alice is in Rome: not suggested to her.
		v.alice.as(t).get("/api/v1/me/suggested-hubs").ok(200, &s)
		if len(s.Items) != 1 || s.Items[0].Slug != "nairobi" {
			t.Fatalf("alice's suggestions = %+v", s)
		}
		v.anon.as(t).get("/api/v1/me/suggested-hubs").fails(401, "unauthorized", "")
	})
}

func TestProfileMissing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var me struct {
			Missing []string `json:"profile_missing"`
		}
		v.bob.as(t).get("/api/v1/me").ok(200, &me)
		if len(me.Missing) != 4 || me.Missing[0] != "organisation" || me.Missing[3] != "expertise" {
			t.Fatalf("missing = %v", me.Missing)
		}
		v.bob.as(t).patch("/api/v1/me", map[string]any{"organisation": "FAO", "city": "Rome",
			"languages": []string{"en"}, "expertise": []string{"knowledge cafés"}}).ok(200, &me)
		if me.Missing == nil || len(me.Missing) != 0 {
			t.Fatalf("missing after completing = %v", me.Missing)
		}
	})
}

func TestUnchangedAnswers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		type unchanged struct {
			Changed *bool  `json:"changed"`
			Message string `json:"message"`
		}
		check := func(r *response, msg string) {
			t.Helper()
			var u unchanged
			r.ok(200, &u)
			if u.Changed == nil || *u.Changed || u.Message != msg {
				t.Fatalf("answer = %+v, want %q", u, msg)
			}
		}
		check(v.bob.as(t).del("/api/v1/hubs/rome/membership"), "You are not a member of the hub, nor waiting to join it.")
		check(v.alice.as(t).put("/api/v1/hubs/rome/membership"), "You are a member of the hub already.")
		v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
		check(v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice"), "@alice coordinates the hub already.")
		v.admin.as(t).del("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
		check(v.admin.as(t).del("/api/v1/hubs/rome/coordinators/alice"), "@alice does not coordinate the hub.")
		v.alice.as(t).del("/api/v1/hubs/rome/membership").ok(204, nil)

		// A hub that takes requests: asking twice is one request, and the
		// second answer says so; approving twice changes nothing.
		v.admin.as(t).patch("/api/v1/hubs/rome", map[string]any{"join_policy": "request"}).ok(200, nil)
		v.bob.as(t).put("/api/v1/hubs/rome/membership").ok(202, nil)
		check(v.bob.as(t).put("/api/v1/hubs/rome/membership"), "You asked to join the hub already; a coordinator will decide.")
		v.admin.as(t).post("/api/v1/hubs/rome/requests/bob", map[string]any{"decision": "approve"}).ok(204, nil)
		r := v.admin.as(t).post("/api/v1/hubs/rome/requests/bob", map[string]any{"decision": "approve"})
		var u unchanged
		r.ok(200, &u)
		if u.Changed == nil || *u.Changed || !strings.Contains(u.Message, "already") {
			t.Fatalf("approving twice: %+v", u)
		}
	})
}
