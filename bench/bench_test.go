package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair/internal/testutil"
)

// TestRunTiny runs the whole benchmark at a tiny scale on each engine, so
// that it cannot rot. It checks that the run measured what it claims to,
// never how fast anything was.
func TestRunTiny(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			cfg.Scale = TinyScale
			cfg.Hash = testutil.CheapHash
			cfg.Conns, cfg.Rate = 8, 50
			cfg.Duration, cfg.Warmup = 200*time.Millisecond, 50*time.Millisecond
			cfg.DataDir = t.TempDir()
			if e == testutil.Postgres {
				if cfg.DatabaseURL = os.Getenv(testutil.PostgresEnv); cfg.DatabaseURL == "" {
					testutil.SkipOrFail(t, "the PostgreSQL bench needs "+testutil.PostgresEnv)
				}
			}
			var progress bytes.Buffer
			cfg.Progress = &progress
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			rep, err := Run(ctx, cfg)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, progress.String())
			}
			if rep.Engine != string(e) {
				t.Errorf("engine = %q, want %q", rep.Engine, e)
			}
			if rep.SeedTime <= 0 || rep.Threads < 2 {
				t.Errorf("seeding: %s, %d threads", rep.SeedTime, rep.Threads)
			}
			var names []string
			for _, p := range rep.Pages {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, PageNames) {
				t.Fatalf("pages = %v, want %v", names, PageNames)
			}
			for _, p := range rep.Pages {
				checkPage(t, p, cfg)
			}
			for _, thread := range rep.Pages[:3] {
				if want := TinyScale.Replies + 1; thread.Posts != want {
					t.Errorf("%s page shows %d posts, want %d", thread.Name, thread.Posts, want)
				}
				if thread.OutsiderStatus != http.StatusNotFound {
					t.Errorf("a member outside the hub got %d for its thread, want 404", thread.OutsiderStatus)
				}
			}
			// The author sees edit links on their posts; the reader none.
			// (Counted, not weighed: the reader, a coordinator, has an
			// entry more in the navigation.)
			for _, author := range []PageResult{rep.Pages[0], rep.Pages[2]} {
				if a, r := author.EditLinks, rep.Pages[1].EditLinks; a == 0 || r != 0 {
					t.Errorf("edit links: %d on the author's page %s, %d on the reader's; want some and none", a, author.Name, r)
				}
			}
			checkReport(t, rep)
			if e == testutil.SQLite {
				// The temporary database is gone.
				if left, _ := os.ReadDir(cfg.DataDir); len(left) != 0 {
					t.Errorf("left behind in the data directory: %v", left)
				}
			}
		})
	}
}

// checkPage checks one page's figures for sanity.
func checkPage(t *testing.T, p PageResult, cfg Config) {
	t.Helper()
	if p.Headers.Get("Content-Encoding") != "gzip" || !strings.Contains(p.Headers.Get("Vary"), "Accept-Encoding") {
		t.Errorf("%s: headers %v: want a gzipped response that varies on Accept-Encoding", p.Name, p.Headers)
	}
	if p.BodyBytes <= 0 || p.HTMLBytes <= p.BodyBytes {
		t.Errorf("%s: %d bytes gzipped, %d of HTML", p.Name, p.BodyBytes, p.HTMLBytes)
	}
	for name, tp := range map[string]Throughput{"app": p.App, "baseline": p.Baseline} {
		if tp.Requests <= 0 || tp.PerSecond <= 0 || tp.Statuses[http.StatusOK] <= 0 {
			t.Errorf("%s %s: %d requests, %.1f/s, statuses %v", p.Name, name, tp.Requests, tp.PerSecond, tp.Statuses)
		}
		if tp.Errors != 0 {
			t.Errorf("%s %s: %d errors (statuses %v)", p.Name, name, tp.Errors, tp.Statuses)
		}
		// Every response was the captured page, byte for byte in length.
		if tp.MinBodyBytes != int64(p.BodyBytes) || tp.MaxBodyBytes != int64(p.BodyBytes) {
			t.Errorf("%s %s: bodies of %d to %d bytes, want %d each", p.Name, name, tp.MinBodyBytes, tp.MaxBodyBytes, p.BodyBytes)
		}
		if tp.Conns != cfg.Conns || tp.Duration < cfg.Duration {
			t.Errorf("%s %s: %d connections for %s, want %d for at least %s", p.Name, name, tp.Conns, tp.Duration, cfg.Conns, cfg.Duration)
		}
	}
	if p.Ratio <= 0 {
		t.Errorf("%s: ratio %f", p.Name, p.Ratio)
	}
	for name, l := range map[string]Latency{"app": p.Latency, "baseline": p.BaselineLatency} {
		wantSent := int64(cfg.Rate * cfg.Duration.Seconds())
		if l.Sent != wantSent || l.Completed != l.Sent || l.Errors != 0 {
			t.Errorf("%s %s latency: sent %d, completed %d, errors %d; want %d sent and answered", p.Name, name, l.Sent, l.Completed, l.Errors, wantSent)
		}
		if l.P50 <= 0 || l.P90 < l.P50 || l.P99 < l.P90 || l.Max < l.P99 {
			t.Errorf("%s %s latency: p50 %s, p90 %s, p99 %s, max %s", p.Name, name, l.P50, l.P90, l.P99, l.Max)
		}
	}
}

// checkReport checks that both outputs carry the figures and the caveat.
func checkReport(t *testing.T, rep *Report) {
	t.Helper()
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, want := range []string{"shares the machine's", rep.Engine + " thread: ", rep.Engine + " home: ", "p99"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if len(back.Pages) != len(rep.Pages) || back.Pages[0].Latency.P99 != rep.Pages[0].Latency.P99 {
		t.Errorf("JSON report does not round-trip: %s", js.String())
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond} {
		if got := percentile(d, p); got != want {
			t.Errorf("p%.0f = %s, want %s", p, got, want)
		}
	}
	if got := percentile(d[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one = %s", got)
	}
}

func TestScaleValidate(t *testing.T) {
	for _, s := range []Scale{{Members: 2, Hubs: 1, Posts: 10, Replies: 1}, {Members: 10, Hubs: 0, Posts: 10},
		{Members: 10, Hubs: 1, Posts: 5, Replies: 10}, {Members: 10, Hubs: 99, Posts: 10}} {
		if err := s.validate(); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
	if err := DefaultScale.validate(); err != nil {
		t.Errorf("default scale: %v", err)
	}
}

// TestWriterPost checks the generated Markdown is the size asked for and
// mentions real handles only.
func TestWriterPost(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	people := newPeople(rnd, 50)
	w := &writer{rnd: rnd}
	seen := map[string]bool{}
	for _, p := range people {
		if seen[p.handle] {
			t.Fatalf("handle %q given twice", p.handle)
		}
		seen[p.handle] = true
		w.handles = append(w.handles, p.handle)
	}
	mentions := 0
	for range 200 {
		body := w.post(500)
		if n := len(body); n < 450 || n > 1200 {
			t.Errorf("post of %d bytes, want about 500", n)
		}
		for _, f := range strings.Fields(body) {
			if h, ok := strings.CutPrefix(f, "@"); ok {
				mentions++
				if !seen[h] {
					t.Errorf("mention of unknown handle %q", h)
				}
			}
		}
	}
	if mentions == 0 {
		t.Error("no post mentions anyone")
	}
}
