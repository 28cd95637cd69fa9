package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sharefair/sharefair"
)

// exportBuffer is how much of an export is held before it is written out.
const exportBuffer = 32 << 10

// ExportMember writes everything Sharefair holds about the viewer as JSON
// of the shape sharefair.MemberExport, one row at a time: each list is
// encoded as its rows are read, so memory stays bounded however many
// posts the member wrote. Every row is the viewer's own (ownData); a
// thread's title and hub are given only while the viewer may read it
// (threadVisible), and nobody else's identity is ever read.
func (db *DB) ExportMember(ctx context.Context, w io.Writer) error {
	if _, err := requireViewer(ctx); err != nil {
		return err
	}
	x := &exportWriter{bw: bufio.NewWriterSize(w, exportBuffer)}
	x.enc = json.NewEncoder(x.bw)

	x.raw(`{"format":`)
	x.value(sharefair.ExportFormat)
	x.raw(`,"exported_at":`)
	x.value(db.Now.Now())

	var network sharefair.ExportNetwork
	if err := db.read.QueryRowContext(ctx, `SELECT name FROM network WHERE id = 1`).Scan(&network.Name); err != nil {
		return fmt.Errorf("export network: %w", err)
	}
	x.raw(`,"network":`)
	x.value(network)

	profile, err := db.exportProfile(ctx)
	if err != nil {
		return err
	}
	x.raw(`,"profile":`)
	x.value(profile)

	q := &query{}
	own := ownData(ctx, q, "hm.member_id")
	if err := exportList(ctx, db, x, "hubs", `SELECT h.id, h.slug, h.name, hm.role, hm.joined_at
		FROM hub_members hm JOIN hubs h ON h.id = hm.hub_id WHERE `+own+` ORDER BY h.name, h.id`, q.args,
		func(rows *sql.Rows) (sharefair.ExportHubMember, error) {
			var m sharefair.ExportHubMember
			err := rows.Scan(&m.Hub.ID, &m.Hub.Slug, &m.Hub.Name, &m.Role, &m.JoinedAt)
			m.JoinedAt = m.JoinedAt.UTC()
			return m, err
		}); err != nil {
		return err
	}

	q = &query{}
	own = ownData(ctx, q, "jr.member_id")
	if err := exportList(ctx, db, x, "join_requests", `SELECT h.id, h.slug, h.name, jr.created_at
		FROM hub_join_requests jr JOIN hubs h ON h.id = jr.hub_id WHERE `+own+` ORDER BY jr.created_at, h.id`, q.args,
		func(rows *sql.Rows) (sharefair.ExportJoinRequest, error) {
			var r sharefair.ExportJoinRequest
			err := rows.Scan(&r.Hub.ID, &r.Hub.Slug, &r.Hub.Name, &r.RequestedAt)
			r.RequestedAt = r.RequestedAt.UTC()
			return r, err
		}); err != nil {
		return err
	}

	q = &query{}
	own = ownData(ctx, q, "s.member_id")
	if err := exportList(ctx, db, x, "sessions", `SELECT s.client_addr, s.user_agent, s.created_at, s.last_seen_at,
		s.expires_at FROM sessions s WHERE `+own+` ORDER BY s.created_at DESC, s.ref`, q.args,
		func(rows *sql.Rows) (sharefair.ExportSession, error) {
			var s sharefair.ExportSession
			err := rows.Scan(&s.ClientAddress, &s.UserAgent, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
			s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
			return s, err
		}); err != nil {
		return err
	}

	q = &query{}
	own = ownData(ctx, q, "tk.member_id")
	if err := exportList(ctx, db, x, "tokens", `SELECT tk.id, tk.name, tk.hint, tk.created_at, tk.last_used_at
		FROM tokens tk WHERE `+own+` ORDER BY tk.id`, q.args,
		func(rows *sql.Rows) (sharefair.ExportToken, error) {
			var t sharefair.ExportToken
			var used sql.NullTime
			err := rows.Scan(&t.ID, &t.Name, &t.Hint, &t.CreatedAt, &used)
			t.CreatedAt, t.LastUsedAt = t.CreatedAt.UTC(), nullTime(used)
			return t, err
		}); err != nil {
		return err
	}

	now := db.Now.Now()
	q = &query{}
	own = ownData(ctx, q, "i.invited_by")
	if err := exportList(ctx, db, x, "invitations", `SELECT i.id, i.email, i.invitee_name, i.message, h.id, h.slug,
		h.name, i.created_at, i.expires_at, i.renewed_at, i.accepted_at, i.revoked_at
		FROM invitations i LEFT JOIN hubs h ON h.id = i.hub_id WHERE `+own+` ORDER BY i.created_at, i.id`, q.args,
		func(rows *sql.Rows) (sharefair.ExportInvitation, error) {
			var e sharefair.ExportInvitation
			var hubID sql.NullInt64
			var slug, name sql.NullString
			var renewed, accepted, revoked sql.NullTime
			if err := rows.Scan(&e.ID, &e.Email, &e.Name, &e.Message, &hubID, &slug, &name, &e.CreatedAt,
				&e.ExpiresAt, &renewed, &accepted, &revoked); err != nil {
				return e, err
			}
			if hubID.Valid {
				e.Hub = &sharefair.ExportHub{ID: hubID.Int64, Slug: slug.String, Name: name.String}
			}
			e.CreatedAt, e.ExpiresAt = e.CreatedAt.UTC(), e.ExpiresAt.UTC()
			e.RenewedAt, e.AcceptedAt, e.RevokedAt = nullTime(renewed), nullTime(accepted), nullTime(revoked)
			inv := sharefair.Invitation{ExpiresAt: e.ExpiresAt, AcceptedAt: e.AcceptedAt, RevokedAt: e.RevokedAt}
			e.Status = inv.Status(now)
			return e, nil
		}); err != nil {
		return err
	}

	q = &query{}
	own = ownData(ctx, q, "p.author_id")
	visible := threadVisible(ctx, q, "t")
	if err := exportList(ctx, db, x, "posts", `SELECT p.id, p.attribution, p.source, p.created_at, p.edited_at,
		t.id, CASE WHEN t.author_id = p.author_id THEN 1 ELSE 0 END, CASE WHEN `+visible+` THEN 1 ELSE 0 END,
		t.title, t.audience, h.id, h.slug, h.name
		FROM posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN hubs h ON h.id = t.hub_id
		WHERE `+own+` AND p.withdrawn_at IS NULL ORDER BY p.created_at, p.id`, q.args,
		func(rows *sql.Rows) (sharefair.ExportPost, error) {
			var p sharefair.ExportPost
			var edited sql.NullTime
			var started, readable int
			var title string
			var audience sharefair.AudienceKind
			var hubID sql.NullInt64
			var slug, name sql.NullString
			if err := rows.Scan(&p.ID, &p.Attribution, &p.Source, &p.CreatedAt, &edited, &p.Thread.ID, &started,
				&readable, &title, &audience, &hubID, &slug, &name); err != nil {
				return p, err
			}
			p.CreatedAt, p.EditedAt = p.CreatedAt.UTC(), nullTime(edited)
			p.Thread.Started, p.Thread.Readable = started == 1, readable == 1
			if p.Thread.Readable {
				p.Thread.Title, p.Thread.Audience = title, audience
				if hubID.Valid {
					p.Thread.Hub = &sharefair.ExportHub{ID: hubID.Int64, Slug: slug.String, Name: name.String}
				}
			}
			return p, nil
		}); err != nil {
		return err
	}
	x.raw("}\n")
	if x.err != nil {
		return fmt.Errorf("export: %w", x.err)
	}
	if err := x.bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportProfile reads the viewer's own profile, every field of it.
func (db *DB) exportProfile(ctx context.Context) (sharefair.ExportProfile, error) {
	var p sharefair.ExportProfile
	q := &query{}
	own := ownData(ctx, q, "m.id")
	if err := db.read.QueryRowContext(ctx, `SELECT m.id, m.email, m.handle, m.name, m.organisation, m.title, m.city,
		m.country, m.time_zone, m.bio, m.role, m.created_at, m.updated_at FROM members m WHERE `+own, q.args...).Scan(
		&p.ID, &p.Email, &p.Handle, &p.Name, &p.Organisation, &p.Title, &p.City, &p.Country, &p.TimeZone, &p.Bio,
		&p.Role, &p.CreatedAt, &p.UpdatedAt); err == sql.ErrNoRows {
		return p, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	} else if err != nil {
		return p, fmt.Errorf("export profile: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	m := &sharefair.Member{ID: p.ID}
	if err := db.attachProfiles(ctx, []*sharefair.Member{m}); err != nil {
		return p, err
	}
	p.Languages, p.Expertise = m.Languages, m.Expertise
	if p.Languages == nil {
		p.Languages = []string{}
	}
	if p.Expertise == nil {
		p.Expertise = []string{}
	}
	return p, nil
}

// exportWriter writes JSON to a buffer, keeping the first error.
type exportWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
	err error
}

func (x *exportWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.bw.WriteString(s)
	}
}

func (x *exportWriter) value(v any) {
	if x.err == nil {
		x.err = x.enc.Encode(v)
	}
}

// exportList writes ,"name":[…] with one element per row of the query,
// encoded as it is read.
func exportList[T any](ctx context.Context, db *DB, x *exportWriter, name, query string, args []any,
	scan func(*sql.Rows) (T, error)) error {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	defer rows.Close()
	x.raw(`,"` + name + `":[`)
	first := true
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		if !first {
			x.raw(",")
		}
		first = false
		x.value(item)
		if x.err != nil {
			return fmt.Errorf("export %s: %w", name, x.err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	x.raw("]")
	return nil
}
