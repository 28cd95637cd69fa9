package api

import (
	"net/http"

	"github.com/sharefair/sharefair"
)

// checklistItemJSON is one step of the setup checklist.
type checklistItemJSON struct {
	Key    string `json:"key" enum:"describe,hubs,coordinators,invite,discussion"`
	Title  string `json:"title"`
	Done   bool   `json:"done" description:"Computed from the data now: describe (the network's description is not empty), hubs (a hub exists), coordinators (there are hubs, and each has a coordinator), invite (an invitation was made, or the network has a second member), discussion (a thread exists)."`
	Why    string `json:"why" description:"What the step is for."`
	Detail string `json:"detail" description:"What is still missing, or empty."`
	URL    string `json:"url" format:"uri" description:"The web page where a person does the step."`
}

// checklistJSON is the network admin's setup checklist.
type checklistJSON struct {
	Done      bool                `json:"done" description:"Every item is done. Nothing records it: an item undone again (a new hub without a coordinator) makes it false again."`
	Remaining int                 `json:"remaining"`
	Items     []checklistItemJSON `json:"items"`
	// HubsWithoutCoordinator are the first hubs, by name, nobody coordinates.
	HubsWithoutCoordinator []hubRefJSON `json:"hubs_without_coordinator" description:"The first hubs by name (at most 5) that nobody coordinates."`
}

func (h *Handler) getChecklist(w http.ResponseWriter, r *http.Request) error {
	c, err := h.svcs.Onboarding.Checklist(r.Context())
	if err != nil {
		return err
	}
	out := checklistJSON{Done: c.Done(), Remaining: c.Remaining(), Items: make([]checklistItemJSON, len(c.Items)),
		HubsWithoutCoordinator: make([]hubRefJSON, len(c.HubsWithoutCoordinator))}
	for i, it := range c.Items {
		out.Items[i] = checklistItemJSON{Key: string(it.Key), Title: it.Title, Done: it.Done, Why: it.Why,
			Detail: it.Detail, URL: h.cfg.Absolute(it.Page)}
	}
	for i, hb := range c.HubsWithoutCoordinator {
		out.HubsWithoutCoordinator[i] = hubRefJSON{Slug: hb.Slug, Name: hb.Name}
	}
	return render(w, http.StatusOK, out)
}

// suggestedHubJSON is a hub suggested to the viewer.
type suggestedHubJSON struct {
	hubJSON
	Reason string `json:"reason" enum:"same_city,invitation,largest" description:"same_city: the hub's city is the viewer's; invitation: the hub of the invitation that brought them in; largest: one of the largest hubs they may join."`
	Join   string `json:"join" enum:"join,request" description:"What PUT /hubs/{slug}/membership does: join at once, or ask to join."`
}

// suggestedHubsJSON lists the hubs suggested to the viewer.
type suggestedHubsJSON struct {
	Items []suggestedHubJSON `json:"items" description:"At most 5, best first."`
}

func (h *Handler) getSuggestedHubs(w http.ResponseWriter, r *http.Request) error {
	ss, err := h.svcs.Onboarding.SuggestedHubs(r.Context())
	if err != nil {
		return err
	}
	out := suggestedHubsJSON{Items: make([]suggestedHubJSON, len(ss))}
	for i, s := range ss {
		join := "join"
		if !s.Hub.ViewerMayJoin {
			join = "request"
		}
		out.Items[i] = suggestedHubJSON{hubJSON: hub(s.Hub), Reason: string(s.Reason), Join: join}
	}
	return render(w, http.StatusOK, out)
}

// profileMissing lists the names of the profile fields m has left empty.
func profileMissing(m *sharefair.Member) []string {
	out := []string{}
	for _, f := range m.MissingProfile() {
		out = append(out, f.Name)
	}
	return out
}
