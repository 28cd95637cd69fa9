package auth

import (
	"context"
	"math"
	"time"

	"github.com/sharefair/sharefair"
)

// Authenticator checks an email and password.
type Authenticator interface {
	Authenticate(ctx context.Context, email, password string) (*sharefair.Member, error)
}

// Default sign-in limits: failed attempts per account, attempts per client
// address.
var (
	DefaultAccountRate = Rate{Events: 10, Per: 15 * time.Minute}
	DefaultAddressRate = Rate{Events: 50, Per: 15 * time.Minute}
)

// SignIn rate-limits password sign-ins, for the web form and the API's token
// endpoint alike. Every attempt from an address counts against it; only
// failed attempts count against an account, so its owner is not locked out
// by their own successful sign-ins.
type SignIn struct {
	Members Authenticator
	PerAcct *Limiter
	PerAddr *Limiter
}

// NewSignIn returns a SignIn with the given limits.
func NewSignIn(members Authenticator, account, address Rate, clock sharefair.Clock) *SignIn {
	return &SignIn{Members: members, PerAcct: NewLimiter(account, clock), PerAddr: NewLimiter(address, clock)}
}

// Attempt checks email and password for a client at addr. It returns
// ERATELIMITED (with RetryAfterSeconds) when either limit is reached, and
// EUNAUTHORIZED when the credentials do not match.
func (s *SignIn) Attempt(ctx context.Context, email, password, addr string) (*sharefair.Member, error) {
	acct := sharefair.NormalizeEmail(email)
	wait := max(s.PerAddr.Wait(addr), s.PerAcct.Wait(acct))
	if wait > 0 {
		return nil, &sharefair.Error{Code: sharefair.ERATELIMITED,
			Message:           "Too many sign-in attempts. Please wait a few minutes and try again.",
			RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
	}
	s.PerAddr.Take(addr)
	m, err := s.Members.Authenticate(ctx, email, password)
	if err != nil {
		if sharefair.ErrorCode(err) == sharefair.EUNAUTHORIZED {
			s.PerAcct.Take(acct)
		}
		return nil, err
	}
	s.PerAcct.Reset(acct)
	return m, nil
}
