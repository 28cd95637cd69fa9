package store

import "context"

// MemberMayRead answers, through memberMayRead, whether member memberID
// may read thread threadID: for tests that hold it to contentVisible.
func (db *DB) MemberMayRead(ctx context.Context, memberID, threadID int64) (bool, error) {
	var q query
	cond := memberMayRead(&q, "m", "t")
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM members m, threads t WHERE m.id = `+q.arg(memberID)+
		` AND t.id = `+q.arg(threadID)+` AND `+cond, q.args...).Scan(&n)
	return n == 1, err
}
