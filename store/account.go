package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"strconv"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/markdown"
)

// handleDigest is how a deleted account's handle is kept among the
// retired ones: enough to refuse it to someone else, not to read it back.
func handleDigest(handle string) string {
	sum := sha256.Sum256([]byte("sharefair retired handle\x00" + handle))
	return hex.EncodeToString(sum[:])
}

// checkHandleFree refuses a handle a deleted account held, so that nobody
// takes it to pass as the member others mentioned.
func (tx *Tx) checkHandleFree(ctx context.Context, handle string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM retired_handles WHERE digest = $1`,
		handleDigest(handle)).Scan(&n); err != nil {
		return fmt.Errorf("check handle: %w", err)
	}
	if n > 0 {
		return &sharefair.Error{Code: sharefair.ECONFLICT, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"handle": "This handle is taken; choose another."}}
	}
	return nil
}

// DeleteAccount deletes the viewer's own account, after checking their
// password, in one transaction. The row stays, so that posts they keep
// stay as a former member's and numbers in the audit log stay numbers, but
// in state deleted with every personal field emptied: the email and handle
// replaced by values that name nobody and that nobody can sign up with
// (the handle starts with '_', which no handle may), the password by a
// hash of random bytes. The handle is retired, as a digest.
//
// Sessions, tokens, hub memberships and requests go; network invitations
// they sent and nobody accepted are revoked, and those addressed to them
// lose the email and name that identified them.
//
// Circles: their memberships, requests to join and invitations addressed
// to them go, and so do the circle invitations they sent that nobody
// answered (a circle invitation is only pending, so revoking it is
// deleting it). A circle they were the last host of passes to its
// longest-standing remaining member, an active one if any is; the change
// is not in the audit log, which has no act for hosting, as a host's own
// SetCircleHost is not. A circle left with nobody in it is deleted if it
// holds no threads, since there is nothing in it for anyone; one that
// holds threads is kept, without host or member, for the admins who may
// read them (none, for a secret circle, which nobody sees any more), and
// its requests and invitations go, since nobody is left to answer or to
// stand behind them.
//
// Named-member threads: where they were a named reader, they are taken
// off the list and the others named read on as before. Where they were
// the author, the thread is theirs like any other: kept, for its named
// readers, as a former member's, or, when they withdraw their posts,
// withdrawn as WithdrawPost withdraws (deleted with its list of readers
// when nobody else wrote in it).
//
// Their @mentions in others' posts and in hub and circle descriptions are replaced
// by "(former member)" in the Markdown and the HTML rendered anew: the API
// and exports give the Markdown as stored, so the handle would otherwise
// stay in them.
func (db *DB) DeleteAccount(ctx context.Context, d sharefair.AccountDeletion) error {
	v, err := requireViewer(ctx)
	if err != nil {
		return err
	}
	if db.Hasher == nil {
		return errors.New("store: no password hasher configured")
	}
	wrong := &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"current_password": "That is not your password."}}
	if d.Password == "" {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"current_password": "Enter your password to confirm."}}
	}
	var old string
	if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM members WHERE id = $1`, v.ID).Scan(&old); err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	if ok, err := db.Hasher.Verify(d.Password, old); err != nil {
		return fmt.Errorf("delete account: %w", err)
	} else if !ok {
		return wrong
	}
	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	unusable, err := db.hashPassword(hex.EncodeToString(random))
	if err != nil {
		return err
	}
	// Others' posts that mention them, rendered anew before the
	// transaction (rendering reads members), written inside it if unchanged.
	type mention struct {
		id, thread        int64
		old, source, html string
	}
	var mentions []mention
	rows, err := db.read.QueryContext(ctx, `SELECT id, thread_id, source FROM posts
		WHERE author_id <> $1 AND withdrawn_at IS NULL AND LOWER(source) LIKE $2 ESCAPE '\'`,
		v.ID, "%@"+escapeLike(v.Handle)+"%")
	if err != nil {
		return fmt.Errorf("find mentions: %w", err)
	}
	for rows.Next() {
		var m mention
		if err := rows.Scan(&m.id, &m.thread, &m.source); err != nil {
			rows.Close()
			return fmt.Errorf("find mentions: %w", err)
		}
		mentions = append(mentions, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find mentions: %w", err)
	}
	for i := range mentions {
		m := &mentions[i]
		m.old = m.source
		if m.source = markdown.ReplaceMention(m.old, v.Handle, sharefair.FormerMention); m.source == m.old {
			continue // the handle inside a longer word only
		}
		if m.html, err = db.render(ctx, postBody, m.source); sharefair.ErrorCode(err) == sharefair.EINVALID {
			m.html, err = "<p>"+html.EscapeString(m.source)+"</p>\n", nil
		}
		if err != nil {
			return err
		}
	}
	// Hub and circle descriptions that mention them, likewise.
	type description struct {
		table             string
		id                int64
		old, source, html string
	}
	var descriptions []description
	for _, table := range []string{"hubs", "circles"} {
		rows, err = db.read.QueryContext(ctx, `SELECT id, description FROM `+table+` WHERE LOWER(description) LIKE $1 ESCAPE '\'`,
			"%@"+escapeLike(v.Handle)+"%")
		if err != nil {
			return fmt.Errorf("find mentions: %w", err)
		}
		for rows.Next() {
			d := description{table: table}
			if err := rows.Scan(&d.id, &d.old); err != nil {
				rows.Close()
				return fmt.Errorf("find mentions: %w", err)
			}
			descriptions = append(descriptions, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find mentions: %w", err)
		}
	}
	for i := range descriptions {
		d := &descriptions[i]
		if d.source = markdown.ReplaceMention(d.old, v.Handle, sharefair.FormerMention); d.source == d.old {
			continue
		}
		if d.html, err = db.renderDescription(ctx, d.source); sharefair.ErrorCode(err) == sharefair.EINVALID {
			d.html, err = "<p>"+html.EscapeString(d.source)+"</p>\n", nil
		}
		if err != nil {
			return err
		}
	}
	// The directory's cached counts and facets held their organisation.
	defer db.forgetDirectory()
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if v.IsAdmin() {
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE role = 'admin' AND state = 'active' AND id <> $1`,
				v.ID).Scan(&others); err != nil {
				return fmt.Errorf("count admins: %w", err)
			}
			if !mayDeleteAccount(v, others) {
				return sharefair.Errorf(sharefair.ECONFLICT,
					"You are the network's last admin: make another member an admin before you delete your account.")
			}
		}
		if d.WithdrawPosts {
			type own struct {
				id, thread int64
				attr       sharefair.Attribution
			}
			var posts []own
			rows, err := tx.QueryContext(ctx, `SELECT id, thread_id, attribution FROM posts
				WHERE author_id = $1 AND withdrawn_at IS NULL ORDER BY id DESC`, v.ID)
			if err != nil {
				return fmt.Errorf("find own posts: %w", err)
			}
			for rows.Next() {
				var p own
				if err := rows.Scan(&p.id, &p.thread, &p.attr); err != nil {
					rows.Close()
					return fmt.Errorf("find own posts: %w", err)
				}
				posts = append(posts, p)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("find own posts: %w", err)
			}
			gone := map[int64]bool{}
			for _, p := range posts {
				if gone[p.thread] {
					continue
				}
				deleted, err := tx.withdraw(ctx, v, p.id, p.thread, p.attr)
				if err != nil {
					return err
				}
				gone[p.thread] = deleted
			}
		}
		for _, m := range mentions {
			if m.html == "" {
				continue
			}
			res, err := tx.ExecContext(ctx, `UPDATE posts SET source = $1, html = $2 WHERE id = $3 AND source = $4`,
				m.source, m.html, m.id, m.old)
			if err != nil {
				return fmt.Errorf("rewrite mention: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				if err := bumpThread(ctx, tx, m.thread); err != nil {
					return err
				}
			}
		}
		if err := tx.leaveAllCircles(ctx, v.ID); err != nil {
			return err
		}
		for _, d := range descriptions {
			if d.html == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+d.table+` SET description = $1, description_html = $2
				WHERE id = $3 AND description = $4`, d.source, d.html, d.id, d.old); err != nil {
				return fmt.Errorf("rewrite mention: %w", err)
			}
		}
		// Threads that named them as a reader are read by the others
		// named, and the author, as before; the page lists one reader fewer.
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET version = version + 1 WHERE id IN (
			SELECT content_id FROM audience_members WHERE content_kind = $1 AND member_id = $2)`, contentThread, v.ID); err != nil {
			return fmt.Errorf("bump thread: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audience_members WHERE member_id = $1`, v.ID); err != nil {
			return fmt.Errorf("drop named reader: %w", err)
		}
		// Their hubs count one member fewer.
		if _, err := tx.ExecContext(ctx, `UPDATE hubs SET member_count = member_count - 1
			WHERE id IN (SELECT hub_id FROM hub_members WHERE member_id = $1)`, v.ID); err != nil {
			return fmt.Errorf("count hub members: %w", err)
		}
		for _, stmt := range []string{
			`DELETE FROM hub_members WHERE member_id = $1`,
			`DELETE FROM hub_join_requests WHERE member_id = $1`,
			`DELETE FROM member_languages WHERE member_id = $1`,
			`DELETE FROM member_expertise WHERE member_id = $1`,
			`UPDATE invitations SET email = '', invitee_name = '' WHERE accepted_by = $1`,
			// What they were told of, what they read and followed.
			`DELETE FROM notifications WHERE member_id = $1`,
			`DELETE FROM thread_follows WHERE member_id = $1`,
			`DELETE FROM thread_reads WHERE member_id = $1`,
			// How mail reached them, and mail not sent yet.
			`DELETE FROM mail_prefs WHERE member_id = $1`,
			`DELETE FROM email_changes WHERE member_id = $1`,
			`UPDATE outbox SET state = 'dropped', reason = 'Its recipient deleted their account.' WHERE member_id = $1 AND state = 'queued'`,
		} {
			if _, err := tx.ExecContext(ctx, stmt, v.ID); err != nil {
				return fmt.Errorf("delete account: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = $1
			WHERE invited_by = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, tx.now, v.ID); err != nil {
			return fmt.Errorf("revoke invitations: %w", err)
		}
		if err := tx.endAccess(ctx, v.ID, "", true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO retired_handles (digest) VALUES ($1) ON CONFLICT (digest) DO NOTHING`,
			handleDigest(v.Handle)); err != nil {
			return fmt.Errorf("retire handle: %w", err)
		}
		id := strconv.FormatInt(v.ID, 10)
		if _, err := tx.ExecContext(ctx, `UPDATE members SET email = $1, handle = $2, name = $3, search_key = '',
			organisation = '', organisation_key = '', title = '', city = '', country = '', time_zone = '', bio = '',
			role = 'member', state = 'deleted', password_hash = $4, updated_at = $5 WHERE id = $6`,
			"deleted-"+id+"@deleted.invalid", "_"+id, sharefair.FormerMemberName, unusable, tx.now, v.ID); err != nil {
			return fmt.Errorf("delete account: %w", err)
		}
		// Their name showed beside their posts on every thread page.
		if _, err := tx.ExecContext(ctx, `UPDATE network SET profiles_version = profiles_version + 1 WHERE id = 1`); err != nil {
			return fmt.Errorf("bump profiles: %w", err)
		}
		return tx.audit(ctx, 0, auditRecord{Action: sharefair.AuditAccountDelete, SubjectID: v.ID})
	})
}
