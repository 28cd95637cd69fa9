package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/jobs"
)

// The store keeps the background jobs (jobs.Store): a table claimed with
// UPDATE … RETURNING, so that every engine claims the same way, with FOR
// UPDATE SKIP LOCKED on PostgreSQL, where instances claiming at once pass
// over each other's rows instead of waiting on them. SQLite has one writer
// at a time, which orders claims by itself.

var _ jobs.Store = (*DB)(nil)

// EnqueueJob adds a job, or reports false when one of its kind has its key.
func (db *DB) EnqueueJob(ctx context.Context, j jobs.New) (int64, bool, error) {
	var id int64
	added := false
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		id, added, err = tx.enqueue(ctx, j)
		return err
	})
	return id, added, err
}

// enqueue adds job j inside tx: work that a change calls for is due only
// if the change commits.
func (tx *Tx) enqueue(ctx context.Context, j jobs.New) (int64, bool, error) {
	if j.Kind == "" {
		return 0, false, errors.New("enqueue: a job needs a kind")
	}
	if j.RunAt.IsZero() {
		j.RunAt = tx.now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = jobs.DefaultMaxAttempts
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, key, payload, run_at, max_attempts, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, key) WHERE key <> '' DO NOTHING RETURNING id`,
		j.Kind, j.Key, j.Payload, j.RunAt.UTC(), j.MaxAttempts, tx.now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("enqueue %s: %w", j.Kind, err)
	}
	return id, true, nil
}

// ClaimJobs leases up to n due jobs of kinds to worker until now+lease. A
// job whose lease ran out on its last allowed run (its worker stopped on
// every try) is failed for good rather than claimed again.
func (db *DB) ClaimJobs(ctx context.Context, worker string, kinds []string, n int, lease time.Duration) ([]jobs.Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	kindList := func(q *query) string {
		ph := make([]string, len(kinds))
		for i, k := range kinds {
			ph[i] = q.arg(k)
		}
		return strings.Join(ph, ", ")
	}
	// Most polls find nothing: asked of the read pool first, so that idle
	// workers do not queue for SQLite's one writer.
	var dq query
	now := db.Now.Now()
	var due int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE kind IN (`+kindList(&dq)+`)
		AND ((state = 'ready' AND run_at <= `+dq.arg(now)+`) OR (state = 'running' AND locked_until <= `+dq.arg(now)+`)) LIMIT 1) d`,
		dq.args...).Scan(&due); err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	if due == 0 {
		return nil, nil
	}
	var claimed []jobs.Job
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', finished_at = $1, failed_at = $1, locked_by = '',
			locked_until = NULL, last_error = 'its worker stopped before the end of every run it was given'
			WHERE state = 'running' AND locked_until <= $1 AND attempts >= max_attempts`, tx.now); err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		var q query
		now := q.arg(tx.now)
		kinds := kindList(&q)
		skip := ""
		if db.dialect.name() == "postgres" {
			skip = " FOR UPDATE SKIP LOCKED"
		}
		// The due jobs are chosen once (MATERIALIZED), then updated: a
		// plan that ran the choice again could claim more than n.
		rows, err := tx.QueryContext(ctx, `WITH due AS MATERIALIZED (SELECT id FROM jobs
				WHERE state IN ('ready', 'running') AND kind IN (`+kinds+`)
				AND ((state = 'ready' AND run_at <= `+now+`) OR (state = 'running' AND locked_until <= `+now+`))
				ORDER BY run_at, id`+limitSQL(min(n, sharefair.MaxPageSize), 0)+skip+`)
			UPDATE jobs SET state = 'running', attempts = attempts + 1,
				locked_by = `+q.arg(worker)+`, locked_until = `+q.arg(tx.now.Add(lease))+`
			WHERE id IN (SELECT id FROM due)
			RETURNING id, kind, key, payload, attempts, max_attempts`, q.args...)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j jobs.Job
			if err := rows.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &j.Attempt, &j.MaxAttempts); err != nil {
				return fmt.Errorf("claim jobs: %w", err)
			}
			claimed = append(claimed, j)
		}
		return rows.Err()
	})
	if err != nil {
		// Nothing is claimed unless the claim committed.
		return nil, err
	}
	return claimed, nil
}

// CompleteJob records job id as done, if worker still holds it.
func (db *DB) CompleteJob(ctx context.Context, id int64, worker string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', finished_at = $1, locked_by = '', locked_until = NULL
			WHERE id = $2 AND locked_by = $3 AND state = 'running'`, tx.now, id, worker)
		if err != nil {
			return fmt.Errorf("complete job %d: %w", id, err)
		}
		return leaseHeld(res, id)
	})
}

func leaseHeld(res sql.Result, id int64) error {
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("job %d: %w", id, jobs.ErrLeaseLost)
	}
	return nil
}

// FailJob records a failed run of job id, if worker still holds it.
func (db *DB) FailJob(ctx context.Context, id int64, worker, reason string, retryAt time.Time) error {
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	reason = strings.ToValidUTF8(reason, "")
	return db.inTx(ctx, func(tx *Tx) error {
		var res sql.Result
		var err error
		if retryAt.IsZero() {
			res, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', finished_at = $1, failed_at = $1, last_error = $2,
				locked_by = '', locked_until = NULL WHERE id = $3 AND locked_by = $4 AND state = 'running'`, tx.now, reason, id, worker)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'ready', run_at = $1, failed_at = $2, last_error = $3,
				locked_by = '', locked_until = NULL WHERE id = $4 AND locked_by = $5 AND state = 'running'`,
				retryAt.UTC(), tx.now, reason, id, worker)
		}
		if err != nil {
			return fmt.Errorf("fail job %d: %w", id, err)
		}
		return leaseHeld(res, id)
	})
}

// JobCounts counts the jobs by kind and state, and gives the latest
// failure of each kind: what an admin watches. Network admins only.
func (db *DB) JobCounts(ctx context.Context) ([]sharefair.JobCount, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	if !mayWatchJobs(v) {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may see the background jobs.")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT kind,
			SUM(CASE WHEN state = 'ready' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END),
			SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END)
		FROM jobs GROUP BY kind ORDER BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := []sharefair.JobCount{}
	for rows.Next() {
		var c sharefair.JobCount
		if err := rows.Scan(&c.Kind, &c.Ready, &c.Running, &c.Done, &c.Failed); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	rows.Close()
	// Plain columns, which keep their type on SQLite as aggregates do not.
	for i := range out {
		var due time.Time
		err := db.read.QueryRowContext(ctx, `SELECT run_at FROM jobs WHERE kind = $1 AND state IN ('ready', 'running')
			ORDER BY run_at LIMIT 1`, out[i].Kind).Scan(&due)
		if err == nil {
			due = due.UTC()
			out[i].NextDue = &due
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		var failed time.Time
		err = db.read.QueryRowContext(ctx, `SELECT last_error, failed_at FROM jobs
			WHERE kind = $1 AND failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT 1`, out[i].Kind).Scan(&out[i].LastError, &failed)
		if err == nil {
			failed = failed.UTC()
			out[i].LastErrorAt = &failed
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
	}
	return out, nil
}

// Sweep does what is kept tidy on a schedule: it deletes expired sessions,
// finished jobs a week after they finished (failed ones after a month,
// for an admin to look at), and events after 90 days, by when what they
// tell of was delivered or is no longer news.
func (db *DB) Sweep(ctx context.Context) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, tx.now); err != nil {
			return fmt.Errorf("sweep sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE (state = 'done' AND finished_at < $1)
			OR (state = 'failed' AND finished_at < $2)`, tx.now.Add(-7*24*time.Hour), tx.now.Add(-30*24*time.Hour)); err != nil {
			return fmt.Errorf("sweep jobs: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE at < $1`, tx.now.Add(-90*24*time.Hour)); err != nil {
			return fmt.Errorf("sweep events: %w", err)
		}
		// Notifications read three months ago, or left unread a year;
		// the outbox's messages done with a month ago.
		if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE read_at < $1 OR updated_at < $2`,
			tx.now.Add(-90*24*time.Hour), tx.now.Add(-365*24*time.Hour)); err != nil {
			return fmt.Errorf("sweep notifications: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE state <> 'queued' AND created_at < $1`,
			tx.now.Add(-30*24*time.Hour)); err != nil {
			return fmt.Errorf("sweep outbox: %w", err)
		}
		return nil
	})
}

// event records e inside tx, the change's transaction: what consumes
// events sees it if and only if the change commits. The actor of a post
// whose author is hidden is recorded, as the author is in the post's row;
// whatever shows an event asks the access rules at that moment.
func (tx *Tx) event(ctx context.Context, e sharefair.Event) error {
	n := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO events (kind, at, actor_id, subject_member_id, hub_id, circle_id, thread_id, post_id,
		invitation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, string(e.Kind), tx.now, n(e.ActorID), n(e.SubjectID), n(e.HubID),
		n(e.CircleID), n(e.ThreadID), n(e.PostID), n(e.InvitationID)).Scan(&id); err != nil {
		return fmt.Errorf("record %s: %w", e.Kind, err)
	}
	if !notifies(e.Kind) {
		return nil
	}
	// Its consumers get their job in the event's transaction: due only if
	// the change commits, and never missed if it does.
	key := strconv.FormatInt(id, 10)
	if _, _, err := tx.enqueue(ctx, jobs.New{Kind: JobNotify, Key: "event:" + key, Payload: key}); err != nil {
		return err
	}
	tx.enqueued = true
	return nil
}

// mentionEvents records a mention of each member whose handle is among
// handles, but the writer, for post postID of thread threadID.
func (tx *Tx) mentionEvents(ctx context.Context, writer, threadID, postID int64, handles []string) error {
	if len(handles) == 0 {
		return nil
	}
	var q query
	ph := make([]string, len(handles))
	for i, h := range handles {
		ph[i] = q.arg(h)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM members WHERE handle IN (`+strings.Join(ph, ", ")+`) AND id <> `+q.arg(writer),
		q.args...)
	if err != nil {
		return fmt.Errorf("find mentioned: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("find mentioned: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find mentioned: %w", err)
	}
	for _, id := range ids {
		if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventMentioned, ActorID: writer, SubjectID: id,
			ThreadID: threadID, PostID: postID}); err != nil {
			return err
		}
	}
	return nil
}

// Events lists the events recorded after event after, oldest first, at
// most limit: for the operator (the command line, tests) alone, since an
// event names who wrote what, hidden authors too. It is no way to consume
// events: on PostgreSQL a later number can commit before an earlier one,
// so a reader that walks the numbers can pass one by; consumers are given
// jobs in the event's transaction. Whoever shows an event to a member
// asks the access rules then: a mention in a thread its subject may not
// read, or by a hidden author, is recorded as it happened.
func (db *DB) Events(ctx context.Context, after int64, limit int) ([]sharefair.Event, error) {
	if !sharefair.IsOperator(ctx) {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Events are read by Sharefair itself.")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, at, COALESCE(actor_id, 0), COALESCE(subject_member_id, 0),
		COALESCE(hub_id, 0), COALESCE(circle_id, 0), COALESCE(thread_id, 0), COALESCE(post_id, 0), COALESCE(invitation_id, 0)
		FROM events WHERE id > $1 ORDER BY id`+limitSQL(limit, 0), after)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer rows.Close()
	var out []sharefair.Event
	for rows.Next() {
		var e sharefair.Event
		if err := rows.Scan(&e.ID, &e.Kind, &e.At, &e.ActorID, &e.SubjectID, &e.HubID, &e.CircleID, &e.ThreadID, &e.PostID,
			&e.InvitationID); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
