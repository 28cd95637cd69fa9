package sharefair

import (
	"context"
	"strings"
	"time"
)

// Network is the installation's one network.
type Network struct {
	Name string
	// Description says what the network is for, in plain text (blank
	// lines part paragraphs); members see it on the home page and
	// everyone on the sign-in page.
	Description string
	// TimeZone is the IANA zone times are shown in to members who chose
	// none of their own.
	TimeZone  string
	SetUp     bool
	CreatedAt time.Time
}

// DefaultTimeZone is the network's time zone until its admin sets one.
const DefaultTimeZone = "UTC"

// NetworkUpdate changes the network's settings. Nil fields are left as
// they are.
type NetworkUpdate struct {
	Name        *string
	Description *string
	TimeZone    *string
}

// Validate checks and normalises u.
func (u *NetworkUpdate) Validate() error {
	p := Problems{}
	if u.Name != nil {
		*u.Name = line(p, "name", "Network name", *u.Name, true, MaxNetworkNameLen)
	}
	if u.Description != nil {
		*u.Description = networkDescription(p, "description", *u.Description)
	}
	if u.TimeZone != nil {
		*u.TimeZone = networkTimeZone(p, "time_zone", *u.TimeZone)
	}
	return p.Err()
}

// networkDescription cleans a network's description.
func networkDescription(p Problems, field, v string) string {
	return strings.TrimSpace(text(p, field, "Description", v, false, MaxNetworkDescLen))
}

// networkTimeZone cleans a network's time zone: one of TimeZones, UTC
// when not given.
func networkTimeZone(p Problems, field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultTimeZone
	}
	if !ValidTimeZone(v) {
		p.Add(field, "Choose the network's time zone from the list.")
	}
	return v
}

// NetworkRights says what the viewer may do across the network, as the
// store's rules decide, so that pages offer only what will be allowed.
type NetworkRights struct {
	CreateHubs          bool // create hubs
	AppointCoordinators bool // appoint and stand down any hub's coordinators
	RenameNetwork       bool // change the network's settings
	Invite              bool // invite people (to the network or a hub they coordinate)
	InviteToNetwork     bool // invite people to the network without choosing a hub
	ManageMembers       bool // add members directly and change anyone's profile
	SeeChecklist        bool // read the setup checklist (OnboardingService.Checklist)
	Moderate            bool // moderate some content: a network admin, a hub coordinator or a circle host
	ReadAudit           bool // read the audit log
	SeeSecretCircles    bool // see that secret circles exist, on the audited list
	ChangeStanding      bool // suspend, deactivate and change the role of members
}

// Setup is what the first network admin gives on the setup page.
type Setup struct {
	Code               string // the one-time code printed in the log
	NetworkName        string
	NetworkDescription string // optional
	TimeZone           string // the network's; UTC when not given
	Email              string
	Handle             string
	Name               string
	Password           string
}

// Validate checks and normalises s (not the code: the store checks it).
func (s *Setup) Validate() error {
	p := Problems{}
	s.NetworkName = line(p, "network_name", "Network name", s.NetworkName, true, MaxNetworkNameLen)
	s.NetworkDescription = networkDescription(p, "network_description", s.NetworkDescription)
	s.TimeZone = networkTimeZone(p, "time_zone", s.TimeZone)
	s.Email = email(p, "email", s.Email)
	s.Handle = handle(p, "handle", s.Handle)
	s.Name = line(p, "name", "Name", s.Name, true, MaxNameLen)
	password(p, "password", s.Password)
	return p.Err()
}

// NetworkService reads and sets up the network.
type NetworkService interface {
	// Network returns the network's settings.
	Network(ctx context.Context) (*Network, error)
	// PrepareSetup stores (the hash of) a fresh one-time setup code when the
	// network has not been set up, and reports whether it did.
	PrepareSetup(ctx context.Context, code string) (bool, error)
	// Setup names the network and creates its first network admin. Exactly
	// one setup can succeed. EINVALID, EUNAUTHORIZED (wrong code),
	// ECONFLICT (already set up).
	Setup(ctx context.Context, s Setup) (*Member, error)
	// RenameNetwork renames the network; network admins only. EINVALID,
	// EFORBIDDEN.
	RenameNetwork(ctx context.Context, name string) (*Network, error)
	// UpdateNetwork changes the network's settings; network admins only.
	// EINVALID, EFORBIDDEN.
	UpdateNetwork(ctx context.Context, u NetworkUpdate) (*Network, error)
	// Rights reports what the viewer may do across the network; a context
	// without a viewer may do nothing.
	Rights(ctx context.Context) (NetworkRights, error)
}
