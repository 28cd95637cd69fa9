package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sharefair/sharefair"
)

// CreatePasswordReset makes a reset link's secret for the active member
// with email; an earlier link of theirs stops working. Only the operator
// makes them, at the console, until they go by email.
func (db *DB) CreatePasswordReset(ctx context.Context, email string) (string, error) {
	if !sharefair.IsOperator(ctx) {
		return "", sharefair.Errorf(sharefair.EFORBIDDEN, "Reset links are made at the console.")
	}
	m, err := db.FindMemberByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if m.State != sharefair.MemberActive {
		return "", sharefair.Errorf(sharefair.ECONFLICT, "This account is %s: reinstate or reactivate it first.", m.State)
	}
	secret := newSecret()
	if err := db.inTx(ctx, func(tx *Tx) error { return tx.createReset(ctx, m.ID, secret) }); err != nil {
		return "", err
	}
	return secret, nil
}

// createReset makes, inside tx, the reset link of secret for member
// memberID, replacing any older one.
func (tx *Tx) createReset(ctx context.Context, memberID int64, secret string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE member_id = $1`, memberID); err != nil {
		return fmt.Errorf("create reset link: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, member_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, hashSecret(secret), memberID, tx.now, tx.now.Add(sharefair.PasswordResetTTL)); err != nil {
		return fmt.Errorf("create reset link: %w", err)
	}
	return nil
}

// resetMember returns the active member a live reset link is for, inside
// tx or on the read pool, or ErrResetLinkInvalid.
func resetMember(ctx context.Context, qr queryer, now any, token string) (int64, error) {
	var id int64
	err := qr.QueryRowContext(ctx, `SELECT r.member_id FROM password_resets r JOIN members m ON m.id = r.member_id
		WHERE r.token_hash = $1 AND r.expires_at > $2 AND m.state = 'active'`, hashSecret(token), now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, sharefair.ErrResetLinkInvalid()
	} else if err != nil {
		return 0, fmt.Errorf("find reset link: %w", err)
	}
	return id, nil
}

// CheckPasswordReset reports whether a reset link may be used.
func (db *DB) CheckPasswordReset(ctx context.Context, token string) error {
	_, err := resetMember(ctx, db.read, db.Now.Now(), token)
	return err
}

// ResetPassword sets a new password from a reset link: the link is used up,
// with any other of the member's, and every session of theirs ends, so
// that whoever held one with the old password holds it no longer.
// Personal access tokens stay, as on a password change; the member ends
// them on their tokens page.
func (db *DB) ResetPassword(ctx context.Context, r sharefair.PasswordReset) error {
	if err := r.Validate(); err != nil {
		return err
	}
	hash, err := db.hashPassword(r.Password)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		id, err := resetMember(ctx, tx, tx.now, r.Token)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE member_id = $1`, id); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET password_hash = $1, updated_at = $2 WHERE id = $3`,
			hash, tx.now, id); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1`, id); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		return nil
	})
}
