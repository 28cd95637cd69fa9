package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// GET /me/export answers the viewer's own data as a dated attachment,
// in the documented shape (the client checks it against openapi.json),
// and nothing of anyone else's, whoever asks.
func TestExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Alice asks", "audience": "network",
			"body": "alice's own words"}).ok(201, &th)
		v.bob.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "bob's reply words"}).ok(201, nil)
		v.bob.as(t).post("/api/v1/tokens", map[string]any{"name": "bob's secret tool"}).ok(201, nil)

		res := v.alice.as(t).get("/api/v1/me/export").ok(200, nil)
		want := `attachment; filename="sharefair-alice-` + v.s.Clock.T.Format("2006-01-02") + `.json"`
		if got := res.Header.Get("Content-Disposition"); got != want {
			t.Errorf("Content-Disposition = %q, want %q", got, want)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var x sharefair.MemberExport
		dec := json.NewDecoder(bytes.NewReader(res.Body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&x); err != nil {
			t.Fatalf("export: %v", err)
		}
		if x.Profile.Handle != "alice" || len(x.Posts) != 1 || x.Posts[0].Source != "alice's own words" ||
			x.Posts[0].Thread.Title != "Alice asks" || len(x.Tokens) != 1 {
			t.Errorf("export = %+v", x)
		}
		for _, s := range []string{"bob", v.alice.token, v.bob.token} {
			if bytes.Contains(res.Body, []byte(s)) {
				t.Errorf("%q in alice's export", s)
			}
		}

		// A network admin gets their own file, whatever they add to ask.
		res = v.admin.as(t).get("/api/v1/me/export?member=alice&handle=alice").ok(200, nil)
		if bytes.Contains(res.Body, []byte("alice")) || !strings.Contains(res.Header.Get("Content-Disposition"), "sharefair-admin-") {
			t.Errorf("admin's export holds alice's data: %s", res.Body)
		}

		res = v.anon.as(t).get("/api/v1/me/export")
		res.fails(401, sharefair.EUNAUTHORIZED, "")
		if res.Header.Get("Content-Disposition") != "" {
			t.Errorf("an error is sent as a file")
		}
	})
}
