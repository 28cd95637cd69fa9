package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

// networkTTL is how long a read of the network's settings is reused. They
// are the same for everyone and change once in a long while; each change
// made here clears the copy at once, another instance's within this time.
const networkTTL = 5 * time.Second

// cachedNetwork is the network's settings as last read.
type cachedNetwork struct {
	n       sharefair.Network
	gen     uint64 // db.networkGen when the read began
	expires time.Time
}

// Network returns the network's settings.
func (db *DB) Network(ctx context.Context) (*sharefair.Network, error) {
	// A read that began before a change was forgotten must not be kept
	// after it: the generation tells them apart.
	gen := db.networkGen.Load()
	if c := db.network.Load(); c != nil && c.gen == gen && time.Now().Before(c.expires) {
		n := c.n
		return &n, nil
	}
	var n sharefair.Network
	var setUp sql.NullTime
	if err := db.read.QueryRowContext(ctx, `SELECT name, description, time_zone, set_up_at, created_at FROM network WHERE id = 1`).
		Scan(&n.Name, &n.Description, &n.TimeZone, &setUp, &n.CreatedAt); err != nil {
		return nil, fmt.Errorf("load network: %w", err)
	}
	n.SetUp = setUp.Valid
	db.network.Store(&cachedNetwork{n: n, gen: gen, expires: time.Now().Add(networkTTL)})
	return &n, nil
}

// forgetNetwork drops the cached settings after a change.
func (db *DB) forgetNetwork() {
	db.networkGen.Add(1)
	db.network.Store(nil)
}

// PrepareSetup stores the hash of a fresh setup code while the network has
// no members, and reports whether it did. A later code replaces an earlier
// one, so the code in the newest log is the one that works.
func (db *DB) PrepareSetup(ctx context.Context, code string) (bool, error) {
	var stored bool
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE network SET setup_code_hash = $1
			WHERE id = 1 AND set_up_at IS NULL AND NOT EXISTS (SELECT 1 FROM members)`, hashSecret(normalizeCode(code)))
		if err != nil {
			return fmt.Errorf("prepare setup: %w", err)
		}
		n, _ := res.RowsAffected()
		stored = n == 1
		return nil
	})
	return stored, err
}

// normalizeCode makes codes typed with spaces, hyphens or in lower case
// match.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return -1
	}, code)
}

// checkSetupCode refuses a setup when the network is set up already or
// code is not the one prepared.
func checkSetupCode(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, code string) error {
	var stored sql.NullString
	var setUp sql.NullTime
	if err := q.QueryRowContext(ctx, `SELECT setup_code_hash, set_up_at FROM network WHERE id = 1`).
		Scan(&stored, &setUp); err != nil {
		return fmt.Errorf("load network: %w", err)
	}
	if setUp.Valid {
		return sharefair.Errorf(sharefair.ECONFLICT, "This network has already been set up. Please sign in.")
	}
	if !stored.Valid || !constantTimeEqual(stored.String, hashSecret(normalizeCode(code))) {
		return &sharefair.Error{Code: sharefair.EUNAUTHORIZED, Message: "That setup code is not right.",
			Fields: map[string]string{"code": "That setup code is not right. Copy it from Sharefair's log."}}
	}
	return nil
}

// Setup names the network and creates its first network admin. The
// conditional update makes the race safe: of two setups, one changes the
// row and the other finds it already set up.
func (db *DB) Setup(ctx context.Context, s sharefair.Setup) (*sharefair.Member, error) {
	n, err := db.Network(ctx)
	if err != nil {
		return nil, err
	}
	if n.SetUp {
		return nil, sharefair.Errorf(sharefair.ECONFLICT, "This network has already been set up. Please sign in.")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	// The code is checked before the password is hashed, so that guessing
	// codes costs Sharefair no hash; the transaction checks again.
	if err := checkSetupCode(ctx, db.read, s.Code); err != nil {
		return nil, err
	}
	hash, err := db.hashPassword(s.Password)
	if err != nil {
		return nil, err
	}
	var id int64
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := checkSetupCode(ctx, tx, s.Code); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE network SET name = $1, description = $2, time_zone = $3,
			set_up_at = $4, setup_code_hash = NULL WHERE id = 1 AND set_up_at IS NULL`,
			s.NetworkName, s.NetworkDescription, s.TimeZone, tx.now)
		if err != nil {
			return fmt.Errorf("set up network: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return sharefair.Errorf(sharefair.ECONFLICT, "This network has already been set up. Please sign in.")
		}
		id, err = createMember(ctx, tx, sharefair.NewMember{Email: s.Email, Handle: s.Handle, Name: s.Name,
			Role: sharefair.RoleAdmin}, hash)
		return err
	})
	db.forgetNetwork()
	db.forgetDirectory()
	if err != nil {
		return nil, err
	}
	return db.memberByID(ctx, id)
}

// RenameNetwork renames the network; network admins only.
func (db *DB) RenameNetwork(ctx context.Context, name string) (*sharefair.Network, error) {
	return db.UpdateNetwork(ctx, sharefair.NetworkUpdate{Name: &name})
}

// UpdateNetwork changes the network's settings; network admins only.
func (db *DB) UpdateNetwork(ctx context.Context, u sharefair.NetworkUpdate) (*sharefair.Network, error) {
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayRenameNetwork(v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may change the network's settings.")
		}
		if err := u.Validate(); err != nil {
			return err
		}
		q := &query{}
		var set []string
		for _, c := range []struct {
			column string
			value  *string
		}{{"name", u.Name}, {"description", u.Description}, {"time_zone", u.TimeZone}} {
			if c.value != nil {
				set = append(set, c.column+" = "+q.arg(*c.value))
			}
		}
		if len(set) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE network SET `+strings.Join(set, ", ")+` WHERE id = 1`, q.args...); err != nil {
			return fmt.Errorf("update network: %w", err)
		}
		return nil
	})
	db.forgetNetwork()
	if err != nil {
		return nil, err
	}
	return db.Network(ctx)
}

// Rights reports what the viewer may do across the network.
func (db *DB) Rights(ctx context.Context) (sharefair.NetworkRights, error) {
	v := sharefair.ViewerFromContext(ctx)
	return networkRights(ctx, v, func() (coordinates, hosts bool, err error) {
		if err := db.read.QueryRowContext(ctx, `SELECT
				EXISTS (SELECT 1 FROM hub_members WHERE member_id = $1 AND role = $2),
				EXISTS (SELECT 1 FROM circle_members WHERE member_id = $1 AND role = $3)`,
			v.ID, string(sharefair.HubRoleCoordinator), string(sharefair.CircleRoleHost)).Scan(&coordinates, &hosts); err != nil {
			return false, false, fmt.Errorf("network rights: %w", err)
		}
		return coordinates, hosts, nil
	})
}
