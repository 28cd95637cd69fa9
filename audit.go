package sharefair

import (
	"context"
	"time"
)

// AuditAction names a privileged act written to the audit log.
type AuditAction string

// The acts the audit log records. Each names what it acted on by number
// (a member, a thread, a post, a circle), never by copying content.
const (
	AuditReveal        AuditAction = "reveal"         // an admin learnt who wrote a hidden-author post
	AuditHide          AuditAction = "hide"           // a moderator hid a post
	AuditRestore       AuditAction = "restore"        // a moderator showed a hidden post again
	AuditLock          AuditAction = "lock"           // a moderator locked a thread
	AuditUnlock        AuditAction = "unlock"         // a moderator unlocked it
	AuditSuspend       AuditAction = "suspend"        // a moderator suspended a member
	AuditReinstate     AuditAction = "reinstate"      // a moderator reinstated one
	AuditRoleChange    AuditAction = "role_change"    // an admin changed a member's network role
	AuditDeactivate    AuditAction = "deactivate"     // an admin deactivated an account
	AuditReactivate    AuditAction = "reactivate"     // an admin reactivated one
	AuditCircleRemove  AuditAction = "circle_remove"  // a host removed a member from a circle
	AuditSecretCircles AuditAction = "secret_circles" // an admin looked at the list of secret circles
	AuditWithdraw      AuditAction = "withdraw"       // an author withdrew what they wrote
	AuditAccountDelete AuditAction = "account_delete" // a member deleted their account
)

// AuditActions lists every audit action, in the order filters offer them.
var AuditActions = []AuditAction{
	AuditReveal, AuditHide, AuditRestore, AuditLock, AuditUnlock,
	AuditSuspend, AuditReinstate, AuditRoleChange, AuditDeactivate, AuditReactivate,
	AuditCircleRemove, AuditSecretCircles, AuditWithdraw, AuditAccountDelete,
}

// Valid reports whether a is a known audit action.
func (a AuditAction) Valid() bool {
	for _, k := range AuditActions {
		if a == k {
			return true
		}
	}
	return false
}

// AuditEntry is one line of the audit log, as a reader may see it.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Action AuditAction
	// ActorID and SubjectID are member numbers (0 for none); Actor and
	// Subject are set while those members exist undeleted, so that a
	// deleted member shows as a number alone.
	ActorID   int64
	Actor     *MemberRef
	SubjectID int64
	Subject   *MemberRef
	// What was acted on, by number; 0 for none. A reader who may not know
	// of a secret circle's content sees none of these for it, only
	// InSecretCircle.
	HubID, CircleID, ThreadID, PostID int64
	InSecretCircle                    bool
	// Reason is the actor's own words, for acts that ask for one; Detail a
	// short fixed description of the change (a role from and to).
	Reason, Detail string
}

// AuditFilter narrows the audit log. Zero fields do not filter.
type AuditFilter struct {
	Action    AuditAction
	ActorID   int64
	SubjectID int64
	Page      Page
}

// AuditService reads the audit log. Writes happen inside the acts it
// records, in their transactions.
type AuditService interface {
	// FindAuditEntries lists entries the viewer may read (network admins),
	// latest first.
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
}
