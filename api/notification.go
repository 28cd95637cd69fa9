package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sharefair/sharefair"
)

// notificationJSON is one thing the viewer is told of, as they may see it
// now.
type notificationJSON struct {
	ID   int64     `json:"id"`
	Kind string    `json:"kind" enum:"reply,mention,invitation,circle_invitation,post_hidden,post_restored" description:"reply: new replies in a thread the viewer took part in or follows, gathered until read (replies says how many). mention: the viewer was @mentioned. invitation: invited by email to a hub (joining the hub accepts it). circle_invitation: invited to a circle. post_hidden, post_restored: a moderator hid one of the viewer's posts, or showed it again."`
	At   time.Time `json:"at" description:"RFC 3339, UTC: when it last changed. When what it tells of hides its author (chatham, anonymous), midnight UTC of its date: the day alone."`
	Read bool      `json:"read"`
	// Actor is who did it, when the viewer may know.
	Actor   *authorJSON    `json:"actor" description:"Who did it; null when the post hides its author, for several replies, and for moderation (a moderator is never named)."`
	Thread  *threadRefJSON `json:"thread" description:"The thread it is about; null for invitations."`
	PostID  *int64         `json:"post_id" description:"The post it points to: the first of the new replies, the post that mentions, the post moderated."`
	Replies int            `json:"replies" description:"For a reply notification, how many new replies it gathers (neither withdrawn nor hidden); 0 otherwise."`
	Hub     *hubRefJSON    `json:"hub" description:"The hub of an invitation."`
	Circle  *circleRefJSON `json:"circle" description:"The circle of a circle invitation."`
	Reason  string         `json:"reason" description:"Why a post was hidden (abusive, reveals, off_topic, spam, other); empty otherwise."`
	URL     string         `json:"url" format:"uri" description:"The web page it leads to."`
}

// threadRefJSON names a thread.
type threadRefJSON struct {
	ID    int64  `json:"id"`
	Title string `json:"title" description:"\"Withdrawn thread\" when its author withdrew the opening post."`
}

func (h *Handler) notification(n *sharefair.Notification) notificationJSON {
	out := notificationJSON{ID: n.ID, Kind: string(n.Kind), At: utc(n.At), Read: n.Read, Actor: author(n.Actor),
		Replies: n.Replies, Hub: hubRef(n.Hub), Circle: circleRef(n.Circle), Reason: n.Reason}
	if n.Thread != nil {
		out.Thread = &threadRefJSON{ID: n.Thread.ID, Title: n.Thread.Title}
	}
	if n.PostID != 0 {
		id := n.PostID
		out.PostID = &id
	}
	switch {
	case n.Kind == sharefair.NotifyReply && n.Thread != nil:
		out.URL = h.cfg.Absolute("/threads/" + strconv.FormatInt(n.Thread.ID, 10))
	case n.PostID != 0:
		out.URL = h.cfg.Absolute("/posts/" + strconv.FormatInt(n.PostID, 10))
	case n.Hub != nil:
		out.URL = h.cfg.Absolute("/hubs/" + n.Hub.Slug)
	case n.Circle != nil:
		out.URL = h.cfg.Absolute("/circles/" + n.Circle.Key)
	default:
		out.URL = h.cfg.Absolute("/notifications")
	}
	return out
}

func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	ns, total, err := h.svcs.Notifications.Notifications(r.Context(), page)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(ns, h.notification, page.Normalize(), total))
}

// markReadJSON is the body of POST /notifications/read.
type markReadJSON struct {
	IDs []int64 `json:"ids" maxItems:"100" description:"The notifications to mark read; absent or empty: all of them."`
}

// markedJSON says how many notifications were marked read.
type markedJSON struct {
	Marked int `json:"marked" description:"How many were unread and are read now."`
}

func (h *Handler) markNotificationsRead(w http.ResponseWriter, r *http.Request, b markReadJSON) error {
	n, err := h.svcs.Notifications.MarkNotificationsRead(r.Context(), b.IDs)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, markedJSON{Marked: n})
}

// followJSON is how the viewer follows a thread.
type followJSON struct {
	Level string `json:"level" enum:"following,normal,muted" description:"following: told of every reply. normal: told of replies once they took part. muted: told of no reply, only of @mentions."`
}

func (h *Handler) putFollow(w http.ResponseWriter, r *http.Request, at ThreadPath, b followJSON) error {
	changed, err := h.svcs.Notifications.FollowThread(r.Context(), at.ID, sharefair.FollowLevel(b.Level))
	return changedOr(w, changed, err, "The thread is followed so already.")
}

// readJSON is the body of POST /threads/{id}/read.
type readJSON struct {
	Page int `json:"page" minimum:"0" maximum:"1000000" description:"Read up to the end of this page of posts (50 a page); 0 or absent: the whole thread."`
}

func (h *Handler) markThreadRead(w http.ResponseWriter, r *http.Request, at ThreadPath, b readJSON) error {
	if b.Page < 0 || b.Page > sharefair.MaxPageNumber {
		p := sharefair.Problems{}
		p.Add("page", "Give a page number from 1, or 0 for the whole thread.")
		return p.Err()
	}
	if err := h.svcs.Notifications.MarkThreadRead(r.Context(), at.ID, b.Page); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mailSettingsJSON is how notifications reach the viewer.
type mailSettingsJSON struct {
	Delivery map[string]string `json:"delivery" description:"For each kind of notification (reply, mention, invitation, circle_invitation, post_hidden, post_restored): email (by email too, a few minutes after, a thread's replies in one message), app (in Sharefair only) or off."`
	Bounces  int               `json:"bounces" description:"Messages to the viewer's address that bounced in a row; at 3, mail stops."`
	Stopped  *time.Time        `json:"stopped_at" description:"When mail to the viewer's address stopped because it bounced; null when it goes out."`
}

func mailSettings(s sharefair.MailSettings) mailSettingsJSON {
	out := mailSettingsJSON{Delivery: map[string]string{}, Bounces: s.Bounces, Stopped: utcPtr(s.Stopped)}
	for k, d := range s.Delivery {
		out.Delivery[string(k)] = string(d)
	}
	return out
}

func (h *Handler) getMailSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.svcs.Mail.MailSettings(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mailSettings(s))
}

// mailSettingsPatch is the body of PATCH /me/mail.
type mailSettingsPatch struct {
	Delivery map[string]string `json:"delivery" description:"The kinds to change, each to email, app or off; the others stay."`
	Resume   bool              `json:"resume" description:"Start mail to an address it stopped for."`
}

func (h *Handler) patchMailSettings(w http.ResponseWriter, r *http.Request, b mailSettingsPatch) error {
	u := sharefair.MailSettingsUpdate{Delivery: map[sharefair.NotificationKind]sharefair.Delivery{}, Resume: b.Resume}
	for k, d := range b.Delivery {
		u.Delivery[sharefair.NotificationKind(k)] = sharefair.Delivery(d)
	}
	s, err := h.svcs.Mail.UpdateMailSettings(r.Context(), u)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mailSettings(s))
}

// outboxJSON is one message of the outbox, as network admins see it.
type outboxJSON struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind" enum:"notification,password_reset,invitation,email_change,test"`
	To        string     `json:"to" description:"The recipient's address."`
	State     string     `json:"state" enum:"queued,sent,dropped,failed" description:"queued: waiting for its time or for a mail relay. dropped: not sent, because what it told of was read, withdrawn or hidden first. failed: the address bounced."`
	Reason    string     `json:"reason" description:"Why it was dropped or failed; never what it said."`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

func (h *Handler) listOutbox(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	items, total, err := h.svcs.Mail.Outbox(r.Context(), page)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(items, func(it sharefair.OutboxItem) outboxJSON {
		return outboxJSON{ID: it.ID, Kind: it.Kind, To: it.To, State: it.State, Reason: it.Reason, CreatedAt: utc(it.CreatedAt),
			SentAt: utcPtr(it.SentAt)}
	}, page.Normalize(), total))
}
