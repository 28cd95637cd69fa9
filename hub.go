package sharefair

import (
	"context"
	"time"
)

// HubRole is a member's role in one hub.
type HubRole string

// Roles in a hub.
const (
	HubRoleMember      HubRole = "member"
	HubRoleCoordinator HubRole = "coordinator"
)

// Hub is a regional group of the network: Rome, Nairobi, Bangkok…
type Hub struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	CreatedAt   time.Time
	MemberCount int

	// Coordinators are the hub's coordinators; filled by FindHubBySlug.
	Coordinators []*MemberRef
	// ViewerRole is the viewer's role in the hub, "" when not a member.
	ViewerRole HubRole
	// What the viewer may do in the hub, as the store's rules decide:
	// start discussions for it, change it, invite people to it, appoint
	// and stand down its coordinators.
	ViewerMayPost, ViewerMayEdit, ViewerMayInvite, ViewerMayAppoint bool
}

// Ref returns the short reference to h.
func (h *Hub) Ref() HubRef { return HubRef{ID: h.ID, Slug: h.Slug, Name: h.Name} }

// HubRef is what other pages show of a hub: enough to link to it.
type HubRef struct {
	ID   int64
	Slug string
	Name string
}

// NewHub is what a network admin gives to create a hub.
type NewHub struct {
	Name        string
	Slug        string // derived from Name when empty
	Description string
}

// Validate checks and normalises nh.
func (nh *NewHub) Validate() error {
	p := Problems{}
	nh.Name = line(p, "name", "Hub name", nh.Name, true, MaxHubNameLen)
	nh.Description = text(p, "description", "Description", nh.Description, false, MaxHubDescLen)
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

// HubUpdate changes a hub. Nil fields are left as they are.
type HubUpdate struct {
	Name        *string
	Description *string
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
	return p.Err()
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
	// JoinHub makes the viewer a member of the hub. ENOTFOUND.
	JoinHub(ctx context.Context, slug string) error
	// LeaveHub removes the viewer from the hub (and from coordinating it).
	// ENOTFOUND.
	LeaveHub(ctx context.Context, slug string) error
	// SetCoordinator appoints (or stands down) a hub coordinator, adding
	// them to the hub if needed; network admins only. ENOTFOUND, EFORBIDDEN.
	SetCoordinator(ctx context.Context, slug, handle string, coordinator bool) error
}
