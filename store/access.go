package store

import (
	"context"
	"fmt"

	"github.com/sharefair/sharefair"
)

// This file is the one place that decides who may read what. Every query
// that returns threads or posts, or counts them, or reveals their authors,
// builds its predicate here; handlers never filter what the store returns.
// New audiences (circles, named members) and attribution modes are added
// to these functions and nowhere else.

// threadVisible returns a condition, over the threads row aliased t, that is
// true when the viewer in ctx may read the thread. A viewer who may not is
// told the thread does not exist.
func threadVisible(ctx context.Context, q *query, t string) string {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return "1 = 0"
	}
	admin := "1 = 0"
	if v.IsAdmin() {
		admin = "1 = 1"
	}
	// The viewer's hubs are a small set computed once per query (an
	// uncorrelated IN), not a lookup per thread.
	return fmt.Sprintf(`(%[1]s.audience = 'network'
		OR (%[1]s.audience = 'hub' AND (%[2]s OR %[1]s.hub_id IN (
			SELECT vis_hm.hub_id FROM hub_members vis_hm WHERE vis_hm.member_id = %[3]s))))`,
		t, admin, q.arg(v.ID))
}

// shownAuthor returns an expression, over the row aliased p with columns
// author_id and attribution, that yields the author's id when the viewer may
// know who wrote it, and NULL otherwise. Authors always see their own.
func shownAuthor(ctx context.Context, q *query, p string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s.attribution = 'named' OR %[1]s.author_id = %[2]s
		THEN %[1]s.author_id END`, p, q.arg(sharefair.ViewerIDFromContext(ctx)))
}

// namedParticipant returns a condition, over the threads row aliased t, that
// is true when member memberID posted in the thread under their own name.
// Posts whose author is hidden never count, so a profile cannot reveal them.
func namedParticipant(q *query, t string, memberID int64) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM posts np
		WHERE np.thread_id = %s.id AND np.author_id = %s AND np.attribution = 'named')`,
		t, q.arg(memberID))
}

// The rules for what a viewer may change. The write methods enforce them;
// the read methods report them (Hub.ViewerMay…, Thread.ViewerMayRename) so
// that pages offer only what will be allowed, without repeating them.

// mayPostIn reports whether v, whose role in a hub is role ("" for none),
// may start discussions for it.
func mayPostIn(v *sharefair.Member, role sharefair.HubRole) bool {
	return v.IsAdmin() || role != ""
}

// mayManageHub reports whether v may change a hub and invite people to it.
func mayManageHub(v *sharefair.Member, role sharefair.HubRole) bool {
	return v.IsAdmin() || role == sharefair.HubRoleCoordinator
}

// mayRename reports whether v may change the title of thread t, as read by v.
func mayRename(v *sharefair.Member, t *sharefair.Thread) bool {
	return v.IsAdmin() || (v != nil && t.Author != nil && t.Author.ID == v.ID)
}

// hubRights fills in what v may do in h.
func hubRights(v *sharefair.Member, h *sharefair.Hub) {
	h.ViewerMayPost = mayPostIn(v, h.ViewerRole)
	h.ViewerMayEdit = mayManageHub(v, h.ViewerRole)
	h.ViewerMayInvite = h.ViewerMayEdit
}

// requireViewer returns the signed-in viewer, or EUNAUTHORIZED.
func requireViewer(ctx context.Context) (*sharefair.Member, error) {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	}
	return v, nil
}
