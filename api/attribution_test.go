package api_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/testutil"
)

// lockedBuffer is a log sink the server writes from its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestAttribution: through the API a thread is started under the Chatham
// House rule and a reply written anonymously; readers get no author, the
// pseudonym, and the day alone; the author sees their own; an unknown
// attribution is refused naming the field, and nothing is written.
func TestAttribution(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		logs := &lockedBuffer{}
		v := newEnv(t, e, testutil.WithConfig(func(c *app.Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) }))
		v.s.Clock.T = time.Date(2026, 3, 5, 16, 49, 7, 0, time.UTC)
		var th threadJSON
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "Frank", "body": "Opening.", "chatham_house": true}).ok(201, &th)
		if !th.ChathamHouse || th.Author == nil || th.Author.Handle != "alice" {
			t.Fatalf("the author's new thread: chatham %v, author %+v", th.ChathamHouse, th.Author)
		}
		v.s.Clock.T = time.Date(2026, 3, 5, 17, 5, 0, 0, time.UTC)
		var reply postJSON
		v.bob.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Bob, under the rule."}).ok(201, &reply)
		if reply.Attribution != "chatham" || reply.Pseudonym == nil || *reply.Pseudonym != "Participant 2" || !reply.Mine {
			t.Fatalf("bob's reply: %+v", reply)
		}
		v.s.Clock.T = time.Date(2026, 3, 5, 16, 49, 8, 0, time.UTC)
		var anon postJSON
		r := v.alice.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "Unsigned.", "attribution": "anonymous"}).ok(201, &anon)
		// The log lines of the three writes (each logged once its answer
		// is written) name no client.
		rid := r.Header.Get("X-Request-Id")
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "request_id="+rid) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "method=POST") && (strings.Contains(l, "client=") || !strings.Contains(l, "unattributed=true")) {
				t.Errorf("a hidden-author write is logged with its client: %s", l)
			}
		}
		if strings.Count(logs.String(), "unattributed=true") != 3 {
			t.Errorf("want three unattributed writes logged: %s", logs.String())
		}
		if anon.Attribution != "anonymous" || anon.Pseudonym != nil || anon.Author == nil {
			t.Fatalf("alice's anonymous reply, to her: %+v", anon)
		}
		for _, c := range []*client{v.bob, v.admin} {
			var got threadJSON
			c.as(t).get(path("/api/v1/threads/%d", th.ID)).ok(200, &got)
			if got.Author != nil || !got.ChathamHouse || !got.CreatedAt.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("the thread to another: author %+v, chatham %v, created %v", got.Author, got.ChathamHouse, got.CreatedAt)
			}
			var list struct{ Items []postJSON }
			r := c.as(t).get(path("/api/v1/threads/%d/posts", th.ID)).ok(200, &list)
			if strings.Contains(string(r.Body), "alice") || strings.Contains(string(r.Body), "16:49") {
				t.Errorf("the posts show alice or her time of day: %s", r.Body)
			}
			if len(list.Items) != 3 || *list.Items[0].Pseudonym != "Participant 1" || list.Items[2].Pseudonym != nil ||
				list.Items[2].Attribution != "anonymous" {
				t.Errorf("the posts to another: %s", r.Body)
			}
		}
		v.alice.as(t).post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "x", "attribution": "chatham"}).
			fails(422, "invalid", "attribution")
		v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "T", "body": "x", "attribution": "secret"}).
			fails(422, "invalid", "attribution")
		var list struct{ Total int }
		v.admin.as(t).get("/api/v1/threads").ok(200, &list)
		if list.Total != 1 {
			t.Errorf("%d threads after the refusals, want 1", list.Total)
		}
	})
}
