package store_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/jobs"
	"github.com/sharefair/sharefair/store"
)

// TestJobsClaim: due jobs are claimed once each, a lease that runs out
// makes a job due again (its next run counted), a failure is retried when
// its time comes or fails the job for good, a key makes a job unique, and
// a worker that lost its lease records nothing.
func TestJobsClaim(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &testutil.Clock{T: time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		kinds := []string{"a", "b"}
		for i := range 3 {
			if _, added, err := db.EnqueueJob(ctx, jobs.New{Kind: "a", Payload: strconv.Itoa(i)}); err != nil || !added {
				t.Fatalf("enqueue: %v %v", added, err)
			}
		}
		later, _, err := db.EnqueueJob(ctx, jobs.New{Kind: "b", RunAt: clock.T.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, added, err := db.EnqueueJob(ctx, jobs.New{Kind: "c", Key: "slot-1"}); err != nil || !added {
			t.Fatalf("keyed: %v %v", added, err)
		}
		if _, added, err := db.EnqueueJob(ctx, jobs.New{Kind: "c", Key: "slot-1"}); err != nil || added {
			t.Fatalf("the same key again: added %v, %v", added, err)
		}

		first, err := db.ClaimJobs(ctx, "w1", kinds, 2, time.Minute)
		if err != nil || len(first) != 2 || first[0].Attempt != 1 || first[0].Payload != "0" || first[1].Payload != "1" {
			t.Fatalf("first claim: %+v, %v", first, err)
		}
		second, err := db.ClaimJobs(ctx, "w2", kinds, 5, time.Minute)
		if err != nil || len(second) != 1 || second[0].Payload != "2" {
			t.Fatalf("second claim: %+v, %v (the job due in an hour is not due)", second, err)
		}
		if none, _ := db.ClaimJobs(ctx, "w2", kinds, 5, time.Minute); len(none) != 0 {
			t.Fatalf("claimed again: %+v", none)
		}
		if err := db.CompleteJob(ctx, first[0].ID, "w1"); err != nil {
			t.Fatal(err)
		}
		if err := db.FailJob(ctx, first[1].ID, "w1", "smtp down", clock.T.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		// w2 holds the third past its lease: it is due again, and w2's
		// late word is not taken.
		clock.Advance(2 * time.Minute)
		again, err := db.ClaimJobs(ctx, "w3", kinds, 5, time.Minute)
		if err != nil || len(again) != 2 {
			t.Fatalf("after the lease and the retry time: %+v, %v", again, err)
		}
		byPayload := map[string]jobs.Job{}
		for _, j := range again {
			byPayload[j.Payload] = j
		}
		if byPayload["1"].Attempt != 2 || byPayload["2"].Attempt != 2 || byPayload["2"].ID != second[0].ID {
			t.Fatalf("runs counted: %+v", again)
		}
		if err := db.CompleteJob(ctx, second[0].ID, "w2"); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("w2 completes a job it lost: %v, want the lease lost", err)
		}
		if err := db.FailJob(ctx, byPayload["2"].ID, "w3", "gone for good", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := db.CompleteJob(ctx, byPayload["1"].ID, "w3"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		last, err := db.ClaimJobs(ctx, "w3", kinds, 5, time.Minute)
		if err != nil || len(last) != 1 || last[0].ID != later {
			t.Fatalf("an hour on: %+v, %v (the failed job stays failed)", last, err)
		}

		// A job whose worker stops on its last allowed run fails for good
		// rather than come back for ever.
		if _, _, err := db.EnqueueJob(ctx, jobs.New{Kind: "a", Payload: "fragile", MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
		if js, err := db.ClaimJobs(ctx, "w4", kinds, 1, time.Minute); err != nil || len(js) != 1 || js[0].Payload != "fragile" {
			t.Fatalf("claim the fragile job: %+v, %v", js, err)
		}
		clock.Advance(2 * time.Minute)
		if js, err := db.ClaimJobs(ctx, "w4", []string{"a"}, 5, time.Minute); err != nil || len(js) != 0 {
			t.Fatalf("the fragile job, its one run's lease run out: claimed %+v, %v", js, err)
		}

		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		member := testutil.MustCreateMember(t, db, "member", sharefair.RoleMember)
		counts, err := db.JobCounts(testutil.As(admin))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]sharefair.JobCount{"a": {Kind: "a", Done: 2, Failed: 2}, "b": {Kind: "b", Running: 1}, "c": {Kind: "c", Ready: 1}}
		for _, c := range counts {
			w := want[c.Kind]
			if c.Ready != w.Ready || c.Running != w.Running || c.Done != w.Done || c.Failed != w.Failed {
				t.Errorf("%s: %+v, want %+v", c.Kind, c, w)
			}
			if c.Kind == "a" && (c.LastError != "its worker stopped before the end of every run it was given" || c.LastErrorAt == nil ||
				!c.LastErrorAt.Equal(clock.T)) {
				t.Errorf("a's latest failure = %q at %v, want the fragile job's, now", c.LastError, c.LastErrorAt)
			}
		}
		_, err = db.JobCounts(testutil.As(member))
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
	})
}

// TestJobsRunners: two runners on one database run each of many jobs
// exactly once between them; a job whose worker stopped mid-way runs once
// more, with the same number; a failing job is retried until it succeeds.
// On PostgreSQL the runners have connections of their own, as two
// instances would.
func TestJobsRunners(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			url := testutil.DatabaseURL(t, e)
			open := func() *store.DB {
				db, err := store.Open(context.Background(), store.Options{URL: url, Synchronous: "NORMAL"})
				if err != nil {
					t.Fatal(err)
				}
				db.Hasher = auth.NewHasher(testutil.CheapHash)
				t.Cleanup(func() { db.Close() })
				return db
			}
			db1, db2 := open(), open()
			ctx := context.Background()
			// A worker that stopped holding a job: its lease runs out.
			if _, _, err := db1.EnqueueJob(ctx, jobs.New{Kind: "count", Payload: "orphan"}); err != nil {
				t.Fatal(err)
			}
			orphan, err := db1.ClaimJobs(ctx, "stopped", []string{"count"}, 1, 200*time.Millisecond)
			if err != nil || len(orphan) != 1 || orphan[0].Payload != "orphan" {
				t.Fatalf("claim: %+v %v", orphan, err)
			}
			const n = 300
			for i := range n {
				if _, _, err := db1.EnqueueJob(ctx, jobs.New{Kind: "count", Payload: strconv.Itoa(i)}); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := db1.EnqueueJob(ctx, jobs.New{Kind: "flaky", MaxAttempts: 5}); err != nil {
				t.Fatal(err)
			}

			var mu sync.Mutex
			runs := map[string]int{}
			runBy := map[string]string{}
			attempts := map[string]int{}
			var flakyRuns int
			done := make(chan struct{})
			handlers := func(worker string) map[string]jobs.Handler {
				return map[string]jobs.Handler{
					"count": func(_ context.Context, j jobs.Job) error {
						mu.Lock()
						defer mu.Unlock()
						runs[j.Payload]++
						runBy[j.Payload] = worker
						attempts[j.Payload] = j.Attempt
						if j.Payload == "orphan" && j.ID != orphan[0].ID {
							t.Errorf("the orphan ran as job %d, was %d", j.ID, orphan[0].ID)
						}
						if len(runs) == n+1 && flakyRuns >= 3 {
							select {
							case <-done:
							default:
								close(done)
							}
						}
						return nil
					},
					"flaky": func(_ context.Context, j jobs.Job) error {
						mu.Lock()
						defer mu.Unlock()
						flakyRuns++
						if j.Attempt < 3 {
							return errors.New("not yet")
						}
						if len(runs) == n+1 {
							select {
							case <-done:
							default:
								close(done)
							}
						}
						return nil
					},
				}
			}
			rctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for i, db := range []*store.DB{db1, db2} {
				w := fmt.Sprintf("instance-%d", i+1)
				r := &jobs.Runner{Store: db, Worker: w, Handlers: handlers(w), Workers: 3, Poll: 20 * time.Millisecond}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := r.Run(rctx); err != nil {
						t.Error(err)
					}
				}()
			}
			// The flaky job's retries wait 10 s and more: bring its
			// next run forward each time it fails.
			hurry := time.NewTicker(50 * time.Millisecond)
			defer hurry.Stop()
			timeout := time.After(60 * time.Second)
		wait:
			for {
				select {
				case <-done:
					break wait
				case <-hurry.C:
					if err := db1.Exec(ctx, `UPDATE jobs SET run_at = $1 WHERE kind = 'flaky' AND state = 'ready'`, time.Now().UTC()); err != nil {
						t.Fatal(err)
					}
				case <-timeout:
					mu.Lock()
					t.Fatalf("after a minute %d of %d jobs ran, the flaky one %d times", len(runs), n+1, flakyRuns)
				}
			}
			stop()
			wg.Wait()
			per := map[string]int{}
			for p, c := range runs {
				if c != 1 {
					t.Errorf("job %s ran %d times", p, c)
				}
				per[runBy[p]]++
			}
			if attempts["orphan"] != 2 {
				t.Errorf("the orphan ran at attempt %d, want 2 (once more after its worker stopped)", attempts["orphan"])
			}
			if flakyRuns != 3 {
				t.Errorf("the flaky job ran %d times, want 3", flakyRuns)
			}
			t.Logf("%d jobs, run by %v", len(runs), per)
			if e == testutil.Postgres && (per["instance-1"] == 0 || per["instance-2"] == 0) {
				t.Errorf("one instance ran everything: %v", per)
			}
		})
	}
}

// TestSweep: the hourly sweep deletes expired sessions and old finished
// jobs, and keeps the rest.
func TestSweep(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &testutil.Clock{T: time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		m := testutil.MustCreateMember(t, db, "member", sharefair.RoleMember)
		if _, err := db.CreateSession(ctx, m.ID, sharefair.SessionClient{}); err != nil {
			t.Fatal(err)
		}
		doneID, _, _ := db.EnqueueJob(ctx, jobs.New{Kind: "k"})
		if js, _ := db.ClaimJobs(ctx, "w", []string{"k"}, 1, time.Minute); len(js) != 1 {
			t.Fatal("claim")
		}
		if err := db.CompleteJob(ctx, doneID, "w"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(sharefair.SessionTTL + 8*24*time.Hour)
		fresh, err := db.CreateSession(ctx, m.ID, sharefair.SessionClient{})
		if err != nil {
			t.Fatal(err)
		}
		pending, _, _ := db.EnqueueJob(ctx, jobs.New{Kind: "k"})
		if err := db.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		var sessions, left int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&sessions); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE id IN ($1, $2)`, doneID, pending).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if sessions != 1 || left != 1 {
			t.Fatalf("after the sweep: %d sessions (want the fresh one), %d of the done and the pending job (want the pending)", sessions, left)
		}
		if _, err := db.MemberBySession(ctx, fresh); err != nil {
			t.Fatalf("the fresh session: %v", err)
		}
	})
}
