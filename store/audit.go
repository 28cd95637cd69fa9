package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sharefair/sharefair"
)

// auditRecord is what an act writes to the audit log: what it did and, by
// number, to whom and to what. Zero numbers are stored as none.
type auditRecord struct {
	Action                            sharefair.AuditAction
	SubjectID                         int64
	HubID, CircleID, ThreadID, PostID int64
	Reason, Detail                    string
}

// audit appends r to the audit log inside tx, as done by member actorID (0
// for the operator at the command line), so that the act and its record
// commit together or not at all. The log is append-only: the database
// refuses to change or delete its rows.
func (tx *Tx) audit(ctx context.Context, actorID int64, r auditRecord) error {
	if !r.Action.Valid() {
		return fmt.Errorf("audit: unknown action %q", r.Action)
	}
	n := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
	if r.CircleID == 0 && r.ThreadID != 0 {
		// An act on a circle's content is an act in the circle: the log
		// says so, for auditNamesContent to ask who may read of it.
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(circle_id, 0) FROM threads WHERE id = $1`, r.ThreadID).Scan(&r.CircleID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("audit %s: %w", r.Action, err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(at, actor_id, action, subject_member_id, hub_id, circle_id, thread_id, post_id, reason, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tx.now, n(actorID), string(r.Action), n(r.SubjectID), n(r.HubID), n(r.CircleID), n(r.ThreadID), n(r.PostID),
		r.Reason, r.Detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", r.Action, err)
	}
	return nil
}

// FindAuditEntries lists the audit log entries the viewer may read, latest
// first, and the total. Members are named while they exist undeleted;
// content is named by number only, and only where the entry may name it.
func (db *DB) FindAuditEntries(ctx context.Context, f sharefair.AuditFilter) ([]*sharefair.AuditEntry, int, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !mayReadAudit(v) {
		return nil, 0, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may read the audit log.")
	}
	var q query
	q.and(auditReadable(ctx, "al"))
	if f.Action != "" {
		q.and("al.action = " + q.arg(string(f.Action)))
	}
	if f.ActorID != 0 {
		q.and("al.actor_id = " + q.arg(f.ActorID))
	}
	if f.SubjectID != 0 {
		q.and("al.subject_member_id = " + q.arg(f.SubjectID))
	}
	if f.ActorID != 0 || f.SubjectID != 0 {
		// Looking a member up finds only what may name them: their acts
		// in a secret circle the viewer is not in would say they are in
		// it.
		q.and(auditNamesContent(ctx, &q, "al"))
	}
	where, whereArgs := q.whereSQL(), len(q.args)
	// After the filter, so that the count below reads the filter's
	// arguments alone.
	named := auditNamesContent(ctx, &q, "al")
	page := f.Page.Normalize()
	rows, err := db.read.QueryContext(ctx, `SELECT al.id, al.at, al.action,
			COALESCE(al.actor_id, 0), ac.handle, ac.name, COALESCE(al.subject_member_id, 0), sm.handle, sm.name,
			COALESCE(al.hub_id, 0), COALESCE(al.circle_id, 0), COALESCE(al.thread_id, 0), COALESCE(al.post_id, 0),
			al.reason, al.detail, CASE WHEN `+named+` THEN 1 ELSE 0 END
		FROM audit_log al
		LEFT JOIN members ac ON ac.id = al.actor_id AND ac.state <> 'deleted'
		LEFT JOIN members sm ON sm.id = al.subject_member_id AND sm.state <> 'deleted'
		`+where+` ORDER BY al.at DESC, al.id DESC`+limitSQL(page.Size, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit entries: %w", err)
	}
	defer rows.Close()
	entries := []*sharefair.AuditEntry{}
	for rows.Next() {
		var e sharefair.AuditEntry
		var actorHandle, actorName, subjectHandle, subjectName sql.NullString
		var mayName bool
		if err := rows.Scan(&e.ID, &e.At, &e.Action, &e.ActorID, &actorHandle, &actorName, &e.SubjectID, &subjectHandle,
			&subjectName, &e.HubID, &e.CircleID, &e.ThreadID, &e.PostID, &e.Reason, &e.Detail, &mayName); err != nil {
			return nil, 0, fmt.Errorf("find audit entries: %w", err)
		}
		e.At = e.At.UTC()
		if actorHandle.Valid {
			e.Actor = &sharefair.MemberRef{ID: e.ActorID, Handle: actorHandle.String, Name: actorName.String}
		}
		if subjectHandle.Valid {
			e.Subject = &sharefair.MemberRef{ID: e.SubjectID, Handle: subjectHandle.String, Name: subjectName.String}
		}
		if !mayName {
			// That something was done, and when; not by whom nor to
			// whom, which would say who is in the circle.
			e.InSecretCircle = true
			e.HubID, e.CircleID, e.ThreadID, e.PostID, e.Reason = 0, 0, 0, 0, ""
			e.ActorID, e.Actor, e.SubjectID, e.Subject = 0, nil, 0, nil
		}
		entries = append(entries, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find audit entries: %w", err)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log al "+where, q.args[:whereArgs]...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit entries: %w", err)
	}
	return entries, total, nil
}
