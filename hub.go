package sharefair

import (
	"context"
	"strings"
	"time"
)

// HubRole is a member's role in one hub.
type HubRole string

// Roles in a hub.
const (
	HubRoleMember      HubRole = "member"
	HubRoleCoordinator HubRole = "coordinator"
)

// JoinPolicy says how people become members of a hub. A hub's
// discussions are read by its members only, so the policy decides who may
// read them.
type JoinPolicy string

// Join policies.
const (
	JoinOpen         JoinPolicy = "open"       // anyone joins at once
	JoinByRequest    JoinPolicy = "request"    // a member asks, a coordinator approves
	JoinByInvitation JoinPolicy = "invitation" // only invitations bring people in
)

// JoinPolicies are the policies in the order pages offer them.
var JoinPolicies = []JoinPolicy{JoinOpen, JoinByRequest, JoinByInvitation}

// Valid reports whether p is one of JoinPolicies.
func (p JoinPolicy) Valid() bool {
	return p == JoinOpen || p == JoinByRequest || p == JoinByInvitation
}

// Closed reports whether a hub with policy p lets in only those a
// coordinator chose.
func (p JoinPolicy) Closed() bool { return p != JoinOpen }

// Hub is a regional group of the network: Rome, Nairobi, Bangkok…
type Hub struct {
	ID          int64
	Slug        string
	Name        string
	Description string // Markdown, as written
	// DescriptionHTML is Description rendered and sanitised, on write.
	DescriptionHTML string
	City            string
	TimeZone        string // IANA name
	JoinPolicy      JoinPolicy
	CreatedAt       time.Time
	MemberCount     int

	// Coordinators are the hub's coordinators; filled by FindHubBySlug.
	Coordinators []*MemberRef
	// ViewerRole is the viewer's role in the hub, "" when not a member.
	ViewerRole HubRole
	// What the viewer may do in the hub, as the store's rules decide:
	// start discussions for it, change it, invite people to it, appoint
	// and stand down its coordinators.
	ViewerMayPost, ViewerMayEdit, ViewerMayInvite, ViewerMayAppoint bool
	// ViewerMayJoin: the viewer, not a member, may join at once;
	// ViewerMayRequest: they may ask to join. ViewerRequested: they asked
	// and no coordinator has decided yet.
	ViewerMayJoin, ViewerMayRequest, ViewerRequested bool
	// ViewerInvited: an invitation to the hub addressed to the viewer's
	// email is open; joining accepts it.
	ViewerInvited bool
	// ViewerMayAdmit: the viewer may approve and decline requests to join,
	// and set the join policy. PendingRequests counts the requests waiting;
	// it is filled for those who may admit only (0 for others).
	ViewerMayAdmit  bool
	PendingRequests int
}

// Ref returns the short reference to h.
func (h *Hub) Ref() HubRef { return HubRef{ID: h.ID, Slug: h.Slug, Name: h.Name} }

// HubRef is what other pages show of a hub: enough to link to it.
type HubRef struct {
	ID   int64
	Slug string
	Name string
}

// JoinRequest is a member's request to join a hub, waiting for a
// coordinator's decision.
type JoinRequest struct {
	Member    *MemberRef
	CreatedAt time.Time
}

// JoinOutcome is what asking to join a hub did.
type JoinOutcome string

// Outcomes of JoinHub.
const (
	Joined    JoinOutcome = "joined"    // the viewer is a member now
	Requested JoinOutcome = "requested" // a coordinator will decide
	// AlreadyMember: the viewer was a member already; nothing changed.
	AlreadyMember JoinOutcome = "already_member"
	// AlreadyRequested: the viewer had asked already; nothing changed.
	AlreadyRequested JoinOutcome = "already_requested"
)

// LeaveOutcome is what leaving a hub did.
type LeaveOutcome string

// Outcomes of LeaveHub.
const (
	Left      LeaveOutcome = "left"       // the viewer was a member and is no more
	Withdrawn LeaveOutcome = "withdrawn"  // the viewer's request to join is withdrawn
	NotInHub  LeaveOutcome = "not_in_hub" // neither member nor asking: nothing changed
)

// NewHub is what a network admin gives to create a hub.
type NewHub struct {
	Name        string
	Slug        string // derived from Name when empty
	Description string
	City        string
	TimeZone    string     // IANA name; the network's zone when empty
	JoinPolicy  JoinPolicy // JoinOpen when empty
}

// Validate checks and normalises nh.
func (nh *NewHub) Validate() error {
	p := Problems{}
	nh.Name = line(p, "name", "Hub name", nh.Name, true, MaxHubNameLen)
	nh.Description = text(p, "description", "Description", nh.Description, false, MaxHubDescLen)
	nh.City = line(p, "city", "City", nh.City, false, MaxCityLen)
	nh.TimeZone = hubTimeZone(p, nh.TimeZone)
	if nh.JoinPolicy == "" {
		nh.JoinPolicy = JoinOpen
	}
	joinPolicy(p, nh.JoinPolicy)
	if nh.Slug == "" {
		nh.Slug = Slugify(nh.Name)
		if nh.Slug == "" && p["name"] == "" {
			p.Add("slug", "Give the hub an address (letters a–z, digits and hyphens), since its name has none.")
		}
	} else if !ValidSlug(nh.Slug) {
		p.Add("slug", "An address is up to 40 lower-case letters (a–z), digits and single hyphens.")
	}
	return p.Err()
}

// hubTimeZone checks a hub's time zone: empty (the default), or an IANA
// name from TimeZones that this system can load.
func hubTimeZone(p Problems, z string) string {
	z = strings.TrimSpace(z)
	if z == "" {
		return ""
	}
	if !ValidTimeZone(z) {
		p.Add("time_zone", "Choose a time zone from the list, such as Europe/Rome.")
	} else if _, err := time.LoadLocation(z); err != nil {
		p.Add("time_zone", "This time zone is not known to the server; choose another nearby.")
	}
	return z
}

func joinPolicy(p Problems, jp JoinPolicy) {
	if !jp.Valid() {
		p.Add("join_policy", "Choose how people join: open, by request or by invitation only.")
	}
}

// HubUpdate changes a hub. Nil fields are left as they are.
type HubUpdate struct {
	Name        *string
	Description *string
	City        *string
	TimeZone    *string
	JoinPolicy  *JoinPolicy
	// ConfirmOpen confirms opening a closed hub: its past discussions
	// become readable by whoever joins. Without it, opening is refused.
	ConfirmOpen bool
}

// Validate checks and normalises u.
func (u *HubUpdate) Validate() error {
	p := Problems{}
	if u.Name != nil {
		*u.Name = line(p, "name", "Hub name", *u.Name, true, MaxHubNameLen)
	}
	if u.Description != nil {
		*u.Description = text(p, "description", "Description", *u.Description, false, MaxHubDescLen)
	}
	if u.City != nil {
		*u.City = line(p, "city", "City", *u.City, false, MaxCityLen)
	}
	if u.TimeZone != nil {
		*u.TimeZone = hubTimeZone(p, *u.TimeZone)
		if *u.TimeZone == "" {
			p.Add("time_zone", "Choose the hub's time zone.")
		}
	}
	if u.JoinPolicy != nil {
		joinPolicy(p, *u.JoinPolicy)
	}
	return p.Err()
}

// ErrConfirmOpen is the refusal to open a closed hub without confirmation.
func ErrConfirmOpen() error {
	return &Error{Code: EINVALID, Message: "Please confirm that the hub's discussions may be read by whoever joins.",
		Fields: map[string]string{"confirm_open": "Opening the hub lets anyone join at once, and whoever joins can read all its past discussions. Tick to confirm."}}
}

// HubService reads and changes hubs and their membership.
type HubService interface {
	// FindHubs lists every hub, by name.
	FindHubs(ctx context.Context) ([]*Hub, error)
	// FindHubBySlug returns a hub with its coordinators. ENOTFOUND.
	FindHubBySlug(ctx context.Context, slug string) (*Hub, error)
	// CreateHub creates a hub; network admins only. EINVALID, EFORBIDDEN,
	// ECONFLICT (address taken).
	CreateHub(ctx context.Context, nh NewHub) (*Hub, error)
	// UpdateHub changes a hub; its coordinators and network admins only.
	// EINVALID, ENOTFOUND, EFORBIDDEN.
	UpdateHub(ctx context.Context, slug string, u HubUpdate) (*Hub, error)
	// JoinHub makes the viewer a member of an open hub (Joined), or asks
	// to join a hub that takes requests (Requested); AlreadyMember and
	// AlreadyRequested when nothing changed. ENOTFOUND, EFORBIDDEN (by
	// invitation only).
	JoinHub(ctx context.Context, slug string) (JoinOutcome, error)
	// LeaveHub removes the viewer from the hub (and from coordinating it),
	// and withdraws their request to join it, saying which it did (NotInHub
	// when neither). ENOTFOUND.
	LeaveHub(ctx context.Context, slug string) (LeaveOutcome, error)
	// FindJoinRequests lists the requests waiting to join a hub, oldest
	// first, with their total; for those who may admit. ENOTFOUND,
	// EFORBIDDEN.
	FindJoinRequests(ctx context.Context, slug string, page Page) ([]*JoinRequest, int, error)
	// DecideJoinRequest approves (the member joins) or declines a request
	// to join; for those who may admit. Approving a member who is in the
	// hub already (approved before) changes nothing and reports false.
	// ENOTFOUND (no such request), EFORBIDDEN.
	DecideJoinRequest(ctx context.Context, slug, handle string, approve bool) (bool, error)
	// SetCoordinator appoints (or stands down) a hub coordinator, adding
	// them to the hub if needed; network admins only. It reports whether
	// anything changed: appointing a coordinator, or standing down someone
	// who does not coordinate the hub, does nothing. ENOTFOUND, EFORBIDDEN.
	SetCoordinator(ctx context.Context, slug, handle string, coordinator bool) (bool, error)
}
