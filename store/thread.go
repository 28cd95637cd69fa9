package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/markdown"
)

// threadSelect returns the columns and joins that read threads as the
// viewer may see them, adding its arguments to q; extra columns, if any,
// follow the thread's.
func threadSelect(ctx context.Context, q *query, now time.Time, extra ...string) string {
	me := q.arg(sharefair.ViewerIDFromContext(ctx))
	cols := ""
	for _, c := range extra {
		cols += ", " + c
	}
	return `SELECT t.id, t.title, t.audience, h.id, h.slug, h.name, ac.id, ac.key, ac.name, ac.kind, ac.member_count,
			a.id, a.handle, a.name, a.organisation,
			t.created_at, t.last_activity_at, t.post_count,
			t.version + (SELECT n.profiles_version FROM network n WHERE n.id = 1), t.chatham_house, t.attribution, t.last_post_hidden,
			CASE WHEN t.withdrawn_at IS NULL THEN 0 ELSE 1 END, ` + formerAuthor("a") + `, t.locked,
			` + readMarks(ctx, q, now) + cols + `
		FROM threads t
		LEFT JOIN hubs h ON h.id = t.hub_id
		LEFT JOIN circles ac ON ac.id = t.circle_id
		LEFT JOIN members a ON a.id = ` + shownAuthor(ctx, q, "t") + `
		LEFT JOIN thread_reads tr ON tr.thread_id = t.id AND tr.member_id = ` + me + `
		LEFT JOIN thread_follows tf ON tf.thread_id = t.id AND tf.member_id = ` + me
}

// readMarks returns the columns, over the threads row t and the viewer's
// thread_reads row tr, of what the viewer has read of it: how far, how
// they follow it (tf), the posts since (neither withdrawn nor hidden),
// the first of them, and whether it is new to them (never opened, started
// since they joined and within NewFor).
func readMarks(ctx context.Context, q *query, now time.Time) string {
	v := sharefair.ViewerFromContext(ctx)
	since := time.Time{}
	if v != nil {
		since = v.CreatedAt
		if s := now.Add(-sharefair.NewFor); s.After(since) {
			since = s
		}
	}
	// To the day: the moment a thread stops being new would otherwise
	// tell the time of day it was started at, which a hidden author's
	// thread keeps to the day.
	since = hiddenTime(since)
	return `COALESCE(tr.last_read_post_id, 0), COALESCE(tf.level, 'normal'),
			CASE WHEN tr.last_read_post_id IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM posts up WHERE up.thread_id = t.id
				AND up.id > tr.last_read_post_id AND up.withdrawn_at IS NULL AND up.hidden_at IS NULL) END,
			CASE WHEN tr.last_read_post_id IS NULL THEN 0 ELSE COALESCE((SELECT MIN(up.id) FROM posts up WHERE up.thread_id = t.id
				AND up.id > tr.last_read_post_id AND up.withdrawn_at IS NULL AND up.hidden_at IS NULL), 0) END,
			CASE WHEN tr.last_read_post_id IS NULL AND t.created_at >= ` + q.arg(since.UTC()) + ` THEN 1 ELSE 0 END`
}

// scanThread scans a row of threadSelect, then any extra columns.
func scanThread(s interface{ Scan(...any) error }, extra ...any) (*sharefair.Thread, error) {
	var t sharefair.Thread
	var hubID, circleID, circleMembers, authorID sql.NullInt64
	var hubSlug, hubName, circleKey, circleName, circleKind, authorHandle, authorName, authorOrg sql.NullString
	var opening sharefair.Attribution
	var former bool
	dest := []any{&t.ID, &t.Title, &t.Audience.Kind, &hubID, &hubSlug, &hubName, &circleID, &circleKey, &circleName, &circleKind, &circleMembers,
		&authorID, &authorHandle, &authorName, &authorOrg,
		&t.CreatedAt, &t.LastActivityAt, &t.PostCount, &t.Version, &t.ChathamHouse, &opening, &t.ActivityDayOnly, &t.Withdrawn, &former, &t.Locked,
		&t.ViewerReadTo, &t.ViewerFollow, &t.Unread, &t.FirstUnreadID, &t.New}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastActivityAt = t.CreatedAt.UTC(), t.LastActivityAt.UTC()
	if (opening != sharefair.AttributionNamed || t.Withdrawn) && !authorID.Valid {
		t.CreatedAt = hiddenTime(t.CreatedAt)
	}
	if t.ActivityDayOnly {
		// The latest activity is the time of a post whose author is
		// hidden.
		t.LastActivityAt = hiddenTime(t.LastActivityAt)
	}
	if hubID.Valid {
		t.Audience.Hub = &sharefair.HubRef{ID: hubID.Int64, Slug: hubSlug.String, Name: hubName.String}
	}
	if circleID.Valid {
		t.Audience.Circle = &sharefair.CircleRef{ID: circleID.Int64, Key: circleKey.String, Name: circleName.String,
			Kind: sharefair.CircleKind(circleKind.String), Members: int(circleMembers.Int64)}
	}
	if authorID.Valid {
		t.Author = authorRef(authorID.Int64, authorHandle.String, authorName.String, authorOrg.String, former)
	}
	return &t, nil
}

// FindThreadByID returns a thread the viewer may see.
func (db *DB) FindThreadByID(ctx context.Context, id int64) (*sharefair.Thread, error) {
	return threadByID(ctx, db.read, id)
}

// threadByID reads a thread the viewer may see, through q: the read pool,
// or a write transaction that checks what the viewer may do with it.
func threadByID(ctx context.Context, qr queryer, id int64) (*sharefair.Thread, error) {
	ts, err := threadsByID(ctx, qr, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, sharefair.ErrNotFound("Thread")
	}
	return ts[0], nil
}

// threadsByID reads the threads of ids the viewer may see, in one query,
// each with what the viewer may do with it; those they may not see are
// left out.
func threadsByID(ctx context.Context, qr queryer, ids []int64) ([]*sharefair.Thread, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var q query
	me := q.arg(sharefair.ViewerIDFromContext(ctx))
	sel := threadSelect(ctx, &q, readTime(qr), `CASE WHEN EXISTS (SELECT 1 FROM posts vp
		WHERE `+ownLivePost(ctx, &q, "vp")+` AND vp.thread_id = t.id) THEN 1 ELSE 0 END`,
		`CASE WHEN `+mayModerateThread(ctx, &q, "t")+` THEN 1 ELSE 0 END`,
		`CASE WHEN EXISTS (SELECT 1 FROM post_flags vf JOIN posts fp ON fp.id = vf.post_id
		WHERE vf.member_id = `+me+` AND vf.dismissed_at IS NULL AND fp.thread_id = t.id) THEN 1 ELSE 0 END`,
		`CASE WHEN t.author_id = `+me+` THEN 1 ELSE 0 END`,
		`CASE WHEN tr.last_read_post_id IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM posts rc
			WHERE rc.thread_id = t.id AND rc.id <= tr.last_read_post_id) END`)
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = q.arg(id)
	}
	q.and("t.id IN (" + strings.Join(ph, ", ") + ")")
	q.and(threadVisible(ctx, &q, "t"))
	rows, err := qr.QueryContext(ctx, sel+" "+q.whereSQL(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("find thread: %w", err)
	}
	defer rows.Close()
	v := sharefair.ViewerFromContext(ctx)
	var ts []*sharefair.Thread
	for rows.Next() {
		var posted, moderates, flagged, wrote bool
		var readPosts int
		t, err := scanThread(rows, &posted, &moderates, &flagged, &wrote, &readPosts)
		if err != nil {
			return nil, fmt.Errorf("find thread: %w", err)
		}
		t.ViewerPosted = posted
		t.ViewerReadPosts = readPosts
		t.ViewerMayModerate = moderates
		t.ViewerFlagged = flagged
		t.ViewerMayRename = mayRename(v, t)
		t.ViewerMayNarrow = mayNarrow(wrote)
		t.ViewerMayReveal = mayReveal(v, moderates)
		t.ReadersKey = readersKey(ctx, t)
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find thread: %w", err)
	}
	rows.Close()
	for _, t := range ts {
		if t.Audience.Kind == sharefair.AudienceMembers {
			if t.Audience.Members, err = audienceMembers(ctx, qr, contentThread, t.ID); err != nil {
				return nil, err
			}
		}
	}
	return ts, nil
}

// FindThreads lists the threads the viewer may see, latest activity first.
// The list walks the activity index and stops at the page; the total is a
// separate count, without joins or sorting.
func (db *DB) FindThreads(ctx context.Context, f sharefair.ThreadFilter) ([]*sharefair.Thread, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, 0, err
	}
	var q query
	q.and(threadVisible(ctx, &q, "t"))
	if f.HubID != 0 {
		q.and("t.hub_id = " + q.arg(f.HubID))
	}
	if f.CircleID != 0 {
		q.and("t.circle_id = " + q.arg(f.CircleID))
	}
	if f.ParticipantID != 0 {
		q.and(namedParticipant(&q, "t", f.ParticipantID))
	}
	where, whereArgs := q.whereSQL(), len(q.args)
	page := f.Page.Normalize()
	limit := page.Size
	if f.NoTotal {
		limit++ // one more tells whether more follow
	}
	sel := threadSelect(ctx, &q, db.Now.Now())
	rows, err := db.read.QueryContext(ctx, sel+" "+where+" ORDER BY t.last_activity_at DESC, t.id DESC"+
		limitSQL(limit, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find threads: %w", err)
	}
	defer rows.Close()
	threads := make([]*sharefair.Thread, 0, limit)
	for rows.Next() {
		t, err := scanThread(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find threads: %w", err)
		}
		threads = append(threads, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find threads: %w", err)
	}
	if f.NoTotal {
		total := page.Offset() + len(threads)
		if len(threads) > page.Size {
			threads = threads[:page.Size]
		}
		return threads, total, nil
	}
	var total int
	if f.HubID != 0 && f.ParticipantID == 0 {
		// A hub's threads: the count the hub keeps, for those who may
		// read them.
		var cq query
		cq.and("h.id = " + cq.arg(f.HubID))
		cq.and(hubThreadsVisible(ctx, &cq, "h.id"))
		err := db.read.QueryRowContext(ctx, "SELECT h.thread_count FROM hubs h "+cq.whereSQL(), cq.args...).Scan(&total)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("count threads: %w", err)
		}
		return threads, total, nil
	}
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM threads t "+where, q.args[:whereArgs]...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count threads: %w", err)
	}
	return threads, total, nil
}

// CreateThread starts a thread with its opening post.
func (db *DB) CreateThread(ctx context.Context, nt sharefair.NewThread) (*sharefair.Thread, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := nt.Validate(); err != nil {
		return nil, err
	}
	html, mentioned, err := db.renderMentions(ctx, postBody, nt.Body)
	if err != nil {
		return nil, err
	}
	var id int64
	err = db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if err := tx.checkPostLimit(ctx, v.ID); err != nil {
			return err
		}
		aud, err := tx.audience(ctx, v, nt.Audience)
		if err != nil {
			return err
		}
		attr := writtenAttribution(nt.Attribution, nt.ChathamHouse)
		err = tx.QueryRowContext(ctx, `INSERT INTO threads
			(title, audience, hub_id, circle_id, author_id, attribution, chatham_house, last_post_hidden, created_at, last_activity_at, post_count)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) RETURNING id`,
			nt.Title, string(aud.kind), aud.hubID, aud.circleID, v.ID, string(attr), nt.ChathamHouse, attr != sharefair.AttributionNamed, tx.now).Scan(&id)
		if err != nil {
			return fmt.Errorf("create thread: %w", err)
		}
		if err := tx.setAudience(ctx, contentThread, id, aud, 1); err != nil {
			return err
		}
		var postID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO posts (thread_id, author_id, attribution, source, html, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, id, v.ID, string(attr), nt.Body, html, tx.now).Scan(&postID); err != nil {
			return fmt.Errorf("create opening post: %w", err)
		}
		if attr == sharefair.AttributionChatham {
			if err := tx.pseudonym(ctx, id, v.ID); err != nil {
				return err
			}
		}
		if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventThreadStarted, ActorID: v.ID, HubID: aud.hubID.Int64,
			CircleID: aud.circleID.Int64, ThreadID: id, PostID: postID}); err != nil {
			return err
		}
		if err := tx.markRead(ctx, v.ID, id, postID); err != nil {
			return err
		}
		return tx.mentionEvents(ctx, v.ID, id, postID, mentioned)
	})
	if err != nil {
		return nil, err
	}
	return db.FindThreadByID(ctx, id)
}

// RenameThread changes a thread's title; its author or a network admin.
func (db *DB) RenameThread(ctx context.Context, id int64, title string) (*sharefair.Thread, error) {
	var t *sharefair.Thread
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var err error
		if t, err = threadByID(ctx, tx, id); err != nil {
			return err
		}
		if !t.ViewerMayRename {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the thread's author may change its title.")
		}
		if title, err = sharefair.ValidateThreadTitle(title); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET title = $1 WHERE id = $2`, title, id); err != nil {
			return fmt.Errorf("rename thread: %w", err)
		}
		t.Title = title
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// The tables a query of posts reads: the posts alone, or with their
// threads (aliased t) for the visibility rule.
const (
	postsAlone     = "posts p"
	postsInThreads = "posts p JOIN threads t ON t.id = p.thread_id"
)

// postSelect returns the columns and joins that read posts from the tables
// from as the viewer may see them; first, if given, are columns placed
// before the post's.
func postSelect(ctx context.Context, q *query, from string, first ...string) string {
	cols := ""
	for _, c := range first {
		cols += c + ", "
	}
	me := q.arg(sharefair.ViewerIDFromContext(ctx))
	return `SELECT ` + cols + `p.id, p.thread_id, a.id, a.handle, a.name, a.organisation, p.attribution, COALESCE(ps.number, 0),
			p.source, p.html, p.created_at, p.edited_at, CASE WHEN ` + ownLivePost(ctx, q, "p") + ` THEN 1 ELSE 0 END,
			CASE WHEN p.withdrawn_at IS NULL THEN 0 ELSE 1 END, ` + formerAuthor("a") + `,
			p.hidden_at, p.hidden_reason, ` + hiddenShown(ctx, q, "p") + `,
			CASE WHEN EXISTS (SELECT 1 FROM post_flags vf WHERE vf.post_id = p.id AND vf.member_id = ` + me + `
				AND vf.dismissed_at IS NULL) THEN 1 ELSE 0 END, rv.at, rv.reason
		FROM ` + from + `
		` + revealTold("p", "rv", me) + `
		LEFT JOIN members a ON a.id = ` + shownAuthor(ctx, q, "p") + `
		LEFT JOIN thread_pseudonyms ps ON ` + pseudonymOf("p", "ps")
}

// scanPost scans a row of postSelect; first, if given, is scanned from
// columns placed before the post's.
func scanPost(s interface{ Scan(...any) error }, first ...any) (*sharefair.Post, error) {
	var p sharefair.Post
	var authorID sql.NullInt64
	var authorHandle, authorName, authorOrg sql.NullString
	var edited, hidden, revealedAt sql.NullTime
	var shown, former bool
	var revealReason sql.NullString
	dest := append(first, &p.ID, &p.ThreadID, &authorID, &authorHandle, &authorName, &authorOrg, &p.Attribution, &p.Pseudonym,
		&p.Source, &p.HTML, &p.CreatedAt, &edited, &p.Mine, &p.Withdrawn, &former, &hidden, &p.HiddenReason, &shown, &p.ViewerFlagged,
		&revealedAt, &revealReason)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	p.EditedAt = nullTime(edited)
	p.Hidden = hidden.Valid
	if !shown {
		hidePostContent(&p)
	}
	if revealedAt.Valid {
		p.Revealed = &sharefair.Reveal{At: revealedAt.Time.UTC(), Reason: revealReason.String}
	}
	if !authorID.Valid {
		hidePostTimes(&p)
	}
	p.ViewerMayEdit = mayEditPost(&p)
	p.ViewerMayWithdraw = mayWithdrawPost(&p)
	if authorID.Valid {
		p.Author = authorRef(authorID.Int64, authorHandle.String, authorName.String, authorOrg.String, former)
	}
	if p.Mine {
		p.AsReadersSee = asReadersSee(&p)
	}
	return &p, nil
}

// FindPosts lists one page of a visible thread's posts, oldest first, in
// one query; the thread is looked up apart only when the page is empty.
func (db *DB) FindPosts(ctx context.Context, threadID int64, page sharefair.Page) ([]*sharefair.Post, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, 0, err
	}
	var q query
	sel := postSelect(ctx, &q, postsInThreads, "t.post_count")
	q.and("p.thread_id = " + q.arg(threadID))
	q.and(threadVisible(ctx, &q, "t"))
	page = page.Normalize()
	rows, err := db.read.QueryContext(ctx, sel+" "+q.whereSQL()+
		" ORDER BY p.id"+limitSQL(page.Size, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find posts: %w", err)
	}
	defer rows.Close()
	posts := make([]*sharefair.Post, 0, page.Size)
	total := 0
	for rows.Next() {
		p, err := scanPost(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("find posts: %w", err)
		}
		posts = append(posts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find posts: %w", err)
	}
	if len(posts) == 0 {
		// Past the last page, or a thread the viewer may not see.
		t, err := db.FindThreadByID(ctx, threadID)
		if err != nil {
			return nil, 0, err
		}
		total = t.PostCount
	}
	return posts, total, nil
}

// FindOwnPosts returns the viewer's own posts among one page of a visible
// thread's posts: a walk of the page's ids in the index, then the few rows
// that are the viewer's.
func (db *DB) FindOwnPosts(ctx context.Context, threadID int64, page sharefair.Page) ([]*sharefair.Post, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	var q query
	sel := postSelect(ctx, &q, postsInThreads)
	page = page.Normalize()
	q.and("p.id IN (SELECT pg.id FROM posts pg WHERE pg.thread_id = " + q.arg(threadID) +
		" ORDER BY pg.id" + limitSQL(page.Size, page.Offset()) + ")")
	q.and("p.author_id = " + q.arg(v.ID) + " AND p.withdrawn_at IS NULL")
	q.and(threadVisible(ctx, &q, "t"))
	rows, err := db.read.QueryContext(ctx, sel+" "+q.whereSQL()+" ORDER BY p.id", q.args...)
	if err != nil {
		return nil, fmt.Errorf("find own posts: %w", err)
	}
	defer rows.Close()
	var posts []*sharefair.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("find own posts: %w", err)
		}
		posts = append(posts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find own posts: %w", err)
	}
	if len(posts) == 0 {
		// Tell an invisible thread from a page without the viewer's posts.
		if _, err := db.FindThreadByID(ctx, threadID); err != nil {
			return nil, err
		}
	}
	return posts, nil
}

// FindPostByID returns a post in a thread the viewer may see.
func (db *DB) FindPostByID(ctx context.Context, id int64) (*sharefair.Post, error) {
	return postByID(ctx, db.read, id)
}

// postByID reads a post in a thread the viewer may see, through qr: the
// read pool, or a write transaction that checks what the viewer may do
// with it.
func postByID(ctx context.Context, qr queryer, id int64) (*sharefair.Post, error) {
	var q query
	sel := postSelect(ctx, &q, postsAlone)
	q.and("p.id = " + q.arg(id))
	q.and("EXISTS (SELECT 1 FROM threads t WHERE t.id = p.thread_id AND " + threadVisible(ctx, &q, "t") + ")")
	p, err := scanPost(qr.QueryRowContext(ctx, sel+" "+q.whereSQL(), q.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sharefair.ErrNotFound("Post")
	} else if err != nil {
		return nil, fmt.Errorf("find post: %w", err)
	}
	return p, nil
}

// PostPosition returns a visible post's thread and 1-based position in it.
func (db *DB) PostPosition(ctx context.Context, id int64) (int64, int, error) {
	p, err := db.FindPostByID(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts WHERE thread_id = $1 AND id <= $2`,
		p.ThreadID, p.ID).Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("post position: %w", err)
	}
	return p.ThreadID, n, nil
}

// CreatePost replies to a thread the viewer may see, under the viewer's
// name (or pseudonym, in a Chatham House thread).
func (db *DB) CreatePost(ctx context.Context, threadID int64, body string) (*sharefair.Post, error) {
	return db.WritePost(ctx, threadID, sharefair.NewPost{Body: body})
}

// WritePost replies to a thread the viewer may see, as np says.
func (db *DB) WritePost(ctx context.Context, threadID int64, np sharefair.NewPost) (*sharefair.Post, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := np.Validate(); err != nil {
		return nil, err
	}
	body := np.Body
	html, mentioned, err := db.renderMentions(ctx, postBody, body)
	if err != nil {
		return nil, err
	}
	var id int64
	err = db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var q query
		cond := threadVisible(ctx, &q, "t")
		var chatham, locked bool
		var hubID, circleID sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT t.chatham_house, t.locked, t.hub_id, t.circle_id FROM threads t WHERE t.id = "+
			q.arg(threadID)+" AND "+cond, q.args...).Scan(&chatham, &locked, &hubID, &circleID)
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Thread")
		} else if err != nil {
			return fmt.Errorf("find thread: %w", err)
		}
		if locked {
			return sharefair.Errorf(sharefair.ECONFLICT, "This discussion is locked by a moderator: it takes no new replies.")
		}
		attr := writtenAttribution(np.Attribution, chatham)
		if attr == sharefair.AttributionChatham {
			// Before the post, so that the thread's lock orders both the
			// numbers and the posts.
			if err := tx.pseudonym(ctx, threadID, v.ID); err != nil {
				return err
			}
		}
		if err := tx.checkPostLimit(ctx, v.ID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO posts (thread_id, author_id, attribution, source, html, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, threadID, v.ID, string(attr), body, html, tx.now).Scan(&id); err != nil {
			return fmt.Errorf("create post: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE threads SET post_count = post_count + 1, last_activity_at = $1,
			last_post_hidden = $2, version = version + 1 WHERE id = $3`, tx.now, attr != sharefair.AttributionNamed, threadID); err != nil {
			return fmt.Errorf("update thread: %w", err)
		}
		if err := tx.event(ctx, sharefair.Event{Kind: sharefair.EventPostWritten, ActorID: v.ID, HubID: hubID.Int64,
			CircleID: circleID.Int64, ThreadID: threadID, PostID: id}); err != nil {
			return err
		}
		// Who replies has read what they reply to.
		if err := tx.markRead(ctx, v.ID, threadID, id); err != nil {
			return err
		}
		return tx.mentionEvents(ctx, v.ID, threadID, id, mentioned)
	})
	if err != nil {
		return nil, err
	}
	return db.FindPostByID(ctx, id)
}

// UpdatePost edits a post's body; its author only. The body is rendered
// before the transaction, so that rendering never holds up other writers.
func (db *DB) UpdatePost(ctx context.Context, id int64, body string) (*sharefair.Post, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	body, err := sharefair.ValidatePostBody(body)
	if err != nil {
		return nil, err
	}
	html, err := db.render(ctx, postBody, body)
	if err != nil {
		return nil, err
	}
	var p *sharefair.Post
	err = db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		var err error
		if p, err = postByID(ctx, tx, id); err != nil {
			return err
		}
		if !p.ViewerMayEdit {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the post's author may edit it.")
		}
		if body == p.Source {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET source = $1, html = $2, edited_at = $3 WHERE id = $4`,
			body, html, tx.now, id); err != nil {
			return fmt.Errorf("update post: %w", err)
		}
		if err := bumpThread(ctx, tx, p.ThreadID); err != nil {
			return err
		}
		p, err = postByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// bumpThread marks a change to what a thread's pages show of its posts.
// Whatever changes a post's content, author or attribution must call it.
func bumpThread(ctx context.Context, tx *Tx, threadID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET version = version + 1 WHERE id = $1`, threadID); err != nil {
		return fmt.Errorf("bump thread: %w", err)
	}
	return nil
}

// postBody is the field a post's Markdown comes from, as forms and the API name it.
var postBody = markdown.Field{Name: "body", Label: "Post"}

// render turns the Markdown of field f into sanitised HTML, linking @mentions
// of members who exist. Markdown that would render past one of the limits
// in markdown/limits.go is refused as invalid, naming the field.
func (db *DB) render(ctx context.Context, f markdown.Field, src string) (string, error) {
	html, _, err := db.renderMentions(ctx, f, src)
	return html, err
}

// renderMentions renders as render does, and gives the handles of the
// members the text mentions.
func (db *DB) renderMentions(ctx context.Context, f markdown.Field, src string) (string, []string, error) {
	doc, err := db.Markdown.Parse(f, src)
	if err != nil {
		return "", nil, markdownError(f, err)
	}
	handles := doc.Mentions()
	known := map[string]bool{}
	if len(handles) > 0 {
		var q query
		ph := make([]string, len(handles))
		for i, h := range handles {
			ph[i] = q.arg(h)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT handle FROM members WHERE handle IN (`+strings.Join(ph, ", ")+`)`, q.args...)
		if err != nil {
			return "", nil, fmt.Errorf("resolve mentions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				return "", nil, fmt.Errorf("resolve mentions: %w", err)
			}
			known[h] = true
		}
		if err := rows.Err(); err != nil {
			return "", nil, fmt.Errorf("resolve mentions: %w", err)
		}
	}
	html, err := doc.Render(known)
	if err != nil {
		return "", nil, markdownError(f, err)
	}
	mentioned := make([]string, 0, len(known))
	for _, h := range handles {
		if known[h] {
			mentioned = append(mentioned, h)
		}
	}
	return html, mentioned, nil
}

// renderPostsBatch is how many posts renderPosts renders per transaction.
const renderPostsBatch = 200

// renderPosts renders the posts whose HTML is empty though their Markdown
// is not: those a migration emptied because they were rendered by an
// earlier renderer (00011: images from other servers). Each is rendered as
// a new post would be, and its thread's pages are renewed. Once done, it
// finds nothing.
func (db *DB) renderPosts(ctx context.Context) error {
	type todo struct {
		id, thread   int64
		source, html string
	}
	for after := int64(0); ; {
		rows, err := db.read.QueryContext(ctx, `SELECT id, thread_id, source FROM posts
			WHERE html = '' AND source <> '' AND id > $1 ORDER BY id LIMIT `+strconv.Itoa(renderPostsBatch), after)
		if err != nil {
			return fmt.Errorf("render posts: %w", err)
		}
		var posts []todo
		for rows.Next() {
			var p todo
			if err := rows.Scan(&p.id, &p.thread, &p.source); err != nil {
				rows.Close()
				return fmt.Errorf("render posts: %w", err)
			}
			posts = append(posts, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("render posts: %w", err)
		}
		if len(posts) == 0 {
			return nil
		}
		for i := range posts {
			posts[i].html, err = db.render(ctx, postBody, posts[i].source)
			if sharefair.ErrorCode(err) == sharefair.EINVALID {
				// Written before rendering was bounded and over a bound:
				// shown as its plain text, so that an old post cannot stop
				// Sharefair from starting.
				posts[i].html, err = "<p>"+html.EscapeString(posts[i].source)+"</p>\n", nil
			}
			if err != nil {
				return err
			}
			if posts[i].html == "" {
				// Renders to nothing (only a link definition, say): keep
				// it from being picked up at every start.
				posts[i].html = "\n"
			}
		}
		err = db.inTx(ctx, func(tx *Tx) error {
			for _, p := range posts {
				res, err := tx.ExecContext(ctx, `UPDATE posts SET html = $1 WHERE id = $2 AND source = $3 AND html = ''`,
					p.html, p.id, p.source)
				if err != nil {
					return fmt.Errorf("render posts: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					continue // edited meanwhile, and so rendered anew
				}
				if err := bumpThread(ctx, tx, p.thread); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = posts[len(posts)-1].id
	}
}

// markdownError turns a rendering limit passed into the invalid-field error
// forms and the API show; any other error is ours.
func markdownError(f markdown.Field, err error) error {
	var le *markdown.LimitError
	if errors.As(err, &le) {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{le.Field.Name: le.Message}}
	}
	return fmt.Errorf("render %s: %w", f.Name, err)
}

// writtenAttribution is the attribution a post is written with: anonymous
// when asked, else chatham in a Chatham House thread, else named.
func writtenAttribution(asked sharefair.Attribution, chathamHouse bool) sharefair.Attribution {
	switch {
	case asked == sharefair.AttributionAnonymous:
		return asked
	case chathamHouse:
		return sharefair.AttributionChatham
	}
	return sharefair.AttributionNamed
}

// pseudonym gives member memberID the next pseudonym number in a Chatham
// House thread, unless they have one. The update of the thread's row
// takes its lock first, so concurrent first posts are numbered one after
// the other; the number is unique in the thread (thread_pseudonyms).
func (tx *Tx) pseudonym(ctx context.Context, threadID, memberID int64) error {
	var n int
	err := tx.QueryRowContext(ctx, `UPDATE threads SET pseudonyms = pseudonyms + 1 WHERE id = $1
		AND NOT EXISTS (SELECT 1 FROM thread_pseudonyms WHERE thread_id = $1 AND member_id = $2)
		RETURNING pseudonyms`, threadID, memberID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // they have one
	} else if err != nil {
		return fmt.Errorf("count pseudonyms: %w", err)
	}
	// Two first posts of one member at once: the later one finds the
	// number taken, and leaves a gap.
	if _, err := tx.ExecContext(ctx, `INSERT INTO thread_pseudonyms (thread_id, member_id, number) VALUES ($1, $2, $3)
		ON CONFLICT (thread_id, member_id) DO NOTHING`, threadID, memberID, n); err != nil {
		return fmt.Errorf("give pseudonym: %w", err)
	}
	return nil
}

// authorRef is the author of a post or thread as read; a former member
// shows with nothing of what their row held.
func authorRef(id int64, handle, name, org string, former bool) *sharefair.MemberRef {
	if former {
		return &sharefair.MemberRef{ID: id, Name: sharefair.FormerMemberName, Former: true}
	}
	return &sharefair.MemberRef{ID: id, Handle: handle, Name: name, Organisation: org}
}
