package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

// touchEvery bounds how often reading a session or token writes its
// last-used time, so that browsing stays read-only most of the time.
const touchEvery = time.Hour

// CreateSession starts a session and returns its secret.
func (db *DB) CreateSession(ctx context.Context, memberID int64) (string, error) {
	secret := newSecret()
	err := db.inTx(ctx, func(tx *Tx) error {
		// Sweep this member's expired sessions while we are here.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND expires_at <= $2`,
			memberID, tx.now); err != nil {
			return fmt.Errorf("sweep sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (secret_hash, member_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $3, $4)`, hashSecret(secret), memberID, tx.now, tx.now.Add(sharefair.SessionTTL))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
	return secret, err
}

// MemberBySession returns the member of a live session, extending it when
// it was last seen a while ago. It reads the member without their profile
// lists: this runs on every request.
func (db *DB) MemberBySession(ctx context.Context, secret string) (*sharefair.Member, error) {
	if secret == "" {
		return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	}
	h := hashSecret(secret)
	var lastSeen, expires time.Time
	m, err := scanMember(db.read.QueryRowContext(ctx, `SELECT `+memberColumns+`, s.last_seen_at, s.expires_at
		FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.secret_hash = $1`, h), &lastSeen, &expires)
	now := db.Now.Now()
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !now.Before(expires)) {
		return nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Your session has ended; please sign in again.")
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if now.Sub(lastSeen) > touchEvery {
		if err := db.inTx(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE secret_hash = $3`,
				now, now.Add(sharefair.SessionTTL), h); err != nil {
				return fmt.Errorf("touch session: %w", err)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE secret_hash = $1`, hashSecret(secret)); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	})
}

// CreateToken creates a personal access token for memberID.
func (db *DB) CreateToken(ctx context.Context, memberID int64, name string) (*sharefair.Token, string, error) {
	secret := sharefair.TokenPrefix + newSecret()
	t := &sharefair.Token{Hint: secret[len(secret)-4:]}
	err := db.asViewerOrOperator(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayCreateToken(ctx, v, memberID) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "You may only create tokens for yourself.")
		}
		var err error
		if name, err = sharefair.ValidateTokenName(name); err != nil {
			return err
		}
		t.Name, t.CreatedAt = name, tx.now
		err = tx.QueryRowContext(ctx, `INSERT INTO tokens (member_id, name, hint, secret_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, memberID, name, t.Hint, hashSecret(secret), tx.now).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// FindTokens lists the viewer's tokens, newest first.
func (db *DB) FindTokens(ctx context.Context) ([]*sharefair.Token, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, hint, created_at, last_used_at
		FROM tokens WHERE member_id = $1 ORDER BY id DESC`, v.ID)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
	}
	defer rows.Close()
	ts := []*sharefair.Token{}
	for rows.Next() {
		var t sharefair.Token
		var used sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.Hint, &t.CreatedAt, &used); err != nil {
			return nil, fmt.Errorf("find tokens: %w", err)
		}
		t.CreatedAt = t.CreatedAt.UTC()
		t.LastUsedAt = nullTime(used)
		ts = append(ts, &t)
	}
	return ts, rows.Err()
}

// RevokeToken deletes one of the viewer's tokens.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE id = $1 AND member_id = $2`, id, v.ID)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sharefair.ErrNotFound("Token")
		}
		return nil
	})
}

// MemberByToken returns the member a personal access token belongs to,
// without their profile lists.
func (db *DB) MemberByToken(ctx context.Context, secret string) (*sharefair.Member, error) {
	bad := sharefair.Errorf(sharefair.EUNAUTHORIZED, "That access token is not valid.")
	if !strings.HasPrefix(secret, sharefair.TokenPrefix) {
		return nil, bad
	}
	var id int64
	var used sql.NullTime
	m, err := scanMember(db.read.QueryRowContext(ctx, `SELECT `+memberColumns+`, t.id, t.last_used_at
		FROM tokens t JOIN members m ON m.id = t.member_id WHERE t.secret_hash = $1`, hashSecret(secret)), &id, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	} else if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	now := db.Now.Now()
	if !used.Valid || now.Sub(used.Time) > time.Minute {
		if err := db.inTx(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
				return fmt.Errorf("touch token: %w", err)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// DeviceKey returns the network's key for signing device cookies, making
// it on first use. It is kept in the database, not in a file, so that every
// instance sharing the database signs and accepts the same cookies. Unlike
// session and token secrets it cannot be kept as a hash; whoever can read
// it can mint device cookies, which widen only sign-in allowances.
func (db *DB) DeviceKey(ctx context.Context) ([]byte, error) {
	var key string
	err := db.inTx(ctx, func(tx *Tx) error {
		// Of two instances starting at once, the second finds the first's
		// key already set and keeps it.
		if _, err := tx.ExecContext(ctx, `UPDATE network SET device_key = $1 WHERE id = 1 AND device_key IS NULL`,
			newSecret()); err != nil {
			return fmt.Errorf("make device key: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT device_key FROM network WHERE id = 1`).Scan(&key); err != nil {
			return fmt.Errorf("load device key: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil || len(b) < 32 {
		return nil, fmt.Errorf("device key in the network row is malformed")
	}
	return b, nil
}
