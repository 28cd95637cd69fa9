package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/jobs"
)

// JobMail is the job that sends one message of the outbox; its payload is
// the outbox row's number.
const JobMail = "mail"

// MailDelay is how long a notification's mail waits before it is sent,
// so that a thread's replies in that time go out in one message, and one
// read meanwhile in Sharefair is not sent at all.
const MailDelay = 2 * time.Minute

var _ sharefair.MailService = (*DB)(nil)

// deliveryOf returns an expression, over a member id m and a kind k (SQL
// expressions both), of how that kind reaches that member.
func deliveryOf(m, k string) string {
	return `COALESCE((SELECT mp.delivery FROM mail_prefs mp WHERE mp.member_id = ` + m + ` AND mp.kind = ` + k + `), '` +
		string(sharefair.DefaultDelivery) + `')`
}

// queueMail puts in the outbox, inside tx, the mail of the notifications
// event e made or gathered a reply into, for the members who take that
// kind by email and whose address has not stopped receiving it, unless
// one is queued for that notification already; and makes each its job,
// due after MailDelay.
func (tx *Tx) queueMail(ctx context.Context, e sharefair.Event) error {
	// The notifications e made, or the gatherings of replies that hold
	// its post.
	var q query
	ev := q.arg(e.ID)
	touched := "n.event_id = " + ev + " AND n.kind <> 'reply'"
	if e.Kind == sharefair.EventPostWritten {
		p := q.arg(e.PostID)
		touched = "n.thread_id = " + q.arg(e.ThreadID) + " AND n.kind = 'reply' AND n.post_id <= " + p + " AND n.last_post_id >= " + p
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, member_id, notification_id, event_id, created_at)
		SELECT 'notification', n.member_id, n.id, `+ev+`, `+q.arg(tx.now)+` FROM notifications n JOIN members m ON m.id = n.member_id
		WHERE `+touched+` AND n.read_at IS NULL AND m.state = 'active' AND m.mail_stopped_at IS NULL
			AND `+deliveryOf("n.member_id", "n.kind")+` = 'email'
			AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.notification_id = n.id AND o.state = 'queued')`, q.args...); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, key, payload, run_at, max_attempts, created_at)
		SELECT $1, 'outbox:' || CAST(o.id AS TEXT), CAST(o.id AS TEXT), $2, $3, $4 FROM outbox o
		WHERE o.event_id = $5 AND o.state = 'queued'
		ON CONFLICT DO NOTHING`, JobMail, e.At.Add(MailDelay), 30, tx.now, e.ID)
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		tx.enqueued = true
	}
	return nil
}

// QueueTestMail puts a test message to address in the outbox and makes
// its job, due now. Network admins, or the operator.
func (db *DB) QueueTestMail(ctx context.Context, address string) (int64, error) {
	var id int64
	err := db.asViewerOrOperator(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if v != nil && !mayReadOutbox(v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may send a test message.")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, address, created_at) VALUES ('test', $1, $2) RETURNING id`,
			address, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("queue test mail: %w", err)
		}
		return tx.mailJob(ctx, id)
	})
	return id, err
}

// mailJob makes, inside tx, the job that sends outbox message id, due
// now, keyed by the message so that it is made once.
func (tx *Tx) mailJob(ctx context.Context, id int64) error {
	key := strconv.FormatInt(id, 10)
	if _, _, err := tx.enqueue(ctx, jobs.New{Kind: JobMail, Key: "outbox:" + key, Payload: key}); err != nil {
		return err
	}
	tx.enqueued = true
	return nil
}

// Outgoing is one message of the outbox as the mail job reads it: whom
// it is for, and what it tells of.
type Outgoing struct {
	ID    int64
	Kind  string
	State string
	// Member is the recipient, when a member; Address the recipient's
	// address otherwise.
	Member  *sharefair.Member
	Address string
	// NewAddress is the address a change of address is to be confirmed
	// from.
	NewAddress     string
	NotificationID int64
	// Stopped is set when mail to the member's address has stopped
	// (bounces), or they may no longer take part.
	Stopped bool
	// Unwanted is set for a notification's message whose member no
	// longer takes its kind by email (they unsubscribed since).
	Unwanted bool
}

// Outgoing reads outbox message id, for the mail job (the operator).
func (db *DB) Outgoing(ctx context.Context, id int64) (*Outgoing, error) {
	o := &Outgoing{ID: id}
	var member, notification sql.NullInt64
	var stopped sql.NullTime
	var state sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT o.kind, o.state, o.member_id, o.address, o.notification_id, m.mail_stopped_at, m.state,
			CASE WHEN n.id IS NOT NULL AND `+deliveryOf("n.member_id", "n.kind")+` <> 'email' THEN 1 ELSE 0 END
		FROM outbox o LEFT JOIN members m ON m.id = o.member_id LEFT JOIN notifications n ON n.id = o.notification_id
		WHERE o.id = $1`, id).Scan(&o.Kind, &o.State, &member, &o.Address, &notification, &stopped, &state, &o.Unwanted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sharefair.ErrNotFound("Message")
	} else if err != nil {
		return nil, fmt.Errorf("read outbox %d: %w", id, err)
	}
	o.NotificationID = notification.Int64
	o.NewAddress = o.Address
	if member.Valid {
		if o.Member, err = db.memberByID(ctx, member.Int64); err != nil {
			return nil, err
		}
		o.Address = o.Member.Email
		o.Stopped = stopped.Valid || state.String != string(sharefair.MemberActive)
	}
	return o, nil
}

// NotificationMail reads, as the viewer (the recipient) may see them now,
// a notification of theirs and the posts its mail tells of: for new
// replies, those since the last mail of it (at most max, neither
// withdrawn nor hidden, not the viewer's), with the last of them all;
// for a mention, its post; and how many posts it tells of in all. A
// notification no longer shown is not found.
func (db *DB) NotificationMail(ctx context.Context, id int64, max int) (*sharefair.Notification, []*sharefair.Post, int64, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, nil, 0, 0, err
	}
	var q query
	sel, where := notificationSelect(ctx, &q, db.Now.Now())
	n, err := scanNotification(db.read.QueryRowContext(ctx, sel+" WHERE n.id = "+q.arg(id)+" AND "+where, q.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, 0, 0, sharefair.ErrNotFound("Notification")
	} else if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("read notification: %w", err)
	}
	if n.Thread == nil || (n.Kind != sharefair.NotifyReply && n.Kind != sharefair.NotifyMention) {
		return n, nil, 0, 0, nil
	}
	var from, upTo, emailed sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT post_id, last_post_id, emailed_post_id FROM notifications WHERE id = $1`, id).
		Scan(&from, &upTo, &emailed); err != nil {
		return nil, nil, 0, 0, fmt.Errorf("read notification: %w", err)
	}
	lo := from.Int64
	if emailed.Valid && emailed.Int64 >= lo {
		lo = emailed.Int64 + 1
	}
	told := func(q *query) {
		q.and("p.thread_id = " + q.arg(n.Thread.ID))
		q.and("p.id >= " + q.arg(lo) + " AND p.id <= " + q.arg(upTo.Int64))
		q.and("p.withdrawn_at IS NULL AND p.hidden_at IS NULL AND p.author_id <> " + q.arg(sharefair.ViewerIDFromContext(ctx)))
		q.and(threadVisible(ctx, q, "t"))
	}
	var pq, cq query
	psel := postSelect(ctx, &pq, postsInThreads)
	told(&pq)
	told(&cq)
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+postsInThreads+" "+cq.whereSQL(), cq.args...).Scan(&total); err != nil {
		return nil, nil, 0, 0, fmt.Errorf("count notification's posts: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, psel+" "+pq.whereSQL()+" ORDER BY p.id"+limitSQL(max, 0), pq.args...)
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("read notification's posts: %w", err)
	}
	defer rows.Close()
	var posts []*sharefair.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, nil, 0, 0, fmt.Errorf("read notification's posts: %w", err)
		}
		posts = append(posts, p)
	}
	return n, posts, upTo.Int64, total, rows.Err()
}

// MailSent records outbox message id as sent, and that its notification's
// mail has told its replies up to post upTo. A sent message clears its
// address's bounces.
func (db *DB) MailSent(ctx context.Context, id, notificationID, upTo int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent', sent_at = $1, link_secret = '' WHERE id = $2`, tx.now, id); err != nil {
			return fmt.Errorf("mail sent: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET bounces = 0 WHERE bounces > 0 AND id = (SELECT member_id FROM outbox WHERE id = $1)`,
			id); err != nil {
			return fmt.Errorf("mail sent: %w", err)
		}
		if notificationID != 0 && upTo != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET emailed_post_id = $1 WHERE id = $2`, upTo, notificationID); err != nil {
				return fmt.Errorf("mail sent: %w", err)
			}
			// A reply gathered while this one was being sent waits for a
			// message of its own.
			var next int64
			err := tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, member_id, notification_id, created_at)
				SELECT 'notification', n.member_id, n.id, $1 FROM notifications n
				WHERE n.id = $2 AND n.read_at IS NULL AND n.last_post_id > $3
					AND `+deliveryOf("n.member_id", "n.kind")+` = 'email'
					AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.notification_id = n.id AND o.state = 'queued' AND o.id <> $4)
				RETURNING id`, tx.now, notificationID, upTo, id).Scan(&next)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			} else if err != nil {
				return fmt.Errorf("mail sent: %w", err)
			}
			key := strconv.FormatInt(next, 10)
			_, _, err = tx.enqueue(ctx, jobs.New{Kind: JobMail, Key: "outbox:" + key, Payload: key, RunAt: tx.now.Add(MailDelay)})
			return err
		}
		return nil
	})
}

// MailDropped records that outbox message id was not sent, and why (in
// words an admin may read: never what it would have said).
func (db *DB) MailDropped(ctx context.Context, id int64, reason string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'dropped', reason = $1, link_secret = '' WHERE id = $2 AND state = 'queued'`,
			reason, id); err != nil {
			return fmt.Errorf("mail dropped: %w", err)
		}
		return nil
	})
}

// MailFailed records that outbox message id failed for good, and why (in
// words an admin may read).
func (db *DB) MailFailed(ctx context.Context, id int64, reason string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'failed', reason = $1, link_secret = '' WHERE id = $2 AND state = 'queued'`,
			reason, id); err != nil {
			return fmt.Errorf("mail failed: %w", err)
		}
		return nil
	})
}

// MailBounced records that outbox message id bounced (the relay refused
// its address for good, or a bounce came back for it): the message has
// failed, and its member's address counts one bounce more; at
// sharefair.MaxBounces mail to it stops.
func (db *DB) MailBounced(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'failed', reason = 'The address bounced.', link_secret = '' WHERE id = $1`, id); err != nil {
			return fmt.Errorf("mail bounced: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET bounces = bounces + 1,
			mail_stopped_at = CASE WHEN bounces + 1 >= $1 AND mail_stopped_at IS NULL THEN $2 ELSE mail_stopped_at END
			WHERE id = (SELECT member_id FROM outbox WHERE id = $3)`, sharefair.MaxBounces, tx.now, id); err != nil {
			return fmt.Errorf("mail bounced: %w", err)
		}
		return nil
	})
}

// MailSettings returns how notifications reach the viewer.
func (db *DB) MailSettings(ctx context.Context) (sharefair.MailSettings, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return sharefair.MailSettings{}, err
	}
	return mailSettings(ctx, db.read, v.ID)
}

func mailSettings(ctx context.Context, qr queryer, memberID int64) (sharefair.MailSettings, error) {
	s := sharefair.MailSettings{Delivery: map[sharefair.NotificationKind]sharefair.Delivery{}}
	for _, k := range sharefair.NotificationKinds {
		s.Delivery[k] = sharefair.DefaultDelivery
	}
	var stopped sql.NullTime
	if err := qr.QueryRowContext(ctx, `SELECT bounces, mail_stopped_at FROM members WHERE id = $1`, memberID).
		Scan(&s.Bounces, &stopped); err != nil {
		return s, fmt.Errorf("mail settings: %w", err)
	}
	s.Stopped = nullTime(stopped)
	rows, err := qr.QueryContext(ctx, `SELECT kind, delivery FROM mail_prefs WHERE member_id = $1`, memberID)
	if err != nil {
		return s, fmt.Errorf("mail settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k sharefair.NotificationKind
		var d sharefair.Delivery
		if err := rows.Scan(&k, &d); err != nil {
			return s, fmt.Errorf("mail settings: %w", err)
		}
		s.Delivery[k] = d
	}
	return s, rows.Err()
}

// UpdateMailSettings changes how notifications reach the viewer.
func (db *DB) UpdateMailSettings(ctx context.Context, u sharefair.MailSettingsUpdate) (sharefair.MailSettings, error) {
	p := sharefair.Problems{}
	for k, d := range u.Delivery {
		if !k.Valid() {
			p.Add("delivery", "“"+string(k)+"” is not a kind of notification.")
		} else if !d.Valid() {
			p.Add(string(k), "Choose by email, in Sharefair only, or off.")
		}
	}
	if err := p.Err(); err != nil {
		return sharefair.MailSettings{}, err
	}
	var out sharefair.MailSettings
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		for k, d := range u.Delivery {
			if err := tx.setDelivery(ctx, v.ID, k, d); err != nil {
				return err
			}
		}
		if u.Resume {
			if _, err := tx.ExecContext(ctx, `UPDATE members SET bounces = 0, mail_stopped_at = NULL WHERE id = $1`, v.ID); err != nil {
				return fmt.Errorf("resume mail: %w", err)
			}
		}
		var err error
		out, err = mailSettings(ctx, tx, v.ID)
		return err
	})
	return out, err
}

func (tx *Tx) setDelivery(ctx context.Context, memberID int64, k sharefair.NotificationKind, d sharefair.Delivery) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO mail_prefs (member_id, kind, delivery) VALUES ($1, $2, $3)
		ON CONFLICT (member_id, kind) DO UPDATE SET delivery = excluded.delivery`, memberID, string(k), string(d)); err != nil {
		return fmt.Errorf("set delivery: %w", err)
	}
	return nil
}

// UnsubscribeToken returns the token of the link that stops kind k's mail
// for member memberID: their number and the kind, signed with the
// network's key, so that it needs no row and works without signing in.
func (db *DB) UnsubscribeToken(ctx context.Context, memberID int64, k sharefair.NotificationKind) (string, error) {
	key, err := db.DeviceKey(ctx)
	if err != nil {
		return "", err
	}
	msg := strconv.FormatInt(memberID, 10) + "." + string(k)
	return base64.RawURLEncoding.EncodeToString([]byte(msg)) + "." + unsubscribeSig(key, msg), nil
}

func unsubscribeSig(key []byte, msg string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("unsubscribe:" + msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// Unsubscribe stops the mail of the kind an unsubscribe link names, for
// its member: the kind reaches them in Sharefair only from then on.
func (db *DB) Unsubscribe(ctx context.Context, token string) (sharefair.NotificationKind, error) {
	gone := sharefair.Errorf(sharefair.ENOTFOUND, "This unsubscribe link is not one of ours. Choose what reaches you by email in your settings.")
	enc, sig, ok := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || len(token) > 200 {
		return "", gone
	}
	key, err := db.DeviceKey(ctx)
	if err != nil {
		return "", err
	}
	if !hmac.Equal([]byte(sig), []byte(unsubscribeSig(key, string(raw)))) {
		return "", gone
	}
	idText, kind, _ := strings.Cut(string(raw), ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	k := sharefair.NotificationKind(kind)
	if err != nil || !k.Valid() {
		return "", gone
	}
	// Only mail stops: a kind turned off since stays off.
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_prefs (member_id, kind, delivery) SELECT $1, $2, $3
			WHERE EXISTS (SELECT 1 FROM members WHERE id = $1)
			ON CONFLICT (member_id, kind) DO UPDATE SET delivery = excluded.delivery WHERE mail_prefs.delivery = 'email'`,
			id, string(k), string(sharefair.DeliverApp)); err != nil {
			return fmt.Errorf("unsubscribe: %w", err)
		}
		return nil
	})
	return k, err
}

// Outbox lists one page of the outbox, newest first: whom each message is
// for, its kind and how it went. Network admins only.
func (db *DB) Outbox(ctx context.Context, page sharefair.Page) ([]sharefair.OutboxItem, int, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !mayReadOutbox(v) {
		return nil, 0, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may see the outbox.")
	}
	page = page.Normalize()
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.kind, CASE WHEN o.address <> '' THEN o.address ELSE COALESCE(m.email, '') END, o.state, o.reason, o.created_at, o.sent_at
		FROM outbox o LEFT JOIN members m ON m.id = o.member_id ORDER BY o.created_at DESC, o.id DESC`+limitSQL(page.Size, page.Offset()))
	if err != nil {
		return nil, 0, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	out := []sharefair.OutboxItem{}
	for rows.Next() {
		var it sharefair.OutboxItem
		var sent sql.NullTime
		if err := rows.Scan(&it.ID, &it.Kind, &it.To, &it.State, &it.Reason, &it.CreatedAt, &sent); err != nil {
			return nil, 0, fmt.Errorf("outbox: %w", err)
		}
		it.CreatedAt, it.SentAt = it.CreatedAt.UTC(), nullTime(sent)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("outbox: %w", err)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("outbox: %w", err)
	}
	return out, total, nil
}

// resetMailEvery bounds how often a member's password reset is mailed:
// asking again sooner sends nothing more, so that nobody can fill a
// member's inbox by asking for them.
const resetMailEvery = 15 * time.Minute

// RequestPasswordReset mails a reset link to the active member with
// email, if there is one: the link is made when the message is sent. It
// answers the same whether or not the address is a member's.
func (db *DB) RequestPasswordReset(ctx context.Context, email string) error {
	if err := sharefair.ValidateResetEmail(email); err != nil {
		return err
	}
	email = sharefair.NormalizeEmail(email)
	return db.inTx(ctx, func(tx *Tx) error {
		var memberID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE email = $1 AND state = 'active'`, email).Scan(&memberID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("request password reset: %w", err)
		}
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE member_id = $1 AND kind = 'password_reset' AND created_at > $2`,
			memberID, tx.now.Add(-resetMailEvery)).Scan(&recent); err != nil {
			return fmt.Errorf("request password reset: %w", err)
		}
		if recent > 0 {
			return nil
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, member_id, created_at) VALUES ('password_reset', $1, $2) RETURNING id`,
			memberID, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("request password reset: %w", err)
		}
		return tx.mailJob(ctx, id)
	})
}

// queueInvitationMail puts the mail of invitation id in the outbox, inside
// tx, unless one is queued for it already, and makes its job, due now.
func (tx *Tx) queueInvitationMail(ctx context.Context, id int64) error {
	var outboxID int64
	err := tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, address, invitation_id, created_at)
		SELECT 'invitation', i.email, i.id, $1 FROM invitations i WHERE i.id = $2
			AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.invitation_id = i.id AND o.state = 'queued')
		RETURNING id`, tx.now, id).Scan(&outboxID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("queue invitation mail: %w", err)
	}
	return tx.mailJob(ctx, outboxID)
}

// outboxLink returns, inside tx, the secret of the link outbox message id
// carries: the one made when it was first written, so that a retry sends
// the same link under the same Message-ID (a mail client keeps the first
// it was given), or a new one (fresh), kept with the message while it is
// queued.
func (tx *Tx) outboxLink(ctx context.Context, id int64) (secret string, fresh bool, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT link_secret FROM outbox WHERE id = $1 AND state = 'queued'`, id).Scan(&secret); errors.Is(err, sql.ErrNoRows) {
		return "", false, sharefair.ErrNotFound("Message")
	} else if err != nil {
		return "", false, fmt.Errorf("outbox link: %w", err)
	}
	if secret != "" {
		return secret, false, nil
	}
	secret = newSecret()
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET link_secret = $1 WHERE id = $2`, secret, id); err != nil {
		return "", false, fmt.Errorf("outbox link: %w", err)
	}
	return secret, true, nil
}

// PasswordResetMail makes the link of outbox message id, a password
// reset's, for its member if they may still sign in. For the mail job,
// the operator.
func (db *DB) PasswordResetMail(ctx context.Context, id int64) (string, error) {
	var secret string
	err := db.inTx(ctx, func(tx *Tx) error {
		var memberID int64
		err := tx.QueryRowContext(ctx, `SELECT m.id FROM outbox o JOIN members m ON m.id = o.member_id
			WHERE o.id = $1 AND o.kind = 'password_reset' AND m.state = 'active'`, id).Scan(&memberID)
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Member")
		} else if err != nil {
			return fmt.Errorf("password reset mail: %w", err)
		}
		var fresh bool
		if secret, fresh, err = tx.outboxLink(ctx, id); err != nil || !fresh {
			return err
		}
		return tx.createReset(ctx, memberID, secret)
	})
	return secret, err
}

// InvitationMail makes the link of outbox message id, an invitation's:
// a secret of its own (the inviter's link stays good), kept as its hash.
// It returns the invitation and the secret, or ENOTFOUND when the
// invitation is no longer open, or its address is an active member's
// now (a notification tells them). For the mail job, the operator.
func (db *DB) InvitationMail(ctx context.Context, id int64) (*sharefair.Invitation, string, error) {
	var secret string
	var inv *sharefair.Invitation
	err := db.inTx(ctx, func(tx *Tx) error {
		var invitationID int64
		var member bool
		err := tx.QueryRowContext(ctx, `SELECT i.id, EXISTS (SELECT 1 FROM members m WHERE m.email = i.email AND m.state = 'active')
			FROM outbox o JOIN invitations i ON i.id = o.invitation_id
			WHERE o.id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2`, id, tx.now).Scan(&invitationID, &member)
		if errors.Is(err, sql.ErrNoRows) || member {
			return sharefair.ErrNotFound("Invitation")
		} else if err != nil {
			return fmt.Errorf("invitation mail: %w", err)
		}
		var fresh bool
		if secret, fresh, err = tx.outboxLink(ctx, id); err != nil {
			return err
		}
		if fresh {
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET mail_token_hash = $1 WHERE id = $2`, hashSecret(secret), invitationID); err != nil {
				return fmt.Errorf("invitation mail: %w", err)
			}
		}
		inv, err = invitationByID(ctx, tx, invitationID)
		return err
	})
	return inv, secret, err
}

// emailChangesAnHour bounds the confirming links a member has mailed to
// addresses not yet theirs: the network's relay is no one's to send
// through at will.
const emailChangesAnHour = 3

// RequestEmailChange mails a confirming link to the viewer's new address,
// once their password is checked: the link is made when the message is
// sent, and the address changes only when its owner follows it. A new
// address that is taken is found out then, not told here, so that asking
// says nothing of whose addresses are whose.
func (db *DB) RequestEmailChange(ctx context.Context, c sharefair.EmailChange) error {
	v, err := requireViewer(ctx)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := db.checkPassword(ctx, v.ID, c.Current); err != nil {
		return err
	}
	if c.Email == v.Email {
		p := sharefair.Problems{}
		p.Add("email", "That is your address already.")
		return p.Err()
	}
	return db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE member_id = $1 AND kind = 'email_change' AND created_at > $2`,
			v.ID, tx.now.Add(-time.Hour)).Scan(&recent); err != nil {
			return fmt.Errorf("request email change: %w", err)
		}
		if recent >= emailChangesAnHour {
			return &sharefair.Error{Code: sharefair.ERATELIMITED, RetryAfterSeconds: 3600,
				Message: "You asked for three new addresses in the last hour: wait a little before asking again."}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, member_id, address, created_at) VALUES ('email_change', $1, $2, $3)
			RETURNING id`, v.ID, c.Email, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("request email change: %w", err)
		}
		return tx.mailJob(ctx, id)
	})
}

// EmailChangeMail makes the link of outbox message id, a change of
// address: a secret kept as its hash with the new address, replacing any
// earlier one of the member's. For the mail job, the operator.
func (db *DB) EmailChangeMail(ctx context.Context, id int64) (string, error) {
	var secret string
	err := db.inTx(ctx, func(tx *Tx) error {
		var memberID int64
		var address string
		err := tx.QueryRowContext(ctx, `SELECT member_id, address FROM outbox WHERE id = $1 AND kind = 'email_change'`, id).
			Scan(&memberID, &address)
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Message")
		} else if err != nil {
			return fmt.Errorf("email change mail: %w", err)
		}
		var fresh bool
		if secret, fresh, err = tx.outboxLink(ctx, id); err != nil || !fresh {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM email_changes WHERE member_id = $1`, memberID); err != nil {
			return fmt.Errorf("email change mail: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO email_changes (token_hash, member_id, new_email, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, hashSecret(secret), memberID, address, tx.now, tx.now.Add(sharefair.EmailChangeTTL)); err != nil {
			return fmt.Errorf("email change mail: %w", err)
		}
		return nil
	})
	return secret, err
}

// ConfirmEmailChange makes the address a link was mailed to its member's.
func (db *DB) ConfirmEmailChange(ctx context.Context, token string) error {
	gone := &sharefair.Error{Code: sharefair.EINVALID, Message: "This link cannot be used: it was used already, replaced by a newer one, " +
		"or it is more than a day old. Ask for the change again from your settings."}
	err := db.inTx(ctx, func(tx *Tx) error {
		var memberID int64
		var address string
		err := tx.QueryRowContext(ctx, `DELETE FROM email_changes WHERE token_hash = $1 AND expires_at > $2 RETURNING member_id, new_email`,
			hashSecret(token), tx.now).Scan(&memberID, &address)
		if errors.Is(err, sql.ErrNoRows) {
			return gone
		} else if err != nil {
			return fmt.Errorf("confirm email change: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE members SET email = $1, bounces = 0, mail_stopped_at = NULL, updated_at = $2
			WHERE id = $3 AND state = 'active' AND NOT EXISTS (SELECT 1 FROM members o WHERE o.email = $1 AND o.id <> $3)`,
			address, tx.now, memberID)
		if err != nil {
			return fmt.Errorf("confirm email change: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &sharefair.Error{Code: sharefair.EINVALID, Message: "That address is another account's now, so it cannot be yours. Choose another from your settings."}
		}
		return nil
	})
	if err == nil {
		db.forgetDirectory()
	}
	return err
}
