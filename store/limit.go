package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/sharefair/sharefair"
)

// Limit is how many writes of one kind a member may make in a period, e.g.
// 30 posts per 10 minutes. The zero Limit is no limit.
type Limit struct {
	Events int
	Per    time.Duration
}

// Off reports whether l limits nothing.
func (l Limit) Off() bool { return l.Events <= 0 || l.Per <= 0 }

// The limits are counted from the data, inside the write's transaction,
// after the viewer's row is locked (Tx.viewer): two writes of one member at
// once take turns, so they cannot both take the last place.

// checkPostLimit refuses a new post (a thread's opening post or a reply)
// when the member wrote db.PostLimit's number of posts within its period.
func (tx *Tx) checkPostLimit(ctx context.Context, memberID int64) error {
	l := tx.db.PostLimit
	if l.Off() {
		return nil
	}
	// The oldest of the member's latest Events posts within the period:
	// when there is one, the period is full until it leaves it.
	var at time.Time
	err := tx.QueryRowContext(ctx, `SELECT created_at FROM posts WHERE author_id = $1 AND created_at > $2
		ORDER BY created_at DESC LIMIT 1 OFFSET `+strconv.Itoa(l.Events-1), memberID, tx.now.Add(-l.Per)).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("count posts: %w", err)
	}
	wait := at.Add(l.Per).Sub(tx.now)
	return rateLimited(wait, fmt.Sprintf("You have posted %d times in the last %s, the most a member may. "+
		"Nothing was posted; keep your text and post it again in %s.", l.Events, period(l.Per), period(wait)))
}

// checkInvitationLimit refuses an invitation (a new one, or one renewed)
// when the member made or renewed db.InvitationLimit's number of
// invitations within its period. Each invitation counts once, at its
// latest making or renewal.
func (tx *Tx) checkInvitationLimit(ctx context.Context, memberID int64) error {
	l := tx.db.InvitationLimit
	if l.Off() {
		return nil
	}
	// The columns are read apart: SQLite gives an expression over times
	// back as text.
	var at time.Time
	var renewed sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT created_at, renewed_at FROM invitations
		WHERE invited_by = $1 AND COALESCE(renewed_at, created_at) > $2
		ORDER BY COALESCE(renewed_at, created_at) DESC LIMIT 1 OFFSET `+strconv.Itoa(l.Events-1),
		memberID, tx.now.Add(-l.Per)).Scan(&at, &renewed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("count invitations: %w", err)
	}
	if renewed.Valid {
		at = renewed.Time
	}
	wait := at.Add(l.Per).Sub(tx.now)
	return rateLimited(wait, fmt.Sprintf("You have sent %d invitations in the last %s, the most a member may. "+
		"Nothing was sent; try again in %s.", l.Events, period(l.Per), period(wait)))
}

// rateLimited is the refusal of a write over its limit: 429, with the
// seconds to wait for Retry-After.
func rateLimited(wait time.Duration, msg string) error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &sharefair.Error{Code: sharefair.ERATELIMITED, Message: msg, RetryAfterSeconds: secs}
}

// period says a duration as a person would: "10 minutes", "24 hours".
func period(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.FormatInt(n, 10) + " " + unit + "s"
	}
	switch {
	case d < time.Minute:
		return plural(int64(math.Max(1, math.Ceil(d.Seconds()))), "second")
	case d < 2*time.Hour:
		return plural(int64(math.Ceil(d.Minutes())), "minute")
	default:
		return plural(int64(math.Ceil(d.Hours())), "hour")
	}
}
