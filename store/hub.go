package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sharefair/sharefair"
)

// FindHubs lists every hub by name, with member counts and the viewer's role.
func (db *DB) FindHubs(ctx context.Context) ([]*sharefair.Hub, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT h.id, h.slug, h.name, h.description, h.created_at, h.member_count,
			COALESCE((SELECT r.role FROM hub_members r WHERE r.hub_id = h.id AND r.member_id = $1), '')
		FROM hubs h ORDER BY h.name, h.id`, v.ID)
	if err != nil {
		return nil, fmt.Errorf("find hubs: %w", err)
	}
	defer rows.Close()
	hubs := []*sharefair.Hub{}
	for rows.Next() {
		var h sharefair.Hub
		if err := rows.Scan(&h.ID, &h.Slug, &h.Name, &h.Description, &h.CreatedAt, &h.MemberCount, &h.ViewerRole); err != nil {
			return nil, fmt.Errorf("find hubs: %w", err)
		}
		h.CreatedAt = h.CreatedAt.UTC()
		hubRights(v, &h)
		hubs = append(hubs, &h)
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
	var h sharefair.Hub
	err := q.QueryRowContext(ctx, `SELECT h.id, h.slug, h.name, h.description, h.created_at, h.member_count,
			COALESCE((SELECT r.role FROM hub_members r WHERE r.hub_id = h.id AND r.member_id = $1), '')
		FROM hubs h WHERE h.slug = $2`, v.ID, slug).
		Scan(&h.ID, &h.Slug, &h.Name, &h.Description, &h.CreatedAt, &h.MemberCount, &h.ViewerRole)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sharefair.ErrNotFound("Hub")
	} else if err != nil {
		return nil, fmt.Errorf("find hub: %w", err)
	}
	h.CreatedAt = h.CreatedAt.UTC()
	hubRights(v, &h)
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
	return &h, rows.Err()
}

// CreateHub creates a hub; network admins only.
func (db *DB) CreateHub(ctx context.Context, nh sharefair.NewHub) (*sharefair.Hub, error) {
	var h *sharefair.Hub
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayCreateHub(v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may create hubs.")
		}
		if err := nh.Validate(); err != nil {
			return err
		}
		// A taken address is the unique index's to find: a conflict on the
		// slug field, whichever of two racing creators comes second.
		if _, err := tx.ExecContext(ctx, `INSERT INTO hubs (slug, name, description, created_at) VALUES ($1, $2, $3, $4)`,
			nh.Slug, nh.Name, nh.Description, tx.now); err != nil {
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
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, err := hubID(ctx, tx, slug)
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
		if err := u.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hubs SET name = COALESCE($1, name), description = COALESCE($2, description)
			WHERE id = $3`, u.Name, u.Description, id); err != nil {
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

// JoinHub makes the viewer a member of a hub; joining twice is harmless.
func (db *DB) JoinHub(ctx context.Context, slug string) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, err := hubID(ctx, tx, slug)
		if err != nil {
			return err
		}
		return joinHub(ctx, tx, id, v.ID, sharefair.HubRoleMember)
	})
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
// and counts them in.
func joinHub(ctx context.Context, tx *Tx, hubID, memberID int64, role sharefair.HubRole) error {
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
func (db *DB) LeaveHub(ctx context.Context, slug string) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		id, err := hubID(ctx, tx, slug)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM hub_members WHERE hub_id = $1 AND member_id = $2`, id, v.ID)
		if err != nil {
			return fmt.Errorf("leave hub: %w", err)
		}
		return countMembers(ctx, tx, res, id, "-")
	})
}

// SetCoordinator appoints or stands down a coordinator; network admins only.
func (db *DB) SetCoordinator(ctx context.Context, slug, handle string, coordinator bool) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
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
		role := sharefair.HubRoleMember
		if coordinator {
			// A coordinator is a member of the hub first.
			role = sharefair.HubRoleCoordinator
			if err := joinHub(ctx, tx, hid, mid, role); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE hub_members SET role = $1 WHERE hub_id = $2 AND member_id = $3`,
			string(role), hid, mid)
		if err != nil {
			return fmt.Errorf("set coordinator: %w", err)
		}
		return nil
	})
}
