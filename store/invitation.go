package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sharefair/sharefair"
)

const invitationColumns = `i.id, i.email, i.invitee_name, i.message, i.created_at, i.expires_at, i.renewed_at,
	i.accepted_at, i.revoked_at, h.id, h.slug, h.name, b.id, b.handle, b.name`

const invitationFrom = `FROM invitations i
	LEFT JOIN hubs h ON h.id = i.hub_id
	JOIN members b ON b.id = i.invited_by`

// scanInvitation scans invitationColumns, then any extra columns into extra.
func scanInvitation(s interface{ Scan(...any) error }, extra ...any) (*sharefair.Invitation, error) {
	var inv sharefair.Invitation
	var renewed, accepted, revoked sql.NullTime
	var hubID sql.NullInt64
	var hubSlug, hubName sql.NullString
	var by sharefair.MemberRef
	dest := []any{&inv.ID, &inv.Email, &inv.Name, &inv.Message, &inv.CreatedAt, &inv.ExpiresAt, &renewed,
		&accepted, &revoked, &hubID, &hubSlug, &hubName, &by.ID, &by.Handle, &by.Name}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	inv.RenewedAt, inv.AcceptedAt, inv.RevokedAt = nullTime(renewed), nullTime(accepted), nullTime(revoked)
	if hubID.Valid {
		inv.Hub = &sharefair.HubRef{ID: hubID.Int64, Slug: hubSlug.String, Name: hubName.String}
	}
	inv.InvitedBy = &by
	return &inv, nil
}

// invitationByID loads invitation id inside tx.
func invitationByID(ctx context.Context, tx *Tx, id int64) (*sharefair.Invitation, error) {
	inv, err := scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+` `+invitationFrom+` WHERE i.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	return inv, nil
}

// mayInviteToHub reads, inside tx, whether member m may invite people to
// hub hubID (to the network alone when it is not valid).
func mayInviteToHub(ctx context.Context, tx *Tx, m *sharefair.Member, hubID sql.NullInt64) (bool, error) {
	var role sharefair.HubRole
	if hubID.Valid {
		var err error
		if role, err = tx.hubRole(ctx, hubID.Int64, m.ID); err != nil {
			return false, err
		}
	}
	return mayInvite(m, hubID.Valid, role), nil
}

// CreateInvitation invites an email address to the network, or to a hub.
// The answer is the same whether or not the address is already a member's,
// so that inviting tells the inviter nothing about who is a member.
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
		}
		if ok, err := mayInviteToHub(ctx, tx, v, hubID); err != nil {
			return err
		} else if !ok && hubID.Valid {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may invite people to it.")
		} else if !ok {
			return &sharefair.Error{Code: sharefair.EFORBIDDEN, Message: "Hub coordinators invite people to a hub they coordinate; choose the hub.",
				Fields: map[string]string{"hub": "Choose a hub you coordinate."}}
		}
		if err := tx.checkInvitationLimit(ctx, v.ID); err != nil {
			return err
		}
		// An open invitation of this address to this hub is refreshed
		// rather than doubled: the index invitations_open holds one, and
		// of two inviting at once the second refreshes what the first made.
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO invitations
			(email, hub_id, invited_by, token_hash, invitee_name, message, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (email, COALESCE(hub_id, 0)) WHERE accepted_at IS NULL AND revoked_at IS NULL
			DO UPDATE SET token_hash = excluded.token_hash, mail_token_hash = NULL, expires_at = excluded.expires_at,
				renewed_at = excluded.created_at, invited_by = excluded.invited_by,
				invitee_name = excluded.invitee_name, message = excluded.message
			RETURNING id`,
			ni.Email, hubID, v.ID, hashSecret(secret), ni.Name, ni.Message, tx.now, tx.now.Add(db.InvitationTTL)).Scan(&id); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventInvited, ActorID: v.ID, HubID: hubID.Int64,
			InvitationID: id}); err != nil {
			return err
		}
		if err := tx.queueInvitationMail(ctx, id); err != nil {
			return err
		}
		var err error
		inv, err = invitationByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return inv, secret, nil
}

// NewInvitationLink replaces a pending invitation's token; the old link
// stops working, the validity period stays.
func (db *DB) NewInvitationLink(ctx context.Context, id int64) (*sharefair.Invitation, string, error) {
	return db.renewInvitation(ctx, id, false)
}

// ResendInvitation gives a pending or expired invitation a fresh token and
// a new validity period, in the viewer's name.
func (db *DB) ResendInvitation(ctx context.Context, id int64) (*sharefair.Invitation, string, error) {
	return db.renewInvitation(ctx, id, true)
}

func (db *DB) renewInvitation(ctx context.Context, id int64, resend bool) (*sharefair.Invitation, string, error) {
	secret := newSecret()
	var inv *sharefair.Invitation
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		cond := mayManageInvitations(ctx, &q, "i")
		var hubID sql.NullInt64
		var expires sql.NullTime
		var accepted, revoked sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT i.hub_id, i.expires_at, i.accepted_at, i.revoked_at FROM invitations i
			WHERE i.id = `+q.arg(id)+` AND `+cond+tx.db.dialect.lockExclusive(), q.args...).Scan(&hubID, &expires, &accepted, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Invitation")
		} else if err != nil {
			return fmt.Errorf("find invitation: %w", err)
		}
		switch {
		case accepted.Valid:
			return sharefair.Errorf(sharefair.ECONFLICT, "This invitation has already been accepted.")
		case revoked.Valid:
			return sharefair.Errorf(sharefair.ECONFLICT, "This invitation was withdrawn; invite them again if you still wish to.")
		case !resend && !tx.now.Before(expires.Time):
			return sharefair.Errorf(sharefair.ECONFLICT, "This invitation has expired; re-send it to give it a new link and a new period.")
		}
		// A fresh link is only worth handing out if it can be accepted.
		if ok, err := mayInviteToHub(ctx, tx, v, hubID); err != nil {
			return err
		} else if !ok {
			return sharefair.Errorf(sharefair.EFORBIDDEN,
				"You may no longer invite people there, so this invitation cannot be renewed; ask a coordinator of the hub.")
		}
		if err := tx.checkInvitationLimit(ctx, v.ID); err != nil {
			return err
		}
		if resend {
			_, err = tx.ExecContext(ctx, `UPDATE invitations SET token_hash = $1, expires_at = $2, renewed_at = $3, invited_by = $4,
				mail_token_hash = NULL WHERE id = $5`, hashSecret(secret), tx.now.Add(db.InvitationTTL), tx.now, v.ID, id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE invitations SET token_hash = $1, renewed_at = $2, mail_token_hash = NULL WHERE id = $3`,
				hashSecret(secret), tx.now, id)
		}
		if err != nil {
			return fmt.Errorf("renew invitation: %w", err)
		}
		if resend {
			if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventInvited, ActorID: v.ID, HubID: hubID.Int64,
				InvitationID: id}); err != nil {
				return err
			}
			if err := tx.queueInvitationMail(ctx, id); err != nil {
				return err
			}
		}
		inv, err = invitationByID(ctx, tx, id)
		return err
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
	renew := mayRenewInvitation(ctx, &q, "i")
	rows, err := db.read.QueryContext(ctx, `SELECT `+invitationColumns+`, `+renew+` `+invitationFrom+` `+q.whereSQL()+
		` ORDER BY i.created_at DESC, i.id DESC`+limitSQL(page.Size, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find invitations: %w", err)
	}
	defer rows.Close()
	invs := []*sharefair.Invitation{}
	for rows.Next() {
		var mayRenew bool
		inv, err := scanInvitation(rows, &mayRenew)
		if err != nil {
			return nil, 0, fmt.Errorf("find invitations: %w", err)
		}
		inv.ViewerMayRenew = mayRenew
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
		WHERE i.token_hash = $1 OR i.mail_token_hash = $1`, hashSecret(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInvitationGone
	} else if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	if inv.Status(db.Now.Now()) != "pending" {
		return nil, errInvitationGone
	}
	inv.ForViewer = mayAcceptAs(sharefair.ViewerFromContext(ctx), inv.Email)
	return inv, nil
}

var errInvitationGone = sharefair.Errorf(sharefair.ENOTFOUND,
	"This invitation link is not valid: it may have been used already, withdrawn, replaced by a newer link, or expired. "+
		"Ask the person who invited you for a new one.")

// AcceptInvitation uses up the token and, in the same transaction, checks
// that the inviter may still invite there, then either creates the invited
// member (signed out) or takes the signed-in member it is addressed to,
// and puts them in the hub they were invited to.
func (db *DB) AcceptInvitation(ctx context.Context, token string, a sharefair.Acceptance) (*sharefair.Member, error) {
	inv, err := db.FindInvitationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	viewer := sharefair.ViewerFromContext(ctx)
	var hash string
	if viewer == nil {
		if err := a.Validate(); err != nil {
			return nil, err
		}
		if hash, err = db.hashPassword(a.Password); err != nil {
			return nil, err
		}
	}
	var id int64
	err = db.inTx(ctx, func(tx *Tx) error {
		// Claim the token first: of two acceptances racing, only one
		// changes the row; a link replaced meanwhile no longer matches.
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1
			WHERE id = $2 AND (token_hash = $3 OR mail_token_hash = $3) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`,
			tx.now, inv.ID, hashSecret(token))
		if err != nil {
			return fmt.Errorf("claim invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errInvitationGone
		}
		if err := inviterMayStillInvite(ctx, tx, inv); err != nil {
			return err
		}
		if viewer != nil {
			if id, err = acceptingMember(ctx, tx, viewer, inv); err != nil {
				return err
			}
		} else {
			id, err = createMember(ctx, tx, sharefair.NewMember{Email: inv.Email, Handle: a.Handle, Name: a.Name,
				Role: sharefair.RoleMember}, hash)
			if err != nil {
				return err
			}
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

// inviterMayStillInvite reads the inviter's rights inside tx, as they are
// now, and keeps them as read until tx ends: an admin who stepped down or
// a coordinator who stood down since cannot bring people in with the links
// they handed out before.
func inviterMayStillInvite(ctx context.Context, tx *Tx, inv *sharefair.Invitation) error {
	inviter := sharefair.Member{}
	var hubID sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT m.id, m.role, i.hub_id FROM invitations i JOIN members m ON m.id = i.invited_by
		WHERE i.id = $1`+tx.db.dialect.lockShared(), inv.ID).Scan(&inviter.ID, &inviter.Role, &hubID)
	if err != nil {
		return fmt.Errorf("load inviter: %w", err)
	}
	ok, err := mayInviteToHub(ctx, tx, &inviter, hubID)
	if err != nil {
		return err
	}
	if !ok {
		where := "the network"
		if inv.Hub != nil {
			where = "the " + inv.Hub.Name + " hub"
		}
		return sharefair.Errorf(sharefair.EFORBIDDEN, "%s can no longer invite people to %s, so this invitation "+
			"cannot be accepted. Ask a coordinator of the hub or a network admin for a new invitation.", inv.InvitedBy.Name, where)
	}
	return nil
}

// acceptHubInvitation accepts, inside tx, the latest invitation to hub
// hubID addressed to member v's email that is still open and whose
// inviter may still invite, and joins v to the hub. It reports false when
// there is none.
func (tx *Tx) acceptHubInvitation(ctx context.Context, v *sharefair.Member, hubID int64) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id FROM invitations i JOIN members m ON m.email = i.email
		WHERE m.id = $1 AND i.hub_id = $2 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $3
		ORDER BY i.id DESC LIMIT 5`, v.ID, hubID, tx.now)
	if err != nil {
		return false, fmt.Errorf("find invitation: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, fmt.Errorf("find invitation: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("find invitation: %w", err)
	}
	for _, id := range ids {
		inv, err := invitationByID(ctx, tx, id)
		if err != nil {
			return false, err
		}
		if err := inviterMayStillInvite(ctx, tx, inv); sharefair.ErrorCode(err) == sharefair.EFORBIDDEN {
			continue
		} else if err != nil {
			return false, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1, accepted_by = $2
			WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL`, tx.now, v.ID, id)
		if err != nil {
			return false, fmt.Errorf("accept invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue
		}
		return true, joinHub(ctx, tx, hubID, v.ID, sharefair.HubRoleMember)
	}
	return false, nil
}

// acceptingMember returns the id of the signed-in member v accepting inv,
// as read inside tx: only the member it is addressed to may.
func acceptingMember(ctx context.Context, tx *Tx, v *sharefair.Member, inv *sharefair.Invitation) (int64, error) {
	now := sharefair.Member{ID: v.ID}
	err := tx.QueryRowContext(ctx, `SELECT email FROM members WHERE id = $1`+tx.db.dialect.lockExclusive(), v.ID).Scan(&now.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	} else if err != nil {
		return 0, fmt.Errorf("load viewer: %w", err)
	}
	if !mayAcceptAs(&now, inv.Email) {
		return 0, sharefair.Errorf(sharefair.EFORBIDDEN, "This invitation is for another email address than the one "+
			"you are signed in with. Sign out, then open the link again.")
	}
	return v.ID, nil
}
