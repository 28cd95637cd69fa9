package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

// setupEnv is a network waiting to be set up, with its setup code
// prepared, and a signed-out client.
type setupEnv struct {
	s       *testutil.Server
	anon    *client
	created newMemberJSON // the first admin, when set up
}

// setupFixture starts a network waiting to be set up and, when done, sets
// it up by a request like those OnlyOnce races.
func setupFixture(t *testing.T, e testutil.Engine, done bool) *setupEnv {
	t.Helper()
	s := testutil.NewServer(t, e, testutil.WithoutAdmin())
	const code = "ABCD-EFGH-JKMN"
	if ok, err := s.DB.PrepareSetup(context.Background(), code); err != nil || !ok {
		t.Fatalf("prepare setup: %v, %v", ok, err)
	}
	f := &setupEnv{s: s, anon: newClient(t, s, "")}
	if done {
		f.anon.as(t).post("/api/v1/setup", setupRequest("first")).ok(201, &f.created)
	}
	return f
}

// setupRequest is a valid setup for a first admin with the given handle.
func setupRequest(handle string) map[string]any {
	return map[string]any{"code": "abcd efgh jkmn", "network_name": "KM4Dev", "email": handle + "@example.org",
		"handle": handle, "name": "First Admin", "password": "a long enough password"}
}

func TestSetup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// A network no subtest sets up, and one set up already, shared by
		// the subtests that are refused, look, or (TokenWorks) add a hub
		// no other reads; OnlyOnce, which sets one up, starts its own
		// (setupFixture).
		f, done := setupFixture(t, e, false), setupFixture(t, e, true)
		anon := f.anon
		setup := setupRequest
		t.Run("StatusBefore", func(t *testing.T) {
			var st struct {
				SetUp bool `json:"set_up"`
			}
			anon.as(t).get("/api/v1/setup").ok(200, &st)
			if st.SetUp {
				t.Fatal("set up already")
			}
		})
		t.Run("ErrWrongCode", func(t *testing.T) {
			b := setup("first")
			b["code"] = "WRONG-CODE-0000"
			anon.as(t).post("/api/v1/setup", b).fails(401, "unauthorized", "code")
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			b := setup("first")
			b["network_name"], b["password"] = " ", "short"
			d := anon.as(t).post("/api/v1/setup", b).fails(422, "invalid", "network_name")
			if d.Fields["password"] == "" {
				t.Fatalf("fields = %v", d.Fields)
			}
		})
		t.Run("OnlyOnce", func(t *testing.T) {
			s := setupFixture(t, e, false).s
			var created newMemberJSON
			// Two setups race: exactly one succeeds, the other conflicts.
			statuses := make([]int, 2)
			bodies := make([]newMemberJSON, 2)
			var wg sync.WaitGroup
			for i, handle := range []string{"first", "second"} {
				wg.Go(func() {
					raw := `{"code":"ABCD-EFGH-JKMN","network_name":"KM4Dev","email":"` + handle + `@example.org","handle":"` +
						handle + `","name":"First Admin","password":"a long enough password"}`
					req, _ := http.NewRequest("POST", s.URL+"/api/v1/setup", strings.NewReader(raw))
					req.Header.Set("Content-Type", "application/json")
					res, err := s.Client().Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					defer res.Body.Close()
					statuses[i] = res.StatusCode
					if res.StatusCode == 201 {
						decodeBody(t, res, &bodies[i])
					}
				})
			}
			wg.Wait()
			if !(statuses[0] == 201 && statuses[1] == 409) && !(statuses[0] == 409 && statuses[1] == 201) {
				t.Fatalf("statuses = %v, want one 201 and one 409", statuses)
			}
			created = bodies[0]
			if statuses[1] == 201 {
				created = bodies[1]
			}
			if created.Member.Role != "admin" || created.Member.Email == nil || created.Secret == "" {
				t.Fatalf("created = %+v", created)
			}
		})
		t.Run("ErrAgain", func(t *testing.T) {
			anon := done.anon
			anon.as(t).post("/api/v1/setup", setup("third")).fails(409, "conflict", "")
		})
		t.Run("StatusAfter", func(t *testing.T) {
			anon := done.anon
			var st struct {
				SetUp bool `json:"set_up"`
			}
			anon.as(t).get("/api/v1/setup").ok(200, &st)
			if !st.SetUp {
				t.Fatal("not set up")
			}
		})
		t.Run("TokenWorks", func(t *testing.T) {
			admin := newClient(t, done.s, done.created.Secret)
			var n struct {
				Name  string `json:"name"`
				SetUp bool   `json:"set_up"`
			}
			admin.get("/api/v1/network").ok(200, &n)
			if n.Name != "KM4Dev" || !n.SetUp {
				t.Fatalf("network = %+v", n)
			}
			admin.post("/api/v1/hubs", map[string]any{"name": "Rome"}).ok(201, nil)
		})
	})
}

func TestNetwork(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		t.Run("Rename", func(t *testing.T) {
			var n struct {
				Name string `json:"name"`
			}
			v.admin.as(t).patch("/api/v1/network", map[string]any{"name": " KM4Dev Network "}).ok(200, &n)
			if n.Name != "KM4Dev Network" {
				t.Fatalf("network = %+v", n)
			}
			v.bob.as(t).get("/api/v1/network").ok(200, &n)
			if n.Name != "KM4Dev Network" {
				t.Fatalf("network = %+v", n)
			}
		})
		t.Run("ErrNotAdmin", func(t *testing.T) {
			v.bob.as(t).patch("/api/v1/network", map[string]any{"name": "Mine"}).fails(403, "forbidden", "")
		})
		t.Run("ErrNameRequired", func(t *testing.T) {
			v.admin.as(t).patch("/api/v1/network", map[string]any{"name": ""}).fails(422, "invalid", "name")
		})
		t.Run("Health", func(t *testing.T) {
			var h struct {
				Status string `json:"status"`
			}
			v.anon.as(t).get("/api/v1/health").ok(200, &h)
			if h.Status != "ok" {
				t.Fatalf("health = %+v", h)
			}
		})
	})
}
