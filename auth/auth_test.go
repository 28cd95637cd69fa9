package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
)

func TestHasher(t *testing.T) {
	h := auth.NewHasher(auth.HashParams{MemoryKiB: 64, Iterations: 1, Parallelism: 1, Concurrent: 2})
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify("correct horse battery", hash); err != nil || !ok {
		t.Fatalf("Verify(right) = %v, %v", ok, err)
	}
	if ok, _ := h.Verify("Correct horse battery", hash); ok {
		t.Fatal("Verify(wrong) = true")
	}
	if _, err := h.Verify("x", "not a hash"); err == nil {
		t.Fatal("Verify of a malformed hash gave no error")
	}
	other, _ := h.Hash("correct horse battery")
	if other == hash {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestParseRate(t *testing.T) {
	r, err := auth.ParseRate("10/15m")
	if err != nil || r.Events != 10 || r.Per != 15*time.Minute || r.String() != "10/15m0s" {
		t.Fatalf("ParseRate = %+v, %v", r, err)
	}
	for _, bad := range []string{"", "10", "0/1m", "x/1m", "5/", "5/-1s"} {
		if _, err := auth.ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := auth.NewLimiter(auth.Rate{Events: 3, Per: 3 * time.Minute}, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if w := l.Wait("a"); w != 0 {
			t.Fatalf("event %d: wait %v", i, w)
		}
		l.Take("a")
	}
	if w := l.Wait("a"); w <= 0 || w > time.Minute {
		t.Fatalf("after 3 events: wait %v, want up to a minute", w)
	}
	if w := l.Wait("b"); w != 0 {
		t.Fatalf("another key waits %v", w)
	}
	now = now.Add(time.Minute)
	if w := l.Wait("a"); w != 0 {
		t.Fatalf("a minute later: wait %v", w)
	}
	l.Take("a")
	l.Reset("a")
	if w := l.Wait("a"); w != 0 {
		t.Fatalf("after reset: wait %v", w)
	}
}

// members knows one member with one password.
type members struct{}

func (members) Authenticate(_ context.Context, email, password string) (*sharefair.Member, error) {
	if email == "ann@example.org" && password == "right" {
		return &sharefair.Member{ID: 1}, nil
	}
	return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "no")
}

func TestSignIn(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := auth.NewSignIn(members{}, auth.Rate{Events: 2, Per: time.Hour}, auth.Rate{Events: 5, Per: time.Hour}, clock)
	ctx := context.Background()

	// Successful sign-ins do not use up the account's allowance.
	for i := 0; i < 3; i++ {
		if _, err := s.Attempt(ctx, "ann@example.org", "right", "addr1"); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	// Failures do, whatever the case of the address.
	for _, email := range []string{"ann@example.org", "ANN@example.org"} {
		_, err := s.Attempt(ctx, email, "wrong", "addr2")
		if sharefair.ErrorCode(err) != sharefair.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
	}
	_, err := s.Attempt(ctx, "ann@example.org", "right", "addr3")
	var e *sharefair.Error
	if sharefair.ErrorCode(err) != sharefair.ERATELIMITED {
		t.Fatalf("after 2 failures: %v, want rate limited", err)
	}
	if e = err.(*sharefair.Error); e.RetryAfterSeconds <= 0 {
		t.Fatalf("RetryAfterSeconds = %d", e.RetryAfterSeconds)
	}
	// Per address, every attempt counts: addr1 made 3, so two more pass.
	for i := 0; i < 2; i++ {
		s.Attempt(ctx, "bob@example.org", "x", "addr1")
	}
	if _, err := s.Attempt(ctx, "carl@example.org", "x", "addr1"); sharefair.ErrorCode(err) != sharefair.ERATELIMITED {
		t.Fatalf("sixth attempt from one address: %v, want rate limited", err)
	}
	now = now.Add(time.Hour)
	if _, err := s.Attempt(ctx, "ann@example.org", "right", "addr1"); err != nil {
		t.Fatalf("an hour later: %v", err)
	}
}
