package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

// directoryView is what the member directory shows.
type directoryView struct {
	Filter                                    form
	Filtered                                  bool // some filter is set
	Members                                   []*sharefair.Member
	Total                                     int
	Pager                                     pager
	Hubs, Organisations, Languages, Expertise []sharefair.Option
}

// profileView is what a profile page shows.
type profileView struct {
	Member  *sharefair.Member
	Threads []*sharefair.Thread
	Own     bool
}

// profileThreads is how many discussions a profile lists.
const profileThreads = 10

func (h *Handler) members(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	n := pageNumber(r)
	ms, total, err := h.svcs.Members.FindMembers(r.Context(), sharefair.MemberFilter{
		Hub: q.Get("hub"), Organisation: q.Get("organisation"), Language: q.Get("language"),
		Expertise: q.Get("expertise"), Query: q.Get("q"), Page: sharefair.Page{Number: n},
	})
	show := func(p page, f form) (templ.Component, error) {
		v, err := h.loadDirectory(r, f)
		if err != nil {
			return nil, err
		}
		v.Members, v.Total = ms, total
		for _, k := range []string{"q", "hub", "organisation", "language", "expertise"} {
			v.Filtered = v.Filtered || q.Get(k) != ""
		}
		v.Pager = newPager("/members", q, n, total, sharefair.DefaultPageSize)
		return membersPage(p, v), nil
	}
	if err != nil {
		// A filter that cannot match anything: said beside it.
		return refused(err, "Members", show)
	}
	c, err := show(h.base(w, r, "Members"), newForm(q, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, c)
}

// loadDirectory gathers the directory's filters.
func (h *Handler) loadDirectory(r *http.Request, f form) (directoryView, error) {
	ctx := r.Context()
	facets, err := h.svcs.Members.DirectoryFacets(ctx)
	if err != nil {
		return directoryView{}, err
	}
	hubs, err := h.svcs.Hubs.FindHubs(ctx)
	if err != nil {
		return directoryView{}, err
	}
	v := directoryView{Filter: f, Organisations: facetOptions(facets.Organisations), Languages: facetOptions(facets.Languages),
		Expertise: facetOptions(facets.Expertise)}
	for _, hub := range hubs {
		v.Hubs = append(v.Hubs, sharefair.Option{Code: hub.Slug, Name: hub.Name})
	}
	return v, nil
}

func facetOptions(fs []sharefair.Facet) []sharefair.Option {
	opts := make([]sharefair.Option, len(fs))
	for i, f := range fs {
		opts[i] = sharefair.Option{Code: f.Value, Name: f.Label + " (" + itoa(f.Count) + ")"}
	}
	return opts
}

func (h *Handler) memberProfile(w http.ResponseWriter, r *http.Request) error {
	pv, err := h.loadProfile(r, r.PathValue("handle"))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, memberPage(h.base(w, r, pv.Member.Name), pv))
}

// loadProfile gathers a profile page.
func (h *Handler) loadProfile(r *http.Request, handle string) (profileView, error) {
	ctx := r.Context()
	m, err := h.svcs.Members.FindMemberByHandle(ctx, handle)
	if err != nil {
		return profileView{}, err
	}
	threads, _, err := h.svcs.Threads.FindThreads(ctx, sharefair.ThreadFilter{ParticipantID: m.ID, Page: sharefair.Page{Size: profileThreads}, NoTotal: true})
	if err != nil {
		return profileView{}, err
	}
	return profileView{Member: m, Threads: threads, Own: sharefair.ViewerIDFromContext(ctx) == m.ID}, nil
}

func (h *Handler) settingsForm(w http.ResponseWriter, r *http.Request) error {
	v := sharefair.ViewerFromContext(r.Context())
	m, err := h.svcs.Members.FindMemberByID(r.Context(), v.ID)
	if err != nil {
		return err
	}
	values := url.Values{
		"name": {m.Name}, "handle": {m.Handle}, "organisation": {m.Organisation}, "title": {m.Title},
		"city": {m.City}, "country": {m.Country}, "time_zone": {m.TimeZone}, "languages": m.Languages,
		"expertise": {strings.Join(m.Expertise, ", ")}, "bio": {m.Bio},
	}
	return h.render(w, r, http.StatusOK, settingsPage(h.base(w, r, "Your settings"), newForm(values, nil)))
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) error {
	v := sharefair.ViewerFromContext(r.Context())
	f := r.PostForm
	str := func(k string) *string { s := f.Get(k); return &s }
	langs := f["languages"]
	if langs == nil {
		langs = []string{}
	}
	tags := sharefair.SplitTags(f.Get("expertise"))
	m, err := h.svcs.Members.UpdateMember(r.Context(), v.ID, sharefair.MemberUpdate{
		Name: str("name"), Handle: str("handle"), Organisation: str("organisation"), Title: str("title"),
		City: str("city"), Country: str("country"), TimeZone: str("time_zone"), Languages: &langs,
		Expertise: &tags, Bio: str("bio"),
	})
	if err != nil {
		return refused(err, "Your settings", func(p page, f form) (templ.Component, error) { return settingsPage(p, f), nil })
	}
	if missing := m.MissingProfile(); len(missing) > 0 {
		h.setFlash(w, "Your profile is saved. Still empty: "+missingText(missing)+"; the directory finds people by them.")
	} else {
		h.setFlash(w, "Your profile is saved.")
	}
	redirect(w, r, memberURL(m.Handle))
	return nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func languageNames(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = c
		if n, ok := sharefair.LanguageName(c); ok {
			names[i] = n
		}
	}
	return strings.Join(names, ", ")
}

func queryEscape(s string) string { return url.QueryEscape(s) }

// timeZoneOptions lists the time zones for a select.
var timeZoneOptionList = func() []sharefair.Option {
	opts := make([]sharefair.Option, len(sharefair.TimeZones))
	for i, z := range sharefair.TimeZones {
		opts[i] = sharefair.Option{Code: z, Name: strings.ReplaceAll(z, "_", " ")}
	}
	return opts
}()

func timeZoneOptions() []sharefair.Option { return timeZoneOptionList }
