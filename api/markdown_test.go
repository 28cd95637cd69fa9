package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair/internal/testutil"
)

// wideTable is the reported attack: 8,400 characters of table with 1,400
// columns, which once rendered to 19.6 MB.
var wideTable = "|" + strings.Repeat("a|", 1400) + "\n|" + strings.Repeat("-|", 1400) + "\n" + strings.Repeat("a\n", 1400)

// A post that would render past a limit is refused with 422 naming the body
// and saying the limit, on every operation that takes a post; nothing is saved.
func TestPostRenderLimits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Tables", "body": "A first post."}).ok(201, &th)
		var first listOf[postJSON]
		v.alice.as(t).get(path("/api/v1/threads/%d/posts", th.ID)).ok(200, &first)
		if len(first.Items) != 1 {
			t.Fatalf("posts = %+v", first)
		}
		postPath := path("/api/v1/posts/%d", first.Items[0].ID)

		for _, c := range []struct {
			name, body, want string
		}{
			{"WideTable", wideTable, "The post has a table with more than 50 columns."},
			{"ReferenceBomb", "[r]: /" + strings.Repeat("x", 9000) + "\n\n" + strings.Repeat("[a][r]", 1000),
				"The post repeats its reference links too often: together they would copy more than 50,000 characters of link addresses."},
			{"EmphasisMarks", strings.Repeat("*a", 5000), "The post has more than 2,000 emphasis marks (*, _ or ~)."},
		} {
			t.Run(c.name, func(t *testing.T) {
				start := time.Now()
				for _, d := range []struct {
					what string
					call func() *response
				}{
					{"create thread", func() *response {
						return v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Wide", "body": c.body})
					}},
					{"reply", func() *response {
						return v.alice.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": c.body})
					}},
					{"edit", func() *response { return v.alice.as(t).patch(postPath, map[string]any{"body": c.body}) }},
				} {
					if got := d.call().fails(422, "invalid", "body"); got.Fields["body"] != c.want {
						t.Errorf("%s: body error %q, want %q", d.what, got.Fields["body"], c.want)
					}
				}
				t.Logf("three refusals in %v", time.Since(start))
			})
		}

		var l listOf[threadJSON]
		v.alice.as(t).get("/api/v1/threads").ok(200, &l)
		if l.Total != 1 || l.Items[0].PostCount != 1 {
			t.Errorf("threads = %+v, want the first alone, with one post", l)
		}
		var p postJSON
		v.alice.as(t).get(postPath).ok(200, &p)
		if p.Body != "A first post." || p.EditedAt != nil {
			t.Errorf("first post = %+v, want it unchanged", p)
		}
	})
}
