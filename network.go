package sharefair

import (
	"context"
	"time"
)

// Network is the installation's one network.
type Network struct {
	Name      string
	SetUp     bool
	CreatedAt time.Time
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
}

// Setup is what the first network admin gives on the setup page.
type Setup struct {
	Code        string // the one-time code printed in the log
	NetworkName string
	Email       string
	Handle      string
	Name        string
	Password    string
}

// Validate checks and normalises s (not the code: the store checks it).
func (s *Setup) Validate() error {
	p := Problems{}
	s.NetworkName = line(p, "network_name", "Network name", s.NetworkName, true, MaxNetworkNameLen)
	s.Email = email(p, "email", s.Email)
	s.Handle = handle(p, "handle", s.Handle)
	s.Name = line(p, "name", "Name", s.Name, true, MaxNameLen)
	password(p, "password", s.Password)
	return p.Err()
}

// ValidateNetworkName checks and normalises a network's name.
func ValidateNetworkName(name string) (string, error) {
	p := Problems{}
	name = line(p, "name", "Network name", name, true, MaxNetworkNameLen)
	return name, p.Err()
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
	// Rights reports what the viewer may do across the network; a context
	// without a viewer may do nothing.
	Rights(ctx context.Context) (NetworkRights, error)
}
