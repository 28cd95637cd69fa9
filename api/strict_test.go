package api_test

import (
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

// TestStrictBodies sends bodies that encoding/json alone would take (a
// field given twice keeps the last; a field in the wrong case fills the
// right one) or that name a field the endpoint does not have: each is
// refused with 400 naming the field, and nothing is written.
func TestStrictBodies(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		threads := func(t *testing.T) int {
			var l listOf[threadJSON]
			v.alice.as(t).get("/api/v1/threads").ok(200, &l)
			return l.Total
		}
		for _, c := range []struct {
			name, method, path, body, field string
		}{
			{"DuplicateKey", "POST", "/api/v1/threads", `{"title":"One","body":"x","title":"Two"}`, "title"},
			{"DuplicateKeyLater", "POST", "/api/v1/threads", `{"body":"x","title":"One","body":"y"}`, "body"},
			{"CaseOnly", "POST", "/api/v1/threads", `{"Title":"One","body":"x"}`, "Title"},
			{"CaseOnlyUpper", "POST", "/api/v1/threads", `{"title":"One","BODY":"x"}`, "BODY"},
			{"UnknownField", "POST", "/api/v1/threads", `{"title":"One","body":"x","pinned":true}`, "pinned"},
			{"ProfileDuplicate", "PATCH", "/api/v1/me", `{"name":"A","name":"B"}`, "name"},
			{"ProfileCase", "PATCH", "/api/v1/me", `{"Name":"Mallory"}`, "Name"},
			{"ProfileUnknown", "PATCH", "/api/v1/me", `{"email":"x@example.org"}`, "email"},
			{"ProfileListDuplicate", "PATCH", "/api/v1/me", `{"languages":["en"],"languages":["it"]}`, "languages"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := threads(t)
				var me memberJSON
				v.alice.as(t).get("/api/v1/me").ok(200, &me)

				r := v.alice.as(t).raw(c.method, c.path, "application/json", []byte(c.body))
				d := r.fails(400, "bad_request", c.field)
				if d.Message == "" {
					t.Fatalf("no message: %s", r.Body)
				}

				if after := threads(t); after != before {
					t.Errorf("%d threads before, %d after a refused body", before, after)
				}
				var again memberJSON
				v.alice.as(t).get("/api/v1/me").ok(200, &again)
				if again.Name != me.Name || len(again.Languages) != len(me.Languages) {
					t.Errorf("profile changed by a refused body: %+v, was %+v", again, me)
				}
			})
		}

		t.Run("ExactNamesAccepted", func(t *testing.T) {
			v.alice.as(t).raw("PATCH", "/api/v1/me", "application/json",
				[]byte(`{"name":"Alice A","languages":["en"],"bio":"{\"name\":1,\"name\":2}"}`)).ok(200, nil)
		})
	})
}
