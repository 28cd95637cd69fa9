package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

// stateRefusal is what a member who is not active is told when they sign
// in, or when a session or token they held is used.
func stateRefusal(s sharefair.MemberState) error {
	switch s {
	case sharefair.MemberSuspended:
		return sharefair.Errorf(sharefair.EUNAUTHORIZED, "Your account is suspended by a network admin; you cannot sign in until it is reinstated.")
	case sharefair.MemberDeactivated:
		return sharefair.Errorf(sharefair.EUNAUTHORIZED, "Your account is deactivated; ask a network admin to reactivate it.")
	}
	return sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
}

// FlagPost flags a post the viewer may read, once while the flag is open.
func (db *DB) FlagPost(ctx context.Context, postID int64, f sharefair.NewFlag) (bool, error) {
	if _, err := requireViewer(ctx); err != nil {
		return false, err
	}
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		p, err := postByID(ctx, tx, postID)
		if err != nil {
			return err
		}
		if !mayFlag(p) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "You cannot flag your own post; edit it instead.")
		}
		if err := f.Validate(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO post_flags (post_id, member_id, reason, note, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (post_id, member_id) WHERE dismissed_at IS NULL DO NOTHING`,
			postID, v.ID, string(f.Reason), f.Note, tx.now)
		if err != nil {
			return fmt.Errorf("flag post: %w", err)
		}
		n, _ := res.RowsAffected()
		changed = n > 0
		return nil
	})
	return changed, err
}

// FindModerationQueue lists the posts with open flags that the viewer may
// read and moderate, oldest flag first, each as its readers see it.
func (db *DB) FindModerationQueue(ctx context.Context, page sharefair.Page) ([]*sharefair.ModerationItem, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, 0, err
	}
	page = page.Normalize()
	var q query
	// The oldest open flag by number, which is the order they were made.
	sel := postSelect(ctx, &q, postsInThreads+` JOIN (SELECT post_id, MIN(id) AS first_id FROM post_flags
		WHERE dismissed_at IS NULL GROUP BY post_id) fq ON fq.post_id = p.id JOIN post_flags ff ON ff.id = fq.first_id`, "ff.created_at")
	q.and(threadVisible(ctx, &q, "t"))
	q.and(mayModerateThread(ctx, &q, "t"))
	rows, err := db.read.QueryContext(ctx, sel+" "+q.whereSQL()+" ORDER BY fq.first_id"+
		limitSQL(page.Size, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("moderation queue: %w", err)
	}
	var items []*sharefair.ModerationItem
	byPost := map[int64]*sharefair.ModerationItem{}
	for rows.Next() {
		var first time.Time
		p, err := scanPost(rows, &first)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("moderation queue: %w", err)
		}
		if p.AsReadersSee != nil {
			// The moderator's own post: as its readers see it.
			p = p.AsReadersSee
		}
		it := &sharefair.ModerationItem{Post: p, FirstFlaggedAt: first.UTC()}
		items = append(items, it)
		byPost[p.ID] = it
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("moderation queue: %w", err)
	}
	var total int
	var cq query
	cq.and(threadVisible(ctx, &cq, "t"))
	cq.and(mayModerateThread(ctx, &cq, "t"))
	// From the open flags, which are few, to their posts: not every
	// post asked whether it has one.
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT post_id FROM post_flags WHERE dismissed_at IS NULL) cf
		JOIN posts p ON p.id = cf.post_id JOIN threads t ON t.id = p.thread_id `+cq.whereSQL(), cq.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count moderation queue: %w", err)
	}
	if len(items) == 0 {
		return []*sharefair.ModerationItem{}, total, nil
	}
	// The flags of the page's posts: reasons counted, notes without who
	// wrote them.
	var fq query
	ph := make([]string, 0, len(items))
	for _, it := range items {
		ph = append(ph, fq.arg(it.Post.ID))
	}
	frows, err := db.read.QueryContext(ctx, `SELECT post_id, reason, note FROM post_flags
		WHERE dismissed_at IS NULL AND post_id IN (`+strings.Join(ph, ", ")+`) ORDER BY post_id, created_at, id`, fq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("moderation flags: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var id int64
		var reason sharefair.FlagReason
		var note string
		if err := frows.Scan(&id, &reason, &note); err != nil {
			return nil, 0, fmt.Errorf("moderation flags: %w", err)
		}
		it := byPost[id]
		it.FlagCount++
		if note != "" {
			it.Notes = append(it.Notes, note)
		}
		found := false
		for i := range it.Flags {
			if it.Flags[i].Reason == reason {
				it.Flags[i].Count++
				found = true
			}
		}
		if !found {
			it.Flags = append(it.Flags, sharefair.FlagCount{Reason: reason, Count: 1})
		}
	}
	if err := frows.Err(); err != nil {
		return nil, 0, fmt.Errorf("moderation flags: %w", err)
	}
	// The items' threads, in one query.
	var ids []int64
	for _, it := range items {
		if !slices.Contains(ids, it.Post.ThreadID) {
			ids = append(ids, it.Post.ThreadID)
		}
	}
	ts, err := threadsByID(ctx, db.read, ids)
	if err != nil {
		return nil, 0, err
	}
	threads := map[int64]*sharefair.Thread{}
	for _, t := range ts {
		threads[t.ID] = t
	}
	for _, it := range items {
		if it.Thread = threads[it.Post.ThreadID]; it.Thread == nil {
			return nil, 0, fmt.Errorf("moderation queue: thread %d of post %d not read", it.Post.ThreadID, it.Post.ID)
		}
	}
	return items, total, nil
}

// moderatedPost is what a moderator's act reads of a post, inside its
// transaction.
type moderatedPost struct {
	threadID, hubID, circleID int64
	authorID                  int64
	hidden                    bool
	attribution               sharefair.Attribution
}

// moderatedPost reads post id for a moderator's act: not found unless the
// viewer may read it, forbidden unless they may moderate it.
func (tx *Tx) moderatedPost(ctx context.Context, id int64) (*moderatedPost, error) {
	var q query
	sel := `SELECT p.thread_id, COALESCE(t.hub_id, 0), COALESCE(t.circle_id, 0), p.author_id, CASE WHEN p.hidden_at IS NULL THEN 0 ELSE 1 END, p.attribution,
		CASE WHEN ` + mayModerateThread(ctx, &q, "t") + ` THEN 1 ELSE 0 END FROM ` + postsInThreads
	q.and("p.id = " + q.arg(id))
	q.and(threadVisible(ctx, &q, "t"))
	var m moderatedPost
	var may bool
	err := tx.QueryRowContext(ctx, sel+" "+q.whereSQL(), q.args...).Scan(&m.threadID, &m.hubID, &m.circleID, &m.authorID, &m.hidden, &m.attribution, &may)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sharefair.ErrNotFound("Post")
	} else if err != nil {
		return nil, fmt.Errorf("find post: %w", err)
	}
	if !may {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's moderators may moderate it: network admins, the coordinators of its hub or the hosts of its circle.")
	}
	return &m, nil
}

// HidePost hides a post from its readers; its open flags are settled by it.
func (db *DB) HidePost(ctx context.Context, postID int64, reason sharefair.FlagReason) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		m, err := tx.moderatedPost(ctx, postID)
		if err != nil {
			return err
		}
		if err := sharefair.ValidateHideReason(reason); err != nil {
			return err
		}
		if m.hidden {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET hidden_at = $1, hidden_reason = $2 WHERE id = $3`,
			tx.now, string(reason), postID); err != nil {
			return fmt.Errorf("hide post: %w", err)
		}
		if err := tx.dismissFlags(ctx, postID); err != nil {
			return err
		}
		if err := bumpThread(ctx, tx, m.threadID); err != nil {
			return err
		}
		if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventPostHidden, ActorID: v.ID, SubjectID: m.authorID,
			HubID: m.hubID, CircleID: m.circleID, ThreadID: m.threadID, PostID: postID}); err != nil {
			return err
		}
		return tx.audit(ctx, v.ID, auditRecord{Action: sharefair.AuditHide, HubID: m.hubID, CircleID: m.circleID,
			ThreadID: m.threadID, PostID: postID, Detail: string(reason)})
	})
	return changed, err
}

// RestorePost shows a hidden post to its readers again.
func (db *DB) RestorePost(ctx context.Context, postID int64) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		m, err := tx.moderatedPost(ctx, postID)
		if err != nil || !m.hidden {
			return err
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET hidden_at = NULL, hidden_reason = '' WHERE id = $1`, postID); err != nil {
			return fmt.Errorf("restore post: %w", err)
		}
		if err := bumpThread(ctx, tx, m.threadID); err != nil {
			return err
		}
		if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventPostRestored, ActorID: v.ID, SubjectID: m.authorID,
			HubID: m.hubID, CircleID: m.circleID, ThreadID: m.threadID, PostID: postID}); err != nil {
			return err
		}
		return tx.audit(ctx, v.ID, auditRecord{Action: sharefair.AuditRestore, HubID: m.hubID, CircleID: m.circleID,
			ThreadID: m.threadID, PostID: postID})
	})
	return changed, err
}

// DismissFlags closes a post's open flags, leaving the post as it is.
// Dismissing is not audited: it changes nothing anyone reads.
func (db *DB) DismissFlags(ctx context.Context, postID int64) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if _, err := tx.moderatedPost(ctx, postID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE post_flags SET dismissed_at = $1 WHERE post_id = $2 AND dismissed_at IS NULL`,
			tx.now, postID)
		if err != nil {
			return fmt.Errorf("dismiss flags: %w", err)
		}
		n, _ := res.RowsAffected()
		changed = n > 0
		return nil
	})
	return changed, err
}

func (tx *Tx) dismissFlags(ctx context.Context, postID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE post_flags SET dismissed_at = $1 WHERE post_id = $2 AND dismissed_at IS NULL`,
		tx.now, postID); err != nil {
		return fmt.Errorf("dismiss flags: %w", err)
	}
	return nil
}

// LockThread stops, or lets again, new replies to a thread.
func (db *DB) LockThread(ctx context.Context, threadID int64, lock bool) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		t, err := threadByID(ctx, tx, threadID)
		if err != nil {
			return err
		}
		if !t.ViewerMayModerate {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the thread's moderators may lock it: network admins, the coordinators of its hub or the hosts of its circle.")
		}
		if t.Locked == lock {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET locked = $1 WHERE id = $2`, lock, threadID); err != nil {
			return fmt.Errorf("lock thread: %w", err)
		}
		action := sharefair.AuditLock
		if !lock {
			action = sharefair.AuditUnlock
		}
		var hubID, circleID int64
		if t.Audience.Hub != nil {
			hubID = t.Audience.Hub.ID
		}
		if t.Audience.Circle != nil {
			circleID = t.Audience.Circle.ID
		}
		return tx.audit(ctx, v.ID, auditRecord{Action: action, HubID: hubID, CircleID: circleID, ThreadID: threadID})
	})
	return changed, err
}

// standingTarget reads, locked, the state and role of member id whose
// standing the viewer v changes.
func (tx *Tx) standingTarget(ctx context.Context, v *sharefair.Member, id int64) (sharefair.MemberState, sharefair.Role, error) {
	if !mayChangeStanding(v) {
		return "", "", sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may change a member's standing.")
	}
	var state sharefair.MemberState
	var role sharefair.Role
	err := tx.QueryRowContext(ctx, `SELECT state, role FROM members WHERE id = $1`+tx.db.dialect.lockExclusive(), id).Scan(&state, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", sharefair.ErrNotFound("Member")
	} else if err != nil {
		return "", "", fmt.Errorf("find member: %w", err)
	}
	if state == sharefair.MemberDeleted {
		return "", "", sharefair.ErrNotFound("Member")
	}
	if id == v.ID {
		return "", "", sharefair.Errorf(sharefair.ECONFLICT, "You cannot change your own standing; ask another network admin.")
	}
	return state, role, nil
}

// SetMemberState suspends, reinstates, deactivates or reactivates a member.
// Suspension is lifted by reinstating, deactivation by reactivating (both
// make the member active again); a deactivated member is not suspended
// on top. Leaving the active state ends every session and token.
func (db *DB) SetMemberState(ctx context.Context, id int64, to sharefair.MemberState) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		from, _, err := tx.standingTarget(ctx, v, id)
		if err != nil {
			return err
		}
		if from == to {
			return nil
		}
		var action sharefair.AuditAction
		switch {
		case to == sharefair.MemberSuspended && from == sharefair.MemberActive:
			action = sharefair.AuditSuspend
		case to == sharefair.MemberDeactivated:
			action = sharefair.AuditDeactivate
		case to == sharefair.MemberActive && from == sharefair.MemberSuspended:
			action = sharefair.AuditReinstate
		case to == sharefair.MemberActive && from == sharefair.MemberDeactivated:
			action = sharefair.AuditReactivate
		case to == sharefair.MemberSuspended:
			return sharefair.Errorf(sharefair.ECONFLICT, "The account is deactivated; it cannot be suspended as well.")
		default:
			return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"state": "Choose active, suspended or deactivated."}}
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE members SET state = $1, updated_at = $2 WHERE id = $3`,
			string(to), tx.now, id); err != nil {
			return fmt.Errorf("set member state: %w", err)
		}
		if to != sharefair.MemberActive {
			if err := tx.endAccess(ctx, id, "", true); err != nil {
				return err
			}
		}
		return tx.audit(ctx, v.ID, auditRecord{Action: action, SubjectID: id})
	})
	return changed, err
}

// SetMemberRole makes a member a network admin or a member. One active
// admin always remains: the viewer is one, and may not change themselves.
func (db *DB) SetMemberRole(ctx context.Context, id int64, role sharefair.Role) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !role.Valid() {
			return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"role": "Role must be admin or member."}}
		}
		_, from, err := tx.standingTarget(ctx, v, id)
		if err != nil {
			return err
		}
		if from == role {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE members SET role = $1, updated_at = $2 WHERE id = $3`,
			string(role), tx.now, id); err != nil {
			return fmt.Errorf("set role: %w", err)
		}
		return tx.audit(ctx, v.ID, auditRecord{Action: sharefair.AuditRoleChange, SubjectID: id,
			Detail: string(from) + " → " + string(role)})
	})
	return changed, err
}

// RevealAuthor tells a network admin who wrote a hidden-author post. The
// audit entry names the post and the reason, never the author: the log is
// read by every admin, and the reveal is to this one alone.
func (db *DB) RevealAuthor(ctx context.Context, postID int64, reason string) (*sharefair.MemberRef, error) {
	var who *sharefair.MemberRef
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		sel := `SELECT p.thread_id, COALESCE(t.hub_id, 0), COALESCE(t.circle_id, 0), p.attribution,
			a.id, a.handle, a.name, a.organisation, CASE WHEN ` + mayModerateThread(ctx, &q, "t") + ` THEN 1 ELSE 0 END
			FROM ` + postsInThreads + ` JOIN members a ON a.id = p.author_id`
		q.and("p.id = " + q.arg(postID))
		q.and(threadVisible(ctx, &q, "t"))
		var threadID, hubID, circleID int64
		var attr sharefair.Attribution
		var ref sharefair.MemberRef
		var moderates bool
		err := tx.QueryRowContext(ctx, sel+" "+q.whereSQL(), q.args...).Scan(&threadID, &hubID, &circleID, &attr,
			&ref.ID, &ref.Handle, &ref.Name, &ref.Organisation, &moderates)
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Post")
		} else if err != nil {
			return fmt.Errorf("find post: %w", err)
		}
		if !mayReveal(v, moderates) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may reveal who wrote a post, in the network's and the hubs' discussions.")
		}
		if attr == sharefair.AttributionNamed {
			return sharefair.Errorf(sharefair.ECONFLICT, "This post is signed with its author's name: there is nothing to reveal.")
		}
		if reason, err = sharefair.ValidateRevealReason(reason); err != nil {
			return err
		}
		who = &ref
		return tx.audit(ctx, v.ID, auditRecord{Action: sharefair.AuditReveal, HubID: hubID, CircleID: circleID,
			ThreadID: threadID, PostID: postID, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return who, nil
}
