package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sharefair/sharefair"
)

// Checklist returns the network's setup checklist, computed from the data
// as they are now; network admins only.
func (db *DB) Checklist(ctx context.Context) (*sharefair.Checklist, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	if !mayReadChecklist(v) {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins see the setup checklist.")
	}
	var (
		desc                string
		hubs, uncoordinated int
		invited, discussed  bool
		members             int
	)
	// One round trip; each count is over a small table or stops at the
	// first row (EXISTS).
	if err := db.read.QueryRowContext(ctx, `SELECT
			(SELECT description FROM network WHERE id = 1),
			(SELECT COUNT(*) FROM hubs),
			(SELECT COUNT(*) FROM hubs h WHERE NOT EXISTS (
				SELECT 1 FROM hub_members hm WHERE hm.hub_id = h.id AND hm.role = 'coordinator')),
			EXISTS (SELECT 1 FROM invitations),
			(SELECT COUNT(*) FROM members),
			EXISTS (SELECT 1 FROM threads)`).
		Scan(&desc, &hubs, &uncoordinated, &invited, &members, &discussed); err != nil {
		return nil, fmt.Errorf("checklist: %w", err)
	}
	c := &sharefair.Checklist{HubsWithoutCoordinator: []sharefair.HubRef{}}
	if uncoordinated > 0 {
		rows, err := db.read.QueryContext(ctx, `SELECT h.id, h.slug, h.name FROM hubs h WHERE NOT EXISTS (
				SELECT 1 FROM hub_members hm WHERE hm.hub_id = h.id AND hm.role = 'coordinator')
			ORDER BY h.name, h.id`+limitSQL(sharefair.MaxChecklistHubs, 0))
		if err != nil {
			return nil, fmt.Errorf("checklist: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r sharefair.HubRef
			if err := rows.Scan(&r.ID, &r.Slug, &r.Name); err != nil {
				return nil, fmt.Errorf("checklist: %w", err)
			}
			c.HubsWithoutCoordinator = append(c.HubsWithoutCoordinator, r)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("checklist: %w", err)
		}
	}

	coordPage, coordDetail := "/hubs", ""
	if hubs == 0 {
		coordDetail = "Create a hub first."
	} else if len(c.HubsWithoutCoordinator) > 0 {
		coordPage = "/hubs/" + c.HubsWithoutCoordinator[0].Slug + "/coordinators"
		names := make([]string, len(c.HubsWithoutCoordinator))
		for i, h := range c.HubsWithoutCoordinator {
			names[i] = h.Name
		}
		coordDetail = "Nobody coordinates " + strings.Join(names, ", ")
		if more := uncoordinated - len(names); more > 0 {
			coordDetail += fmt.Sprintf(" and %d more", more)
		}
		coordDetail += " yet."
	}
	c.Items = []sharefair.ChecklistItem{
		{Key: sharefair.CheckDescribe, Title: "Name and describe the network", Page: "/network",
			Why:  "Members and visitors read on the sign-in and home pages what the network is for.",
			Done: strings.TrimSpace(desc) != ""},
		{Key: sharefair.CheckHubs, Title: "Create the first hubs", Page: "/hubs/new",
			Why:  "A hub is a regional group (Rome, Nairobi, Bangkok…) whose members meet and hold their own discussions.",
			Done: hubs > 0},
		{Key: sharefair.CheckCoordinators, Title: "Appoint a coordinator in each hub", Page: coordPage,
			Why:    "Coordinators keep a hub alive: they invite people, admit requests and look after its discussions.",
			Detail: coordDetail, Done: hubs > 0 && uncoordinated == 0},
		{Key: sharefair.CheckInvite, Title: "Invite members", Page: "/invitations",
			Why:  "Members join by invitation, to the network or straight into a hub.",
			Done: invited || members > 1},
		{Key: sharefair.CheckDiscussion, Title: "Start the first discussion", Page: "/threads/new",
			Why:  "A first question or story gives the people you invite something to answer.",
			Done: discussed},
	}
	return c, nil
}

// SuggestedHubs returns the hubs suggested to the viewer: those they may
// join at once or ask to join, not in already nor waiting for. A network
// holds tens of hubs, not thousands: they are read in one query and ranked
// here, where cities compare the same way on both engines (Unicode case
// folding, which SQLite's lower() does not do beyond ASCII).
func (db *DB) SuggestedHubs(ctx context.Context) ([]*sharefair.HubSuggestion, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	var city string
	var invitedTo int64
	if err := db.read.QueryRowContext(ctx, `SELECT m.city,
			COALESCE((SELECT i.hub_id FROM invitations i WHERE i.accepted_by = m.id AND i.hub_id IS NOT NULL
				ORDER BY i.accepted_at DESC, i.id DESC LIMIT 1), 0)
		FROM members m WHERE m.id = $1`, v.ID).Scan(&city, &invitedTo); err != nil {
		return nil, fmt.Errorf("suggested hubs: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+hubColumns+` FROM hubs h
		WHERE NOT EXISTS (SELECT 1 FROM hub_members s_hm WHERE s_hm.hub_id = h.id AND s_hm.member_id = $1)
		ORDER BY h.member_count DESC, h.name, h.id`, v.ID)
	if err != nil {
		return nil, fmt.Errorf("suggested hubs: %w", err)
	}
	defer rows.Close()
	var out []*sharefair.HubSuggestion
	for rows.Next() {
		h, err := scanHub(rows, v)
		if err != nil {
			return nil, fmt.Errorf("suggested hubs: %w", err)
		}
		// Only what one button does: join, or ask to.
		if !h.ViewerMayJoin && !h.ViewerMayRequest {
			continue
		}
		s := &sharefair.HubSuggestion{Hub: h, Reason: sharefair.SuggestedLargest}
		if c := strings.TrimSpace(city); c != "" && strings.EqualFold(c, strings.TrimSpace(h.City)) {
			s.Reason = sharefair.SuggestedSameCity
		} else if h.ID == invitedTo {
			s.Reason = sharefair.SuggestedInvitation
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("suggested hubs: %w", err)
	}
	rank := map[sharefair.SuggestionReason]int{sharefair.SuggestedSameCity: 0, sharefair.SuggestedInvitation: 1, sharefair.SuggestedLargest: 2}
	open := func(s *sharefair.HubSuggestion) int {
		if s.Hub.ViewerMayJoin {
			return 0
		}
		return 1
	}
	// Stable: within a rank, the largest first, as read.
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := rank[out[i].Reason], rank[out[j].Reason]; ri != rj {
			return ri < rj
		}
		return open(out[i]) < open(out[j])
	})
	if len(out) > sharefair.MaxSuggestedHubs {
		out = out[:sharefair.MaxSuggestedHubs]
	}
	if out == nil {
		out = []*sharefair.HubSuggestion{}
	}
	return out, nil
}
