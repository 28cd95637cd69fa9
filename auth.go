package sharefair

import (
	"context"
	"time"
)

// Token is a personal access token a member uses from scripts. Only its
// hash is stored; the secret is shown once, when created.
type Token struct {
	ID         int64
	Name       string
	Hint       string // the secret's last characters, to tell tokens apart
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// TokenPrefix starts every personal access token, so leaked tokens are easy
// to recognise.
const TokenPrefix = "sf_"

// ValidateTokenName checks and normalises a token's name.
func ValidateTokenName(name string) (string, error) {
	p := Problems{}
	name = line(p, "name", "Token name", name, true, MaxTokenNameLen)
	return name, p.Err()
}

// Session is one browser a member is signed in on. Its secret is never
// shown again; Ref names it in lists.
type Session struct {
	Ref        string
	CreatedAt  time.Time
	LastSeenAt time.Time // to within an hour: sessions are touched at most hourly
	ExpiresAt  time.Time
	Client     SessionClient
	Current    bool // the session the list was asked from
}

// SessionClient is what a session records of the browser it began on, for
// its member to recognise it by.
type SessionClient struct {
	Address string // the client's network address, as the server saw it
	Agent   string // its User-Agent, cut to MaxUserAgentLen bytes
}

// MaxUserAgentLen bounds the User-Agent a session keeps. It is a label for
// the member, not input they typed, so a longer one is cut, not refused.
const MaxUserAgentLen = 256

// Bounds on what one member holds, so that no member can fill the
// database: creating a token past MaxTokens is refused; a session past
// MaxSessions ends the member's oldest.
const (
	MaxTokens   = 50
	MaxSessions = 20
)

// PasswordChange is a member's change of their own password.
type PasswordChange struct {
	Current string // their password now, required
	New     string
	// KeepSession is the secret of the session the change is made from,
	// which stays signed in ("" when made with a token); every other
	// session of the member ends.
	KeepSession string
}

// ErrWrongCurrentPassword refuses a password change whose current
// password is not the member's.
func ErrWrongCurrentPassword() error {
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"current_password": "That is not your current password."}}
}

// Validate checks that both passwords are given and the new one is
// acceptable; the store checks the current one.
func (c *PasswordChange) Validate() error {
	p := Problems{}
	if c.Current == "" {
		p.Add("current_password", "Enter your current password.")
	}
	password(p, "new_password", c.New)
	return p.Err()
}

// EmailChange is what a member sends to change their email address.
type EmailChange struct {
	Email   string // the new address
	Current string // their password
}

// EmailChangeTTL is how long the link confirming a new address works.
const EmailChangeTTL = 24 * time.Hour

// Validate checks and normalises c.
func (c *EmailChange) Validate() error {
	p := Problems{}
	c.Email = email(p, "email", c.Email)
	if c.Current == "" {
		p.Add("current_password", "Enter your password to confirm.")
	}
	return p.Err()
}

// ValidateResetEmail checks the address a password reset is asked for.
func ValidateResetEmail(addr string) error {
	p := Problems{}
	email(p, "email", addr)
	return p.Err()
}

// PasswordResetTTL is how long a password reset link works.
const PasswordResetTTL = 24 * time.Hour

// PasswordReset is what a member sends, from a reset link, to choose a
// new password.
type PasswordReset struct {
	Token    string
	Password string
}

// Validate checks r.
func (r *PasswordReset) Validate() error {
	p := Problems{}
	password(p, "password", r.Password)
	return p.Err()
}

// ErrResetLinkInvalid is what a reset link that cannot be used answers:
// one answer for every reason, so that a link tells nothing of the account.
func ErrResetLinkInvalid() error {
	return Errorf(EINVALID, "This reset link is not valid: it may have been used already, replaced by a newer one, or expired. "+
		"Ask a network admin for a new one.")
}

// AuthService keeps sessions and personal access tokens.
type AuthService interface {
	// CreateSession starts a browser session for a member and returns its
	// secret id. Past MaxSessions, the member's oldest sessions end.
	CreateSession(ctx context.Context, memberID int64, client SessionClient) (string, error)
	// MemberBySession returns the member a live session belongs to.
	// EUNAUTHORIZED.
	MemberBySession(ctx context.Context, secret string) (*Member, error)
	// CreatePasswordReset makes a reset link's secret for the active
	// member with email, replacing any earlier one; for the operator (the
	// console) alone until reset links go by email. ENOTFOUND, ECONFLICT
	// (a member who is not active).
	CreatePasswordReset(ctx context.Context, email string) (string, error)
	// CheckPasswordReset reports whether a reset link's secret may be
	// used. ErrResetLinkInvalid.
	CheckPasswordReset(ctx context.Context, token string) error
	// ResetPassword sets a new password from a reset link, once: the link
	// is used up and every session of the member ends. EINVALID
	// (password; ErrResetLinkInvalid).
	ResetPassword(ctx context.Context, r PasswordReset) error
	// RequestPasswordReset mails a reset link to the active member with
	// the address, if any, at most once a quarter of an hour; it answers
	// the same whether or not the address is a member's. EINVALID (email,
	// when it is no address).
	RequestPasswordReset(ctx context.Context, email string) error
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, secret string) error
	// FindSessions lists the viewer's live sessions, newest first;
	// current is the secret of the one asking ("" for none), marked
	// Current. EUNAUTHORIZED.
	FindSessions(ctx context.Context, current string) ([]*Session, error)
	// EndSession ends one of the viewer's sessions by its Ref. ENOTFOUND.
	EndSession(ctx context.Context, ref string) error
	// ChangePassword changes the viewer's password and ends their other
	// sessions. EINVALID (the current password wrong, or the new one not
	// acceptable), EUNAUTHORIZED.
	ChangePassword(ctx context.Context, c PasswordChange) error
	// RequestEmailChange mails a link to the new address that, followed,
	// makes it the viewer's: the address changes only once its owner
	// confirms. EINVALID (email, current_password), EUNAUTHORIZED.
	RequestEmailChange(ctx context.Context, c EmailChange) error
	// ConfirmEmailChange makes the address a link was mailed to its
	// member's, once, within EmailChangeTTL. EINVALID (the link cannot be
	// used; the address is taken now).
	ConfirmEmailChange(ctx context.Context, token string) error

	// CreateToken creates a token for member memberID, who must be the
	// viewer unless ctx is the operator's. EINVALID, EFORBIDDEN,
	// ECONFLICT (the member holds MaxTokens already).
	CreateToken(ctx context.Context, memberID int64, name string) (*Token, string, error)
	// FindTokens lists the viewer's tokens.
	FindTokens(ctx context.Context) ([]*Token, error)
	// RevokeToken deletes one of the viewer's tokens. ENOTFOUND.
	RevokeToken(ctx context.Context, id int64) error
	// MemberByToken returns the member a token belongs to. EUNAUTHORIZED.
	MemberByToken(ctx context.Context, secret string) (*Member, error)
}

// SessionTTL is how long a browser session lasts without use.
const SessionTTL = 30 * 24 * time.Hour
