package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

// JobNotify is the job that makes the notifications an event calls for;
// its payload is the event's number.
const JobNotify = "notify"

var _ sharefair.NotificationService = (*DB)(nil)

// notifies reports whether events of kind k tell somebody something.
func notifies(k sharefair.EventKind) bool {
	switch k {
	case sharefair.EventPostWritten, sharefair.EventMentioned, sharefair.EventInvited, sharefair.EventCircleInvited,
		sharefair.EventPostHidden, sharefair.EventPostRestored:
		return true
	}
	return false
}

// Notify makes the notifications event id calls for: the notify job's
// work. Running it again for one event adds nothing (notifications_event),
// so a job run twice after a crash tells nobody twice. Who is told is
// decided here from who takes part; what they are shown of it is decided
// when they look (notificationShown). An event pruned meanwhile is
// nothing to do.
func (db *DB) Notify(ctx context.Context, id int64) error {
	defer db.unreadGen.Add(1)
	return db.inTx(ctx, func(tx *Tx) error {
		var e sharefair.Event
		var actor, subject, hub, circle, thread, post, invitation sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, kind, at, actor_id, subject_member_id, hub_id, circle_id, thread_id, post_id, invitation_id
			FROM events WHERE id = $1`, id).Scan(&e.ID, &e.Kind, &e.At, &actor, &subject, &hub, &circle, &thread, &post, &invitation)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("notify: read event %d: %w", id, err)
		}
		e.ActorID, e.SubjectID, e.HubID, e.CircleID = actor.Int64, subject.Int64, hub.Int64, circle.Int64
		e.ThreadID, e.PostID, e.InvitationID = thread.Int64, post.Int64, invitation.Int64
		e.At = e.At.UTC()
		switch e.Kind {
		case sharefair.EventPostWritten:
			err = tx.notifyReply(ctx, e)
		case sharefair.EventMentioned:
			err = tx.notifyOne(ctx, e, sharefair.NotifyMention, e.SubjectID)
		case sharefair.EventCircleInvited:
			err = tx.notifyOne(ctx, e, sharefair.NotifyCircleInvitation, e.SubjectID)
		case sharefair.EventPostHidden:
			err = tx.notifyOne(ctx, e, sharefair.NotifyPostHidden, e.SubjectID)
		case sharefair.EventPostRestored:
			err = tx.notifyOne(ctx, e, sharefair.NotifyPostRestored, e.SubjectID)
		case sharefair.EventInvited:
			err = tx.notifyInvited(ctx, e)
		}
		if err != nil {
			return err
		}
		return tx.queueMail(ctx, e)
	})
}

// replyRecipients returns the FROM clause and condition of the members
// told of reply e: active members, but its writer, who follow its thread,
// or who took part in it (a post not withdrawn) and did not mute it; who
// may read it (memberMayRead), have not read past it already (a job that
// ran late) and did not turn replies off; those its post mentions are
// told of the mention instead. The followers and participants are found
// by the thread, then their rows by key.
func replyRecipients(q *query, e sharefair.Event) (from, where string) {
	t := q.arg(e.ThreadID)
	from = `(SELECT rf.member_id AS id FROM thread_follows rf WHERE rf.thread_id = ` + t + ` AND rf.level = 'following'
		UNION SELECT rp.author_id FROM posts rp WHERE rp.thread_id = ` + t + ` AND rp.withdrawn_at IS NULL
			AND rp.author_id NOT IN (SELECT rm.member_id FROM thread_follows rm WHERE rm.thread_id = ` + t + ` AND rm.level = 'muted')) r
		JOIN members m ON m.id = r.id
		JOIN threads t ON t.id = ` + t
	where = `m.state = 'active' AND m.id <> ` + q.arg(e.ActorID) + ` AND ` + deliveryOf("m.id", "'reply'") + ` <> 'off'
		AND ` + memberMayRead(q, "m", "t") + `
		AND NOT EXISTS (SELECT 1 FROM thread_reads rr WHERE rr.member_id = m.id AND rr.thread_id = ` + t + `
			AND rr.last_read_post_id >= ` + q.arg(e.PostID) + `)
		AND m.id NOT IN (SELECT re.subject_member_id FROM events re WHERE re.post_id = ` + q.arg(e.PostID) + ` AND re.kind = 'mentioned')`
	return from, where
}

// notifyReply tells the thread's participants and followers of reply e:
// gathered into their unread notification of the thread's replies, if
// they have one, else in a new one. One statement does either, whatever
// the order the replies' jobs run in and however many run at once: the
// gathering keeps the first and the last post it holds, and running a
// job again changes nothing.
func (tx *Tx) notifyReply(ctx context.Context, e sharefair.Event) error {
	var q query
	from, where := replyRecipients(&q, e)
	t, p, at := q.arg(e.ThreadID), q.arg(e.PostID), q.arg(e.At)
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifications
			(member_id, kind, event_id, actor_id, thread_id, post_id, last_post_id, created_at, updated_at)
		SELECT m.id, 'reply', `+q.arg(e.ID)+`, `+q.arg(e.ActorID)+`, `+t+`, `+p+`, `+p+`, `+at+`, `+at+`
		FROM `+from+` WHERE `+where+`
		ON CONFLICT (member_id, thread_id) WHERE kind = 'reply' AND read_at IS NULL DO UPDATE SET
			post_id = CASE WHEN excluded.post_id < notifications.post_id THEN excluded.post_id ELSE notifications.post_id END,
			last_post_id = CASE WHEN excluded.last_post_id > notifications.last_post_id THEN excluded.last_post_id
				ELSE notifications.last_post_id END,
			updated_at = CASE WHEN excluded.updated_at > notifications.updated_at THEN excluded.updated_at
				ELSE notifications.updated_at END`, q.args...); err != nil {
		return fmt.Errorf("notify reply: %w", err)
	}
	return nil
}

// notifyOne tells member memberID, if active, of e.
func (tx *Tx) notifyOne(ctx context.Context, e sharefair.Event, kind sharefair.NotificationKind, memberID int64) error {
	n := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
	var q query
	k, thread, post := q.arg(string(kind)), q.arg(n(e.ThreadID)), q.arg(n(e.PostID))
	cols := k + ", " + q.arg(e.ID) + ", " + q.arg(n(e.ActorID)) + ", " + thread + ", " + post + ", " + post + ", " +
		q.arg(n(e.HubID)) + ", " + q.arg(n(e.CircleID)) + ", " + q.arg(n(e.InvitationID))
	at := q.arg(e.At)
	where := `m.id = ` + q.arg(memberID) + ` AND m.state = 'active' AND ` + deliveryOf("m.id", k) + ` <> 'off'`
	if e.ThreadID != 0 {
		// About a thread: only to one who may read it.
		where += ` AND EXISTS (SELECT 1 FROM threads t WHERE t.id = ` + thread + ` AND ` + memberMayRead(&q, "m", "t") + `)`
	}
	if kind == sharefair.NotifyMention {
		// Not to one who has read past it already (a job that ran late).
		where += ` AND NOT EXISTS (SELECT 1 FROM thread_reads rr WHERE rr.member_id = m.id AND rr.thread_id = ` + thread + `
			AND rr.last_read_post_id >= ` + post + `)`
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifications
			(member_id, kind, event_id, actor_id, thread_id, post_id, last_post_id, hub_id, circle_id, invitation_id, created_at, updated_at)
		SELECT m.id, `+cols+`, `+at+`, `+at+` FROM members m WHERE `+where+`
		ON CONFLICT DO NOTHING`, q.args...); err != nil {
		return fmt.Errorf("notify %s: %w", kind, err)
	}
	return nil
}

// notifyInvited tells a member invited by email to a hub: the active
// member with the invitation's address, if any. An invitation to the
// network is for someone who is not a member yet.
func (tx *Tx) notifyInvited(ctx context.Context, e sharefair.Event) error {
	if e.HubID == 0 {
		return nil
	}
	var memberID int64
	err := tx.QueryRowContext(ctx, `SELECT m.id FROM invitations i JOIN members m ON m.email = i.email
		WHERE i.id = $1 AND m.state = 'active'`, e.InvitationID).Scan(&memberID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("notify invitation: %w", err)
	}
	return tx.notifyOne(ctx, e, sharefair.NotifyInvitation, memberID)
}

// notificationSelect returns the columns and joins that read the viewer's
// notifications as they may be shown them now, adding to q.
func notificationSelect(ctx context.Context, q *query, now time.Time) (sel, where string) {
	me := q.arg(sharefair.ViewerIDFromContext(ctx))
	sel = `SELECT n.id, n.kind, n.updated_at, CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END, COALESCE(n.post_id, 0),
			t.id, t.title, CASE WHEN t.withdrawn_at IS NULL THEN 0 ELSE 1 END,
			h.id, h.slug, h.name, c.id, c.key, c.name, c.kind,
			a.id, a.handle, a.name, a.organisation, ` + formerAuthor("a") + `,
			COALESCE(p.hidden_reason, ''),
			CASE WHEN n.kind = 'reply' THEN (SELECT COUNT(*) FROM posts cp WHERE cp.thread_id = n.thread_id
				AND cp.id >= n.post_id AND cp.id <= n.last_post_id AND cp.author_id <> ` + me + `
				AND cp.withdrawn_at IS NULL AND cp.hidden_at IS NULL) ELSE 0 END,
			CASE WHEN n.kind = 'reply' THEN (SELECT COUNT(*) FROM posts cp WHERE cp.thread_id = n.thread_id
				AND cp.id >= n.post_id AND cp.id <= n.last_post_id AND cp.attribution <> 'named')
				WHEN n.kind = 'mention' AND p.attribution <> 'named' THEN 1 ELSE 0 END
		FROM notifications n
		LEFT JOIN threads t ON t.id = n.thread_id
		LEFT JOIN posts p ON p.id = n.post_id
		LEFT JOIN hubs h ON h.id = n.hub_id
		LEFT JOIN circles c ON c.id = n.circle_id
		LEFT JOIN members a ON a.id = ` + notificationActor(ctx, q, "n", "p")
	return sel, notificationShown(ctx, q, now, "n", "t", "p", "c")
}

func scanNotification(s interface{ Scan(...any) error }) (*sharefair.Notification, error) {
	var n sharefair.Notification
	var threadID, hubID, circleID, actorID sql.NullInt64
	var title, hubSlug, hubName, circleKey, circleName, circleKind, handle, name, org sql.NullString
	var withdrawn, former sql.NullBool
	var hiddenAuthors int
	if err := s.Scan(&n.ID, &n.Kind, &n.At, &n.Read, &n.PostID, &threadID, &title, &withdrawn,
		&hubID, &hubSlug, &hubName, &circleID, &circleKey, &circleName, &circleKind,
		&actorID, &handle, &name, &org, &former, &n.Reason, &n.Replies, &hiddenAuthors); err != nil {
		return nil, err
	}
	n.At = n.At.UTC()
	if hiddenAuthors > 0 {
		// What it tells of hides its author: its time of day would
		// point to them.
		n.At = hiddenTime(n.At)
	}
	if threadID.Valid {
		n.Thread = &sharefair.ThreadRef{ID: threadID.Int64, Title: title.String}
		if withdrawn.Bool {
			n.Thread.Title = sharefair.WithdrawnThreadTitle
		}
	}
	if hubID.Valid {
		n.Hub = &sharefair.HubRef{ID: hubID.Int64, Slug: hubSlug.String, Name: hubName.String}
	}
	if circleID.Valid {
		n.Circle = &sharefair.CircleRef{ID: circleID.Int64, Key: circleKey.String, Name: circleName.String,
			Kind: sharefair.CircleKind(circleKind.String)}
	}
	if actorID.Valid && (n.Kind != sharefair.NotifyReply || n.Replies == 1) {
		// Of several replies, none is named: the first might be signed
		// and the others not, and naming one would say who did not
		// write the rest.
		n.Actor = authorRef(actorID.Int64, handle.String, name.String, org.String, former.Bool)
	}
	if n.Kind != sharefair.NotifyPostHidden {
		n.Reason = ""
	}
	return &n, nil
}

// Notifications lists one page of the viewer's notifications, latest
// first, as they may be shown them now, and their total.
func (db *DB) Notifications(ctx context.Context, page sharefair.Page) ([]*sharefair.Notification, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, 0, err
	}
	var q query
	sel, where := notificationSelect(ctx, &q, db.Now.Now())
	page = page.Normalize()
	rows, err := db.read.QueryContext(ctx, sel+" WHERE "+where+" ORDER BY n.updated_at DESC, n.id DESC"+
		limitSQL(page.Size, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find notifications: %w", err)
	}
	defer rows.Close()
	out := []*sharefair.Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find notifications: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find notifications: %w", err)
	}
	var cq query
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications n `+notificationJoins+
		` WHERE `+notificationShown(ctx, &cq, db.Now.Now(), "n", "t", "p", "c"), cq.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count notifications: %w", err)
	}
	return out, total, nil
}

// notificationJoins are what notificationShown reads beside the row.
const notificationJoins = `LEFT JOIN threads t ON t.id = n.thread_id
	LEFT JOIN posts p ON p.id = n.post_id
	LEFT JOIN circles c ON c.id = n.circle_id`

// UnreadNotifications counts the viewer's unread notifications that may be
// shown them, up to one more than MaxUnreadShown.
func (db *DB) UnreadNotifications(ctx context.Context) (int, error) {
	v := sharefair.ViewerFromContext(ctx)
	if v == nil {
		return 0, nil
	}
	gen, now := db.unreadGen.Load(), db.Now.Now()
	if c, ok := db.unread.Load(v.ID); ok {
		if c := c.(unreadCount); c.gen == gen && now.Sub(c.at) < unreadFor && !now.Before(c.at) {
			return c.n, nil
		}
	}
	var q query
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications n `+notificationJoins+`
		WHERE n.read_at IS NULL AND `+notificationShown(ctx, &q, db.Now.Now(), "n", "t", "p", "c")+
		limitSQL(sharefair.MaxUnreadShown+1, 0)+`) u`, q.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	db.unread.Store(v.ID, unreadCount{n: n, gen: gen, at: now})
	return n, nil
}

// unreadCount is a member's unread count as last counted: kept for every
// page's navigation until a notification is made anywhere (unreadGen),
// the member reads one, or unreadFor passes, whichever comes first. A
// withdrawal, a hide or a change of audience in between shows in the
// count within unreadFor, and in the list at once.
type unreadCount struct {
	n   int
	gen uint64
	at  time.Time
}

// unreadFor is how long a kept unread count is shown.
const unreadFor = 30 * time.Second

// forgetUnread drops member memberID's kept unread count.
func (db *DB) forgetUnread(memberID int64) { db.unread.Delete(memberID) }

// OpenNotification marks one of the viewer's notifications read and
// returns it, as they may be shown it.
func (db *DB) OpenNotification(ctx context.Context, id int64) (*sharefair.Notification, error) {
	var n *sharefair.Notification
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		sel, where := notificationSelect(ctx, &q, tx.now)
		var err error
		n, err = scanNotification(tx.QueryRowContext(ctx, sel+" WHERE n.id = "+q.arg(id)+" AND "+where, q.args...))
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Notification")
		} else if err != nil {
			return fmt.Errorf("open notification: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND member_id = $3 AND read_at IS NULL`,
			tx.now, id, v.ID); err != nil {
			return fmt.Errorf("open notification: %w", err)
		}
		n.Read = true
		return nil
	})
	return n, err
}

// MarkNotificationsRead marks the viewer's notifications of ids read, or
// all of them when ids is empty.
func (db *DB) MarkNotificationsRead(ctx context.Context, ids []int64) (int, error) {
	if len(ids) > sharefair.MaxPageSize {
		p := sharefair.Problems{}
		p.Add("ids", fmt.Sprintf("Mark at most %d notifications at once.", sharefair.MaxPageSize))
		return 0, p.Err()
	}
	var changed int
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		q.and("member_id = " + q.arg(v.ID))
		q.and("read_at IS NULL")
		if len(ids) > 0 {
			ph := make([]string, len(ids))
			for i, id := range ids {
				ph[i] = q.arg(id)
			}
			q.and("id IN (" + strings.Join(ph, ", ") + ")")
		}
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = `+q.arg(tx.now)+` `+q.whereSQL(), q.args...)
		if err != nil {
			return fmt.Errorf("mark notifications read: %w", err)
		}
		n, _ := res.RowsAffected()
		changed = int(n)
		return nil
	})
	return changed, err
}

// FollowThread sets how the viewer follows a thread they may read.
func (db *DB) FollowThread(ctx context.Context, threadID int64, level sharefair.FollowLevel) (bool, error) {
	if !level.Valid() {
		p := sharefair.Problems{}
		p.Add("level", "Choose following, normal or muted.")
		return false, p.Err()
	}
	changed := false
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		t, err := threadByID(ctx, tx, threadID)
		if err != nil {
			return err
		}
		if t.ViewerFollow == level {
			return nil
		}
		changed = true
		if level == sharefair.FollowNormal {
			_, err = tx.ExecContext(ctx, `DELETE FROM thread_follows WHERE member_id = $1 AND thread_id = $2`, v.ID, threadID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO thread_follows (member_id, thread_id, level, created_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (member_id, thread_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at`,
				v.ID, threadID, string(level), tx.now)
		}
		if err != nil {
			return fmt.Errorf("follow thread: %w", err)
		}
		return nil
	})
	return changed, err
}

// MarkThreadRead records that the viewer read a thread they may read up
// to the end of its page'th page of posts; page 0 or less is all of it.
func (db *DB) MarkThreadRead(ctx context.Context, threadID int64, page int) error {
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		q.and("t.id = " + q.arg(threadID))
		q.and(threadVisible(ctx, &q, "t"))
		// The last post of the page, or of the thread when the page is
		// its last or past it.
		var upTo sql.NullInt64
		err := sql.ErrNoRows
		if page > 0 && page*sharefair.PostsPerPage <= sharefair.MaxPageNumber*sharefair.MaxPageSize {
			err = tx.QueryRowContext(ctx, `SELECT p.id FROM posts p JOIN threads t ON t.id = p.thread_id `+q.whereSQL()+
				` ORDER BY p.id`+limitSQL(1, page*sharefair.PostsPerPage-1), q.args...).Scan(&upTo)
		}
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `SELECT MAX(p.id) FROM posts p JOIN threads t ON t.id = p.thread_id `+q.whereSQL(),
				q.args...).Scan(&upTo)
		}
		if err != nil {
			return fmt.Errorf("mark thread read: %w", err)
		}
		if !upTo.Valid {
			return sharefair.ErrNotFound("Thread")
		}
		return tx.markRead(ctx, v.ID, threadID, upTo.Int64)
	})
}

// markRead records, inside tx, that member memberID read thread threadID
// up to post upTo (never moving back), and marks read what they were told
// of it up to there: a gathering of replies once its latest is read.
func (tx *Tx) markRead(ctx context.Context, memberID, threadID, upTo int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO thread_reads (member_id, thread_id, last_read_post_id, read_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (member_id, thread_id) DO UPDATE SET read_at = excluded.read_at,
			last_read_post_id = CASE WHEN excluded.last_read_post_id > thread_reads.last_read_post_id
				THEN excluded.last_read_post_id ELSE thread_reads.last_read_post_id END`,
		memberID, threadID, upTo, tx.now); err != nil {
		return fmt.Errorf("mark thread read: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1
		WHERE member_id = $2 AND thread_id = $3 AND read_at IS NULL AND kind IN ('reply', 'mention') AND last_post_id <= $4`,
		tx.now, memberID, threadID, upTo); err != nil {
		return fmt.Errorf("mark thread read: %w", err)
	}
	return nil
}
