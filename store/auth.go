package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sharefair/sharefair"
)

// touchEvery bounds how often reading a session or token writes its
// last-used time, so that browsing stays read-only most of the time.
const touchEvery = time.Hour

// CreateSession starts a session and returns its secret. Past
// MaxSessions, the member's oldest sessions end.
func (db *DB) CreateSession(ctx context.Context, memberID int64, client sharefair.SessionClient) (string, error) {
	secret := newSecret()
	agent := strings.ToValidUTF8(client.Agent, "")
	if len(agent) > sharefair.MaxUserAgentLen {
		agent = strings.ToValidUTF8(agent[:sharefair.MaxUserAgentLen], "")
	}
	agent = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, agent)
	err := db.inTx(ctx, func(tx *Tx) error {
		// Two sign-ins of one member at once take turns, so that the bound
		// holds.
		if err := tx.lockMember(ctx, memberID); err != nil {
			return err
		}
		// This member's expired sessions go first, so that the bound below
		// counts live ones only; everyone's are swept hourly (DB.Sweep).
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND expires_at <= $2`,
			memberID, tx.now); err != nil {
			return fmt.Errorf("expired sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (secret_hash, ref, member_id, client_addr, user_agent,
			created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
			hashSecret(secret), newRef(), memberID, client.Address, agent, tx.now, tx.now.Add(sharefair.SessionTTL))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		// The bound is a literal: it never changes, and SQLite would
		// otherwise prepare the statement anew for every binding.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND secret_hash NOT IN (
			SELECT secret_hash FROM sessions WHERE member_id = $1
			ORDER BY created_at DESC, last_seen_at DESC LIMIT `+strconv.Itoa(sharefair.MaxSessions)+`)`, memberID); err != nil {
			return fmt.Errorf("bound sessions: %w", err)
		}
		return nil
	})
	return secret, err
}

// newRef returns a fresh public reference for a session.
func newRef() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// lockMember locks member id's row until tx ends, so that what is counted
// per member stays counted. A member who does not exist is not found.
func (tx *Tx) lockMember(ctx context.Context, id int64) error {
	var one int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE id = $1`+tx.db.dialect.lockExclusive(), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return sharefair.ErrNotFound("Member")
	} else if err != nil {
		return fmt.Errorf("lock member: %w", err)
	}
	return nil
}

// FindSessions lists the viewer's live sessions, newest first.
func (db *DB) FindSessions(ctx context.Context, current string) ([]*sharefair.Session, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	currentHash := ""
	if current != "" {
		currentHash = hashSecret(current)
	}
	q := &query{}
	q.and(ownSessions(ctx, q, "s"))
	q.and("s.expires_at > " + q.arg(db.Now.Now()))
	rows, err := db.read.QueryContext(ctx, `SELECT s.secret_hash, s.ref, s.client_addr, s.user_agent, s.created_at,
		s.last_seen_at, s.expires_at FROM sessions s `+q.whereSQL()+` ORDER BY s.created_at DESC, s.ref`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	defer rows.Close()
	out := []*sharefair.Session{}
	for rows.Next() {
		var s sharefair.Session
		var h string
		if err := rows.Scan(&h, &s.Ref, &s.Client.Address, &s.Client.Agent, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt); err != nil {
			return nil, fmt.Errorf("find sessions: %w", err)
		}
		s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
		s.Current = currentHash != "" && constantTimeEqual(h, currentHash)
		out = append(out, &s)
	}
	return out, rows.Err()
}

// EndSession ends one of the viewer's sessions.
func (db *DB) EndSession(ctx context.Context, ref string) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, _ *sharefair.Member) error {
		if !sharefair.Searchable(ref) {
			return sharefair.ErrNotFound("Session")
		}
		q := &query{}
		q.and("s.ref = " + q.arg(ref))
		q.and(ownSessions(ctx, q, "s"))
		// Another's session is not found, as if it did not exist.
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE secret_hash IN (
			SELECT s.secret_hash FROM sessions s `+q.whereSQL()+`)`, q.args...)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sharefair.ErrNotFound("Session")
		}
		return nil
	})
}

// ChangePassword changes the viewer's password and ends their other
// sessions. The passwords are checked and hashed before the transaction,
// which then changes the password only if it is still the one checked.
func (db *DB) ChangePassword(ctx context.Context, c sharefair.PasswordChange) error {
	v, err := requireViewer(ctx)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if db.Hasher == nil {
		return errors.New("store: no password hasher configured")
	}
	var old string
	if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM members WHERE id = $1`, v.ID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
		return sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	} else if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	wrong := sharefair.ErrWrongCurrentPassword()
	if ok, err := db.Hasher.Verify(c.Current, old); err != nil {
		return fmt.Errorf("change password: %w", err)
	} else if !ok {
		return wrong
	}
	hash, err := db.hashPassword(c.New)
	if err != nil {
		return err
	}
	keep := ""
	if c.KeepSession != "" {
		keep = hashSecret(c.KeepSession)
	}
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET password_hash = $1, updated_at = $2
			WHERE id = $3 AND password_hash = $4`, hash, tx.now, v.ID, old)
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Changed meanwhile, from another session: the one checked is
			// no longer current.
			return wrong
		}
		// Access tokens stay: scripts keep working, and the settings page
		// and the API document say so, pointing to where they are revoked.
		return tx.endAccess(ctx, v.ID, keep, false)
	})
}

// endAccess ends member memberID's sessions, all but the one whose secret
// hash is keep (none when keep is ""), and with tokens their personal
// access tokens too, inside tx: what the member's browsers and scripts
// send is refused from the moment tx commits. Changing a password ends the
// other sessions; suspending a member (moderation, to come) must end
// every session and every token through here, and MemberBySession and
// MemberByToken must then refuse a suspended member's remaining secrets.
func (tx *Tx) endAccess(ctx context.Context, memberID int64, keep string, tokens bool) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND secret_hash <> $2`, memberID, keep); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if tokens {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE member_id = $1`, memberID); err != nil {
			return fmt.Errorf("end tokens: %w", err)
		}
	}
	return nil
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
	if m.State != sharefair.MemberActive {
		return nil, stateRefusal(m.State)
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
		// Locked, so that two creations at once cannot both pass the bound.
		if err := tx.lockMember(ctx, memberID); err != nil {
			return err
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE member_id = $1`, memberID).Scan(&held); err != nil {
			return fmt.Errorf("count tokens: %w", err)
		}
		if held >= sharefair.MaxTokens {
			msg := "You hold " + strconv.Itoa(sharefair.MaxTokens) + " access tokens, the most a member may; revoke one you no longer use first."
			return &sharefair.Error{Code: sharefair.ECONFLICT, Message: msg, Fields: map[string]string{"name": msg}}
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
	if m.State != sharefair.MemberActive {
		return nil, stateRefusal(m.State)
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

// checkPassword checks that password is member memberID's, answering
// sharefair.ErrWrongCurrentPassword when it is not.
func (db *DB) checkPassword(ctx context.Context, memberID int64, password string) error {
	if db.Hasher == nil {
		return errors.New("store: no password hasher configured")
	}
	var hash string
	if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM members WHERE id = $1`, memberID).Scan(&hash); errors.Is(err, sql.ErrNoRows) {
		return sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	} else if err != nil {
		return fmt.Errorf("check password: %w", err)
	}
	if ok, err := db.Hasher.Verify(password, hash); err != nil {
		return fmt.Errorf("check password: %w", err)
	} else if !ok {
		return sharefair.ErrWrongCurrentPassword()
	}
	return nil
}
