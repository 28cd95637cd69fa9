package sharefair

import (
	"context"
	"strings"
	"time"
)

// CircleKind says who may join a circle, and who may know it exists.
type CircleKind string

// Circle kinds.
const (
	CircleOpen   CircleKind = "open"   // anyone joins at once
	CircleClosed CircleKind = "closed" // members ask, hosts approve
	// CircleSecret: invitation only; to everyone else it does not exist,
	// not even to network admins outside it (but for an audited list).
	CircleSecret CircleKind = "secret"
)

// CircleKinds are the kinds in the order pages offer them.
var CircleKinds = []CircleKind{CircleOpen, CircleClosed, CircleSecret}

// Valid reports whether k is one of CircleKinds.
func (k CircleKind) Valid() bool {
	return k == CircleOpen || k == CircleClosed || k == CircleSecret
}

// Label names the kind for a person.
func (k CircleKind) Label() string {
	switch k {
	case CircleClosed:
		return "Closed"
	case CircleSecret:
		return "Secret"
	}
	return "Open"
}

// CircleRole is a member's role in one circle.
type CircleRole string

// Roles in a circle.
const (
	CircleRoleMember CircleRole = "member"
	CircleRoleHost   CircleRole = "host"
)

// Circle is a small group of members around an interest or a challenge,
// across hubs. It is addressed by Key, a random string, never by its name:
// names need not be unique, so no name can conflict with a secret one.
type Circle struct {
	ID          int64
	Key         string
	Name        string
	Description string // Markdown, as written
	// DescriptionHTML is Description rendered and sanitised, on write.
	DescriptionHTML string
	Kind            CircleKind
	CreatedAt       time.Time
	MemberCount     int
	// Hosts are the circle's hosts; filled by FindCircle.
	Hosts []*MemberRef

	// ViewerRole is the viewer's role, "" when not a member.
	ViewerRole CircleRole
	// ViewerInvited: a host invited the viewer, who has not answered yet.
	// ViewerRequested: the viewer asked to join, and no host decided yet.
	ViewerInvited, ViewerRequested bool
	// What the viewer may do, as the store's rules decide: read its
	// threads and start them, join it at once or ask to, and host it
	// (invite, admit, remove, share hosting, change it).
	ViewerMayRead, ViewerMayJoin, ViewerMayRequest, ViewerMayHost bool
	// PendingRequests counts the requests waiting; for hosts only.
	PendingRequests int
}

// Ref returns the short reference to c.
func (c *Circle) Ref() CircleRef { return CircleRef{ID: c.ID, Key: c.Key, Name: c.Name, Kind: c.Kind} }

// CircleRef is what other pages show of a circle: enough to link to it.
type CircleRef struct {
	ID   int64
	Key  string
	Name string
	Kind CircleKind
	// Members is how many members it has: the readers of its content.
	Members int
}

// CircleMember is one member of a circle, as its members see them.
type CircleMember struct {
	Member   *MemberRef
	Role     CircleRole
	JoinedAt time.Time
}

// NewCircle is what a member gives to start a circle.
type NewCircle struct {
	Name        string
	Description string
	Kind        CircleKind // CircleOpen when empty
}

// Validate checks and normalises nc.
func (nc *NewCircle) Validate() error {
	p := Problems{}
	nc.Name = line(p, "name", "Circle name", nc.Name, true, MaxCircleNameLen)
	nc.Description = text(p, "description", "Description", nc.Description, false, MaxHubDescLen)
	if nc.Kind == "" {
		nc.Kind = CircleOpen
	}
	if !nc.Kind.Valid() {
		p.Add("kind", "Choose who may join: open, closed or secret.")
	}
	return p.Err()
}

// MaxCircleNameLen bounds a circle's name.
const MaxCircleNameLen = 80

// ValidCircleKey reports whether s has the shape of a circle's key.
func ValidCircleKey(s string) bool {
	if len(s) != CircleKeyLen {
		return false
	}
	return strings.Trim(s, CircleKeyAlphabet) == ""
}

// A circle's key: random letters and digits, unguessable, that say nothing
// of its name.
const (
	CircleKeyLen      = 10
	CircleKeyAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"
)

// CircleFilter selects the circles FindCircles lists.
type CircleFilter struct {
	// Mine lists the circles the viewer belongs to; Invited those they are
	// invited to; Joinable the open and closed circles they are neither in
	// nor invited to.
	Mine, Invited, Joinable bool
	// Page, when its Size is set, gives one page of them: circles are
	// started by any member, and a list of them all would cost more with
	// every one.
	Page Page
}

// CircleUpdate is what a circle's hosts change about it; nil fields stay
// as they are. Who may join (Kind) is not changed: a secret circle made
// open would show its members' past words to whoever joins next, and an
// open one made secret would hide from its members where they spoke.
type CircleUpdate struct {
	Name        *string
	Description *string
}

// Validate checks and normalises u.
func (u *CircleUpdate) Validate() error {
	p := Problems{}
	if u.Name != nil {
		*u.Name = line(p, "name", "Circle name", *u.Name, true, MaxCircleNameLen)
	}
	if u.Description != nil {
		*u.Description = text(p, "description", "Description", *u.Description, false, MaxHubDescLen)
	}
	return p.Err()
}

// CircleOutcome is what a change of circle membership did.
type CircleOutcome string

// Outcomes of JoinCircle, LeaveCircle and AnswerCircleInvitation.
const (
	CircleJoined           CircleOutcome = "joined"
	CircleRequested        CircleOutcome = "requested"
	CircleAlreadyMember    CircleOutcome = "already_member"
	CircleAlreadyRequested CircleOutcome = "already_requested"
	CircleLeft             CircleOutcome = "left"
	CircleWithdrawn        CircleOutcome = "withdrawn"
	CircleNotIn            CircleOutcome = "not_in_circle"
	CircleDeclined         CircleOutcome = "declined"
)

// SecretCircle is what a network admin may know of a secret circle they
// are not in: that it exists, its name, hosts and size.
type SecretCircle struct {
	ID          int64
	Name        string
	Hosts       []*MemberRef
	MemberCount int
	CreatedAt   time.Time
}

// CircleService reads and changes circles and their membership. A secret
// circle the viewer is neither in nor invited to is reported as not found,
// as if it had never existed, and is left out of every list and count.
type CircleService interface {
	// CreateCircle starts a circle, with the viewer as its first host.
	// EINVALID.
	CreateCircle(ctx context.Context, nc NewCircle) (*Circle, error)
	// UpdateCircle changes a circle's name or description; hosts only.
	// EINVALID, ENOTFOUND, EFORBIDDEN.
	UpdateCircle(ctx context.Context, key string, u CircleUpdate) (*Circle, error)
	// FindCircle returns a circle by key, with its hosts. ENOTFOUND.
	FindCircle(ctx context.Context, key string) (*Circle, error)
	// FindCircles lists circles as f selects, by name, and counts them.
	FindCircles(ctx context.Context, f CircleFilter) ([]*Circle, int, error)
	// FindCircleMembers lists a circle's members, hosts first; for its
	// members. ENOTFOUND.
	FindCircleMembers(ctx context.Context, key string) ([]*CircleMember, error)
	// FindCircleRequests lists the requests waiting to join; for hosts.
	// ENOTFOUND, EFORBIDDEN.
	FindCircleRequests(ctx context.Context, key string) ([]*JoinRequest, error)
	// JoinCircle joins an open circle (CircleJoined) or asks to join a
	// closed one (CircleRequested); CircleAlreadyMember and
	// CircleAlreadyRequested when nothing changed. ENOTFOUND.
	JoinCircle(ctx context.Context, key string) (CircleOutcome, error)
	// LeaveCircle leaves a circle (CircleLeft) or withdraws a request
	// (CircleWithdrawn); CircleNotIn when neither. The last host must
	// hand hosting over first. ENOTFOUND, EFORBIDDEN (last host).
	LeaveCircle(ctx context.Context, key string) (CircleOutcome, error)
	// InviteToCircle invites a network member by handle; hosts only. It
	// reports false when they were invited or in already. EINVALID
	// (handle), ENOTFOUND, EFORBIDDEN.
	InviteToCircle(ctx context.Context, key, handle string) (bool, error)
	// AnswerCircleInvitation accepts (CircleJoined) or declines
	// (CircleDeclined) the viewer's invitation; CircleAlreadyMember when
	// they are in already. ENOTFOUND (no invitation).
	AnswerCircleInvitation(ctx context.Context, key string, accept bool) (CircleOutcome, error)
	// DecideCircleRequest approves or declines a request to join; hosts
	// only. False when the member is in already. ENOTFOUND, EFORBIDDEN.
	DecideCircleRequest(ctx context.Context, key, handle string, approve bool) (bool, error)
	// RemoveFromCircle removes a member; hosts only, written to the audit
	// log. False when they were not in. ENOTFOUND, EFORBIDDEN.
	RemoveFromCircle(ctx context.Context, key, handle string) (bool, error)
	// SetCircleHost makes a member a host, or a host a plain member (a host
	// may step down unless they are the last); hosts only. False when
	// nothing changed. ENOTFOUND, EFORBIDDEN, EINVALID (last host).
	SetCircleHost(ctx context.Context, key, handle string, host bool) (bool, error)
	// FindSecretCircles lists every secret circle (name, hosts, size) for
	// network admins; every look is written to the audit log. EFORBIDDEN.
	FindSecretCircles(ctx context.Context) ([]*SecretCircle, error)
}
