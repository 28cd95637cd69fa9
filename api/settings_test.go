package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

type sessionJSON struct {
	Ref           string    `json:"ref"`
	CreatedAt     time.Time `json:"created_at"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	ClientAddress string    `json:"client_address"`
	UserAgent     string    `json:"user_agent"`
	Current       bool      `json:"current"`
}

// cookieClient calls the API as a browser does: with m's session cookie,
// no token.
func cookieClient(t *testing.T, s *testutil.Server, m *sharefair.Member) *client {
	c := newClient(t, s, "")
	c.http = s.Browser(t, m)
	return c
}

func TestPasswordAndSessionsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		here, there := cookieClient(t, v.s, v.bobM), cookieClient(t, v.s, v.bobM)

		var list listOf[sessionJSON]
		here.as(t).get("/api/v1/me/sessions").ok(200, &list)
		if list.Total != 2 || len(list.Items) != 2 || list.Items[0].Current == list.Items[1].Current {
			t.Fatalf("sessions = %+v", list)
		}
		// With a token, no session is the current one.
		v.bob.as(t).get("/api/v1/me/sessions").ok(200, &list)
		if list.Total != 2 || list.Items[0].Current || list.Items[1].Current {
			t.Fatalf("sessions by token = %+v", list)
		}
		v.anon.as(t).get("/api/v1/me/sessions").fails(401, "unauthorized", "")

		t.Run("ErrWrongCurrent", func(t *testing.T) {
			here.as(t).post("/api/v1/me/password", map[string]any{"current_password": "nope nope nope", "new_password": "a fresh passphrase"}).
				fails(422, "invalid", "current_password")
		})
		t.Run("ErrNewTooShort", func(t *testing.T) {
			here.as(t).post("/api/v1/me/password", map[string]any{"current_password": "correct horse battery", "new_password": "short"}).
				fails(422, "invalid", "new_password")
		})
		t.Run("ErrUnknownField", func(t *testing.T) {
			here.as(t).post("/api/v1/me/password", map[string]any{"current_password": "correct horse battery", "password": "x"}).
				fails(400, "bad_request", "password")
		})
		here.as(t).post("/api/v1/me/password", map[string]any{"current_password": "correct horse battery",
			"new_password": "a fresh passphrase"}).ok(204, nil)
		here.as(t).get("/api/v1/me").ok(200, nil)
		there.as(t).get("/api/v1/me").fails(401, "unauthorized", "")
		// Tokens stay.
		v.bob.as(t).get("/api/v1/me").ok(200, nil)

		// Ending a session by its ref; someone else's is not found.
		v.bob.as(t).get("/api/v1/me/sessions").ok(200, &list)
		if list.Total != 1 {
			t.Fatalf("after the change, sessions = %+v", list)
		}
		v.alice.as(t).del("/api/v1/me/sessions/"+list.Items[0].Ref).fails(404, "not_found", "")
		v.bob.as(t).del("/api/v1/me/sessions/"+list.Items[0].Ref).ok(204, nil)
		here.as(t).get("/api/v1/me").fails(401, "unauthorized", "")
		v.bob.as(t).del("/api/v1/me/sessions/"+list.Items[0].Ref).fails(404, "not_found", "")

		// From a script, every session ends.
		c := cookieClient(t, v.s, v.bobM)
		v.bob.as(t).post("/api/v1/me/password", map[string]any{"current_password": "a fresh passphrase",
			"new_password": "correct horse battery"}).ok(204, nil)
		c.as(t).get("/api/v1/me").fails(401, "unauthorized", "")
	})
}

func TestTokenBoundAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		// bob holds one token already, the one v.bob uses.
		for i := 1; i < sharefair.MaxTokens; i++ {
			v.bob.as(t).post("/api/v1/tokens", map[string]any{"name": "script"}).ok(201, nil)
		}
		d := v.bob.as(t).post("/api/v1/tokens", map[string]any{"name": "one too many"}).fails(409, "conflict", "name")
		if d.Message == "" {
			t.Fatal("no message")
		}
	})
}

func TestNetworkSettingsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var n struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			TimeZone    string `json:"time_zone"`
		}
		v.bob.as(t).get("/api/v1/network").ok(200, &n)
		if n.TimeZone != "UTC" || n.Description != "" {
			t.Fatalf("network = %+v", n)
		}
		before := n.Name
		v.bob.as(t).patch("/api/v1/network", map[string]any{"time_zone": "Europe/Rome"}).fails(403, "forbidden", "")
		v.admin.as(t).patch("/api/v1/network", map[string]any{"time_zone": "Europe/Rome", "description": " For KM people. "}).ok(200, &n)
		if n.TimeZone != "Europe/Rome" || n.Description != "For KM people." || n.Name != before {
			t.Fatalf("network = %+v", n)
		}
		v.admin.as(t).patch("/api/v1/network", map[string]any{"time_zone": "Mars/Olympus"}).fails(422, "invalid", "time_zone")
		v.admin.as(t).patch("/api/v1/network", map[string]any{"description": string(make([]byte, sharefair.MaxNetworkDescLen+1))}).
			fails(422, "invalid", "description")
		v.admin.as(t).patch("/api/v1/network", map[string]any{"time_zone": ""}).ok(200, &n)
		if n.TimeZone != "UTC" {
			t.Fatalf("an empty time zone gave %q, want UTC", n.TimeZone)
		}
	})
}

func TestSetupNetworkFieldsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		s := testutil.NewServer(t, e, testutil.WithoutAdmin())
		if ok, err := s.DB.PrepareSetup(context.Background(), "ABCD-EFGH-JKMN"); err != nil || !ok {
			t.Fatalf("prepare setup: %v, %v", ok, err)
		}
		anon := newClient(t, s, "")
		b := map[string]any{"code": "ABCD-EFGH-JKMN", "network_name": "KM4Dev", "network_description": "For KM people.",
			"time_zone": "Narnia/Cair_Paravel", "email": "first@example.org", "handle": "first", "name": "First", "password": "a long enough password"}
		anon.as(t).post("/api/v1/setup", b).fails(422, "invalid", "time_zone")
		b["time_zone"] = "America/Bogota"
		var created struct {
			Secret string `json:"secret"`
		}
		anon.as(t).post("/api/v1/setup", b).ok(201, &created)
		var n struct {
			Description string `json:"description"`
			TimeZone    string `json:"time_zone"`
		}
		newClient(t, s, created.Secret).as(t).get("/api/v1/network").ok(200, &n)
		if n.TimeZone != "America/Bogota" || n.Description != "For KM people." {
			t.Fatalf("network = %+v", n)
		}
	})
}
