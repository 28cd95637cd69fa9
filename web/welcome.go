package web

import (
	"net/http"
	"strings"

	"github.com/sharefair/sharefair"
)

// firstHourView is what the home page shows of the first hour: the setup
// checklist to network admins until every item is done, and to a member
// whose profile is incomplete a way back to the welcome page.
type firstHourView struct {
	// Checklist is nil when the viewer may not read it, or when it is
	// done: it shows again whenever an item becomes undone.
	Checklist *sharefair.Checklist
	// ProfileMissing lists what the viewer's profile lacks; none when it
	// is complete. While the checklist shows, the admin is led by it
	// instead, and the link to the welcome page waits.
	ProfileMissing []sharefair.ProfileField
}

// firstHour gathers the home page's first-hour block.
func (h *Handler) firstHour(r *http.Request, p page) (firstHourView, error) {
	ctx := r.Context()
	var v firstHourView
	if p.Rights.SeeChecklist {
		c, err := h.svcs.Onboarding.Checklist(ctx)
		if err != nil {
			return v, err
		}
		if !c.Done() {
			v.Checklist = c
		}
	}
	m, err := h.svcs.Members.FindMemberByID(ctx, sharefair.ViewerIDFromContext(ctx))
	if err != nil {
		return v, err
	}
	v.ProfileMissing = m.MissingProfile()
	return v, nil
}

// welcomeView is what the welcome page shows a new member.
type welcomeView struct {
	Member      *sharefair.Member
	Missing     []sharefair.ProfileField
	Suggestions []*sharefair.HubSuggestion
	Threads     []*sharefair.Thread
}

// welcomeThreads is how many discussions the welcome page lists.
const welcomeThreads = 5

// welcome is where a member lands after accepting an invitation: complete
// the profile, join hubs, read the latest discussions. It stays reachable
// from the home page until the profile is complete, and at its address
// after.
func (h *Handler) welcome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.svcs.Members.FindMemberByID(ctx, sharefair.ViewerIDFromContext(ctx))
	if err != nil {
		return err
	}
	ss, err := h.svcs.Onboarding.SuggestedHubs(ctx)
	if err != nil {
		return err
	}
	threads, _, err := h.svcs.Threads.FindThreads(ctx, sharefair.ThreadFilter{Page: sharefair.Page{Size: welcomeThreads}, NoTotal: true})
	if err != nil {
		return err
	}
	if len(threads) > welcomeThreads {
		threads = threads[:welcomeThreads]
	}
	v := welcomeView{Member: m, Missing: m.MissingProfile(), Suggestions: ss, Threads: threads}
	return h.render(w, r, http.StatusOK, welcomePage(h.base(w, r, "Welcome"), v))
}

// missingText lists the parts of a profile still empty, in words: "your
// city and your expertise".
func missingText(fs []sharefair.ProfileField) string {
	labels := make([]string, len(fs))
	for i, f := range fs {
		labels[i] = f.Label
	}
	switch len(labels) {
	case 0:
		return ""
	case 1:
		return labels[0]
	}
	return strings.Join(labels[:len(labels)-1], ", ") + " and " + labels[len(labels)-1]
}

// suggestionWhy says why a hub is suggested.
func suggestionWhy(s *sharefair.HubSuggestion) string {
	switch s.Reason {
	case sharefair.SuggestedSameCity:
		return "In your city"
	case sharefair.SuggestedInvitation:
		return "The hub you were invited to"
	}
	return "One of the network's largest hubs"
}

// listPunct is what follows item i of n in a sentence's list: a comma,
// "and" before the last, a full stop after it.
func listPunct(i, n int) string {
	switch {
	case i == n-1:
		return "."
	case i == n-2:
		return " and"
	}
	return ","
}

// checklistLink is where a checklist item leads.
func checklistLink(it sharefair.ChecklistItem) string { return it.Page }
