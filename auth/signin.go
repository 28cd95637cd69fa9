package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

// Authenticator checks an email and password.
type Authenticator interface {
	Authenticate(ctx context.Context, email, password string) (*sharefair.Member, error)
}

// Limits bound password sign-ins. They follow OWASP's device-cookie scheme:
// a browser that signed in to an account before carries a device cookie
// for it and has its own allowance, so a guesser elsewhere cannot lock the
// owner out of their own machine; every other attempt is untrusted and
// counted per account and address, per address, and per account overall.
type Limits struct {
	// Device: failed sign-ins allowed from one device that carries a valid
	// device cookie for the account.
	Device Rate
	// AccountAddress: failed untrusted sign-ins allowed to one account from
	// one client address.
	AccountAddress Rate
	// Account: failed untrusted sign-ins allowed to one account from all
	// addresses together. It bounds a guesser who spreads over many
	// addresses; slower than AccountAddress, and no bar to devices the
	// account signed in from before.
	Account Rate
	// Address: untrusted sign-in attempts allowed from one client address,
	// to any accounts.
	Address Rate
}

// DefaultLimits are the production sign-in limits.
var DefaultLimits = Limits{
	Device:         Rate{Events: 10, Per: 15 * time.Minute},
	AccountAddress: Rate{Events: 5, Per: 15 * time.Minute},
	Account:        Rate{Events: 50, Per: time.Hour},
	Address:        Rate{Events: 50, Per: 15 * time.Minute},
}

// DeviceCookie names the cookie that marks a browser as one its member
// signed in from before.
const DeviceCookie = "sharefair_device"

// DeviceTTL is how long a device cookie lasts: long, since it only ever
// widens its holder's allowance for one account.
const DeviceTTL = 400 * 24 * time.Hour

// deviceDomain separates device-cookie MACs from any other use of the key.
const deviceDomain = "sharefair device cookie v1\x00"

// SignIn rate-limits password sign-ins, for the web form and the API's
// token endpoint alike. Safe for concurrent use.
type SignIn struct {
	members Authenticator
	key     []byte

	device, accountAddress, account, address *Limiter
}

// NewSignIn returns a SignIn with the given limits. key signs device
// cookies; every instance serving one network must use the same key. An
// empty key makes a random one, good for this process only.
func NewSignIn(members Authenticator, limits Limits, key []byte, clock sharefair.Clock) *SignIn {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return &SignIn{members: members, key: key,
		device:         NewLimiter(limits.Device, clock),
		accountAddress: NewLimiter(limits.AccountAddress, clock),
		account:        NewLimiter(limits.Account, clock),
		address:        NewLimiter(limits.Address, clock),
	}
}

// Attempt checks email and password for a client at addr that carries no
// device cookie, as scripts do. It returns ERATELIMITED (with
// RetryAfterSeconds) when a limit is reached, and EUNAUTHORIZED when the
// credentials do not match.
func (s *SignIn) Attempt(ctx context.Context, email, password, addr string) (*sharefair.Member, error) {
	return s.AttemptOnDevice(ctx, email, password, addr, "")
}

// AttemptOnDevice is Attempt for a browser, with the value of its device
// cookie ("" for none). After a success the browser should be given a
// fresh device cookie (NewDevice).
func (s *SignIn) AttemptOnDevice(ctx context.Context, email, password, addr, device string) (*sharefair.Member, error) {
	acct := sharefair.NormalizeEmail(email)
	pair := acct + "\x00" + addr
	nonce, trusted := s.checkDevice(acct, device)

	// Allowances are reserved before the password is checked, so that
	// concurrent guesses cannot all slip past one remaining token; what a
	// success does not use is given back after.
	if trusted {
		if wait := s.device.Allow(nonce); wait > 0 {
			return nil, limited(wait)
		}
	} else {
		// The address-bound limits come first: an attempt they refuse
		// uses up nothing of the account's overall allowance, which its
		// owner shares.
		if wait := s.address.Allow(addr); wait > 0 {
			return nil, limited(wait)
		}
		if wait := s.accountAddress.Allow(pair); wait > 0 {
			return nil, limited(wait)
		}
		if wait := s.account.Allow(acct); wait > 0 {
			s.accountAddress.Refund(pair)
			return nil, limited(wait)
		}
	}
	m, err := s.members.Authenticate(ctx, email, password)
	if err != nil {
		if sharefair.ErrorCode(err) != sharefair.EUNAUTHORIZED {
			// Not a wrong password (the database failed, say): it does
			// not count against the account.
			if trusted {
				s.device.Refund(nonce)
			} else {
				s.accountAddress.Refund(pair)
				s.account.Refund(acct)
			}
		}
		return nil, err
	}
	if trusted {
		s.device.Reset(nonce)
	} else {
		s.accountAddress.Reset(pair)
		// The overall allowance is only given back, not reset: the
		// owner signing in must not wipe the count of a guesser
		// elsewhere.
		s.account.Refund(acct)
	}
	return m, nil
}

// CheckCurrent checks the password a signed-in member gives as their
// current one (to change it), within the same allowances as signing in,
// so that a stolen session cannot be used to guess the password faster.
// It returns ERATELIMITED, or EINVALID naming the field current_password
// when the password is wrong.
func (s *SignIn) CheckCurrent(ctx context.Context, email, password, addr, device string) error {
	if password == "" {
		return nil // the service asks for it, beside the other fields
	}
	_, err := s.AttemptOnDevice(ctx, email, password, addr, device)
	if sharefair.ErrorCode(err) == sharefair.EUNAUTHORIZED {
		return sharefair.ErrWrongCurrentPassword()
	}
	return err
}

// NewDevice returns a fresh device cookie value for the account with this
// email: a random nonce and an HMAC binding it to the account. The cookie
// names its account only through the MAC, so it does not show whose it is.
func (s *SignIn) NewDevice(email string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	return nonce + "." + base64.RawURLEncoding.EncodeToString(s.deviceMAC(sharefair.NormalizeEmail(email), nonce))
}

// checkDevice reports whether a device cookie value is one this network
// issued for the account acct, and returns its nonce, which keys the
// device's own allowance.
func (s *SignIn) checkDevice(acct, device string) (string, bool) {
	if device == "" || len(device) > 100 {
		return "", false
	}
	nonce, sig, ok := strings.Cut(device, ".")
	if !ok || nonce == "" {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.deviceMAC(acct, nonce)) {
		return "", false
	}
	return nonce, true
}

func (s *SignIn) deviceMAC(acct, nonce string) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(deviceDomain + acct + "\x00" + nonce))
	return mac.Sum(nil)
}

// limited is the error for an attempt that must wait.
func limited(wait time.Duration) error {
	return &sharefair.Error{Code: sharefair.ERATELIMITED,
		Message:           "Too many sign-in attempts. Please wait a few minutes and try again.",
		RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
}
