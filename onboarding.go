package sharefair

import (
	"context"
	"strings"
)

// The first hour: what a network admin still has to do after setup, and
// what a new member is offered when they arrive.

// ChecklistKey names one item of the setup checklist.
type ChecklistKey string

// The items of the setup checklist, in the order they are done.
const (
	CheckDescribe     ChecklistKey = "describe"     // the network has a description
	CheckHubs         ChecklistKey = "hubs"         // at least one hub exists
	CheckCoordinators ChecklistKey = "coordinators" // every hub has a coordinator
	CheckInvite       ChecklistKey = "invite"       // someone was invited, or a second member exists
	CheckDiscussion   ChecklistKey = "discussion"   // at least one discussion was started
)

// ChecklistItem is one step of the setup checklist, done or not as the
// data say now.
type ChecklistItem struct {
	Key   ChecklistKey
	Title string // what to do, as the checklist says it
	Done  bool
	// Why says what the step is for; Detail what is still missing (the
	// hubs without a coordinator, say), "" when nothing more is to say.
	Why, Detail string
	// Page is the path of the page where the step is done.
	Page string
}

// Checklist is the network admin's setup checklist. Every item is computed
// from the data each time it is read: nothing records that it was done, so
// an item that becomes undone again (a new hub without a coordinator) is
// shown again, and the checklist with it.
type Checklist struct {
	Items []ChecklistItem
	// HubsWithoutCoordinator are the hubs nobody coordinates, by name (at
	// most MaxChecklistHubs of them).
	HubsWithoutCoordinator []HubRef
}

// MaxChecklistHubs bounds the hubs without a coordinator the checklist names.
const MaxChecklistHubs = 5

// Done reports whether every item is done.
func (c *Checklist) Done() bool {
	for _, it := range c.Items {
		if !it.Done {
			return false
		}
	}
	return true
}

// Remaining counts the items not done.
func (c *Checklist) Remaining() int {
	n := 0
	for _, it := range c.Items {
		if !it.Done {
			n++
		}
	}
	return n
}

// ProfileField is a part of a member's profile the directory searches by.
type ProfileField struct {
	Name  string // the form field
	Label string
}

// ProfileFields are the parts a profile needs to be complete: the
// directory finds people by organisation, city, language and expertise.
var ProfileFields = []ProfileField{
	{"organisation", "your organisation"},
	{"city", "your city"},
	{"languages", "the languages you work in"},
	{"expertise", "your expertise"},
}

// MissingProfile lists the parts of m's profile still empty, in the order
// of ProfileFields; none when the profile is complete.
func (m *Member) MissingProfile() []ProfileField {
	var out []ProfileField
	for _, f := range ProfileFields {
		empty := false
		switch f.Name {
		case "organisation":
			empty = strings.TrimSpace(m.Organisation) == ""
		case "city":
			empty = strings.TrimSpace(m.City) == ""
		case "languages":
			empty = len(m.Languages) == 0
		case "expertise":
			empty = len(m.Expertise) == 0
		}
		if empty {
			out = append(out, f)
		}
	}
	return out
}

// ProfileComplete reports whether m's profile has every part of
// ProfileFields: organisation, city, at least one language and at least
// one expertise tag.
func (m *Member) ProfileComplete() bool { return len(m.MissingProfile()) == 0 }

// SuggestionReason says why a hub is suggested to a member.
type SuggestionReason string

// Reasons for a suggestion, in the order suggestions are ranked.
const (
	SuggestedSameCity   SuggestionReason = "same_city"  // the hub's city is the member's
	SuggestedInvitation SuggestionReason = "invitation" // the member was invited to it
	SuggestedLargest    SuggestionReason = "largest"    // one of the largest hubs they may join
)

// HubSuggestion is a hub suggested to the viewer, with why.
type HubSuggestion struct {
	Hub    *Hub
	Reason SuggestionReason
}

// MaxSuggestedHubs is how many hubs SuggestedHubs returns at most.
const MaxSuggestedHubs = 5

// OnboardingService reads what the first hour needs.
type OnboardingService interface {
	// Checklist returns the network's setup checklist; network admins
	// only. EUNAUTHORIZED, EFORBIDDEN.
	Checklist(ctx context.Context) (*Checklist, error)
	// SuggestedHubs returns up to MaxSuggestedHubs hubs the viewer is not
	// in and may join at once or ask to join: those in the viewer's city
	// first, then the hub of the invitation that brought them in, then the
	// largest (open hubs before those taking requests). EUNAUTHORIZED.
	SuggestedHubs(ctx context.Context) ([]*HubSuggestion, error)
}
