package api_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
)

const alicePassword = "correct horse battery" // testutil.MustCreateMember's

// tokensFixture makes on v, by the requests Password and Create check,
// alice's token from her password ("backup script", returned) and her
// "laptop" token.
func tokensFixture(t *testing.T, v *env) createdTokenJSON {
	t.Helper()
	var ct createdTokenJSON
	v.anon.as(t).post("/api/v1/tokens/password", map[string]any{"email": " ALICE@example.org", "password": alicePassword,
		"name": "backup script"}).ok(201, &ct)
	v.alice.as(t).post("/api/v1/tokens", map[string]any{"name": "laptop"}).ok(201, nil)
	return ct
}

func TestTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// The cast, which no subtest changes: each makes its own tokens
		// (tokensFixture), and List, which counts them, its own server.
		v := newEnv(t, e)
		t.Run("Password", func(t *testing.T) {
			var ct createdTokenJSON
			v.anon.as(t).post("/api/v1/tokens/password", map[string]any{"email": " ALICE@example.org", "password": alicePassword,
				"name": "backup script"}).ok(201, &ct)
			if !strings.HasPrefix(ct.Secret, "sf_") || ct.Token.Name != "backup script" || !strings.HasSuffix(ct.Secret, ct.Token.Hint) {
				t.Fatalf("token = %+v", ct)
			}
			var m memberJSON
			newClient(t, v.s, ct.Secret).get("/api/v1/me").ok(200, &m)
			if m.Handle != "alice" {
				t.Fatalf("me = %+v", m)
			}
		})
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"ErrWrongPassword", map[string]any{"email": "alice@example.org", "password": "wrong password", "name": "x"}, 401, "unauthorized", ""},
			{"ErrUnknownEmail", map[string]any{"email": "nobody@example.org", "password": alicePassword, "name": "x"}, 401, "unauthorized", ""},
			{"ErrNameRequired", map[string]any{"email": "alice@example.org", "password": alicePassword}, 422, "invalid", "name"},
			{"ErrNameTooLong", map[string]any{"email": "alice@example.org", "password": alicePassword, "name": strings.Repeat("n", 81)}, 422, "invalid", "name"},
		} {
			t.Run(c.name, func(t *testing.T) {
				v.anon.as(t).post("/api/v1/tokens/password", c.body).fails(c.status, c.code, c.field)
			})
		}
		t.Run("Create", func(t *testing.T) {
			var nt createdTokenJSON
			v.alice.as(t).post("/api/v1/tokens", map[string]any{"name": "laptop"}).ok(201, &nt)
			if nt.Secret == "" || nt.Token.Name != "laptop" {
				t.Fatalf("token = %+v", nt)
			}
			v.alice.as(t).post("/api/v1/tokens", map[string]any{"name": ""}).fails(422, "invalid", "name")
		})
		t.Run("List", func(t *testing.T) {
			v := newEnv(t, e)
			ct := tokensFixture(t, v)
			var l listOf[tokenJSON]
			r := v.alice.as(t).get("/api/v1/tokens").ok(200, &l)
			// The test token, the password one and the laptop one.
			if l.Total != 3 || len(l.Items) != 3 {
				t.Fatalf("tokens = %+v", l)
			}
			if strings.Contains(string(r.Body), ct.Secret) || strings.Contains(string(r.Body), `"secret"`) {
				t.Fatalf("a listing shows secrets: %s", r.Body)
			}
			v.bob.as(t).get("/api/v1/tokens").ok(200, &l)
			if l.Total != 1 {
				t.Fatalf("bob's tokens = %+v", l)
			}
		})
		t.Run("Revoke", func(t *testing.T) {
			ct := tokensFixture(t, v)
			id := strconv.FormatInt(ct.Token.ID, 10)
			v.bob.as(t).del("/api/v1/tokens/"+id).fails(404, "not_found", "")
			v.alice.as(t).del("/api/v1/tokens/"+id).ok(204, nil)
			newClient(t, v.s, ct.Secret).get("/api/v1/me").fails(401, "unauthorized", "")
			v.alice.as(t).del("/api/v1/tokens/"+id).fails(404, "not_found", "")
		})
	})
}

func TestTokenRateLimited(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		rate := auth.Rate{Events: 3, Per: time.Hour}
		v := newEnv(t, e, testutil.WithSignInRates(rate, auth.Rate{Events: 100, Per: time.Hour}))
		wrong := map[string]any{"email": "alice@example.org", "password": "not the password", "name": "x"}
		for range 3 {
			v.anon.as(t).post("/api/v1/tokens/password", wrong).fails(401, "unauthorized", "")
		}
		r := v.anon.as(t).post("/api/v1/tokens/password", wrong)
		r.fails(429, "rate_limited", "")
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
		}
		// Even the right password waits.
		right := map[string]any{"email": "alice@example.org", "password": alicePassword, "name": "x"}
		v.anon.as(t).post("/api/v1/tokens/password", right).fails(429, "rate_limited", "")
		// Other accounts are not locked out.
		right["email"] = "bob@example.org"
		v.anon.as(t).post("/api/v1/tokens/password", right).ok(201, nil)
	})
}

func TestTokenRateLimitedByAddress(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		rate := auth.Rate{Events: 3, Per: time.Hour}
		v := newEnv(t, e, testutil.WithSignInRates(auth.Rate{Events: 100, Per: time.Hour}, rate))
		for i := range 3 {
			v.anon.as(t).post("/api/v1/tokens/password", map[string]any{"email": "nobody" + strconv.Itoa(i) + "@example.org",
				"password": "whatever it is", "name": "x"}).fails(401, "unauthorized", "")
		}
		r := v.anon.as(t).post("/api/v1/tokens/password", map[string]any{"email": "alice@example.org", "password": alicePassword, "name": "x"})
		r.fails(429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("no Retry-After")
		}
	})
}
