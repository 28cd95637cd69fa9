package server

import (
	"context"

	"github.com/sharefair/sharefair"
)

// LogInvitationLink records an invitation's live link for the network's
// admin to pass on, since this network cannot send mail yet. The inviter
// sees the same link on their page or in the API's answer; nobody else
// should rely on the log. Once outgoing mail exists, the link is mailed to
// the invitee and no longer written here.
func LogInvitationLink(ctx context.Context, event string, inv *sharefair.Invitation, link string) {
	hub := ""
	if inv.Hub != nil {
		hub = inv.Hub.Slug
	}
	LoggerFrom(ctx).Info("invitation link for the admin to pass on: this network cannot send mail yet, "+
		"so the link is in this log; only the admin and the inviter should rely on it",
		"event", event, "invitation", inv.ID, "email", inv.Email, "hub", hub, "url", link, "expires_at", inv.ExpiresAt)
}
