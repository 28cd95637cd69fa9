package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sharefair/sharefair"
)

// errNoCircle is a circle the viewer may not know of, or that never was:
// told apart from neither by anyone but the store.
var errNoCircle = sharefair.ErrNotFound("Circle")

// newCircleKey returns a random circle key: about 49 bits, so that a
// circle's address can be neither guessed nor derived from its name.
func newCircleKey() string {
	b := make([]byte, sharefair.CircleKeyLen)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = sharefair.CircleKeyAlphabet[int(b[i])%len(sharefair.CircleKeyAlphabet)]
	}
	return string(b)
}

// circleByKey reads, inside tx, the circle with key that the viewer may
// know of (circleVisible), locked until tx ends, with the viewer's role in
// it; errNoCircle when there is none.
func (tx *Tx) circleByKey(ctx context.Context, key string) (int64, sharefair.CircleKind, sharefair.CircleRole, error) {
	if !sharefair.ValidCircleKey(key) {
		return 0, "", "", errNoCircle
	}
	var q query
	q.and("c.key = " + q.arg(key))
	q.and(circleVisible(ctx, &q, "c"))
	var id int64
	var kind sharefair.CircleKind
	err := tx.QueryRowContext(ctx, `SELECT c.id, c.kind FROM circles c `+q.whereSQL()+tx.db.dialect.lockExclusive(), q.args...).
		Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", "", errNoCircle
	} else if err != nil {
		return 0, "", "", fmt.Errorf("find circle: %w", err)
	}
	role, err := tx.circleRole(ctx, id, sharefair.ViewerIDFromContext(ctx))
	return id, kind, role, err
}

// circleRole reads member memberID's role in circle id ("" for none).
func (tx *Tx) circleRole(ctx context.Context, id, memberID int64) (sharefair.CircleRole, error) {
	var role sharefair.CircleRole
	err := tx.QueryRowContext(ctx, `SELECT role FROM circle_members WHERE circle_id = $1 AND member_id = $2`, id, memberID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("circle role: %w", err)
	}
	return role, nil
}

// circleColumns are the columns scanCircle reads over the circles row
// aliased c; vid is the viewer's id placeholder.
func circleColumns(vid string) string {
	return `c.id, c.key, c.name, c.description, c.description_html, c.kind, c.created_at, c.member_count,
		COALESCE((SELECT r.role FROM circle_members r WHERE r.circle_id = c.id AND r.member_id = ` + vid + `), ''),
		EXISTS (SELECT 1 FROM circle_invitations ci WHERE ci.circle_id = c.id AND ci.member_id = ` + vid + `),
		EXISTS (SELECT 1 FROM circle_requests cr WHERE cr.circle_id = c.id AND cr.member_id = ` + vid + `)`
}

func scanCircle(row scanner, v *sharefair.Member) (*sharefair.Circle, error) {
	var c sharefair.Circle
	if err := row.Scan(&c.ID, &c.Key, &c.Name, &c.Description, &c.DescriptionHTML, &c.Kind, &c.CreatedAt, &c.MemberCount,
		&c.ViewerRole, &c.ViewerInvited, &c.ViewerRequested); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	if c.ViewerRole != "" {
		c.ViewerInvited, c.ViewerRequested = false, false
	}
	if c.Kind == sharefair.CircleSecret && c.ViewerRole == "" {
		// An invitee sees a secret circle only enough to answer: its
		// name and who hosts it, not what it says of itself.
		c.Description, c.DescriptionHTML, c.MemberCount = "", "", 0
	}
	circleRights(v, &c)
	return &c, nil
}

// circleHosts reads the hosts of circle id, by name.
func circleHosts(ctx context.Context, qr queryer, id int64) ([]*sharefair.MemberRef, error) {
	rows, err := qr.QueryContext(ctx, `SELECT m.id, m.handle, m.name FROM circle_members cm
		JOIN members m ON m.id = cm.member_id
		WHERE cm.circle_id = $1 AND cm.role = 'host' ORDER BY m.name, m.id`, id)
	if err != nil {
		return nil, fmt.Errorf("circle hosts: %w", err)
	}
	defer rows.Close()
	hosts := []*sharefair.MemberRef{}
	for rows.Next() {
		var r sharefair.MemberRef
		if err := rows.Scan(&r.ID, &r.Handle, &r.Name); err != nil {
			return nil, fmt.Errorf("circle hosts: %w", err)
		}
		hosts = append(hosts, &r)
	}
	return hosts, rows.Err()
}

// CreateCircle starts a circle, with the viewer as its first host.
func (db *DB) CreateCircle(ctx context.Context, nc sharefair.NewCircle) (*sharefair.Circle, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := nc.Validate(); err != nil {
		return nil, err
	}
	html, err := db.renderDescription(ctx, nc.Description)
	if err != nil {
		return nil, err
	}
	key := newCircleKey()
	err = db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO circles (key, name, description, description_html, kind, created_by, created_at, member_count)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id`,
			key, nc.Name, nc.Description, html, string(nc.Kind), v.ID, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("create circle: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO circle_members (circle_id, member_id, role, joined_at) VALUES ($1, $2, 'host', $3)`,
			id, v.ID, tx.now); err != nil {
			return fmt.Errorf("host circle: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.FindCircle(ctx, key)
}

// UpdateCircle changes a circle's name or description, for its hosts. The
// circle is read as the viewer may know of it: to anyone outside a secret
// circle, it does not exist.
func (db *DB) UpdateCircle(ctx context.Context, key string, u sharefair.CircleUpdate) (*sharefair.Circle, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var html *string
	if u.Description != nil {
		h, err := db.renderDescription(ctx, *u.Description)
		if err != nil {
			return nil, err
		}
		html = &h
	}
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		c, err := circleByKey(ctx, tx, v, key)
		if err != nil {
			return err
		}
		if !c.ViewerMayHost {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the circle's hosts may change it.")
		}
		if u.Name == nil && u.Description == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE circles SET name = COALESCE($1, name), description = COALESCE($2, description),
			description_html = COALESCE($3, description_html) WHERE id = $4`, u.Name, u.Description, html, c.ID); err != nil {
			return fmt.Errorf("update circle: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.FindCircle(ctx, key)
}

// FindCircle returns a circle the viewer may know of, with its hosts.
func (db *DB) FindCircle(ctx context.Context, key string) (*sharefair.Circle, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	return circleByKey(ctx, db.read, v, key)
}

func circleByKey(ctx context.Context, qr queryer, v *sharefair.Member, key string) (*sharefair.Circle, error) {
	if !sharefair.ValidCircleKey(key) {
		return nil, errNoCircle
	}
	var q query
	cols := circleColumns(q.arg(v.ID))
	q.and("c.key = " + q.arg(key))
	q.and(circleVisible(ctx, &q, "c"))
	c, err := scanCircle(qr.QueryRowContext(ctx, `SELECT `+cols+` FROM circles c `+q.whereSQL(), q.args...), v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoCircle
	} else if err != nil {
		return nil, fmt.Errorf("find circle: %w", err)
	}
	if c.Hosts, err = circleHosts(ctx, qr, c.ID); err != nil {
		return nil, err
	}
	if c.ViewerMayHost {
		if err := qr.QueryRowContext(ctx, `SELECT COUNT(*) FROM circle_requests WHERE circle_id = $1`, c.ID).
			Scan(&c.PendingRequests); err != nil {
			return nil, fmt.Errorf("count circle requests: %w", err)
		}
	}
	return c, nil
}

// FindCircles lists the circles f selects that the viewer may know of, by
// name.
func (db *DB) FindCircles(ctx context.Context, f sharefair.CircleFilter) ([]*sharefair.Circle, int, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, 0, err
	}
	var q query
	cols := circleColumns(q.arg(v.ID))
	circleFilter(ctx, &q, v, f)
	limit := ""
	if f.Page.Size > 0 {
		f.Page = f.Page.Normalize()
		limit = limitSQL(f.Page.Size, f.Page.Offset())
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+cols+` FROM circles c `+q.whereSQL()+` ORDER BY c.name, c.id`+limit, q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find circles: %w", err)
	}
	defer rows.Close()
	circles := []*sharefair.Circle{}
	for rows.Next() {
		c, err := scanCircle(rows, v)
		if err != nil {
			return nil, 0, fmt.Errorf("find circles: %w", err)
		}
		circles = append(circles, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find circles: %w", err)
	}
	rows.Close()
	total := len(circles)
	if f.Page.Size > 0 {
		var cq query
		circleFilter(ctx, &cq, v, f)
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM circles c `+cq.whereSQL(), cq.args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count circles: %w", err)
		}
	}
	return circles, total, nil
}

// circleFilter adds to q the conditions, over the circles row aliased c,
// of the circles f selects that viewer v may know of.
func circleFilter(ctx context.Context, q *query, v *sharefair.Member, f sharefair.CircleFilter) {
	q.and(circleVisible(ctx, q, "c"))
	var any []string
	if f.Mine {
		any = append(any, `c.id IN (SELECT fm.circle_id FROM circle_members fm WHERE fm.member_id = `+q.arg(v.ID)+`)`)
	}
	if f.Invited {
		any = append(any, `c.id IN (SELECT fi.circle_id FROM circle_invitations fi WHERE fi.member_id = `+q.arg(v.ID)+`)`)
	}
	if f.Joinable {
		me := q.arg(v.ID)
		any = append(any, `(c.kind <> 'secret' AND c.id NOT IN (SELECT fj.circle_id FROM circle_members fj WHERE fj.member_id = `+me+`)
			AND c.id NOT IN (SELECT fk.circle_id FROM circle_invitations fk WHERE fk.member_id = `+me+`))`)
	}
	if len(any) > 0 {
		q.and("(" + strings.Join(any, " OR ") + ")")
	}
}

// FindCircleMembers lists a circle's members, hosts first, for those who
// may read its threads.
func (db *DB) FindCircleMembers(ctx context.Context, key string) ([]*sharefair.CircleMember, error) {
	c, err := db.FindCircle(ctx, key)
	if err != nil {
		return nil, err
	}
	if !c.ViewerMayRead {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the circle's members see who is in it.")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.handle, m.name, cm.role, cm.joined_at FROM circle_members cm
		JOIN members m ON m.id = cm.member_id
		WHERE cm.circle_id = $1 ORDER BY CASE WHEN cm.role = 'host' THEN 0 ELSE 1 END, m.name, m.id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("circle members: %w", err)
	}
	defer rows.Close()
	members := []*sharefair.CircleMember{}
	for rows.Next() {
		cm := sharefair.CircleMember{Member: &sharefair.MemberRef{}}
		if err := rows.Scan(&cm.Member.ID, &cm.Member.Handle, &cm.Member.Name, &cm.Role, &cm.JoinedAt); err != nil {
			return nil, fmt.Errorf("circle members: %w", err)
		}
		cm.JoinedAt = cm.JoinedAt.UTC()
		members = append(members, &cm)
	}
	return members, rows.Err()
}

// FindCircleRequests lists the requests waiting to join a circle; hosts.
func (db *DB) FindCircleRequests(ctx context.Context, key string) ([]*sharefair.JoinRequest, error) {
	c, err := db.FindCircle(ctx, key)
	if err != nil {
		return nil, err
	}
	if !c.ViewerMayHost {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the circle's hosts see who asked to join it.")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.handle, m.name, cr.created_at FROM circle_requests cr
		JOIN members m ON m.id = cr.member_id WHERE cr.circle_id = $1 ORDER BY cr.created_at, cr.member_id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("circle requests: %w", err)
	}
	defer rows.Close()
	reqs := []*sharefair.JoinRequest{}
	for rows.Next() {
		r := sharefair.JoinRequest{Member: &sharefair.MemberRef{}}
		if err := rows.Scan(&r.Member.ID, &r.Member.Handle, &r.Member.Name, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("circle requests: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		reqs = append(reqs, &r)
	}
	return reqs, rows.Err()
}

// joinCircle adds member memberID to circle id, answering their
// invitation and request if any, and counts them in; false when they were
// in already.
func (tx *Tx) joinCircle(ctx context.Context, id, memberID int64, role sharefair.CircleRole) (bool, error) {
	for _, table := range []string{"circle_invitations", "circle_requests"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE circle_id = $1 AND member_id = $2`, id, memberID); err != nil {
			return false, fmt.Errorf("join circle: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO circle_members (circle_id, member_id, role, joined_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (circle_id, member_id) DO NOTHING`, id, memberID, string(role), tx.now)
	if err != nil {
		return false, fmt.Errorf("join circle: %w", err)
	}
	return tx.countCircle(ctx, res, id, "+")
}

// countCircle moves a circle's member count by the rows res changed, and
// reports whether it changed any.
func (tx *Tx) countCircle(ctx context.Context, res sql.Result, id int64, sign string) (bool, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("count circle members: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE circles SET member_count = member_count `+sign+` $1 WHERE id = $2`, n, id); err != nil {
		return false, fmt.Errorf("count circle members: %w", err)
	}
	return true, nil
}

// dropCircleRow deletes member memberID's row of table for circle id, and
// reports whether there was one.
func (tx *Tx) dropCircleRow(ctx context.Context, table string, id, memberID int64) (sql.Result, bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE circle_id = $1 AND member_id = $2`, id, memberID)
	if err != nil {
		return nil, false, fmt.Errorf("leave circle: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, false, fmt.Errorf("leave circle: %w", err)
	}
	return res, n > 0, nil
}

// JoinCircle joins an open circle, or one the viewer was invited to, or
// asks to join a closed one; doing either twice is harmless.
func (db *DB) JoinCircle(ctx context.Context, key string) (sharefair.CircleOutcome, error) {
	var out sharefair.CircleOutcome
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, kind, role, err := tx.circleByKey(ctx, key)
		if err != nil {
			return err
		}
		if role != "" {
			out = sharefair.CircleAlreadyMember
			return nil
		}
		var invited bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM circle_invitations WHERE circle_id = $1 AND member_id = $2)`,
			id, v.ID).Scan(&invited); err != nil {
			return fmt.Errorf("find invitation: %w", err)
		}
		switch {
		case mayJoinCircle(kind, invited):
			out = sharefair.CircleJoined
			_, err := tx.joinCircle(ctx, id, v.ID, sharefair.CircleRoleMember)
			return err
		case mayRequestCircle(kind, invited):
			out = sharefair.CircleRequested
			res, err := tx.ExecContext(ctx, `INSERT INTO circle_requests (circle_id, member_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (circle_id, member_id) DO NOTHING`, id, v.ID, tx.now)
			if err != nil {
				return fmt.Errorf("ask to join circle: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				out = sharefair.CircleAlreadyRequested
			}
			return nil
		}
		// Only a secret circle's invitees reach here, and they are invited.
		return errNoCircle
	})
	return out, err
}

// lastHost reports whether member memberID is the only host of circle id.
func (tx *Tx) lastHost(ctx context.Context, id, memberID int64) (bool, error) {
	var others bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM circle_members
		WHERE circle_id = $1 AND role = 'host' AND member_id <> $2)`, id, memberID).Scan(&others)
	if err != nil {
		return false, fmt.Errorf("find hosts: %w", err)
	}
	return !others, nil
}

// LeaveCircle removes the viewer from a circle, or withdraws their request
// to join it. A circle always keeps a host: the last one hands hosting
// over before leaving, even when nobody else is in it.
func (db *DB) LeaveCircle(ctx context.Context, key string) (sharefair.CircleOutcome, error) {
	out := sharefair.CircleNotIn
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, _, role, err := tx.circleByKey(ctx, key)
		if err != nil {
			return err
		}
		if role == sharefair.CircleRoleHost {
			last, err := tx.lastHost(ctx, id, v.ID)
			if err != nil {
				return err
			}
			if last {
				return sharefair.Errorf(sharefair.EFORBIDDEN, "You are the circle's only host: make another member a host before you leave.")
			}
		}
		if _, withdrew, err := tx.dropCircleRow(ctx, "circle_requests", id, v.ID); err != nil {
			return err
		} else if withdrew {
			out = sharefair.CircleWithdrawn
		}
		res, left, err := tx.dropCircleRow(ctx, "circle_members", id, v.ID)
		if err != nil {
			return err
		}
		if left {
			out = sharefair.CircleLeft
		}
		_, err = tx.countCircle(ctx, res, id, "-")
		return err
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// leaveAllCircles takes member memberID out of every circle, inside tx,
// for the deletion of their account: their memberships, their requests to
// join, the invitations addressed to them and the invitations they sent
// and nobody answered go. A circle they leave without a host passes to
// its longest-standing remaining member, an active one if any is; a
// circle they leave with nobody in it is deleted if it holds no threads,
// and otherwise kept, hostless, with its requests and invitations gone:
// nobody is left to answer the one or to stand behind the other.
func (tx *Tx) leaveAllCircles(ctx context.Context, memberID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT circle_id FROM circle_members WHERE member_id = $1 ORDER BY circle_id`, memberID)
	if err != nil {
		return fmt.Errorf("find circles: %w", err)
	}
	var circles []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("find circles: %w", err)
		}
		circles = append(circles, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find circles: %w", err)
	}
	for _, stmt := range []string{
		`DELETE FROM circle_requests WHERE member_id = $1`,
		`DELETE FROM circle_invitations WHERE member_id = $1 OR invited_by = $1`,
	} {
		if _, err := tx.ExecContext(ctx, stmt, memberID); err != nil {
			return fmt.Errorf("leave circles: %w", err)
		}
	}
	for _, id := range circles {
		// The circle's row, locked, in id order: joins, leaves and
		// changes of host wait for this, or it sees them.
		var locked int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM circles WHERE id = $1`+tx.db.dialect.lockExclusive(), id).
			Scan(&locked); err != nil {
			return fmt.Errorf("leave circle: %w", err)
		}
		res, _, err := tx.dropCircleRow(ctx, "circle_members", id, memberID)
		if err != nil {
			return err
		}
		if _, err := tx.countCircle(ctx, res, id, "-"); err != nil {
			return err
		}
		if err := tx.keepCircleHosted(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// keepCircleHosted gives circle id a host again if it has none, the
// longest-standing of its members, active ones first; and settles a
// circle nobody is in (see leaveAllCircles).
func (tx *Tx) keepCircleHosted(ctx context.Context, id int64) error {
	var hosted bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM circle_members WHERE circle_id = $1 AND role = 'host')`, id).
		Scan(&hosted); err != nil {
		return fmt.Errorf("find hosts: %w", err)
	}
	if hosted {
		return nil
	}
	var next int64
	err := tx.QueryRowContext(ctx, `SELECT cm.member_id FROM circle_members cm JOIN members m ON m.id = cm.member_id
		WHERE cm.circle_id = $1
		ORDER BY CASE WHEN m.state = 'active' THEN 0 ELSE 1 END, cm.joined_at, cm.member_id LIMIT 1`, id).Scan(&next)
	switch {
	case err == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE circle_members SET role = 'host' WHERE circle_id = $1 AND member_id = $2`,
			id, next); err != nil {
			return fmt.Errorf("pass hosting: %w", err)
		}
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("find next host: %w", err)
	}
	var threads bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM threads WHERE circle_id = $1)`, id).Scan(&threads); err != nil {
		return fmt.Errorf("find circle threads: %w", err)
	}
	stmts := []string{`DELETE FROM circle_requests WHERE circle_id = $1`, `DELETE FROM circle_invitations WHERE circle_id = $1`}
	if !threads {
		stmts = []string{`DELETE FROM circles WHERE id = $1`} // its requests and invitations with it
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
			return fmt.Errorf("empty circle: %w", err)
		}
	}
	return nil
}

// hostedMember reads, inside tx, the circle with key, checking that the
// viewer hosts it, and the active network member with handle.
func (tx *Tx) hostedMember(ctx context.Context, key, handle, refusal string) (int64, int64, error) {
	id, _, role, err := tx.circleByKey(ctx, key)
	if err != nil {
		return 0, 0, err
	}
	if !mayHostCircle(role) {
		return 0, 0, sharefair.Errorf(sharefair.EFORBIDDEN, "%s", refusal)
	}
	handle = sharefair.NormalizeHandle(handle)
	mid := int64(0)
	err = sql.ErrNoRows
	if sharefair.ValidHandle(handle) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM members WHERE handle = $1 AND state = 'active'`, handle).Scan(&mid)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fieldProblem("handle", "No member has that handle.")
	} else if err != nil {
		return 0, 0, fmt.Errorf("find member: %w", err)
	}
	return id, mid, nil
}

// InviteToCircle invites a network member to a circle; hosts only.
func (db *DB) InviteToCircle(ctx context.Context, key, handle string) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, mid, err := tx.hostedMember(ctx, key, handle, "Only the circle's hosts may invite members to it.")
		if err != nil {
			return err
		}
		role, err := tx.circleRole(ctx, id, mid)
		if err != nil || role != "" {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO circle_invitations (circle_id, member_id, invited_by, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (circle_id, member_id) DO NOTHING`, id, mid, v.ID, tx.now)
		if err != nil {
			return fmt.Errorf("invite to circle: %w", err)
		}
		n, _ := res.RowsAffected()
		if changed = n > 0; changed {
			return tx.event(ctx, sharefair.Event{Kind: sharefair.EventCircleInvited, ActorID: v.ID, SubjectID: mid, CircleID: id})
		}
		return nil
	})
	return changed, err
}

// AnswerCircleInvitation accepts or declines the viewer's invitation.
func (db *DB) AnswerCircleInvitation(ctx context.Context, key string, accept bool) (sharefair.CircleOutcome, error) {
	var out sharefair.CircleOutcome
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, _, role, err := tx.circleByKey(ctx, key)
		if err != nil {
			return err
		}
		if role != "" {
			out = sharefair.CircleAlreadyMember
			return nil
		}
		_, invited, err := tx.dropCircleRow(ctx, "circle_invitations", id, v.ID)
		if err != nil {
			return err
		}
		if !invited {
			return &sharefair.Error{Code: sharefair.ENOTFOUND, Message: "Invitation not found.",
				Fields: map[string]string{"circle": "You have no invitation to this circle, or answered it already."}}
		}
		if !accept {
			out = sharefair.CircleDeclined
			return nil
		}
		out = sharefair.CircleJoined
		_, err = tx.joinCircle(ctx, id, v.ID, sharefair.CircleRoleMember)
		return err
	})
	return out, err
}

// DecideCircleRequest approves or declines a request to join; hosts only.
func (db *DB) DecideCircleRequest(ctx context.Context, key, handle string, approve bool) (bool, error) {
	changed := true
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, mid, err := tx.hostedMember(ctx, key, handle, "Only the circle's hosts may decide who joins it.")
		if err != nil {
			return err
		}
		_, asked, err := tx.dropCircleRow(ctx, "circle_requests", id, mid)
		if err != nil {
			return err
		}
		if !asked {
			role, err := tx.circleRole(ctx, id, mid)
			if err != nil {
				return err
			}
			if role != "" && approve {
				changed = false // approved before, by another host perhaps
				return nil
			}
			return &sharefair.Error{Code: sharefair.ENOTFOUND, Message: "Request not found.",
				Fields: map[string]string{"handle": "This member has not asked to join the circle, or was already answered."}}
		}
		if approve {
			_, err = tx.joinCircle(ctx, id, mid, sharefair.CircleRoleMember)
		}
		return err
	})
	return changed, err
}

// RemoveFromCircle removes a member from a circle; hosts only, audited.
func (db *DB) RemoveFromCircle(ctx context.Context, key, handle string) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, mid, err := tx.hostedMember(ctx, key, handle, "Only the circle's hosts may remove its members.")
		if err != nil {
			return err
		}
		if mid == v.ID {
			return fieldProblem("handle", "To leave the circle yourself, use Leave.")
		}
		// An invitation not yet answered is withdrawn too.
		if _, _, err := tx.dropCircleRow(ctx, "circle_invitations", id, mid); err != nil {
			return err
		}
		res, removed, err := tx.dropCircleRow(ctx, "circle_members", id, mid)
		if err != nil || !removed {
			return err
		}
		changed = true
		if _, err := tx.countCircle(ctx, res, id, "-"); err != nil {
			return err
		}
		return tx.audit(ctx, v.ID, auditRecord{Action: sharefair.AuditCircleRemove, SubjectID: mid, CircleID: id})
	})
	return changed, err
}

// SetCircleHost makes a member a host, or a host a plain member; hosts
// only. The last host may not step down.
func (db *DB) SetCircleHost(ctx context.Context, key, handle string, host bool) (bool, error) {
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, mid, err := tx.hostedMember(ctx, key, handle, "Only the circle's hosts may share hosting.")
		if err != nil {
			return err
		}
		role, err := tx.circleRole(ctx, id, mid)
		if err != nil {
			return err
		}
		if role == "" {
			return fieldProblem("handle", "Only members of the circle may host it; invite them first.")
		}
		from, to := sharefair.CircleRoleMember, sharefair.CircleRoleHost
		if !host {
			from, to = to, from
			if role == sharefair.CircleRoleHost {
				last, err := tx.lastHost(ctx, id, mid)
				if err != nil {
					return err
				}
				if last {
					return fieldProblem("handle", "A circle keeps at least one host: make another member a host first.")
				}
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE circle_members SET role = $1 WHERE circle_id = $2 AND member_id = $3 AND role = $4`,
			string(to), id, mid, string(from))
		if err != nil {
			return fmt.Errorf("set circle host: %w", err)
		}
		n, _ := res.RowsAffected()
		changed = n > 0
		return nil
	})
	return changed, err
}

// FindSecretCircles lists every secret circle, for network admins: that it
// exists, its name, hosts and size, never its content. Every look is
// written to the audit log, in the transaction that reads the list.
func (db *DB) FindSecretCircles(ctx context.Context) ([]*sharefair.SecretCircle, error) {
	var list []*sharefair.SecretCircle
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayListSecretCircles(v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may see the list of secret circles.")
		}
		if err := tx.audit(ctx, v.ID, auditRecord{Action: sharefair.AuditSecretCircles}); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.member_count, c.created_at FROM circles c
			WHERE c.kind = 'secret' ORDER BY c.name, c.id`)
		if err != nil {
			return fmt.Errorf("secret circles: %w", err)
		}
		list = []*sharefair.SecretCircle{}
		for rows.Next() {
			var s sharefair.SecretCircle
			if err := rows.Scan(&s.ID, &s.Name, &s.MemberCount, &s.CreatedAt); err != nil {
				rows.Close()
				return fmt.Errorf("secret circles: %w", err)
			}
			s.CreatedAt = s.CreatedAt.UTC()
			list = append(list, &s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("secret circles: %w", err)
		}
		for _, s := range list {
			if s.Hosts, err = circleHosts(ctx, tx, s.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return list, err
}
