package sharefair

import (
	"context"
	"time"
)

// InvitationTTL is how long an invitation link stays valid by default.
const InvitationTTL = 14 * 24 * time.Hour

// Invitation asks someone, by email address, to join the network (and a
// hub, when a hub coordinator sends it). Its link carries a single-use
// token; only the token's hash is stored.
type Invitation struct {
	ID         int64
	Email      string
	Hub        *HubRef // nil for a network-wide invitation
	InvitedBy  *MemberRef
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
}

// Status is one of "pending", "accepted", "revoked" or "expired" at now.
func (inv *Invitation) Status(now time.Time) string {
	switch {
	case inv.AcceptedAt != nil:
		return "accepted"
	case inv.RevokedAt != nil:
		return "revoked"
	case !now.Before(inv.ExpiresAt):
		return "expired"
	}
	return "pending"
}

// NewInvitation is what an inviter gives.
type NewInvitation struct {
	Email string
	Hub   string // hub slug; required when the inviter is only a coordinator
}

// Validate checks and normalises ni.
func (ni *NewInvitation) Validate() error {
	p := Problems{}
	ni.Email = email(p, "email", ni.Email)
	if ni.Hub != "" && !ValidSlug(ni.Hub) {
		p.Add("hub", "Choose a hub from the list.")
	}
	return p.Err()
}

// Acceptance is what the invited person gives to join.
type Acceptance struct {
	Name     string
	Handle   string
	Password string
}

// Validate checks and normalises a.
func (a *Acceptance) Validate() error {
	p := Problems{}
	a.Name = line(p, "name", "Name", a.Name, true, MaxNameLen)
	a.Handle = handle(p, "handle", a.Handle)
	password(p, "password", a.Password)
	return p.Err()
}

// InvitationService sends and accepts invitations.
type InvitationService interface {
	// CreateInvitation invites an email address. Network admins may invite
	// to the network or any hub; hub coordinators to a hub they coordinate.
	// It returns the invitation and its secret token, which is not stored.
	// EINVALID, EFORBIDDEN, ECONFLICT (already a member).
	CreateInvitation(ctx context.Context, ni NewInvitation) (*Invitation, string, error)
	// FindInvitations lists the invitations the viewer may manage, newest
	// first: all for network admins, their own for coordinators.
	FindInvitations(ctx context.Context, page Page) ([]*Invitation, int, error)
	// RevokeInvitation withdraws a pending invitation. ENOTFOUND, EFORBIDDEN.
	RevokeInvitation(ctx context.Context, id int64) error
	// FindInvitationByToken returns a pending invitation; needs no viewer.
	// ENOTFOUND (unknown, used, revoked or expired).
	FindInvitationByToken(ctx context.Context, token string) (*Invitation, error)
	// AcceptInvitation creates the member and uses up the token.
	// EINVALID, ENOTFOUND, ECONFLICT (handle or email taken).
	AcceptInvitation(ctx context.Context, token string, a Acceptance) (*Member, error)
}
