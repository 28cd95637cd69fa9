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

// serving starts a Sharefair serving dir and returns a function that stops
// it and gives what Serve returned; or the error of app.New.
func serving(t *testing.T, dir string) (*app.App, func() error, error) {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.DataDir = dir
	cfg.Hash = testutil.CheapHash
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Serving = true
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	return a, func() error {
		cancel()
		err := <-done
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// TestServeRefusesASecondOnSQLite: while one Sharefair serves a data
// directory, another is refused at start, before it touches the
// database; once the first stops, it may.
func TestServeRefusesASecondOnSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, stop, err := serving(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := serving(t, dir); !errors.Is(err, store.ErrServedElsewhere) {
		t.Fatalf("a second Sharefair on the same directory: %v, want refused", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, stop3, err := serving(t, dir)
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	if err := stop3(); err != nil {
		t.Fatal(err)
	}
}

// TestServeRunsJobs: the background jobs run while Sharefair serves: the
// hourly sweep is scheduled and done at start.
func TestServeRunsJobs(t *testing.T) {
	a, stop, err := serving(t, filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
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
