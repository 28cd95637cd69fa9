package sharefair

import (
	"context"
	"io"
	"time"
)

// ExportFormat names the shape of a member's export, so that a script
// reading one can tell it from a later shape.
const ExportFormat = "sharefair-member-export/1"

// ExportService gives a member everything Sharefair holds about them.
type ExportService interface {
	// ExportMember writes the viewer's own data to w as one JSON object of
	// the shape MemberExport documents, reading it row by row so that a
	// long history is never held in memory. It is the viewer's alone: not
	// even a network admin exports someone else. EUNAUTHORIZED (before
	// anything is written).
	ExportMember(ctx context.Context, w io.Writer) error
}

// MemberExport is the shape of a member's export. The store writes it in
// this order, posts last, without building the value.
type MemberExport struct {
	Format       string              `json:"format" description:"The export's shape and its version: sharefair-member-export/1."`
	ExportedAt   time.Time           `json:"exported_at" description:"When the file was made; RFC 3339, UTC."`
	Network      ExportNetwork       `json:"network"`
	Profile      ExportProfile       `json:"profile"`
	Hubs         []ExportHubMember   `json:"hubs" description:"The hubs the member belongs to, with their role."`
	JoinRequests []ExportJoinRequest `json:"join_requests" description:"Requests to join hubs still waiting for a coordinator."`
	Sessions     []ExportSession     `json:"sessions" description:"The browser sessions held for the member; never their secrets."`
	Tokens       []ExportToken       `json:"tokens" description:"The member's personal access tokens; never their secrets."`
	Invitations  []ExportInvitation  `json:"invitations" description:"The invitations the member sent; never their links."`
	Posts        []ExportPost        `json:"posts" description:"Every post the member wrote, oldest first, anonymous and Chatham House ones included."`
}

// ExportNetwork is the network the member belongs to.
type ExportNetwork struct {
	Name string `json:"name"`
}

// ExportProfile is every field of the member's profile.
type ExportProfile struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Handle       string    `json:"handle"`
	Name         string    `json:"name"`
	Organisation string    `json:"organisation"`
	Title        string    `json:"title"`
	City         string    `json:"city"`
	Country      string    `json:"country"`
	TimeZone     string    `json:"time_zone"`
	Bio          string    `json:"bio"`
	Languages    []string  `json:"languages"`
	Expertise    []string  `json:"expertise"`
	Role         Role      `json:"role"`
	CreatedAt    time.Time `json:"created_at" description:"RFC 3339, UTC."`
	UpdatedAt    time.Time `json:"updated_at" description:"RFC 3339, UTC."`
}

// ExportHub names a hub.
type ExportHub struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ExportHubMember is a hub the member belongs to.
type ExportHubMember struct {
	Hub      ExportHub `json:"hub"`
	Role     HubRole   `json:"role" enum:"member,coordinator"`
	JoinedAt time.Time `json:"joined_at" description:"RFC 3339, UTC."`
}

// ExportJoinRequest is a request to join a hub, still waiting.
type ExportJoinRequest struct {
	Hub         ExportHub `json:"hub"`
	RequestedAt time.Time `json:"requested_at" description:"RFC 3339, UTC."`
}

// ExportSession is a browser session: where and when, never its secret.
type ExportSession struct {
	ClientAddress string    `json:"client_address" description:"The address it signed in from."`
	UserAgent     string    `json:"user_agent" description:"The browser it signed in with, as it named itself."`
	CreatedAt     time.Time `json:"created_at" description:"When it signed in; RFC 3339, UTC."`
	LastSeenAt    time.Time `json:"last_seen_at" description:"RFC 3339, UTC."`
	ExpiresAt     time.Time `json:"expires_at" description:"RFC 3339, UTC."`
}

// ExportToken is a personal access token, never its secret.
type ExportToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Hint       string     `json:"hint" description:"The secret's last characters (what the tokens page shows as \"ends in\"); not the secret."`
	CreatedAt  time.Time  `json:"created_at" description:"RFC 3339, UTC."`
	LastUsedAt *time.Time `json:"last_used_at" description:"RFC 3339, UTC; null if never used."`
}

// ExportInvitation is an invitation the member sent, never its link.
type ExportInvitation struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name" description:"The invitee's name as the member gave it; may be empty."`
	Message    string     `json:"message"`
	Hub        *ExportHub `json:"hub" description:"The hub it invites to; null for the network alone."`
	Status     string     `json:"status" enum:"pending,accepted,revoked,expired"`
	CreatedAt  time.Time  `json:"created_at" description:"RFC 3339, UTC."`
	ExpiresAt  time.Time  `json:"expires_at" description:"RFC 3339, UTC."`
	RenewedAt  *time.Time `json:"renewed_at" description:"RFC 3339, UTC."`
	AcceptedAt *time.Time `json:"accepted_at" description:"RFC 3339, UTC."`
	RevokedAt  *time.Time `json:"revoked_at" description:"RFC 3339, UTC."`
}

// ExportPost is a post the member wrote, with the thread it is in as far
// as the member may still read it.
type ExportPost struct {
	ID          int64        `json:"id"`
	Thread      ExportThread `json:"thread"`
	Attribution Attribution  `json:"attribution" enum:"named,chatham,anonymous" description:"How the post shows its author: named, chatham (a pseudonym) or anonymous (none)."`
	Source      string       `json:"source" description:"The post's Markdown, as written."`
	CreatedAt   time.Time    `json:"created_at" description:"RFC 3339, UTC."`
	EditedAt    *time.Time   `json:"edited_at" description:"RFC 3339, UTC; null if never edited."`
}

// ExportThread is the thread of an exported post. A thread the member
// can no longer read is given by its id alone.
type ExportThread struct {
	ID       int64        `json:"id"`
	Readable bool         `json:"readable" description:"Whether the member may read the thread now; if not, only its id is given."`
	Started  bool         `json:"started" description:"Whether the member started the thread."`
	Title    string       `json:"title,omitempty"`
	Audience AudienceKind `json:"audience,omitempty" enum:"network,hub,circle,members"`
	Hub      *ExportHub   `json:"hub,omitempty" description:"The hub whose members may read it, for audience hub."`
}
