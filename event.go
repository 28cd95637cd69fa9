package sharefair

import (
	"context"
	"time"
)

// EventKind names what happened.
type EventKind string

// The events recorded, each in the transaction of the change it tells of.
const (
	EventThreadStarted EventKind = "thread_started" // a thread and its opening post: ActorID, ThreadID, PostID
	EventPostWritten   EventKind = "post_written"   // a reply: ActorID, ThreadID, PostID
	EventMentioned     EventKind = "mentioned"      // SubjectID mentioned by ActorID in PostID
	EventInvited       EventKind = "invited"        // InvitationID, to the network or to HubID, made or re-sent by ActorID
	EventCircleInvited EventKind = "circle_invited" // SubjectID invited to CircleID by ActorID
	EventPostHidden    EventKind = "post_hidden"    // PostID hidden by ActorID, a moderator
	EventPostRestored  EventKind = "post_restored"  // PostID shown again by ActorID
)

// Event is one thing that happened, by number: who did it (ActorID), to
// or for whom (SubjectID), and where. An event names hidden authors, as
// the rows it tells of do; what shows it to members (a notification, an
// email) asks the access rules at that moment.
type Event struct {
	ID        int64
	Kind      EventKind
	At        time.Time
	ActorID   int64
	SubjectID int64
	HubID     int64
	CircleID  int64
	ThreadID  int64
	PostID    int64
	// InvitationID is the invitation an EventInvited tells of.
	InvitationID int64
}

// JobCount is what a network admin is shown of one kind of background job.
type JobCount struct {
	Kind                         string
	Ready, Running, Done, Failed int
	NextDue                      *time.Time // the earliest due, among those ready or running
	LastError                    string     // the latest failure's message, if any
	LastErrorAt                  *time.Time
}

// JobService tells network admins how the background work goes.
type JobService interface {
	// JobCounts counts the jobs by kind and state, with each kind's next
	// due time and latest failure. EFORBIDDEN but for network admins.
	JobCounts(ctx context.Context) ([]JobCount, error)
}
