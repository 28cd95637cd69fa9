// Package jobs runs Sharefair's background work: jobs kept in the
// database, claimed by a pool of workers beside the HTTP server, retried
// with back-off when they fail, and recurring jobs scheduled by time slot.
//
// The state is the store's (a jobs table claimed with UPDATE … RETURNING,
// FOR UPDATE SKIP LOCKED on PostgreSQL): a restart loses nothing, since a
// job a stopped worker held is due again once its lease runs out, and any
// number of instances share one PostgreSQL database without claiming one
// job twice. A job may so run more than once when its worker stops between
// doing the work and recording it: handlers make their effect idempotent
// by the job's number (a message's Message-ID is made from it).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Job is one claimed job, as its handler gets it.
type Job struct {
	ID      int64
	Kind    string
	Key     string
	Payload string
	// Attempt counts this run: 1 the first time.
	Attempt, MaxAttempts int
}

// New is a job to enqueue.
type New struct {
	Kind    string
	Key     string // when set, at most one job of the kind has it
	Payload string
	RunAt   time.Time // zero: now
	// MaxAttempts bounds the runs before the job is failed for good;
	// DefaultMaxAttempts when zero.
	MaxAttempts int
}

// DefaultMaxAttempts is how often a job is tried unless it says otherwise:
// with the back-off (10 s doubling to an hour), over about a day, so that
// a mail relay down for an afternoon loses nothing.
const DefaultMaxAttempts = 30

// Store keeps the jobs. The store package implements it.
type Store interface {
	// EnqueueJob adds a job, reporting false when one of its kind and
	// key exists already.
	EnqueueJob(ctx context.Context, j New) (int64, bool, error)
	// ClaimJobs leases up to n due jobs of the given kinds to worker
	// until now+lease: ready ones whose time has come, and running ones
	// whose lease ran out. No two claims get one job.
	ClaimJobs(ctx context.Context, worker string, kinds []string, n int, lease time.Duration) ([]Job, error)
	// CompleteJob records job id as done, if worker still holds it, else
	// ErrLeaseLost.
	CompleteJob(ctx context.Context, id int64, worker string) error
	// FailJob records a failed run of job id, if worker still holds it
	// (else ErrLeaseLost): due again at retryAt, or failed for good when
	// retryAt is zero.
	FailJob(ctx context.Context, id int64, worker, reason string, retryAt time.Time) error
}

// Handler does one job. An error fails the run, to be retried; an error
// wrapping ErrPermanent fails the job for good.
type Handler func(ctx context.Context, j Job) error

// ErrLeaseLost is what recording a run answers when its worker no longer
// held the job: the lease ran out, and another run may have it.
var ErrLeaseLost = errors.New("the lease ran out before the run was recorded")

// ErrPermanent marks an error no retry can mend (a payload that does not
// parse, what the job was for gone).
var ErrPermanent = errors.New("permanent")

// Recurring is a job run every Every, scheduled once per time slot
// (the time truncated to Every) whatever the number of instances.
type Recurring struct {
	Kind  string
	Every time.Duration
}

// Runner claims and runs jobs until its context ends.
type Runner struct {
	Store    Store
	Handlers map[string]Handler
	// Recurring are scheduled by every runner; their slot keys them.
	Recurring []Recurring
	// Worker names this runner's leases: unique per process.
	Worker string
	// Workers is how many jobs run at once (2 when zero); Poll how often
	// an idle runner looks for due jobs (1 s); Lease how long a claim
	// holds (5 min), of which a run is given nine tenths.
	// Grace is how long runs in progress go on after the stop (5 s).
	Workers int
	Poll    time.Duration
	Lease   time.Duration
	Grace   time.Duration
	Now     func() time.Time
	Logger  *slog.Logger

	wake chan struct{}
	once sync.Once
}

func (r *Runner) init() {
	r.once.Do(func() {
		r.wake = make(chan struct{}, 1)
		if r.Workers <= 0 {
			r.Workers = 2
		}
		if r.Poll <= 0 {
			r.Poll = time.Second
		}
		if r.Lease <= 0 {
			r.Lease = 5 * time.Minute
		}
		if r.Now == nil {
			r.Now = time.Now
		}
		if r.Logger == nil {
			r.Logger = slog.Default()
		}
	})
}

// Wake tells an idle runner that jobs may be due now, so that it looks
// before its next poll.
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run schedules the recurring jobs and runs due jobs until ctx ends, then
// waits for the runs in progress (each bound by the lease) and returns.
func (r *Runner) Run(ctx context.Context) error {
	r.init()
	kinds := make([]string, 0, len(r.Handlers))
	for k := range r.Handlers {
		kinds = append(kinds, k)
	}
	for _, rc := range r.Recurring {
		if r.Handlers[rc.Kind] == nil {
			return fmt.Errorf("jobs: recurring job %q has no handler", rc.Kind)
		}
		if rc.Every <= 0 {
			return fmt.Errorf("jobs: recurring job %q: a period is needed", rc.Kind)
		}
	}
	slots := make(chan struct{}, r.Workers)
	var running sync.WaitGroup
	// Runs go on past the stop for a grace period, then are cancelled: a
	// cancelled run is retried once its lease runs out.
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		done := make(chan struct{})
		go func() { running.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(r.grace()):
			cancelRuns()
			<-done
		}
		cancelRuns()
	}()
	nextSchedule := time.Time{}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-r.wake:
		}
		now := r.Now()
		if !now.Before(nextSchedule) {
			r.schedule(ctx, now)
			nextSchedule = now.Add(r.scheduleEvery())
		}
		// Claim as many as there are free workers. A run's deadline is
		// short of its lease, counted from before the claim, so that no
		// run goes on once another worker may claim its job.
		free := r.Workers - len(slots)
		var claimed []Job
		deadline := time.Now().Add(r.Lease * 9 / 10)
		if free > 0 {
			var err error
			if claimed, err = r.Store.ClaimJobs(ctx, r.Worker, kinds, free, r.Lease); err != nil {
				claimed = nil // nothing is claimed unless the claim committed
				if ctx.Err() == nil {
					r.Logger.Error("jobs: claim", "err", err)
				}
			}
		}
		for _, j := range claimed {
			slots <- struct{}{}
			running.Add(1)
			go func(j Job) {
				defer running.Done()
				r.run(runCtx, j, deadline)
				<-slots
				r.Wake() // a worker is free: more may be due
			}(j)
		}
		wait := r.Poll
		if len(claimed) == free && free > 0 {
			wait = 0 // a full claim: more may be waiting
		}
		timer.Reset(wait)
	}
}

// runDueBatch is how many jobs RunDue claims at once: few enough that the
// last of them starts well within its lease.
const runDueBatch = 20

// RunDue runs the jobs due now, one after another in the caller's
// goroutine, until none is due, and reports how many ran; it schedules
// no recurring job. It is for commands that do their work and stop, and
// for tests that want the effects of what they did.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.init()
	kinds := make([]string, 0, len(r.Handlers))
	for k := range r.Handlers {
		kinds = append(kinds, k)
	}
	ran := 0
	for {
		deadline := time.Now().Add(r.Lease * 9 / 10)
		claimed, err := r.Store.ClaimJobs(ctx, r.Worker, kinds, runDueBatch, r.Lease)
		if err != nil {
			return ran, err
		}
		if len(claimed) == 0 {
			return ran, nil
		}
		for _, j := range claimed {
			r.run(ctx, j, deadline)
			ran++
		}
	}
}

// scheduleEvery is how often the recurring jobs' slots are enqueued: often
// enough for the shortest period.
func (r *Runner) scheduleEvery() time.Duration {
	d := min(r.Poll*30, time.Minute)
	for _, rc := range r.Recurring {
		d = min(d, rc.Every)
	}
	return d
}

// grace is how long runs in progress may go on once the runner stops.
func (r *Runner) grace() time.Duration {
	if r.Grace > 0 {
		return r.Grace
	}
	return 5 * time.Second
}

// schedule enqueues the current slot of every recurring job.
func (r *Runner) schedule(ctx context.Context, now time.Time) {
	for _, rc := range r.Recurring {
		slot := now.UTC().Truncate(rc.Every)
		if _, _, err := r.Store.EnqueueJob(ctx, New{Kind: rc.Kind, Key: slot.Format(time.RFC3339), RunAt: slot}); err != nil && ctx.Err() == nil {
			r.Logger.Error("jobs: schedule", "kind", rc.Kind, "err", err)
		}
	}
}

// run runs j until deadline, short of its lease, and records how it went.
// Its context outlives the runner's stop by the grace period, so that a
// job started is let finish rather than cut mid-way.
func (r *Runner) run(ctx context.Context, j Job, deadline time.Time) {
	rctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	start := time.Now()
	err := r.call(rctx, j)
	log := r.Logger.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "duration_ms", time.Since(start).Milliseconds())
	// How it went is recorded even past the stop: a run done and not
	// recorded would run again.
	ctx, cancelRecord := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelRecord()
	if err == nil {
		if err := r.Store.CompleteJob(ctx, j.ID, r.Worker); err != nil {
			log.Error("jobs: complete", "err", err)
		}
		return
	}
	var retryAt time.Time
	if !errors.Is(err, ErrPermanent) && j.Attempt < j.MaxAttempts {
		retryAt = r.Now().Add(Backoff(j.Attempt))
	}
	log.Warn("jobs: run failed", "err", err, "retry_at", retryAt)
	if ferr := r.Store.FailJob(ctx, j.ID, r.Worker, err.Error(), retryAt); ferr != nil {
		log.Error("jobs: record failure", "err", ferr)
	}
}

// call runs j's handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, j Job) (err error) {
	h := r.Handlers[j.Kind]
	if h == nil {
		return fmt.Errorf("no handler for %q: %w", j.Kind, ErrPermanent)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// Backoff is how long a job waits after its attempt-th failed run: 10 s,
// doubling, at most an hour, with a fifth either way of jitter so that
// jobs that failed together do not all come back together.
func Backoff(attempt int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	jitter := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
	return d + jitter
}
