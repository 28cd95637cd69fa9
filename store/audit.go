package store

import (
	"context"
	"database/sql"
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
