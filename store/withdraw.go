package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sharefair/sharefair"
)

// WithdrawPost withdraws a post its author wrote. In one transaction the
// post's Markdown and HTML are emptied (deleted, not hidden), the thread's
// version moves so that no cached page keeps the text, and the act is
// written to the audit log by number only.
//
// The post stays as a tombstone so that the thread and its pages keep
// their shape; its count of posts still counts it, as a place in the
// thread, but its latest activity is that of the posts still there.
// Withdrawing the opening post withdraws the title too, the author's words
// as much as the post. A thread left with no post that is not withdrawn is
// deleted: nothing of it is left to read.
func (db *DB) WithdrawPost(ctx context.Context, id int64) (sharefair.Withdrawal, error) {
	if _, err := requireViewer(ctx); err != nil {
		return sharefair.Withdrawal{}, err
	}
	// Whoever was told of the post counts one thing fewer.
	defer db.unreadGen.Add(1)
	var w sharefair.Withdrawal
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		p, err := postByID(ctx, tx, id)
		if err != nil {
			return err
		}
		w.ThreadID = p.ThreadID
		if p.Withdrawn {
			// Nothing left to take back: an honest no-op for its author.
			var q query
			var own bool
			if err := tx.QueryRowContext(ctx, `SELECT CASE WHEN `+ownData(ctx, &q, "author_id")+` THEN 1 ELSE 0 END
				FROM posts WHERE id = `+q.arg(id), q.args...).Scan(&own); err != nil {
				return fmt.Errorf("withdraw post: %w", err)
			}
			if !own {
				return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's author may withdraw it.")
			}
			return nil
		}
		if !p.ViewerMayWithdraw {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's author may withdraw it.")
		}
		w.Changed = true
		w.ThreadDeleted, err = tx.withdraw(ctx, v, id, p.ThreadID, p.Attribution)
		return err
	})
	if err != nil {
		return sharefair.Withdrawal{}, err
	}
	return w, nil
}

// withdraw withdraws post id of thread threadID, written by v with
// attribution written, inside tx; the caller has checked that v may. It
// reports whether the thread went too.
func (tx *Tx) withdraw(ctx context.Context, v *sharefair.Member, id, threadID int64, written sharefair.Attribution) (deleted bool, err error) {
	// The thread's row first: its lock orders this against replies
	// written meanwhile, and its version renews every cached page.
	if err := bumpThread(ctx, tx, threadID); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE posts SET source = '', html = '', edited_at = NULL, withdrawn_at = $1
		WHERE id = $2`, tx.now, id); err != nil {
		return false, fmt.Errorf("withdraw post: %w", err)
	}
	var first int64
	var hubID, circleID sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT MIN(id) FROM posts WHERE thread_id = $1), hub_id, circle_id
		FROM threads WHERE id = $1`, threadID).Scan(&first, &hubID, &circleID); err != nil {
		return false, fmt.Errorf("withdraw post: %w", err)
	}
	if first == id {
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET title = '', withdrawn_at = $1 WHERE id = $2`,
			tx.now, threadID); err != nil {
			return false, fmt.Errorf("withdraw thread: %w", err)
		}
	}
	// What is left: the latest post still there, whose time is the
	// thread's latest activity.
	var at sql.NullTime
	var attr sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT created_at, attribution FROM posts
		WHERE thread_id = $1 AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1`, threadID).Scan(&at, &attr)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `DELETE FROM threads WHERE id = $1`, threadID); err != nil {
			return false, fmt.Errorf("delete withdrawn thread: %w", err)
		}
		// Its named readers go with it: on SQLite a new thread may take
		// its number, and must not take its readers.
		if err := tx.setAudience(ctx, contentThread, threadID, resolvedAudience{hubID: hubID}, -1); err != nil {
			return false, err
		}
		deleted = true
	case err != nil:
		return false, fmt.Errorf("withdraw post: %w", err)
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET last_activity_at = $1, last_post_hidden = $2 WHERE id = $3`,
			at.Time, attr.String != string(sharefair.AttributionNamed), threadID); err != nil {
			return false, fmt.Errorf("withdraw post: %w", err)
		}
	}
	// Only that it happened. The author is named only where the post
	// named them already: an actor on a hidden-author post's
	// withdrawal would tie its author to it in the log.
	actor := v.ID
	if written != sharefair.AttributionNamed {
		actor = 0
	}
	return deleted, tx.audit(ctx, actor, auditRecord{Action: sharefair.AuditWithdraw, PostID: id, ThreadID: threadID,
		CircleID: circleID.Int64})
}
