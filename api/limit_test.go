package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
)

// limited checks a refusal over a limit: 429 rate_limited, a message, and
// Retry-After of about want seconds.
func limited(t *testing.T, r *response, want time.Duration) {
	t.Helper()
	d := r.fails(429, "rate_limited", "")
	got, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || time.Duration(got)*time.Second < want-time.Second || time.Duration(got)*time.Second > want+time.Second {
		t.Fatalf("%s: Retry-After %q, want about %s (%s)", r.req, r.Header.Get("Retry-After"), want, d.Message)
	}
}

// TestWriteLimitsAPI runs with the real default limits: a member posts 30
// times in 10 minutes, and invites 100 people a day, and no more.
func TestWriteLimitsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e, testutil.WithWriteLimits(app.DefaultPostLimit, app.DefaultInvitationLimit))
		limit := app.DefaultPostLimit
		var th threadJSON
		v.bob.as(t).post("/api/v1/threads", map[string]any{"title": "Many replies", "body": "Opening."}).ok(201, &th)
		path := fmt.Sprintf("/api/v1/threads/%d/posts", th.ID)
		for i := 1; i < limit.Events; i++ {
			v.bob.as(t).post(path, map[string]any{"body": fmt.Sprint("Reply ", i)}).ok(201, nil)
		}
		limited(t, v.bob.as(t).post(path, map[string]any{"body": "One too many."}), limit.Per)
		limited(t, v.bob.as(t).post("/api/v1/threads", map[string]any{"title": "Another", "body": "Opening."}), limit.Per)
		v.bob.as(t).get(fmt.Sprintf("/api/v1/threads/%d", th.ID)).ok(200, &th)
		if th.PostCount != limit.Events {
			t.Fatalf("%d posts written, want %d", th.PostCount, limit.Events)
		}
		// Others post on.
		v.alice.as(t).post(path, map[string]any{"body": "Alice's."}).ok(201, nil)
		v.s.Clock.Advance(limit.Per)
		v.bob.as(t).post(path, map[string]any{"body": "Later."}).ok(201, nil)

		il := app.DefaultInvitationLimit
		var inv struct {
			Invitation struct {
				ID int64 `json:"id"`
			} `json:"invitation"`
		}
		for i := range il.Events {
			v.admin.as(t).post("/api/v1/invitations", map[string]any{"email": fmt.Sprintf("p%d@example.org", i)}).ok(201, &inv)
		}
		limited(t, v.admin.as(t).post("/api/v1/invitations", map[string]any{"email": "late@example.org"}), il.Per)
		limited(t, v.admin.as(t).post(fmt.Sprintf("/api/v1/invitations/%d/resend", inv.Invitation.ID), nil), il.Per)
		limited(t, v.admin.as(t).post(fmt.Sprintf("/api/v1/invitations/%d/link", inv.Invitation.ID), nil), il.Per)
		var list listOf[map[string]any]
		v.admin.as(t).get("/api/v1/invitations?per_page=1").ok(200, &list)
		if list.Total != il.Events {
			t.Fatalf("%d invitations made, want %d", list.Total, il.Events)
		}
	})
}

// TestWriteLimitsConcurrentAPI: requests sent at once cannot all take the
// last places.
func TestWriteLimitsConcurrentAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e, testutil.WithWriteLimits(auth.Rate{Events: 5, Per: time.Hour}, auth.Rate{Events: 3, Per: time.Hour}))
		var th threadJSON
		v.bob.as(t).post("/api/v1/threads", map[string]any{"title": "Race", "body": "Opening."}).ok(201, &th)
		race := func(n int, path func(i int) string, body func(i int) string, token string) map[int]int {
			var wg sync.WaitGroup
			var mu sync.Mutex
			got := map[int]int{}
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					req, _ := http.NewRequest("POST", v.s.URL+path(i), bytes.NewReader([]byte(body(i))))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					<-start
					res, err := v.s.Client().Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
					if res.StatusCode == 429 && res.Header.Get("Retry-After") == "" {
						t.Error("429 without Retry-After")
					}
					mu.Lock()
					got[res.StatusCode]++
					mu.Unlock()
				})
			}
			close(start)
			wg.Wait()
			return got
		}
		bob := v.s.Token(t, v.bobM)
		got := race(20, func(int) string { return fmt.Sprintf("/api/v1/threads/%d/posts", th.ID) },
			func(i int) string { return fmt.Sprintf(`{"body":"Reply %d"}`, i) }, bob)
		if got[201] != 4 || got[429] != 16 {
			t.Fatalf("replies at once: %v, want 4 written and 16 refused", got)
		}
		admin := v.s.Token(t, v.s.Admin)
		got = race(10, func(int) string { return "/api/v1/invitations" },
			func(i int) string { return fmt.Sprintf(`{"email":"r%d@example.org"}`, i) }, admin)
		if got[201] != 3 || got[429] != 7 {
			t.Fatalf("invitations at once: %v, want 3 made and 7 refused", got)
		}
	})
}
