package sharefair

import (
	"context"
	"time"
)

// NotificationKind says what a notification tells a member of.
type NotificationKind string

// The kinds of notification.
const (
	// NotifyReply: new replies in a thread the member takes part in or
	// follows. One notification gathers a thread's replies until it is
	// read.
	NotifyReply NotificationKind = "reply"
	// NotifyMention: the member was @mentioned in a post.
	NotifyMention NotificationKind = "mention"
	// NotifyInvitation: the member, by their email address, was invited
	// to a hub.
	NotifyInvitation NotificationKind = "invitation"
	// NotifyCircleInvitation: the member was invited to a circle.
	NotifyCircleInvitation NotificationKind = "circle_invitation"
	// NotifyPostHidden and NotifyPostRestored: a moderator hid one of the
	// member's posts, or showed it again.
	NotifyPostHidden   NotificationKind = "post_hidden"
	NotifyPostRestored NotificationKind = "post_restored"
)

// Notification is one thing a member is told of, as they may see it now:
// what it points to is read through the access rules each time it is
// shown, so that a post withdrawn or hidden since leaves the list, and an
// author who hid their name is never named.
type Notification struct {
	ID   int64
	Kind NotificationKind
	// At is when it last changed (a reply gathered into it); the day alone
	// when what it tells of hides its author.
	At   time.Time
	Read bool
	// Actor is who did it, when the viewer may know: never the author of
	// a post that hides its author, never the moderator of a moderation
	// outcome.
	Actor *MemberRef
	// Thread is the thread it is about, if any, as the viewer sees it.
	Thread *ThreadRef
	// PostID is the post it points to: the first of the new replies, the
	// post that mentions, the post hidden or shown again.
	PostID int64
	// Replies is how many new replies a NotifyReply gathers.
	Replies int
	Hub     *HubRef    // the hub of an invitation
	Circle  *CircleRef // the circle of a circle invitation
	// Reason is why a post was hidden, as its author is told it.
	Reason string
}

// ThreadRef names a thread where it is pointed to.
type ThreadRef struct {
	ID    int64
	Title string // the displayed title: WithdrawnThreadTitle when withdrawn
}

// FollowLevel is how a member follows a thread. Those who took part in a
// thread are told of its replies unless they mute it; others only when
// they follow it.
type FollowLevel string

// Follow levels.
const (
	FollowNormal    FollowLevel = "normal"    // told of replies if they took part
	FollowFollowing FollowLevel = "following" // told of every reply
	FollowMuted     FollowLevel = "muted"     // told of no reply; @mentions still arrive
)

// Valid reports whether l is a known level.
func (l FollowLevel) Valid() bool {
	return l == FollowNormal || l == FollowFollowing || l == FollowMuted
}

// MaxUnreadShown is the most unread notifications counted; more show as
// "99+".
const MaxUnreadShown = 99

// NotificationService is what members are told of, and how they follow
// threads.
type NotificationService interface {
	// Notifications lists one page of the viewer's notifications, newest
	// first, and the total. EUNAUTHORIZED.
	Notifications(ctx context.Context, page Page) ([]*Notification, int, error)
	// UnreadNotifications counts the viewer's unread notifications, up to
	// MaxUnreadShown+1.
	UnreadNotifications(ctx context.Context) (int, error)
	// OpenNotification marks one of the viewer's notifications read and
	// returns it. ENOTFOUND when it is not theirs or no longer shown.
	OpenNotification(ctx context.Context, id int64) (*Notification, error)
	// MarkNotificationsRead marks the viewer's notifications read: those
	// of ids, or all of them when ids is empty. It reports how many
	// changed.
	MarkNotificationsRead(ctx context.Context, ids []int64) (int, error)
	// FollowThread sets how the viewer follows a thread, and reports
	// whether it changed. EINVALID (level), ENOTFOUND.
	FollowThread(ctx context.Context, threadID int64, level FollowLevel) (bool, error)
	// MarkThreadRead records that the viewer read a thread up to its
	// page'th page of posts (PostsPerPage each), and marks read what
	// they were told of it that this covers. A page before what they had
	// read changes nothing. ENOTFOUND.
	MarkThreadRead(ctx context.Context, threadID int64, page int) error
}
