package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// target is one page to request, with the headers a signed-in browser
// sends.
type target struct {
	url    string
	cookie string // the session cookie's value
}

// newClient returns an HTTP client for the load generator: keep-alive
// connections enough for every concurrent request, and no transparent
// decompression, so that the gzipped bytes travel and are counted as sent.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns * 4,
			MaxIdleConnsPerHost: conns * 4,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
		// Never follow a redirect: a page that sends the viewer to sign in
		// is a failure, not a page.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// response is what one request got.
type response struct {
	status int
	bytes  int64
	err    error
}

// fetch makes one request and reads the whole body.
func fetch(ctx context.Context, c *http.Client, t target) response {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return response{err: err}
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "text/html")
	if t.cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+t.cookie)
	}
	res, err := c.Do(req)
	if err != nil {
		return response{err: err}
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return response{status: res.StatusCode, bytes: n, err: err}
}

// Throughput is the result of a closed-loop run: conns clients each
// sending their next request as soon as the previous one is answered.
type Throughput struct {
	Conns     int           `json:"conns"`
	Duration  time.Duration `json:"duration_ns"`
	Requests  int64         `json:"requests"` // answered 200 within the measured window
	Errors    int64         `json:"errors"`   // transport errors and statuses other than 200
	PerSecond float64       `json:"per_second"`
	// BodyBytes is the smallest and largest response body seen, in bytes
	// as sent (gzipped); they are equal when every response was the same.
	MinBodyBytes int64       `json:"min_body_bytes"`
	MaxBodyBytes int64       `json:"max_body_bytes"`
	Statuses     map[int]int `json:"statuses"`
	// CPUPerRequest is the CPU time the whole process (server and load
	// generator together) used per request during the window. Other
	// programs on the machine slow the run down but do not change it, so
	// it is the steadier figure on a shared machine.
	CPUPerRequest time.Duration `json:"cpu_per_request_ns"`
	// Utilisation is the process's CPU time over the window's wall time,
	// in cores: below the machine's core count, something other than this
	// process's CPU held it back.
	Utilisation float64 `json:"utilisation"`
}

// tally collects results from many goroutines.
type tally struct {
	mu       sync.Mutex
	ok, errs int64
	min, max int64
	statuses map[int]int
	lastErr  error
}

func newTally() *tally { return &tally{min: -1, statuses: map[int]int{}} }

func (t *tally) add(r response) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.err != nil {
		t.errs++
		t.lastErr = r.err
		return
	}
	t.statuses[r.status]++
	if r.status != http.StatusOK {
		t.errs++
		return
	}
	t.ok++
	if t.min < 0 || r.bytes < t.min {
		t.min = r.bytes
	}
	t.max = max(t.max, r.bytes)
}

// closedLoop runs conns clients against t for warmup, then measures for d:
// the requests that complete inside the measured window count. On a
// machine so busy that none completes in time, the window stretches until
// one does, rather than report nothing.
func closedLoop(ctx context.Context, t target, conns int, warmup, d time.Duration) (Throughput, error) {
	c := newClient(conns)
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, warmup+d+30*time.Second)
	defer cancel()
	tl := newTally()
	var measuring, stopped atomic.Bool
	var okCount atomic.Int64
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for !stopped.Load() && ctx.Err() == nil {
				r := fetch(ctx, c, t)
				if measuring.Load() && !stopped.Load() {
					tl.add(r)
					if r.err == nil && r.status == http.StatusOK {
						okCount.Add(1)
					}
				}
			}
		})
	}
	sleep(ctx, warmup)
	measuring.Store(true)
	from, cpuFrom := time.Now(), processCPU()
	sleep(ctx, d)
	for okCount.Load() == 0 && ctx.Err() == nil {
		sleep(ctx, 10*time.Millisecond)
	}
	stopped.Store(true)
	window, cpu := time.Since(from), processCPU()-cpuFrom
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Throughput{}, fmt.Errorf("closed loop on %s: %w (statuses %v, last error %v)", t.url, err, tl.statuses, tl.lastErr)
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return Throughput{Conns: conns, Duration: window, Requests: tl.ok, Errors: tl.errs,
		PerSecond: float64(tl.ok) / window.Seconds(), MinBodyBytes: max(tl.min, 0), MaxBodyBytes: tl.max,
		Statuses: tl.statuses, CPUPerRequest: cpu / time.Duration(max(tl.ok, 1)),
		Utilisation: float64(cpu) / float64(window)}, nil
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Latency is the result of an open-loop run: requests sent at a fixed
// rate whatever happens to earlier ones, each timed from the moment it was
// due, so a slow server cannot hide its slowness by slowing the sender
// (coordinated omission).
type Latency struct {
	Rate      float64       `json:"rate"` // requests per second asked for
	Duration  time.Duration `json:"duration_ns"`
	Sent      int64         `json:"sent"`
	Completed int64         `json:"completed"` // answered 200
	Errors    int64         `json:"errors"`
	Achieved  float64       `json:"achieved"` // completed per second of the run
	P50       time.Duration `json:"p50_ns"`
	P90       time.Duration `json:"p90_ns"`
	P99       time.Duration `json:"p99_ns"`
	Max       time.Duration `json:"max_ns"`
	// Late counts requests the sender itself fired more than a millisecond
	// after they were due; their latency still counts from when they were
	// due.
	Late     int64       `json:"late"`
	Statuses map[int]int `json:"statuses"`
}

// openLoop sends requests to t at rate per second for warmup (not
// recorded) and then for d, each in its own goroutine at its scheduled
// time.
func openLoop(ctx context.Context, t target, rate float64, warmup, d time.Duration) (Latency, error) {
	if rate <= 0 {
		return Latency{}, fmt.Errorf("open loop: rate must be positive")
	}
	c := newClient(64)
	defer c.CloseIdleConnections()
	interval := time.Duration(float64(time.Second) / rate)
	nWarm := int(warmup / interval)
	n := int(d / interval)
	lat := make([]time.Duration, n) // one slot per measured request
	ok := make([]bool, n)
	var late atomic.Int64
	tl := newTally()
	ctx, cancel := context.WithTimeout(ctx, warmup+d+30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range nWarm + n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			sleep(ctx, wait)
		}
		if err := ctx.Err(); err != nil {
			wg.Wait()
			return Latency{}, fmt.Errorf("open loop: %w", err)
		}
		if time.Since(due) > time.Millisecond {
			late.Add(1)
		}
		wg.Go(func() {
			r := fetch(ctx, c, t)
			took := time.Since(due)
			if i < nWarm {
				return
			}
			tl.add(r)
			lat[i-nWarm] = took
			ok[i-nWarm] = r.err == nil && r.status == http.StatusOK
		})
	}
	wg.Wait()
	elapsed := time.Since(start.Add(time.Duration(nWarm) * interval))
	completed := 0
	for _, good := range ok {
		if good {
			completed++
		}
	}
	// Every request counts towards the percentiles, a failed one with the
	// time it took to fail; failures are reported beside them and fail the
	// aim.
	slices.Sort(lat)
	out := Latency{Rate: rate, Duration: d, Sent: int64(n), Completed: int64(completed), Errors: tl.errs,
		Achieved: float64(completed) / elapsed.Seconds(), Late: late.Load(), Statuses: tl.statuses}
	if len(lat) == 0 {
		return out, fmt.Errorf("open loop on %s: nothing measured", t.url)
	}
	// A page that answers nothing in time is measured too, all of it
	// failures: its figures then say how far it is from the aim.
	out.P50, out.P90, out.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	out.Max = lat[len(lat)-1]
	return out, nil
}

// percentile returns the nearest-rank p-th percentile of sorted values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
