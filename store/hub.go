package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/markdown"
)

// hubColumns are the columns scanHub reads, over the hubs row aliased h;
// the viewer's id is argument $1.
const hubColumns = `h.id, h.slug, h.name, h.description, h.description_html, h.city, h.time_zone, h.join_policy,
	h.created_at, h.member_count,
	COALESCE((SELECT r.role FROM hub_members r WHERE r.hub_id = h.id AND r.member_id = $1), ''),
	EXISTS (SELECT 1 FROM hub_join_requests jr WHERE jr.hub_id = h.id AND jr.member_id = $1),
	EXISTS (SELECT 1 FROM invitations hi JOIN members hm ON hm.email = hi.email
		WHERE hi.hub_id = h.id AND hm.id = $1 AND hi.accepted_at IS NULL AND hi.revoked_at IS NULL)`

type scanner interface{ Scan(dest ...any) error }

func scanHub(row scanner, v *sharefair.Member) (*sharefair.Hub, error) {
	var h sharefair.Hub
	if err := row.Scan(&h.ID, &h.Slug, &h.Name, &h.Description, &h.DescriptionHTML, &h.City, &h.TimeZone, &h.JoinPolicy,
		&h.CreatedAt, &h.MemberCount, &h.ViewerRole, &h.ViewerRequested, &h.ViewerInvited); err != nil {
		return nil, err
	}
	h.CreatedAt = h.CreatedAt.UTC()
	if h.ViewerRole != "" {
		h.ViewerRequested = false
	}
	hubRights(v, &h)
	return &h, nil
}

// FindHubs lists every hub by name, with member counts and the viewer's role.
func (db *DB) FindHubs(ctx context.Context) ([]*sharefair.Hub, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+hubColumns+` FROM hubs h WHERE `+hubVisible(ctx, "h")+` ORDER BY h.name, h.id`, v.ID)
	if err != nil {
		return nil, fmt.Errorf("find hubs: %w", err)
	}
	defer rows.Close()
	hubs := []*sharefair.Hub{}
	for rows.Next() {
		h, err := scanHub(rows, v)
		if err != nil {
			return nil, fmt.Errorf("find hubs: %w", err)
		}
		hubs = append(hubs, h)
	}
	return hubs, rows.Err()
}

// FindHubBySlug returns a hub with its coordinators.
func (db *DB) FindHubBySlug(ctx context.Context, slug string) (*sharefair.Hub, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	return db.hubBySlug(ctx, db.read, v, slug)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) hubBySlug(ctx context.Context, q queryer, v *sharefair.Member, slug string) (*sharefair.Hub, error) {
	if !sharefair.ValidSlug(slug) {
		return nil, sharefair.ErrNotFound("Hub")
	}
	h, err := scanHub(q.QueryRowContext(ctx, `SELECT `+hubColumns+` FROM hubs h WHERE h.slug = $2 AND `+hubVisible(ctx, "h"), v.ID, slug), v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sharefair.ErrNotFound("Hub")
	} else if err != nil {
		return nil, fmt.Errorf("find hub: %w", err)
	}
	if h.ViewerMayAdmit {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM hub_join_requests WHERE hub_id = $1`, h.ID).
			Scan(&h.PendingRequests); err != nil {
			return nil, fmt.Errorf("count join requests: %w", err)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.handle, m.name FROM hub_members hm
		JOIN members m ON m.id = hm.member_id
		WHERE hm.hub_id = $1 AND hm.role = 'coordinator' ORDER BY m.name, m.id`, h.ID)
	if err != nil {
		return nil, fmt.Errorf("hub coordinators: %w", err)
	}
	defer rows.Close()
	h.Coordinators = []*sharefair.MemberRef{}
	for rows.Next() {
		var r sharefair.MemberRef
		if err := rows.Scan(&r.ID, &r.Handle, &r.Name); err != nil {
			return nil, fmt.Errorf("hub coordinators: %w", err)
		}
		h.Coordinators = append(h.Coordinators, &r)
	}
	return h, rows.Err()
}

// renderDescription renders a hub's Markdown description as posts are
// rendered: sanitised, with @mentions of members linked.
func (db *DB) renderDescription(ctx context.Context, desc string) (string, error) {
	if desc == "" {
		return "", nil
	}
	return db.render(ctx, markdown.Field{Name: "description", Label: "Description"}, desc)
}

// networkTimeZone is the time zone a hub gets when none is chosen: the
// network's (UTC until the admin sets one).
func networkTimeZone(ctx context.Context, tx *Tx) (string, error) {
	var tz string
	if err := tx.QueryRowContext(ctx, `SELECT time_zone FROM network WHERE id = 1`).Scan(&tz); err != nil {
		return "", fmt.Errorf("the network's time zone: %w", err)
	}
	if tz == "" {
		tz = "UTC"
	}
	return tz, nil
}

// renderHubDescriptions renders the descriptions of hubs written before
// descriptions were rendered on write. Once done, it finds nothing.
func (db *DB) renderHubDescriptions(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, `SELECT id, description FROM hubs WHERE description_html = '' AND description <> ''`)
	if err != nil {
		return fmt.Errorf("hub descriptions: %w", err)
	}
	type todo struct {
		id         int64
		desc, html string
	}
	var hubs []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.id, &t.desc); err != nil {
			rows.Close()
			return fmt.Errorf("hub descriptions: %w", err)
		}
		hubs = append(hubs, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("hub descriptions: %w", err)
	}
	for i := range hubs {
		hubs[i].html, err = db.renderDescription(ctx, hubs[i].desc)
		if sharefair.ErrorCode(err) == sharefair.EINVALID {
			// Written before rendering was bounded and over a bound: it
			// shows as the plain text it was shown as before, so that an
			// old description cannot stop Sharefair from starting.
			hubs[i].html, err = "<p>"+html.EscapeString(hubs[i].desc)+"</p>", nil
		}
		if err != nil {
			return err
		}
	}
	if len(hubs) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *Tx) error {
		for _, t := range hubs {
			if _, err := tx.ExecContext(ctx, `UPDATE hubs SET description_html = $1 WHERE id = $2 AND description = $3`,
				t.html, t.id, t.desc); err != nil {
				return fmt.Errorf("hub descriptions: %w", err)
			}
		}
		return nil
	})
}

// CreateHub creates a hub; network admins only.
func (db *DB) CreateHub(ctx context.Context, nh sharefair.NewHub) (*sharefair.Hub, error) {
	var h *sharefair.Hub
	validErr := nh.Validate()
	var html string
	if validErr == nil {
		var err error
		if html, err = db.renderDescription(ctx, nh.Description); err != nil {
			return nil, err
		}
	}
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayCreateHub(v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may create hubs.")
		}
		if validErr != nil {
			return validErr
		}
		if nh.TimeZone == "" {
			var err error
			if nh.TimeZone, err = networkTimeZone(ctx, tx); err != nil {
				return err
			}
		}
		// A taken address is the unique index's to find: a conflict on the
		// slug field, whichever of two racing creators comes second.
		if _, err := tx.ExecContext(ctx, `INSERT INTO hubs (slug, name, description, description_html, city, time_zone,
				join_policy, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			nh.Slug, nh.Name, nh.Description, html, nh.City, nh.TimeZone, string(nh.JoinPolicy), tx.now); err != nil {
			return fmt.Errorf("create hub: %w", err)
		}
		var err error
		h, err = db.hubBySlug(ctx, tx, v, nh.Slug)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// UpdateHub changes a hub; its coordinators and network admins only.
func (db *DB) UpdateHub(ctx context.Context, slug string, u sharefair.HubUpdate) (*sharefair.Hub, error) {
	var h *sharefair.Hub
	validErr := u.Validate()
	var html *string
	if validErr == nil && u.Description != nil {
		s, err := db.renderDescription(ctx, *u.Description)
		if err != nil {
			return nil, err
		}
		html = &s
	}
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		// Exclusively: the row is updated below.
		id, policy, err := hubLocked(ctx, tx, slug, tx.db.dialect.lockExclusive())
		if err != nil {
			return err
		}
		role, err := tx.hubRole(ctx, id, v.ID)
		if err != nil {
			return err
		}
		if !mayManageHub(v, role) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may change it.")
		}
		if validErr != nil {
			return validErr
		}
		var newPolicy *string
		if u.JoinPolicy != nil {
			if !maySetJoinPolicy(v, role) {
				return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may set how people join it.")
			}
			// Members read a hub's discussions, past ones too: opening a
			// closed hub shows them to whoever joins, so it is confirmed.
			if policy.Closed() && !u.JoinPolicy.Closed() && !u.ConfirmOpen {
				return sharefair.ErrConfirmOpen()
			}
			p := string(*u.JoinPolicy)
			newPolicy = &p
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hubs SET name = COALESCE($1, name), description = COALESCE($2, description),
				description_html = COALESCE($3, description_html), city = COALESCE($4, city),
				time_zone = COALESCE($5, time_zone), join_policy = COALESCE($6, join_policy)
			WHERE id = $7`, u.Name, u.Description, html, u.City, u.TimeZone, newPolicy, id); err != nil {
			return fmt.Errorf("update hub: %w", err)
		}
		h, err = db.hubBySlug(ctx, tx, v, slug)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// JoinHub makes the viewer a member of an open hub, or records their
// request to join one that takes requests; doing either twice is harmless.
func (db *DB) JoinHub(ctx context.Context, slug string) (sharefair.JoinOutcome, error) {
	var out sharefair.JoinOutcome
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, policy, err := hubForUpdate(ctx, tx, slug)
		if err != nil {
			return err
		}
		role, err := tx.hubRole(ctx, id, v.ID)
		if err != nil {
			return err
		}
		if role == "" {
			// An invitation to the hub, addressed to the member's email,
			// lets them in whatever the hub's policy: the link emailed to
			// them, or the notification that told them of it.
			invited, err := tx.acceptHubInvitation(ctx, v, id)
			if err != nil || invited {
				out = sharefair.Joined
				return err
			}
		}
		switch {
		case role != "":
			out = sharefair.AlreadyMember
			return nil
		case mayJoinHub(v, policy):
			out = sharefair.Joined
			return joinHub(ctx, tx, id, v.ID, sharefair.HubRoleMember)
		case mayRequestToJoin(v, policy):
			out = sharefair.Requested
			res, err := tx.ExecContext(ctx, `INSERT INTO hub_join_requests (hub_id, member_id, created_at)
				VALUES ($1, $2, $3) ON CONFLICT (hub_id, member_id) DO NOTHING`, id, v.ID, tx.now)
			if err != nil {
				return fmt.Errorf("request to join hub: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				out = sharefair.AlreadyRequested
			}
			return nil
		default:
			return sharefair.Errorf(sharefair.EFORBIDDEN, "This hub takes new members by invitation only; ask one of its coordinators for one.")
		}
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// hubForUpdate reads a hub's id and join policy inside tx, for a write
// that depends on them: a change of policy waits for joins in progress,
// and a join for a change of policy.
func hubForUpdate(ctx context.Context, tx *Tx, slug string) (int64, sharefair.JoinPolicy, error) {
	return hubLocked(ctx, tx, slug, tx.db.dialect.lockShared())
}

// hubLocked is hubForUpdate with the row lock given.
func hubLocked(ctx context.Context, tx *Tx, slug, lock string) (int64, sharefair.JoinPolicy, error) {
	if !sharefair.ValidSlug(slug) {
		return 0, "", sharefair.ErrNotFound("Hub")
	}
	var id int64
	var policy sharefair.JoinPolicy
	err := tx.QueryRowContext(ctx, `SELECT id, join_policy FROM hubs WHERE slug = $1`+lock, slug).
		Scan(&id, &policy)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", sharefair.ErrNotFound("Hub")
	} else if err != nil {
		return 0, "", fmt.Errorf("find hub: %w", err)
	}
	return id, policy, nil
}

// dropJoinRequest removes member memberID's request to join hub hubID, if
// any, and reports whether there was one.
func dropJoinRequest(ctx context.Context, tx *Tx, hubID, memberID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM hub_join_requests WHERE hub_id = $1 AND member_id = $2`, hubID, memberID)
	if err != nil {
		return false, fmt.Errorf("drop join request: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("drop join request: %w", err)
	}
	return n > 0, nil
}

// FindJoinRequests lists the requests waiting to join a hub, oldest first.
func (db *DB) FindJoinRequests(ctx context.Context, slug string, page sharefair.Page) ([]*sharefair.JoinRequest, int, error) {
	h, err := db.FindHubBySlug(ctx, slug)
	if err != nil {
		return nil, 0, err
	}
	if !h.ViewerMayAdmit {
		return nil, 0, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may see who asked to join it.")
	}
	page = page.Normalize()
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.handle, m.name, jr.created_at FROM hub_join_requests jr
		JOIN members m ON m.id = jr.member_id
		WHERE jr.hub_id = $1 ORDER BY jr.created_at, jr.member_id`+limitSQL(page.Size, page.Offset()), h.ID)
	if err != nil {
		return nil, 0, fmt.Errorf("find join requests: %w", err)
	}
	defer rows.Close()
	reqs := []*sharefair.JoinRequest{}
	for rows.Next() {
		r := sharefair.JoinRequest{Member: &sharefair.MemberRef{}}
		if err := rows.Scan(&r.Member.ID, &r.Member.Handle, &r.Member.Name, &r.CreatedAt); err != nil {
			return nil, 0, fmt.Errorf("find join requests: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		reqs = append(reqs, &r)
	}
	return reqs, h.PendingRequests, rows.Err()
}

// DecideJoinRequest approves or declines a request to join a hub.
func (db *DB) DecideJoinRequest(ctx context.Context, slug, handle string, approve bool) (bool, error) {
	changed := true
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		hid, _, err := hubForUpdate(ctx, tx, slug)
		if err != nil {
			return err
		}
		role, err := tx.hubRole(ctx, hid, v.ID)
		if err != nil {
			return err
		}
		if !mayAdmit(v, role) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may decide who joins it.")
		}
		var mid int64
		handle = sharefair.NormalizeHandle(handle)
		err = sql.ErrNoRows
		if sharefair.ValidHandle(handle) {
			err = tx.QueryRowContext(ctx, `SELECT jr.member_id FROM hub_join_requests jr JOIN members m ON m.id = jr.member_id
				WHERE jr.hub_id = $1 AND m.handle = $2`, hid, handle).Scan(&mid)
		}
		if errors.Is(err, sql.ErrNoRows) && approve && sharefair.ValidHandle(handle) {
			// Approving someone who is in the hub already (approved
			// before, by another coordinator perhaps) is what was wanted:
			// said as nothing changed, not as an error.
			var member bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM hub_members hm JOIN members m ON m.id = hm.member_id
				WHERE hm.hub_id = $1 AND m.handle = $2)`, hid, handle).Scan(&member); err != nil {
				return fmt.Errorf("find hub member: %w", err)
			}
			if member {
				changed = false
				return nil
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			return &sharefair.Error{Code: sharefair.ENOTFOUND, Message: "Request not found.",
				Fields: map[string]string{"handle": "This member has not asked to join the hub, or was already answered."}}
		} else if err != nil {
			return fmt.Errorf("find join request: %w", err)
		}
		if approve {
			return joinHub(ctx, tx, hid, mid, sharefair.HubRoleMember)
		}
		_, err = dropJoinRequest(ctx, tx, hid, mid)
		return err
	})
	if err != nil {
		return false, err
	}
	return changed, nil
}

func hubID(ctx context.Context, tx *Tx, slug string) (int64, error) {
	if !sharefair.ValidSlug(slug) {
		return 0, sharefair.ErrNotFound("Hub")
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM hubs WHERE slug = $1`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, sharefair.ErrNotFound("Hub")
	} else if err != nil {
		return 0, fmt.Errorf("find hub: %w", err)
	}
	return id, nil
}

// joinHub adds a member to a hub, keeping an existing coordinator role,
// and counts them in. Their request to join, if any, is answered.
func joinHub(ctx context.Context, tx *Tx, hubID, memberID int64, role sharefair.HubRole) error {
	if _, err := dropJoinRequest(ctx, tx, hubID, memberID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO hub_members (hub_id, member_id, role, joined_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (hub_id, member_id) DO NOTHING`, hubID, memberID, string(role), tx.now)
	if err != nil {
		return fmt.Errorf("join hub: %w", err)
	}
	return countMembers(ctx, tx, res, hubID, "+")
}

// countMembers moves a hub's member count by the rows a join or leave
// changed.
func countMembers(ctx context.Context, tx *Tx, res sql.Result, hubID int64, sign string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("count hub members: %w", err)
	}
	if n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE hubs SET member_count = member_count `+sign+` $1 WHERE id = $2`, n, hubID); err != nil {
		return fmt.Errorf("count hub members: %w", err)
	}
	return nil
}

// LeaveHub removes the viewer from a hub.
func (db *DB) LeaveHub(ctx context.Context, slug string) (sharefair.LeaveOutcome, error) {
	out := sharefair.NotInHub
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, err := hubID(ctx, tx, slug)
		if err != nil {
			return err
		}
		withdrew, err := dropJoinRequest(ctx, tx, id, v.ID)
		if err != nil {
			return err
		}
		if withdrew {
			out = sharefair.Withdrawn
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM hub_members WHERE hub_id = $1 AND member_id = $2`, id, v.ID)
		if err != nil {
			return fmt.Errorf("leave hub: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			out = sharefair.Left
		}
		return countMembers(ctx, tx, res, id, "-")
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// SetCoordinator appoints or stands down a coordinator; network admins only.
func (db *DB) SetCoordinator(ctx context.Context, slug, handle string, coordinator bool) (bool, error) {
	var changed bool
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayAppointCoordinators(v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may appoint hub coordinators.")
		}
		hid, err := hubID(ctx, tx, slug)
		if err != nil {
			return err
		}
		var mid int64
		handle = sharefair.NormalizeHandle(handle)
		err = sql.ErrNoRows
		if sharefair.ValidHandle(handle) {
			err = tx.QueryRowContext(ctx, `SELECT id FROM members WHERE handle = $1`, handle).Scan(&mid)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return &sharefair.Error{Code: sharefair.ENOTFOUND, Message: "Member not found.",
				Fields: map[string]string{"handle": "No member has that handle."}}
		} else if err != nil {
			return fmt.Errorf("find member: %w", err)
		}
		from, to := sharefair.HubRoleCoordinator, sharefair.HubRoleMember
		if coordinator {
			// A coordinator is a member of the hub first.
			from, to = sharefair.HubRoleMember, sharefair.HubRoleCoordinator
			var member bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM hub_members WHERE hub_id = $1 AND member_id = $2)`,
				hid, mid).Scan(&member); err != nil {
				return fmt.Errorf("find hub member: %w", err)
			}
			if !member {
				changed = true
				return joinHub(ctx, tx, hid, mid, to)
			}
		}
		// Only a change of role counts: appointing a coordinator, or
		// standing down someone who does not coordinate, changes nothing.
		res, err := tx.ExecContext(ctx, `UPDATE hub_members SET role = $1 WHERE hub_id = $2 AND member_id = $3 AND role = $4`,
			string(to), hid, mid, string(from))
		if err != nil {
			return fmt.Errorf("set coordinator: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("set coordinator: %w", err)
		}
		changed = n > 0
		return nil
	})
	if err != nil {
		return false, err
	}
	return changed, nil
}
