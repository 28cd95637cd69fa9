package sharefair

import (
	"context"
	"strings"
	"time"
)

// InvitationTTL is how long an invitation link stays valid by default.
const InvitationTTL = 14 * 24 * time.Hour

// MaxInvitationMessageLen bounds the personal message an invitation carries.
const MaxInvitationMessageLen = 1000

// Invitation asks someone, by email address, to join the network (and a
// hub, when a hub coordinator sends it). Its link carries a single-use
// token; only the token's hash is stored, so a lost link is replaced by a
// fresh one rather than shown again. An address has at most one open
// (neither accepted nor withdrawn) invitation per hub, and one to the
// network alone: inviting it again refreshes that one.
type Invitation struct {
	ID         int64
	Email      string
	Name       string  // the invitee's name as the inviter gave it; may be empty
	Message    string  // the inviter's personal message; may be empty
	Hub        *HubRef // nil for a network-wide invitation
	InvitedBy  *MemberRef
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RenewedAt  *time.Time // when its link was last replaced, if ever
	AcceptedAt *time.Time
	RevokedAt  *time.Time
	// ViewerMayRenew is set by FindInvitations: the viewer may still
	// invite people where it leads, so may give it a new link or re-send
	// it (while it is open).
	ViewerMayRenew bool
	// ForViewer is set by FindInvitationByToken when the signed-in viewer
	// is the member the invitation is addressed to: they accept it as
	// themselves, without making a new account.
	ForViewer bool
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
	Email   string
	Hub     string // hub slug; required when the inviter is only a coordinator
	Name    string // optional: the invitee's name, shown when they accept
	Message string // optional: a personal message, shown when they accept
}

// Validate checks and normalises ni.
func (ni *NewInvitation) Validate() error {
	p := Problems{}
	ni.Email = email(p, "email", ni.Email)
	ni.Name = line(p, "name", "Their name", ni.Name, false, MaxNameLen)
	ni.Message = text(p, "message", "Personal message", ni.Message, false, MaxInvitationMessageLen)
	if strings.TrimSpace(ni.Message) == "" {
		ni.Message = ""
	}
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
	// An open invitation of the same address to the same hub is refreshed
	// instead (a fresh token, a new validity period, the viewer as its
	// inviter). An address that is already a member's is invited all the
	// same, with the same answer: accepting it, they join the hub.
	// EINVALID, EFORBIDDEN.
	CreateInvitation(ctx context.Context, ni NewInvitation) (*Invitation, string, error)
	// NewInvitationLink replaces a pending invitation's token with a fresh
	// one, for the inviter to pass on again: the old link stops working.
	// Its validity period is unchanged. ENOTFOUND, EFORBIDDEN, ECONFLICT
	// (accepted, withdrawn or expired).
	NewInvitationLink(ctx context.Context, id int64) (*Invitation, string, error)
	// ResendInvitation sends a pending or expired invitation again: a
	// fresh token (the old link stops working), a new validity period, and
	// the viewer as its inviter. ENOTFOUND, EFORBIDDEN, ECONFLICT (accepted
	// or withdrawn).
	ResendInvitation(ctx context.Context, id int64) (*Invitation, string, error)
	// FindInvitations lists the invitations the viewer may manage, newest
	// first: all for network admins, their own for coordinators.
	FindInvitations(ctx context.Context, page Page) ([]*Invitation, int, error)
	// RevokeInvitation withdraws a pending invitation. ENOTFOUND, EFORBIDDEN.
	RevokeInvitation(ctx context.Context, id int64) error
	// FindInvitationByToken returns a pending invitation; needs no viewer.
	// ENOTFOUND (unknown, used, revoked or expired).
	FindInvitationByToken(ctx context.Context, token string) (*Invitation, error)
	// AcceptInvitation uses up the token. Signed out, it creates the
	// member from a; signed in as the member the invitation is addressed
	// to, it puts them in its hub (a is ignored). Either way the inviter
	// must still be allowed to invite there. EINVALID, ENOTFOUND,
	// EFORBIDDEN (the inviter may no longer invite there; signed in as
	// someone else), ECONFLICT (handle or email taken).
	AcceptInvitation(ctx context.Context, token string, a Acceptance) (*Member, error)
}
