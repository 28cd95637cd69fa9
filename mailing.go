package sharefair

import (
	"context"
	"time"
)

// Delivery says how a kind of notification reaches a member.
type Delivery string

// Deliveries.
const (
	DeliverEmail Delivery = "email" // by email too, a few minutes after, a thread's replies together
	DeliverApp   Delivery = "app"   // in Sharefair only
	DeliverOff   Delivery = "off"   // not at all
)

// Valid reports whether d is a known delivery.
func (d Delivery) Valid() bool { return d == DeliverEmail || d == DeliverApp || d == DeliverOff }

// NotificationKinds are the kinds of notification, in the order a
// member chooses how each reaches them.
var NotificationKinds = []NotificationKind{NotifyReply, NotifyMention, NotifyInvitation, NotifyCircleInvitation,
	NotifyPostHidden, NotifyPostRestored}

// Label names kind k for a person choosing how it reaches them.
func (k NotificationKind) Label() string {
	switch k {
	case NotifyReply:
		return "Replies in discussions you take part in or follow"
	case NotifyMention:
		return "Mentions of you"
	case NotifyInvitation:
		return "Invitations to hubs"
	case NotifyCircleInvitation:
		return "Invitations to circles"
	case NotifyPostHidden:
		return "A moderator hid one of your posts"
	case NotifyPostRestored:
		return "A moderator showed one of your posts again"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool {
	for _, x := range NotificationKinds {
		if k == x {
			return true
		}
	}
	return false
}

// DefaultDelivery is how every kind reaches a member who chose nothing:
// by email, so that a member who reads mail more than websites takes
// part from the first day.
const DefaultDelivery = DeliverEmail

// MailSettings is how notifications reach a member.
type MailSettings struct {
	Delivery map[NotificationKind]Delivery // every kind
	// Bounces counts the messages to the member's address that bounced
	// in a row; at MaxBounces mail to it stops (Stopped) until the member
	// asks for it again.
	Bounces int
	Stopped *time.Time
}

// MaxBounces is how many bounces in a row stop mail to an address.
const MaxBounces = 3

// MailSettingsUpdate changes how notifications reach the viewer: the
// kinds given, and, with Resume, mail to an address it had stopped for.
type MailSettingsUpdate struct {
	Delivery map[NotificationKind]Delivery
	Resume   bool
}

// OutboxItem is one message in the outbox, as network admins see it:
// whom it is for, what kind, and how it went; never its words, nor any
// link it holds.
type OutboxItem struct {
	ID        int64
	Kind      string // notification, password_reset, invitation, email_change, test
	To        string // the recipient's address
	State     string // queued, sent, dropped, failed
	Reason    string // why dropped or failed
	CreatedAt time.Time
	SentAt    *time.Time
}

// MailService is how members choose what reaches them by email, and what
// admins see of the mail sent.
type MailService interface {
	// MailSettings returns how notifications reach the viewer.
	MailSettings(ctx context.Context) (MailSettings, error)
	// UpdateMailSettings changes them. EINVALID naming the kind.
	UpdateMailSettings(ctx context.Context, u MailSettingsUpdate) (MailSettings, error)
	// Unsubscribe stops the kind of mail an unsubscribe link names, for
	// its member, signed in or not, and returns the kind. ENOTFOUND for a
	// link that is not one.
	Unsubscribe(ctx context.Context, token string) (NotificationKind, error)
	// Outbox lists one page of the outbox, newest first, and the total.
	// EFORBIDDEN but for network admins.
	Outbox(ctx context.Context, page Page) ([]OutboxItem, int, error)
}
