package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sharefair/sharefair"
)

// resolvedAudience is an audience choice as the database names it.
type resolvedAudience struct {
	kind     sharefair.AudienceKind
	hubID    sql.NullInt64
	circleID sql.NullInt64
	members  []int64  // the named readers, the author not among them
	handles  []string // their handles, in the same order
}

// fieldProblem is a refusal of one field's value.
func fieldProblem(field, msg string) error {
	return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{field: msg}}
}

// audience resolves, inside tx, the audience c the writer v asks for, and
// checks that they may write for it: a hub they may post in, a circle they
// are in, members who exist. A circle the writer may not know of is
// refused as one that does not exist.
func (tx *Tx) audience(ctx context.Context, v *sharefair.Member, c sharefair.AudienceChoice) (resolvedAudience, error) {
	if err := c.Validate(); err != nil {
		return resolvedAudience{}, err
	}
	r := resolvedAudience{kind: c.Kind}
	switch c.Kind {
	case sharefair.AudienceHub:
		err := tx.QueryRowContext(ctx, `SELECT id FROM hubs WHERE slug = $1`, c.Hub).Scan(&r.hubID)
		if errors.Is(err, sql.ErrNoRows) {
			return r, fieldProblem("hub", "Choose one of your hubs.")
		} else if err != nil {
			return r, fmt.Errorf("find hub: %w", err)
		}
		role, err := tx.hubRole(ctx, r.hubID.Int64, v.ID)
		if err != nil {
			return r, err
		}
		if !mayPostIn(v, role) {
			return r, &sharefair.Error{Code: sharefair.EFORBIDDEN, Message: "Join the hub before starting a thread for it.",
				Fields: map[string]string{"hub": "Join the hub before starting a thread for it."}}
		}
	case sharefair.AudienceCircle:
		id, _, role, err := tx.circleByKey(ctx, c.Circle)
		if errors.Is(err, errNoCircle) {
			return r, fieldProblem("circle", "Choose one of your circles.")
		} else if err != nil {
			return r, err
		}
		if !mayPostInCircle(role) {
			return r, fieldProblem("circle", "Join the circle before writing for it.")
		}
		r.circleID = sql.NullInt64{Int64: id, Valid: true}
	case sharefair.AudienceMembers:
		for _, h := range c.Members {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE handle = $1 AND state = 'active'`, h).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return r, fieldProblem("members", "No member has the handle @"+h+".")
			} else if err != nil {
				return r, fmt.Errorf("find member: %w", err)
			}
			if id != v.ID { // the author reads it always
				r.members, r.handles = append(r.members, id), append(r.handles, h)
			}
		}
	}
	return r, nil
}

// setAudience records the named readers of content kind id, if any, and
// counts it into its hub (delta 1) or out of it (-1).
func (tx *Tx) setAudience(ctx context.Context, kind string, id int64, r resolvedAudience, delta int) error {
	if delta > 0 {
		for _, m := range r.members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audience_members (content_kind, content_id, member_id)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, kind, id, m); err != nil {
				return fmt.Errorf("name readers: %w", err)
			}
		}
	} else if _, err := tx.ExecContext(ctx, `DELETE FROM audience_members WHERE content_kind = $1 AND content_id = $2`, kind, id); err != nil {
		return fmt.Errorf("drop named readers: %w", err)
	}
	if kind == contentThread && r.hubID.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE hubs SET thread_count = thread_count + $1 WHERE id = $2`, delta, r.hubID.Int64); err != nil {
			return fmt.Errorf("count hub threads: %w", err)
		}
	}
	return nil
}

// audienceMembers reads the named readers of content kind id, by handle.
// The author is not among them (they read it always, and naming them would
// give away the author of an anonymous opening post).
func audienceMembers(ctx context.Context, qr queryer, kind string, id int64) ([]*sharefair.MemberRef, error) {
	rows, err := qr.QueryContext(ctx, `SELECT m.id, m.handle, m.name FROM audience_members am
		JOIN members m ON m.id = am.member_id
		WHERE am.content_kind = $1 AND am.content_id = $2 ORDER BY m.handle`, kind, id)
	if err != nil {
		return nil, fmt.Errorf("named readers: %w", err)
	}
	defer rows.Close()
	refs := []*sharefair.MemberRef{}
	for rows.Next() {
		var r sharefair.MemberRef
		if err := rows.Scan(&r.ID, &r.Handle, &r.Name); err != nil {
			return nil, fmt.Errorf("named readers: %w", err)
		}
		refs = append(refs, &r)
	}
	return refs, rows.Err()
}

// readsThread reports, inside tx, whether member id may read thread
// threadID now, as contentVisible decides for them.
func (tx *Tx) readsThread(ctx context.Context, memberID, threadID int64) (bool, error) {
	var m sharefair.Member
	if err := tx.QueryRowContext(ctx, `SELECT id, handle, role FROM members WHERE id = $1`, memberID).
		Scan(&m.ID, &m.Handle, &m.Role); err != nil {
		return false, fmt.Errorf("find reader: %w", err)
	}
	as := sharefair.NewContextWithViewer(ctx, &m)
	var q query
	q.and("t.id = " + q.arg(threadID))
	q.and(threadVisible(as, &q, "t"))
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM threads t `+q.whereSQL()+`)`, q.args...).Scan(&ok); err != nil {
		return false, fmt.Errorf("reads thread: %w", err)
	}
	return ok, nil
}

// NarrowAudience changes who may read a thread; its author only. Once
// others have replied, only to an audience whose readers all read it now.
func (db *DB) NarrowAudience(ctx context.Context, id int64, c sharefair.AudienceChoice) (*sharefair.Thread, bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		t, err := threadByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !t.ViewerMayNarrow {
			return &sharefair.Error{Code: sharefair.EFORBIDDEN, Message: "Only the thread's author may change who reads it.",
				Fields: map[string]string{"audience": "Only the thread's author may change who reads it."}}
		}
		// The thread's row, locked: replies wait for the change, or it
		// sees them.
		var cur resolvedAudience
		err = tx.QueryRowContext(ctx, `SELECT audience, hub_id, circle_id FROM threads WHERE id = $1`+tx.db.dialect.lockExclusive(), id).
			Scan(&cur.kind, &cur.hubID, &cur.circleID)
		if err != nil {
			return fmt.Errorf("read audience: %w", err)
		}
		next, err := tx.audience(ctx, v, c)
		if err != nil {
			return err
		}
		if cur.kind == sharefair.AudienceMembers {
			names, err := audienceMembers(ctx, tx, contentThread, id)
			if err != nil {
				return err
			}
			for _, n := range names {
				cur.members = append(cur.members, n.ID)
			}
		}
		if sameAudience(cur, next) {
			return nil
		}
		var others bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE thread_id = $1 AND author_id <> $2)`, id, v.ID).
			Scan(&others); err != nil {
			return fmt.Errorf("find replies: %w", err)
		}
		if others {
			all := true
			var outside []string
			for i, m := range next.members {
				ok, err := tx.readsThread(ctx, m, id)
				if err != nil {
					return err
				}
				if !ok {
					all = false
					outside = append(outside, "@"+next.handles[i])
				}
			}
			same := cur.hubID == next.hubID && cur.circleID == next.circleID
			if !narrower(cur.kind, next.kind, same, all) {
				if len(outside) > 0 {
					return fieldProblem("members", "Others have replied, so the thread may only be narrowed: "+
						strings.Join(outside, ", ")+" cannot read it now.")
				}
				return fieldProblem("audience", "Others have replied, so the thread may only be narrowed: "+
					"everyone who would read it must read it now.")
			}
		}
		changed = true
		if err := tx.setAudience(ctx, contentThread, id, cur, -1); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET audience = $1, hub_id = $2, circle_id = $3, version = version + 1
			WHERE id = $4`, string(next.kind), next.hubID, next.circleID, id); err != nil {
			return fmt.Errorf("narrow audience: %w", err)
		}
		return tx.setAudience(ctx, contentThread, id, next, 1)
	})
	if err != nil {
		return nil, false, err
	}
	t, err := db.FindThreadByID(ctx, id)
	return t, changed, err
}

// sameAudience reports whether a and b name the same readers.
func sameAudience(a, b resolvedAudience) bool {
	if a.kind != b.kind || a.hubID != b.hubID || a.circleID != b.circleID || len(a.members) != len(b.members) {
		return false
	}
	in := map[int64]bool{}
	for _, m := range a.members {
		in[m] = true
	}
	for _, m := range b.members {
		if !in[m] {
			return false
		}
	}
	return true
}
