package web

import (
	"net/http"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

// deliveryOptions are the choices of how a kind of notification arrives.
var deliveryOptions = []sharefair.Option{
	{Code: string(sharefair.DeliverEmail), Name: "By email, and in Sharefair"},
	{Code: string(sharefair.DeliverApp), Name: "In Sharefair only"},
	{Code: string(sharefair.DeliverOff), Name: "Off"},
}

func (h *Handler) mailSettingsPage(r *http.Request) formPage {
	return func(p page, f form) (templ.Component, error) {
		s, err := h.svcs.Mail.MailSettings(r.Context())
		if err != nil {
			return nil, err
		}
		for _, k := range sharefair.NotificationKinds {
			if f.values.Get(string(k)) == "" {
				f.values.Set(string(k), string(s.Delivery[k]))
			}
		}
		return mailSettingsPage(p, f, s), nil
	}
}

func (h *Handler) mailSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := h.mailSettingsPage(r)(h.base(w, r, "Notifications and email"), newForm(nil, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, c)
}

func (h *Handler) saveMailSettings(w http.ResponseWriter, r *http.Request) error {
	u := sharefair.MailSettingsUpdate{Delivery: map[sharefair.NotificationKind]sharefair.Delivery{}, Resume: r.PostForm.Get("resume") == "1"}
	for _, k := range sharefair.NotificationKinds {
		if v := r.PostForm.Get(string(k)); v != "" {
			u.Delivery[k] = sharefair.Delivery(v)
		}
	}
	if _, err := h.svcs.Mail.UpdateMailSettings(r.Context(), u); err != nil {
		return refused(err, "Notifications and email", h.mailSettingsPage(r))
	}
	if u.Resume {
		h.setFlash(w, "Mail to your address starts again.")
	} else {
		h.setFlash(w, "Your choices are saved.")
	}
	redirect(w, r, "/settings/notifications")
	return nil
}

// unsubscribeForm asks before stopping a kind of mail: a link followed by
// a mail scanner must not unsubscribe anyone.
func (h *Handler) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, unsubscribePage(h.base(w, r, "Stop these emails"), r.PathValue("token"), ""))
}

// unsubscribe stops a kind of mail, from the page's button or from a mail
// client's one-click unsubscribe (RFC 8058), which posts without a
// session.
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	k, err := h.svcs.Mail.Unsubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, unsubscribePage(h.base(w, r, "Stopped"), "", k.Label()))
}

// outboxKind names a kind of message for admins.
func outboxKind(kind string) string {
	switch kind {
	case "notification":
		return "Notification"
	case "password_reset":
		return "Password reset link"
	case "invitation":
		return "Invitation"
	case "email_change":
		return "New address to confirm"
	case "test":
		return "Test message"
	}
	return kind
}

func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) error {
	n := pageNumber(r)
	items, total, err := h.svcs.Mail.Outbox(r.Context(), sharefair.Page{Number: n})
	if err != nil {
		return err
	}
	pg := newPager("/admin/outbox", r.URL.Query(), n, total, sharefair.DefaultPageSize)
	return h.render(w, r, http.StatusOK, outboxPage(h.base(w, r, "Outbox"), items, pg))
}
