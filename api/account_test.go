package api_test

import (
	"regexp"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestDeleteMe: DELETE /me asks for the password and a choice for the
// posts, naming the field it misses; refuses the last admin with 409; and
// deletes: the token stops working, the profile answers 404, the thread's
// author reads as a former member with no handle, and no answer to another
// member holds the member's handle or name.
func TestDeleteMe(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		name := "Qwixotle Deletable"
		if _, err := v.s.DB.UpdateMember(testutil.As(v.aliceM), v.aliceM.ID, sharefair.MemberUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		var th threadJSON
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Kept", "body": "Alice's words."}).ok(201, &th)
		v.bob.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Thanks @alice."}).ok(201, nil)

		v.alice.as(t).do("DELETE", "/api/v1/me", map[string]any{"current_password": "correct horse battery"}).fails(422, "invalid", "posts")
		v.alice.as(t).do("DELETE", "/api/v1/me", map[string]any{"current_password": "wrong password", "posts": "keep"}).fails(422, "invalid", "current_password")
		v.admin.as(t).do("DELETE", "/api/v1/me", map[string]any{"current_password": "correct horse battery", "posts": "keep"}).fails(409, "conflict", "")

		v.alice.as(t).do("DELETE", "/api/v1/me", map[string]any{"current_password": "correct horse battery", "posts": "keep"}).ok(204, nil)
		v.alice.as(t).get("/api/v1/me").fails(401, "unauthorized", "")
		v.bob.as(t).get("/api/v1/members/alice").fails(404, "not_found", "")
		var got threadJSON
		v.bob.as(t).get(path("/api/v1/threads/%d", th.ID)).ok(200, &got)
		if got.Author == nil || got.Author.Name != sharefair.FormerMemberName || got.Author.Handle != "" {
			t.Fatalf("author after deletion: %+v", got.Author)
		}
		leak := regexp.MustCompile(`(?i)qwixotle|@alice\b|"alice"`)
		for _, p := range []string{path("/api/v1/threads/%d", th.ID), path("/api/v1/threads/%d/posts", th.ID), "/api/v1/members", "/api/v1/threads"} {
			r := v.bob.as(t).get(p).ok(200, nil)
			if m := leak.Find(r.Body); m != nil {
				t.Errorf("%s shows %q: %s", p, m, r.Body)
			}
		}
	})
}

// TestPasswordResetAPI: a reset link's secret sets a new password once;
// a bad password is named, a used secret is refused on token.
func TestPasswordResetAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		secret, err := v.s.DB.CreatePasswordReset(testutil.Operator(), v.aliceM.Email)
		if err != nil {
			t.Fatal(err)
		}
		v.anon.as(t).post("/api/v1/password-reset", map[string]any{"token": secret, "password": "short"}).fails(422, "invalid", "password")
		v.anon.as(t).post("/api/v1/password-reset", map[string]any{"token": secret, "password": "a new long password"}).ok(204, nil)
		v.anon.as(t).post("/api/v1/password-reset", map[string]any{"token": secret, "password": "a new long password"}).fails(422, "invalid", "token")

		// Asking for a link by email: the same answer for any address.
		v.anon.as(t).post("/api/v1/password-reset/request", map[string]any{"email": v.aliceM.Email}).ok(202, nil)
		v.anon.as(t).post("/api/v1/password-reset/request", map[string]any{"email": "nobody@example.org"}).ok(202, nil)
		v.anon.as(t).post("/api/v1/password-reset/request", map[string]any{"email": "not an address"}).fails(422, "invalid", "email")
		alice := v.alice.as(t)
		alice.post("/api/v1/me/email", map[string]any{"email": "alice@new.example", "current_password": "wrong"}).fails(422, "invalid", "current_password")
		alice.post("/api/v1/me/email", map[string]any{"email": "nope", "current_password": "a new long password"}).fails(422, "invalid", "email")
		v.anon.as(t).post("/api/v1/email-change", map[string]any{"token": "not-one"}).fails(422, "invalid", "token")
		items, _, err := v.s.DB.Outbox(testutil.As(v.s.Admin), sharefair.Page{})
		if err != nil || len(items) != 1 || items[0].Kind != "password_reset" || items[0].To != v.aliceM.Email || items[0].State != "queued" {
			t.Fatalf("the outbox: %+v, %v", items, err)
		}
	})
}
