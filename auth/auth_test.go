package auth_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
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

func TestLimiterAllowIsAtomic(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := auth.NewLimiter(auth.Rate{Events: 3, Per: time.Hour}, func() time.Time { return now })
	var passed atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if l.Allow("k") == 0 {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := passed.Load(); n != 3 {
		t.Fatalf("%d of 50 concurrent events allowed, want 3", n)
	}
	l.Refund("k")
	if w := l.Allow("k"); w != 0 {
		t.Fatalf("after a refund: wait %v", w)
	}
	if w := l.Allow("k"); w <= 0 {
		t.Fatal("a refund gave back more than one event")
	}
}

// members knows one member with one password, and counts the checks.
type members struct{ checks atomic.Int32 }

func (m *members) Authenticate(_ context.Context, email, password string) (*sharefair.Member, error) {
	m.checks.Add(1)
	if strings.EqualFold(email, "ann@example.org") && password == "right" {
		return &sharefair.Member{ID: 1}, nil
	}
	return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "no")
}

// signInEnv is a SignIn with small limits and a clock the test moves.
type signInEnv struct {
	*auth.SignIn
	now     time.Time
	members *members
}

var testLimits = auth.Limits{
	Device:         auth.Rate{Events: 3, Per: time.Hour},
	AccountAddress: auth.Rate{Events: 2, Per: time.Hour},
	Account:        auth.Rate{Events: 6, Per: time.Hour},
	Address:        auth.Rate{Events: 5, Per: time.Hour},
}

func newSignIn(t *testing.T, key string) *signInEnv {
	e := &signInEnv{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), members: &members{}}
	e.SignIn = auth.NewSignIn(e.members, testLimits, []byte(key), func() time.Time { return e.now })
	return e
}

// try signs in and returns the error code ("" for success) and the device
// cookie issued.
func (e *signInEnv) try(t *testing.T, email, password, addr, device string) (string, string) {
	t.Helper()
	m, err := e.AttemptOnDevice(context.Background(), email, password, addr, device)
	if err == nil {
		if m == nil {
			t.Fatal("success without a member")
		}
		return "", e.NewDevice(email)
	}
	if code := sharefair.ErrorCode(err); code == sharefair.ERATELIMITED {
		if e := err.(*sharefair.Error); e.RetryAfterSeconds <= 0 {
			t.Fatalf("rate limited with RetryAfterSeconds = %d", e.RetryAfterSeconds)
		}
	}
	return sharefair.ErrorCode(err), ""
}

func (e *signInEnv) want(t *testing.T, what, email, password, addr, device, code string) string {
	t.Helper()
	got, dev := e.try(t, email, password, addr, device)
	if got != code {
		t.Fatalf("%s: %q, want %q", what, got, code)
	}
	return dev
}

const (
	ok      = ""
	wrong   = sharefair.EUNAUTHORIZED
	limited = sharefair.ERATELIMITED
)

func TestSignInSuccessesAreFree(t *testing.T) {
	e := newSignIn(t, "key")
	// Successes use up none of the account's allowances (the address's
	// counts every untrusted attempt, so each comes from its own).
	for i := range 10 {
		e.want(t, "sign-in "+string(rune('0'+i)), "ann@example.org", "right", "addr"+string(rune('0'+i)), "", ok)
	}
	// A success clears the failures from its address.
	e.want(t, "wrong", "ann@example.org", "x", "home", "", wrong)
	e.want(t, "right", "ann@example.org", "right", "home", "", ok)
	e.want(t, "wrong", "ann@example.org", "x", "home", "", wrong)
	e.want(t, "wrong", "ANN@example.org ", "x", "home", "", wrong)
	e.want(t, "third wrong in a row, any case", "ann@example.org", "x", "home", "", limited)
}

func TestSignInGuesserHeldOwnerNot(t *testing.T) {
	e := newSignIn(t, "key")
	laptop := e.want(t, "the owner signs in on their laptop", "ann@example.org", "right", "home", "", ok)

	t.Run("GuesserAtOneAddress", func(t *testing.T) {
		e.want(t, "guess 1", "ann@example.org", "a", "evil1", "", wrong)
		e.want(t, "guess 2", "ann@example.org", "b", "evil1", "", wrong)
		e.want(t, "guess 3 is held", "ann@example.org", "c", "evil1", "", limited)
		e.want(t, "even the right password from there", "ann@example.org", "right", "evil1", "", limited)
		checks := e.members.checks.Load()
		e.want(t, "held again", "ann@example.org", "d", "evil1", "", limited)
		if e.members.checks.Load() != checks {
			t.Fatal("a held attempt still checked the password")
		}
		// The owner, from their own address, without a device cookie.
		e.want(t, "owner at another address", "ann@example.org", "right", "office", "", ok)
	})
	t.Run("GuesserAtManyAddresses", func(t *testing.T) {
		// Account allows 6 untrusted failures in all; 2 are used.
		for i, addr := range []string{"evil2", "evil2", "evil3", "evil3"} {
			e.want(t, "spread guess "+string(rune('0'+i)), "ann@example.org", "x", addr, "", wrong)
		}
		e.want(t, "a fresh address is held by the account's overall limit", "ann@example.org", "x", "evil4", "", limited)
		e.want(t, "so is the owner on a new device", "ann@example.org", "right", "cafe", "", limited)
		// The laptop that signed in before keeps its own allowance, from
		// any address, even one the guesser used.
		laptop = e.want(t, "owner on their laptop", "ann@example.org", "right", "evil1", laptop, ok)
		laptop = e.want(t, "and again at home", "ann@example.org", "right", "home", laptop, ok)
	})
	t.Run("DeviceAllowanceIsBounded", func(t *testing.T) {
		// A stolen device cookie buys a few guesses, not unlimited ones.
		for i := range 3 {
			e.want(t, "guess with the device "+string(rune('0'+i)), "ann@example.org", "x", "home", laptop, wrong)
		}
		e.want(t, "the device is held", "ann@example.org", "right", "home", laptop, limited)
		e.now = e.now.Add(time.Hour)
		laptop = e.want(t, "an hour later", "ann@example.org", "right", "home", laptop, ok)
	})
	t.Run("ForgedDeviceCookies", func(t *testing.T) {
		e := newSignIn(t, "key")
		for range 2 {
			e.want(t, "guess", "ann@example.org", "x", "evil", "", wrong)
		}
		bobs := e.NewDevice("bob@example.org")
		other := newSignIn(t, "another key").NewDevice("ann@example.org")
		nonce, sig, _ := strings.Cut(e.NewDevice("ann@example.org"), ".")
		for name, dev := range map[string]string{
			"another account's cookie":    bobs,
			"a cookie under another key":  other,
			"a cookie with a changed MAC": nonce + "." + strings.Repeat("A", len(sig)),
			"a cookie with a new nonce":   "x" + nonce[1:] + "." + sig,
			"a nonce alone":               nonce,
			"garbage":                     "%%%.!!!",
			"a very long value":           strings.Repeat("a", 5000) + "." + sig,
		} {
			if code, _ := e.try(t, "ann@example.org", "right", "evil", dev); code != limited {
				t.Errorf("%s: %q, want it treated as no device cookie (held)", name, code)
			}
		}
		if code, _ := e.try(t, "ann@example.org", "right", "evil", nonce+"."+sig); code != ok {
			t.Errorf("the genuine cookie: %q", code)
		}
	})
}

func TestSignInPerAddress(t *testing.T) {
	e := newSignIn(t, "key")
	// Every untrusted attempt from an address counts, whatever the account.
	for _, email := range []string{"a@x.org", "b@x.org", "c@x.org", "ann@example.org", "d@x.org"} {
		e.want(t, "attempt for "+email, email, "x", "cafe", "", wrong)
	}
	e.want(t, "sixth attempt from the address", "ann@example.org", "right", "cafe", "", limited)
	e.want(t, "another address", "ann@example.org", "right", "home", "", ok)
}

func TestSignInConcurrentGuessesBounded(t *testing.T) {
	e := newSignIn(t, "key")
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			e.AttemptOnDevice(context.Background(), "ann@example.org", "x", "evil", "")
		})
	}
	wg.Wait()
	if n := e.members.checks.Load(); n != int32(testLimits.AccountAddress.Events) {
		t.Fatalf("40 concurrent guesses checked %d passwords, want %d", n, testLimits.AccountAddress.Events)
	}
}

func TestSignInAttemptIsUntrusted(t *testing.T) {
	e := newSignIn(t, "key")
	for range 2 {
		if _, err := e.Attempt(context.Background(), "ann@example.org", "x", "script"); sharefair.ErrorCode(err) != wrong {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := e.Attempt(context.Background(), "ann@example.org", "right", "script"); sharefair.ErrorCode(err) != limited {
		t.Fatalf("after 2 failures from one address: %v, want rate limited", err)
	}
	if m, err := e.Attempt(context.Background(), "ann@example.org", "right", "home"); err != nil || m.ID != 1 {
		t.Fatalf("from another address: %v, %v", m, err)
	}
}

// TestDefaultLimits pins the production limits the README documents.
func TestDefaultLimits(t *testing.T) {
	got := []string{auth.DefaultLimits.Device.String(), auth.DefaultLimits.AccountAddress.String(),
		auth.DefaultLimits.Account.String(), auth.DefaultLimits.Address.String()}
	want := []string{"10/15m0s", "5/15m0s", "50/1h0m0s", "50/15m0s"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("DefaultLimits = %v, want %v", got, want)
	}
}

// TestCheckCurrentPassword checks that the current password a member gives
// to change it is told apart from a wrong one beside its field, and that
// guessing it is held by the sign-in limits, sharing them with sign-in.
func TestCheckCurrentPassword(t *testing.T) {
	e := newSignIn(t, "key")
	ctx := context.Background()
	if err := e.CheckCurrent(ctx, "ann@example.org", "right", "192.0.2.1", ""); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for i := 0; i < testLimits.AccountAddress.Events; i++ {
		err := e.CheckCurrent(ctx, "ann@example.org", "guess", "192.0.2.1", "")
		if sharefair.ErrorCode(err) != sharefair.EINVALID || sharefair.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	checks := e.members.checks.Load()
	if err := e.CheckCurrent(ctx, "ann@example.org", "guess", "192.0.2.1", ""); sharefair.ErrorCode(err) != sharefair.ERATELIMITED {
		t.Fatalf("guess past the limit: %v", err)
	}
	if e.members.checks.Load() != checks {
		t.Fatal("a guess past the limit was checked")
	}
	// The same allowance as signing in from there.
	e.want(t, "sign in after the guesses", "ann@example.org", "right", "192.0.2.1", "", sharefair.ERATELIMITED)
}
