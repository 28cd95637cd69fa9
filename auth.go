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

// AuthService keeps sessions and personal access tokens.
type AuthService interface {
	// CreateSession starts a browser session for a member and returns its
	// secret id.
	CreateSession(ctx context.Context, memberID int64) (string, error)
	// MemberBySession returns the member a live session belongs to.
	// EUNAUTHORIZED.
	MemberBySession(ctx context.Context, secret string) (*Member, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, secret string) error

	// CreateToken creates a token for member memberID, who must be the
	// viewer unless ctx is the operator's. EINVALID, EFORBIDDEN.
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
