package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// directoryView is what the member directory shows.
type directoryView struct {
	Filter                                    form
	Members                                   []*sharefair.Member
	Total                                     int
	Pager                                     pager
	Hubs, Organisations, Languages, Expertise []sharefair.Option
}

// profileView is what a profile page shows.
type profileView struct {
	Member    *sharefair.Member
	Threads   []*sharefair.Thread
	Own       bool
	Tokens    []*sharefair.Token
	TokenForm form
}

// profileThreads is how many discussions a profile lists.
const profileThreads = 10

func (h *Handler) members(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	n := pageNumber(r)
	ms, total, filterErr := h.svcs.Members.FindMembers(ctx, sharefair.MemberFilter{
		Hub: q.Get("hub"), Organisation: q.Get("organisation"), Language: q.Get("language"),
		Expertise: q.Get("expertise"), Query: q.Get("q"), Page: sharefair.Page{Number: n},
	})
	status := http.StatusOK
	if isFieldError(filterErr) {
		// A filter that cannot match anything: say so beside it.
		status = server.Status(sharefair.ErrorCode(filterErr))
	} else if filterErr != nil {
		h.fail(w, r, filterErr)
		return
	}
	facets, err := h.svcs.Members.DirectoryFacets(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hubs, err := h.svcs.Hubs.FindHubs(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := directoryView{Filter: newForm(q, filterErr), Members: ms, Total: total,
		Pager:         newPager("/members", q, n, total, sharefair.DefaultPageSize),
		Organisations: facetOptions(facets.Organisations), Languages: facetOptions(facets.Languages),
		Expertise: facetOptions(facets.Expertise)}
	for _, hub := range hubs {
		v.Hubs = append(v.Hubs, sharefair.Option{Code: hub.Slug, Name: hub.Name})
	}
	h.render(w, r, status, membersPage(h.base(w, r, "Members"), v))
}

func facetOptions(fs []sharefair.Facet) []sharefair.Option {
	opts := make([]sharefair.Option, len(fs))
	for i, f := range fs {
		opts[i] = sharefair.Option{Code: f.Value, Name: f.Label + " (" + itoa(f.Count) + ")"}
	}
	return opts
}

func (h *Handler) memberProfile(w http.ResponseWriter, r *http.Request) {
	pv, err := h.loadProfile(r, r.PathValue("handle"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, memberPage(h.base(w, r, pv.Member.Name), pv))
}

// loadProfile gathers a profile page; the viewer's own includes tokens.
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
	pv := profileView{Member: m, Threads: threads, Own: sharefair.ViewerIDFromContext(ctx) == m.ID, TokenForm: newForm(nil, nil)}
	if pv.Own {
		if pv.Tokens, err = h.svcs.Auth.FindTokens(ctx); err != nil {
			return profileView{}, err
		}
	}
	return pv, nil
}

func (h *Handler) settingsForm(w http.ResponseWriter, r *http.Request) {
	v := sharefair.ViewerFromContext(r.Context())
	m, err := h.svcs.Members.FindMemberByID(r.Context(), v.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	values := url.Values{
		"name": {m.Name}, "handle": {m.Handle}, "organisation": {m.Organisation}, "title": {m.Title},
		"city": {m.City}, "country": {m.Country}, "time_zone": {m.TimeZone}, "languages": m.Languages,
		"expertise": {strings.Join(m.Expertise, ", ")}, "bio": {m.Bio},
	}
	h.render(w, r, http.StatusOK, settingsPage(h.base(w, r, "Your profile"), newForm(values, nil)))
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
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
		if isFieldError(err) {
			h.render(w, r, server.Status(sharefair.ErrorCode(err)), settingsPage(h.base(w, r, "Your profile"), newForm(f, err)))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, "Your profile is saved.")
	redirect(w, r, memberURL(m.Handle))
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) {
	v := sharefair.ViewerFromContext(r.Context())
	_, secret, err := h.svcs.Auth.CreateToken(r.Context(), v.ID, r.PostForm.Get("name"))
	if err != nil {
		if isFieldError(err) {
			pv, perr := h.loadProfile(r, v.Handle)
			if perr != nil {
				h.fail(w, r, perr)
				return
			}
			pv.TokenForm = newForm(r.PostForm, err)
			h.render(w, r, server.Status(sharefair.ErrorCode(err)), memberPage(h.base(w, r, v.Name), pv))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, "Your new token (copy it now; it will not be shown again): "+secret)
	redirect(w, r, memberURL(v.Handle)+"#tokens-h")
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	v := sharefair.ViewerFromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svcs.Auth.RevokeToken(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, "The token is revoked.")
	redirect(w, r, memberURL(v.Handle)+"#tokens-h")
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
