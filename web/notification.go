package web

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

// notificationsPerPage is how many notifications a page lists.
const notificationsPerPage = 50

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) error {
	n := pageNumber(r)
	ns, total, err := h.svcs.Notifications.Notifications(r.Context(), sharefair.Page{Number: n, Size: notificationsPerPage})
	if err != nil {
		return err
	}
	pg := newPager("/notifications", r.URL.Query(), n, total, notificationsPerPage)
	return h.render(w, r, http.StatusOK, notificationsPage(h.base(w, r, "Notifications"), ns, pg))
}

// openNotification marks a notification read and goes to what it tells
// of. It is a link, not a form, so that it works as one from anywhere; it
// changes nothing but the viewer's own read mark.
func (h *Handler) openNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		// Another site's link (an image, say) marks nothing read.
		redirect(w, r, "/notifications")
		return nil
	}
	n, err := h.svcs.Notifications.OpenNotification(r.Context(), id)
	if err != nil {
		return err
	}
	redirect(w, r, notificationTarget(n))
	return nil
}

// notificationTarget is where a notification leads: the thread (which
// opens at its first unread post), the post, the hub or the circle.
func notificationTarget(n *sharefair.Notification) string {
	switch {
	case n.Kind == sharefair.NotifyReply && n.Thread != nil:
		return threadURL(n.Thread.ID)
	case n.PostID != 0:
		return postURL(n.PostID)
	case n.Hub != nil:
		return hubURL(n.Hub.Slug)
	case n.Circle != nil:
		return circleURL(n.Circle.Key)
	}
	return "/notifications"
}

func (h *Handler) markNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	changed, err := h.svcs.Notifications.MarkNotificationsRead(r.Context(), nil)
	if err != nil {
		return err
	}
	if changed == 0 {
		h.setFlash(w, "There was nothing unread.")
	} else {
		h.setFlash(w, "Marked "+plural(changed, "notification", "notifications")+" as read.")
	}
	redirect(w, r, "/notifications")
	return nil
}

func (h *Handler) followThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	level := sharefair.FollowLevel(r.PostForm.Get("level"))
	changed, err := h.svcs.Notifications.FollowThread(r.Context(), id, level)
	if err != nil {
		return err
	}
	switch {
	case !changed:
		h.setFlash(w, "Nothing changed: "+followStatus(level, false))
	default:
		h.setFlash(w, followStatus(level, false))
	}
	page := 1
	if n, err := strconv.Atoi(r.PostForm.Get("page")); err == nil && n > 1 && n <= sharefair.MaxPageNumber {
		page = n
	}
	redirect(w, r, threadURL(id)+"?page="+itoa(page)+"#follow")
	return nil
}

// followStatus says how a member who follows a thread at level is told
// of it; posted says whether they took part.
func followStatus(level sharefair.FollowLevel, posted bool) string {
	switch {
	case level == sharefair.FollowFollowing:
		return "You follow this discussion: you are told of every reply."
	case level == sharefair.FollowMuted:
		return "Muted: you are told of no reply here, only of mentions of you."
	case posted:
		return "You took part: you are told of replies."
	}
	return "Follow to be told of replies."
}

// notificationText says what a notification tells of, without its
// thread's title, which the page shows as a link.
func notificationText(n *sharefair.Notification) string {
	who := "Someone"
	if n.Actor != nil {
		who = n.Actor.Name
	}
	switch n.Kind {
	case sharefair.NotifyReply:
		if n.Replies > 1 {
			return itoa(n.Replies) + " new replies in"
		}
		if n.Actor == nil {
			return "A new reply in"
		}
		return who + " replied in"
	case sharefair.NotifyMention:
		return who + " mentioned you in"
	case sharefair.NotifyInvitation:
		return who + " invited you to the hub"
	case sharefair.NotifyCircleInvitation:
		return who + " invited you to the circle"
	case sharefair.NotifyPostHidden:
		return "A moderator hid your post in"
	case sharefair.NotifyPostRestored:
		return "A moderator showed your post again in"
	}
	return "Something happened in"
}

// notificationWhere names what a notification points to.
func notificationWhere(n *sharefair.Notification) string {
	switch {
	case n.Thread != nil:
		return n.Thread.Title
	case n.Hub != nil:
		return n.Hub.Name
	case n.Circle != nil:
		return n.Circle.Name
	}
	return ""
}

func notificationURL(n *sharefair.Notification) templ.SafeURL {
	return templ.SafeURL("/notifications/" + idString(n.ID))
}

// unreadLabel is the count in the navigation: "99+" past MaxUnreadShown.
func unreadLabel(n int) string {
	if n > sharefair.MaxUnreadShown {
		return itoa(sharefair.MaxUnreadShown) + "+"
	}
	return itoa(n)
}
