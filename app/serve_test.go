package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// serving starts a Sharefair on dir and returns a function that stops it
// and gives what Serve returned.
func serving(t *testing.T, dir string) (*app.App, func() error) {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.DataDir = dir
	cfg.Hash = testutil.CheapHash
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	return a, func() error {
		cancel()
		return <-done
	}
}

// TestServeRefusesASecondOnSQLite: while one Sharefair serves a data
// directory, another is refused at start; once the first stops, it may.
func TestServeRefusesASecondOnSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, stop := serving(t, dir)
	time.Sleep(100 * time.Millisecond)
	_, stop2 := serving(t, dir)
	if err := stop2(); !errors.Is(err, store.ErrServedElsewhere) {
		t.Fatalf("a second Sharefair on the same directory: %v, want refused", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, stop3 := serving(t, dir)
	time.Sleep(100 * time.Millisecond)
	if err := stop3(); err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
}

// TestServeRunsJobs: the background jobs run while Sharefair serves: the
// hourly sweep is scheduled and done at start.
func TestServeRunsJobs(t *testing.T) {
	a, stop := serving(t, filepath.Join(t.TempDir(), "data"))
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	admin := testutil.MustCreateMember(t, a.DB, "admin", sharefair.RoleAdmin)
	deadline := time.Now().Add(10 * time.Second)
	for {
		counts, err := a.DB.JobCounts(testutil.As(admin))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range counts {
			if c.Kind == app.JobSweep && c.Done == 1 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sweep done after 10 s: %+v", counts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
