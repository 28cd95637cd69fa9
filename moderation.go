package sharefair

import (
	"context"
	"time"
)

// FlagReason is the fixed category a member gives when flagging a post,
// and a moderator when hiding one: the post's author is told it.
type FlagReason string

// Flag reasons, in the order forms offer them.
const (
	FlagAbusive  FlagReason = "abusive"   // abusive or hateful
	FlagReveals  FlagReason = "reveals"   // reveals someone who did not choose it
	FlagOffTopic FlagReason = "off_topic" // off-topic for where it was posted
	FlagSpam     FlagReason = "spam"      // advertising or spam
	FlagOther    FlagReason = "other"     // something else, said in the note
)

// FlagReasons lists the reasons as forms offer them.
var FlagReasons = []Option{
	{Code: string(FlagAbusive), Name: "Abusive or hateful"},
	{Code: string(FlagReveals), Name: "Reveals someone who did not choose it"},
	{Code: string(FlagOffTopic), Name: "Off-topic here"},
	{Code: string(FlagSpam), Name: "Advertising or spam"},
	{Code: string(FlagOther), Name: "Something else"},
}

// Label is how r is shown to people.
func (r FlagReason) Label() string {
	for _, o := range FlagReasons {
		if o.Code == string(r) {
			return o.Name
		}
	}
	return string(r)
}

// Valid reports whether r is a known reason.
func (r FlagReason) Valid() bool {
	for _, o := range FlagReasons {
		if o.Code == string(r) {
			return true
		}
	}
	return false
}

// Bounds on what moderation asks people to write.
const (
	MaxFlagNoteLen     = 500  // the optional words with a flag
	MaxRevealReasonLen = 1000 // the written reason for a reveal
	MinRevealReasonLen = 10   // a reason is a sentence, not a word
)

// NewFlag is what a member gives to flag a post.
type NewFlag struct {
	Reason FlagReason
	Note   string
}

// Validate checks and normalises f.
func (f *NewFlag) Validate() error {
	p := Problems{}
	if !f.Reason.Valid() {
		p.Add("reason", "Choose why you are flagging the post.")
	}
	f.Note = text(p, "note", "Note", f.Note, false, MaxFlagNoteLen)
	return p.Err()
}

// ValidateHideReason checks the reason category a moderator hides a post for.
func ValidateHideReason(r FlagReason) error {
	if !r.Valid() {
		p := Problems{}
		p.Add("reason", "Choose why the post is hidden; its author is told.")
		return p.Err()
	}
	return nil
}

// ValidateRevealReason checks and normalises the written reason for a reveal.
func ValidateRevealReason(reason string) (string, error) {
	p := Problems{}
	reason = text(p, "reason", "Reason", reason, true, MaxRevealReasonLen)
	if _, bad := p["reason"]; !bad && len([]rune(reason)) < MinRevealReasonLen {
		p.Add("reason", "Say in a sentence what abuse the reveal is for.")
	}
	return reason, p.Err()
}

// FlagCount is how many open flags give one reason.
type FlagCount struct {
	Reason FlagReason
	Count  int
}

// ModerationItem is one flagged post in the moderation queue, shown as its
// readers see it: a hidden author stays hidden from moderators too.
type ModerationItem struct {
	Post   *Post
	Thread *Thread
	// Flags counts the open flags by reason; Notes are their words, if
	// any, without naming who flagged.
	Flags     []FlagCount
	FlagCount int
	Notes     []string
	// FirstFlaggedAt is when the oldest open flag was made: the queue is
	// oldest first.
	FirstFlaggedAt time.Time
}

// Reveal is a network admin's look at who wrote a hidden-author post, as
// its author is told of it.
type Reveal struct {
	At     time.Time
	Reason string
}

// ModerationService flags, hides and locks content, and changes members'
// standing. Every act but a flag is written to the audit log in its own
// transaction.
type ModerationService interface {
	// FlagPost flags a post the viewer may read. changed is false when the
	// viewer holds an open flag on it already. EINVALID, ENOTFOUND.
	FlagPost(ctx context.Context, postID int64, f NewFlag) (changed bool, err error)
	// FindModerationQueue lists the flagged posts the viewer may moderate,
	// oldest flag first, and the total.
	FindModerationQueue(ctx context.Context, page Page) ([]*ModerationItem, int, error)
	// HidePost hides a post from its readers, for a reason category its
	// author is told. ENOTFOUND, EFORBIDDEN, EINVALID.
	HidePost(ctx context.Context, postID int64, reason FlagReason) (changed bool, err error)
	// RestorePost shows a hidden post again. ENOTFOUND, EFORBIDDEN.
	RestorePost(ctx context.Context, postID int64) (changed bool, err error)
	// DismissFlags closes the open flags on a post, leaving it as it is.
	// ENOTFOUND, EFORBIDDEN.
	DismissFlags(ctx context.Context, postID int64) (changed bool, err error)
	// LockThread stops new replies to a thread; unlock lets them again.
	// ENOTFOUND, EFORBIDDEN.
	LockThread(ctx context.Context, threadID int64, lock bool) (changed bool, err error)
	// SetMemberState suspends, reinstates, deactivates or reactivates a
	// member (network admins). Leaving the active state ends every session
	// and token at once. ENOTFOUND, EFORBIDDEN, ECONFLICT (a change the
	// member's state does not allow, or oneself).
	SetMemberState(ctx context.Context, memberID int64, state MemberState) (changed bool, err error)
	// SetMemberRole makes a member a network admin or a member (network
	// admins); the last active admin cannot stand down. ENOTFOUND,
	// EFORBIDDEN, ECONFLICT, EINVALID.
	SetMemberRole(ctx context.Context, memberID int64, role Role) (changed bool, err error)
	// RevealAuthor tells a network admin who wrote one Chatham House or
	// anonymous post, for abuse, giving a written reason. Nobody else's
	// view changes; the author is shown that it happened. ENOTFOUND,
	// EFORBIDDEN, EINVALID, ECONFLICT (a named post).
	RevealAuthor(ctx context.Context, postID int64, reason string) (*MemberRef, error)
}
