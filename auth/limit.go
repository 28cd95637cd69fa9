package auth

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sharefair/sharefair"
)

// Rate is a number of events allowed per period, e.g. "10/15m".
type Rate struct {
	Events int
	Per    time.Duration
}

// ParseRate parses "N/duration", e.g. "10/15m" or "100/1h".
func ParseRate(s string) (Rate, error) {
	n, d, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/duration, e.g. 10/15m", s)
	}
	events, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || events < 1 {
		return Rate{}, fmt.Errorf("rate %q: want a positive number of events", s)
	}
	per, err := time.ParseDuration(strings.TrimSpace(d))
	if err != nil || per <= 0 {
		return Rate{}, fmt.Errorf("rate %q: want a positive duration", s)
	}
	return Rate{Events: events, Per: per}, nil
}

// String formats r as ParseRate reads it.
func (r Rate) String() string { return strconv.Itoa(r.Events) + "/" + r.Per.String() }

// Limiter is a set of token buckets, one a key: each holds up to Events
// tokens and refills at Events per Per. Safe for concurrent use.
type Limiter struct {
	rate Rate
	now  sharefair.Clock

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter for rate; clock may be nil for real time.
func NewLimiter(rate Rate, clock sharefair.Clock) *Limiter {
	return &Limiter{rate: rate, now: clock, buckets: map[string]*bucket{}}
}

// refill brings a key's bucket up to date and returns it.
func (l *Limiter) refill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.rate.Events), at: now}
		l.buckets[key] = b
		return b
	}
	perToken := l.rate.Per.Seconds() / float64(l.rate.Events)
	b.tokens = math.Min(float64(l.rate.Events), b.tokens+now.Sub(b.at).Seconds()/perToken)
	b.at = now
	return b
}

// sweep forgets buckets that are full again; they hold no information.
func (l *Limiter) sweep(now time.Time) {
	for k := range l.buckets {
		if l.refill(k, now).tokens >= float64(l.rate.Events) {
			delete(l.buckets, k)
		}
	}
}

// Wait returns how long key must wait before its next event is allowed, or
// 0 when it is allowed now. It does not use up anything.
func (l *Limiter) Wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.now.Now())
	if b.tokens >= 1 {
		return 0
	}
	perToken := l.rate.Per.Seconds() / float64(l.rate.Events)
	return time.Duration((1 - b.tokens) * perToken * float64(time.Second))
}

// Allow uses up one event for key when one is left and returns 0, or
// returns how long key must wait. Checking and taking happen at once, so
// that a burst of concurrent attempts cannot all pass the check before any
// of them is counted.
func (l *Limiter) Allow(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.now.Now())
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	perToken := l.rate.Per.Seconds() / float64(l.rate.Events)
	return time.Duration((1 - b.tokens) * perToken * float64(time.Second))
}

// Refund gives back one event to key, e.g. one that Allow took for an
// attempt that did not go ahead or turned out not to count.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.now.Now())
	b.tokens = math.Min(float64(l.rate.Events), b.tokens+1)
}

// Take uses up one event for key.
func (l *Limiter) Take(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.now.Now())
	b.tokens = math.Max(0, b.tokens-1)
}

// Reset forgets key, e.g. after a successful sign-in.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}
