package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sharefair/sharefair"
)

const invitationColumns = `i.id, i.email, i.created_at, i.expires_at, i.accepted_at, i.revoked_at,
	h.id, h.slug, h.name, b.id, b.handle, b.name`

const invitationFrom = `FROM invitations i
	LEFT JOIN hubs h ON h.id = i.hub_id
	JOIN members b ON b.id = i.invited_by`

func scanInvitation(s interface{ Scan(...any) error }) (*sharefair.Invitation, error) {
	var inv sharefair.Invitation
	var accepted, revoked sql.NullTime
	var hubID sql.NullInt64
	var hubSlug, hubName sql.NullString
	var by sharefair.MemberRef
	if err := s.Scan(&inv.ID, &inv.Email, &inv.CreatedAt, &inv.ExpiresAt, &accepted, &revoked,
		&hubID, &hubSlug, &hubName, &by.ID, &by.Handle, &by.Name); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	inv.AcceptedAt, inv.RevokedAt = nullTime(accepted), nullTime(revoked)
	if hubID.Valid {
		inv.Hub = &sharefair.HubRef{ID: hubID.Int64, Slug: hubSlug.String, Name: hubName.String}
	}
	inv.InvitedBy = &by
	return &inv, nil
}

// CreateInvitation invites an email address to the network, or to a hub.
func (db *DB) CreateInvitation(ctx context.Context, ni sharefair.NewInvitation) (*sharefair.Invitation, string, error) {
	secret := newSecret()
	var inv *sharefair.Invitation
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if err := ni.Validate(); err != nil {
			return err
		}
		var hubID sql.NullInt64
		if ni.Hub != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM hubs WHERE slug = $1`, ni.Hub).Scan(&hubID)
			if errors.Is(err, sql.ErrNoRows) {
				return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
					Fields: map[string]string{"hub": "Choose a hub from the list."}}
			} else if err != nil {
				return fmt.Errorf("find hub: %w", err)
			}
			role, err := tx.hubRole(ctx, hubID.Int64, v.ID)
			if err != nil {
				return err
			}
			if !mayManageHub(v, role) {
				return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may invite people to it.")
			}
		} else if !mayInviteToNetwork(v) {
			return &sharefair.Error{Code: sharefair.EFORBIDDEN, Message: "Hub coordinators invite people to a hub they coordinate; choose the hub.",
				Fields: map[string]string{"hub": "Choose a hub you coordinate."}}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE email = $1`, ni.Email).Scan(&n); err != nil {
			return fmt.Errorf("check member: %w", err)
		}
		if n > 0 {
			return &sharefair.Error{Code: sharefair.ECONFLICT, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"email": "Someone with this email address is already a member."}}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO invitations (email, hub_id, invited_by, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			ni.Email, hubID, v.ID, hashSecret(secret), tx.now, tx.now.Add(db.InvitationTTL)).Scan(&id); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		var err error
		if inv, err = scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+` `+invitationFrom+` WHERE i.id = $1`, id)); err != nil {
			return fmt.Errorf("load invitation: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return inv, secret, nil
}

// FindInvitations lists invitations, newest first: every invitation for
// network admins, their own for anyone else.
func (db *DB) FindInvitations(ctx context.Context, page sharefair.Page) ([]*sharefair.Invitation, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, 0, err
	}
	var q query
	q.and(mayManageInvitations(ctx, &q, "i"))
	page = page.Normalize()
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations i `+q.whereSQL(), q.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count invitations: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+invitationColumns+` `+invitationFrom+` `+q.whereSQL()+
		` ORDER BY i.created_at DESC, i.id DESC`+limitSQL(page.Size, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find invitations: %w", err)
	}
	defer rows.Close()
	invs := []*sharefair.Invitation{}
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find invitations: %w", err)
		}
		invs = append(invs, inv)
	}
	return invs, total, rows.Err()
}

// RevokeInvitation withdraws a pending invitation; its inviter or an admin.
func (db *DB) RevokeInvitation(ctx context.Context, id int64) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		cond := mayManageInvitations(ctx, &q, "i")
		var accepted, revoked sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT i.accepted_at, i.revoked_at FROM invitations i
			WHERE i.id = `+q.arg(id)+` AND `+cond+tx.db.dialect.lockExclusive(), q.args...).Scan(&accepted, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Invitation")
		} else if err != nil {
			return fmt.Errorf("find invitation: %w", err)
		}
		if accepted.Valid {
			return sharefair.Errorf(sharefair.ECONFLICT, "This invitation has already been accepted.")
		}
		if revoked.Valid {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = $1 WHERE id = $2`, tx.now, id); err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		return nil
	})
}

// FindInvitationByToken returns the pending invitation a link carries.
func (db *DB) FindInvitationByToken(ctx context.Context, token string) (*sharefair.Invitation, error) {
	inv, err := scanInvitation(db.read.QueryRowContext(ctx, `SELECT `+invitationColumns+` `+invitationFrom+`
		WHERE i.token_hash = $1`, hashSecret(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInvitationGone
	} else if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	if inv.Status(db.Now.Now()) != "pending" {
		return nil, errInvitationGone
	}
	return inv, nil
}

var errInvitationGone = sharefair.Errorf(sharefair.ENOTFOUND,
	"This invitation link is not valid: it may have been used already, withdrawn, or expired. Ask the person who invited you for a new one.")

// AcceptInvitation creates the invited member, puts them in the hub they
// were invited to, and uses up the token, all in one transaction.
func (db *DB) AcceptInvitation(ctx context.Context, token string, a sharefair.Acceptance) (*sharefair.Member, error) {
	inv, err := db.FindInvitationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	hash, err := db.hashPassword(a.Password)
	if err != nil {
		return nil, err
	}
	var id int64
	err = db.inTx(ctx, func(tx *Tx) error {
		// Claim the token first: of two acceptances racing, only one
		// changes the row.
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1
			WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`, tx.now, inv.ID)
		if err != nil {
			return fmt.Errorf("claim invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errInvitationGone
		}
		id, err = createMember(ctx, tx, sharefair.NewMember{Email: inv.Email, Handle: a.Handle, Name: a.Name,
			Role: sharefair.RoleMember}, hash)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_by = $1 WHERE id = $2`, id, inv.ID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if inv.Hub != nil {
			return joinHub(ctx, tx, inv.Hub.ID, id, sharefair.HubRoleMember)
		}
		return nil
	})
	db.forgetDirectory()
	if err != nil {
		return nil, err
	}
	return db.memberByID(ctx, id)
}
