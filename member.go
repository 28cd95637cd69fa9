package sharefair

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Role is a member's role across the whole network.
type Role string

// Network-wide roles. Hub coordinators are members with HubRoleCoordinator
// in a hub.
const (
	RoleAdmin  Role = "admin"  // network admin: runs the installation
	RoleMember Role = "member" // everyone else
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// MemberState says whether a member may take part.
type MemberState string

// Member states. Only active members sign in; the others' sessions and
// tokens were ended when they left that state.
const (
	MemberActive      MemberState = "active"      // takes part
	MemberSuspended   MemberState = "suspended"   // by a moderator, until reinstated
	MemberDeactivated MemberState = "deactivated" // by a network admin
	MemberDeleted     MemberState = "deleted"     // at their own request; the row holds nothing personal
)

// Member is a person in the network.
type Member struct {
	ID           int64
	Email        string // never shown to other members
	Handle       string // unique, lower-case, for @mentions and profile URLs
	Name         string
	Organisation string
	Title        string
	City         string
	Country      string // ISO 3166-1 alpha-2, or ""
	TimeZone     string // IANA name, or ""
	Languages    []string
	Expertise    []string
	Bio          string
	Role         Role
	State        MemberState
	CreatedAt    time.Time

	// Hubs lists the member's hubs; filled by single-member lookups.
	Hubs []HubMembership
}

// IsAdmin reports whether m is a network admin. A nil member is not.
func (m *Member) IsAdmin() bool { return m != nil && m.Role == RoleAdmin }

// Ref returns the public reference to m.
func (m *Member) Ref() *MemberRef {
	return &MemberRef{ID: m.ID, Handle: m.Handle, Name: m.Name}
}

// CountryName returns the display name of the member's country.
func (m *Member) CountryName() string {
	n, _ := CountryName(m.Country)
	return n
}

// MemberRef is what other pages show of a member: enough to link to them.
type MemberRef struct {
	ID     int64
	Handle string
	Name   string
	// Organisation is filled where it shows beside the name: the authors
	// of posts and threads.
	Organisation string
	// Former is set for a member who deleted their account and kept their
	// posts: Name is FormerMemberName, Handle and Organisation are empty,
	// and nothing links to a profile.
	Former bool
}

// FormerMemberName is how a member who deleted their account is named
// beside the posts they kept.
const FormerMemberName = "Former member"

// FormerMention is what takes the place of a deleted member's @mentions
// in what others wrote.
const FormerMention = "(former member)"

// AccountDeletion is what a member gives to delete their own account.
type AccountDeletion struct {
	// Password is their current password, asked again so that an open
	// session alone cannot delete an account.
	Password string
	// WithdrawPosts withdraws every post they wrote (as WithdrawPost);
	// otherwise the posts stay, shown as a former member's.
	WithdrawPosts bool
}

// HubMembership is one hub a member belongs to, and their role there.
type HubMembership struct {
	Hub  HubRef
	Role HubRole
}

// NewMember is what it takes to create a member directly (setup, the admin
// command line, an accepted invitation).
type NewMember struct {
	Email    string
	Handle   string
	Name     string
	Password string
	Role     Role
}

// Validate checks and normalises nm.
func (nm *NewMember) Validate() error {
	p := Problems{}
	nm.Email = email(p, "email", nm.Email)
	nm.Handle = handle(p, "handle", nm.Handle)
	nm.Name = line(p, "name", "Name", nm.Name, true, MaxNameLen)
	password(p, "password", nm.Password)
	if nm.Role == "" {
		nm.Role = RoleMember
	}
	if !nm.Role.Valid() {
		p.Add("role", "Role must be admin or member.")
	}
	return p.Err()
}

// MemberUpdate changes a member's profile. Nil fields are left as they are.
type MemberUpdate struct {
	Name         *string
	Handle       *string
	Organisation *string
	Title        *string
	City         *string
	Country      *string
	TimeZone     *string
	Languages    *[]string
	Expertise    *[]string
	Bio          *string
}

// Validate checks and normalises u.
func (u *MemberUpdate) Validate() error {
	p := Problems{}
	if u.Name != nil {
		*u.Name = line(p, "name", "Name", *u.Name, true, MaxNameLen)
	}
	if u.Handle != nil {
		*u.Handle = handle(p, "handle", *u.Handle)
	}
	if u.Organisation != nil {
		*u.Organisation = line(p, "organisation", "Organisation", *u.Organisation, false, MaxOrganisationLen)
	}
	if u.Title != nil {
		*u.Title = line(p, "title", "Title", *u.Title, false, MaxTitleLen)
	}
	if u.City != nil {
		*u.City = line(p, "city", "City", *u.City, false, MaxCityLen)
	}
	if u.Country != nil {
		*u.Country = strings.ToUpper(strings.TrimSpace(*u.Country))
		if _, ok := CountryName(*u.Country); *u.Country != "" && !ok {
			p.Add("country", "Choose a country from the list.")
		}
	}
	if u.TimeZone != nil {
		*u.TimeZone = strings.TrimSpace(*u.TimeZone)
		if *u.TimeZone != "" && !ValidTimeZone(*u.TimeZone) {
			p.Add("time_zone", "Choose a time zone from the list.")
		}
	}
	if u.Languages != nil {
		*u.Languages = languages(p, "languages", *u.Languages)
	}
	if u.Expertise != nil {
		*u.Expertise = tags(p, "expertise", *u.Expertise)
	}
	if u.Bio != nil {
		*u.Bio = text(p, "bio", "“Ask me about…”", *u.Bio, false, MaxBioLen)
	}
	return p.Err()
}

func languages(p Problems, field string, codes []string) []string {
	out := make([]string, 0, len(codes))
	seen := map[string]bool{}
	for _, c := range codes {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || seen[c] {
			continue
		}
		if _, ok := LanguageName(c); !ok {
			p.Add(field, "Choose languages from the list.")
			return out
		}
		seen[c] = true
		out = append(out, c)
	}
	if len(out) > MaxLanguages {
		p.Add(field, "Choose at most "+strconv.Itoa(MaxLanguages)+" languages.")
	}
	return out
}

// NormalizeTag returns the canonical form of an expertise tag: trimmed,
// lower-cased, inner white space folded to single spaces.
func NormalizeTag(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// SplitTags splits a comma-separated list of tags as typed in a form.
func SplitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func tags(p Problems, field string, in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, t := range in {
		t = NormalizeTag(t)
		if t == "" || seen[t] {
			continue
		}
		if len([]rune(t)) > MaxTagLen {
			p.Add(field, "Each tag is at most "+strconv.Itoa(MaxTagLen)+" characters.")
			return out
		}
		if strings.IndexFunc(t, func(r rune) bool { return unicode.IsControl(r) || r == ',' }) >= 0 {
			p.Add(field, "Tags may not contain commas or control characters.")
			return out
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > MaxExpertise {
		p.Add(field, "At most "+strconv.Itoa(MaxExpertise)+" expertise tags.")
	}
	return out
}

// MemberFilter narrows the member directory. Empty fields do not filter.
type MemberFilter struct {
	Hub          string // hub slug
	Organisation string
	Language     string
	Expertise    string
	Query        string // matches name or handle
	Page         Page
	// NoTotal skips counting: the total returned is then the members up to
	// this page, plus one when more follow.
	NoTotal bool
	// NoProfiles leaves out the members' languages and expertise, for
	// lists that show names only.
	NoProfiles bool
}

// Validate checks that f's values could match something: text without
// control characters or invalid UTF-8, of reasonable length.
func (f *MemberFilter) Validate() error {
	p := Problems{}
	for _, v := range []struct{ name, value string }{
		{"hub", f.Hub}, {"organisation", f.Organisation}, {"language", f.Language},
		{"expertise", f.Expertise}, {"q", f.Query},
	} {
		line(p, v.name, "This filter", v.value, false, 200)
	}
	return p.Err()
}

// Facet is one value of a directory filter and how many members have it.
type Facet struct {
	Value string
	Label string
	Count int
}

// DirectoryFacets are the values the directory can be filtered by.
type DirectoryFacets struct {
	Organisations []Facet
	Languages     []Facet
	Expertise     []Facet
}

// MemberService reads and changes members. Every method runs on behalf of
// the viewer in ctx; a nil viewer sees nothing.
type MemberService interface {
	// CreateMember creates a member directly, for the operator's command
	// line. EINVALID, ECONFLICT (email or handle taken).
	CreateMember(ctx context.Context, nm NewMember) (*Member, error)
	// FindMemberByID returns a member. ENOTFOUND.
	FindMemberByID(ctx context.Context, id int64) (*Member, error)
	// FindMemberByHandle returns a member by handle. ENOTFOUND.
	FindMemberByHandle(ctx context.Context, handle string) (*Member, error)
	// FindMemberByEmail returns a member by email, for the operator. ENOTFOUND.
	FindMemberByEmail(ctx context.Context, email string) (*Member, error)
	// FindMembers lists the directory and the total matching.
	FindMembers(ctx context.Context, f MemberFilter) ([]*Member, int, error)
	// DirectoryFacets lists the filter values in use.
	DirectoryFacets(ctx context.Context) (*DirectoryFacets, error)
	// UpdateMember changes a profile; only the member or a network admin
	// may. EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT (handle taken).
	UpdateMember(ctx context.Context, id int64, u MemberUpdate) (*Member, error)
	// DeleteAccount deletes the viewer's own account: the row stays, as
	// state deleted, with everything personal emptied; sessions, tokens,
	// hub and circle memberships, requests, pending invitations and their
	// places among a thread's named readers go; a circle they last hosted
	// passes to another member; their @mentions leave others' posts and
	// circle descriptions. EINVALID (current_password), ECONFLICT (the
	// network's last admin).
	DeleteAccount(ctx context.Context, d AccountDeletion) error
	// Authenticate checks an email and password. EUNAUTHORIZED.
	Authenticate(ctx context.Context, email, password string) (*Member, error)
}
