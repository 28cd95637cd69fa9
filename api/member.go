package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
)

// memberRefJSON is how other objects point at a member.
type memberRefJSON struct {
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

func memberRef(m *sharefair.MemberRef) *memberRefJSON {
	if m == nil {
		return nil
	}
	return &memberRefJSON{Handle: m.Handle, Name: m.Name}
}

// authorJSON is the author of a thread or a post, as the thread page shows
// them beside the post.
type authorJSON struct {
	Handle       string `json:"handle"`
	Name         string `json:"name"`
	Organisation string `json:"organisation" description:"The author's organisation, shown beside the name; empty when not given."`
	Former       bool   `json:"former" description:"Whether the author deleted their account and kept their posts: name is then \"Former member\", handle and organisation are empty, and no profile answers."`
}

func author(m *sharefair.MemberRef) *authorJSON {
	if m == nil {
		return nil
	}
	return &authorJSON{Handle: m.Handle, Name: m.Name, Organisation: m.Organisation, Former: m.Former}
}

// memberJSON is a member as the directory shows them. It never carries an
// email address.
type memberJSON struct {
	ID           int64     `json:"id"`
	Handle       string    `json:"handle" description:"Unique, lower-case; used for @mentions."`
	Name         string    `json:"name"`
	Organisation string    `json:"organisation"`
	Title        string    `json:"title"`
	City         string    `json:"city"`
	Country      string    `json:"country" description:"ISO 3166-1 alpha-2 code, or empty."`
	TimeZone     string    `json:"time_zone" description:"IANA time zone name, or empty."`
	Languages    []string  `json:"languages" description:"ISO 639-1 codes."`
	Expertise    []string  `json:"expertise" description:"Expertise tags, normalised to lower case."`
	Bio          string    `json:"bio" description:"Multi-line text."`
	Role         string    `json:"role" enum:"admin,member"`
	CreatedAt    time.Time `json:"created_at" description:"RFC 3339, UTC."`
}

func member(m *sharefair.Member) memberJSON {
	return memberJSON{ID: m.ID, Handle: m.Handle, Name: m.Name, Organisation: m.Organisation, Title: m.Title,
		City: m.City, Country: m.Country, TimeZone: m.TimeZone, Languages: nonNil(m.Languages),
		Expertise: nonNil(m.Expertise), Bio: m.Bio, Role: string(m.Role), CreatedAt: utc(m.CreatedAt)}
}

// hubMembershipJSON is one hub a member belongs to.
type hubMembershipJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Role string `json:"role" enum:"member,coordinator"`
}

func memberships(hms []sharefair.HubMembership) []hubMembershipJSON {
	out := make([]hubMembershipJSON, len(hms))
	for i, hm := range hms {
		out[i] = hubMembershipJSON{Slug: hm.Hub.Slug, Name: hm.Hub.Name, Role: string(hm.Role)}
	}
	return out
}

// profileJSON is a member's profile page: the member, their hubs and the
// threads they recently took part in that the viewer may see.
type profileJSON struct {
	memberJSON
	Hubs          []hubMembershipJSON `json:"hubs"`
	RecentThreads []threadJSON        `json:"recent_threads" description:"Recent threads the member posted in under their name that the viewer may see."`
}

// meJSON is the viewer's own profile, the one place their email appears.
type meJSON struct {
	memberJSON
	Email string              `json:"email" description:"Shown only to the member themself."`
	Hubs  []hubMembershipJSON `json:"hubs"`
	// ProfileMissing names the parts of the profile the directory searches
	// by that are still empty.
	ProfileMissing []string `json:"profile_missing" description:"The parts of the profile still empty that the directory finds people by, of organisation, city, languages and expertise; empty when the profile is complete."`
	// Unread counts the unread notifications.
	Unread int `json:"unread_notifications" description:"How many of the viewer's notifications are unread, counted to 100 (shown as 99+)."`
}

func me(m *sharefair.Member) meJSON {
	return meJSON{memberJSON: member(m), Email: m.Email, Hubs: memberships(m.Hubs), ProfileMissing: profileMissing(m)}
}

// renderMe answers with the viewer's own profile and unread count.
func (h *Handler) renderMe(w http.ResponseWriter, r *http.Request, m *sharefair.Member) error {
	out := me(m)
	var err error
	if out.Unread, err = h.svcs.Notifications.UnreadNotifications(r.Context()); err != nil {
		return err
	}
	return render(w, http.StatusOK, out)
}

// recentThreads is how many threads a profile lists.
const recentThreads = 10

func (h *Handler) getMe(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svcs.Members.FindMemberByID(r.Context(), sharefair.ViewerIDFromContext(r.Context()))
	if err != nil {
		return err
	}
	return h.renderMe(w, r, m)
}

// memberPatch is the body of PATCH /me. Absent fields stay as they are.
type memberPatch struct {
	Name         *string   `json:"name"`
	Handle       *string   `json:"handle"`
	Organisation *string   `json:"organisation"`
	Title        *string   `json:"title"`
	City         *string   `json:"city"`
	Country      *string   `json:"country" description:"ISO 3166-1 alpha-2 code, or empty."`
	TimeZone     *string   `json:"time_zone" description:"IANA time zone name, or empty."`
	Languages    *[]string `json:"languages" description:"ISO 639-1 codes; replaces the list."`
	Expertise    *[]string `json:"expertise" description:"Tags; replaces the list."`
	Bio          *string   `json:"bio"`
}

func (h *Handler) patchMe(w http.ResponseWriter, r *http.Request, in memberPatch) error {
	m, err := h.svcs.Members.UpdateMember(r.Context(), sharefair.ViewerIDFromContext(r.Context()), sharefair.MemberUpdate{
		Name: in.Name, Handle: in.Handle, Organisation: in.Organisation, Title: in.Title, City: in.City,
		Country: in.Country, TimeZone: in.TimeZone, Languages: in.Languages, Expertise: in.Expertise, Bio: in.Bio,
	})
	if err != nil {
		return err
	}
	return h.renderMe(w, r, m)
}

func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request, q memberQuery) error {
	return h.renderMembers(w, r, q.filter(q.Hub))
}

func (h *Handler) renderMembers(w http.ResponseWriter, r *http.Request, f sharefair.MemberFilter) error {
	ms, total, err := h.svcs.Members.FindMembers(r.Context(), f)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(ms, member, f.Page, total))
}

func (h *Handler) getMember(w http.ResponseWriter, r *http.Request, at HandlePath) error {
	ctx := r.Context()
	m, err := h.svcs.Members.FindMemberByHandle(ctx, at.Handle)
	if err != nil {
		return err
	}
	threads, _, err := h.svcs.Threads.FindThreads(ctx, sharefair.ThreadFilter{ParticipantID: m.ID,
		Page: sharefair.Page{Number: 1, Size: recentThreads}})
	if err != nil {
		return err
	}
	p := profileJSON{memberJSON: member(m), Hubs: memberships(m.Hubs), RecentThreads: make([]threadJSON, len(threads))}
	for i, t := range threads {
		p.RecentThreads[i] = h.thread(t)
	}
	return render(w, http.StatusOK, p)
}

// facetJSON is one value a directory filter can take.
type facetJSON struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// facetsJSON are the values the directory can be filtered by.
type facetsJSON struct {
	Organisations []facetJSON `json:"organisations"`
	Languages     []facetJSON `json:"languages"`
	Expertise     []facetJSON `json:"expertise"`
}

func facets(fs []sharefair.Facet) []facetJSON {
	out := make([]facetJSON, len(fs))
	for i, f := range fs {
		out[i] = facetJSON{Value: f.Value, Label: f.Label, Count: f.Count}
	}
	return out
}

func (h *Handler) getFacets(w http.ResponseWriter, r *http.Request) error {
	f, err := h.svcs.Members.DirectoryFacets(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, facetsJSON{Organisations: facets(f.Organisations), Languages: facets(f.Languages),
		Expertise: facets(f.Expertise)})
}
