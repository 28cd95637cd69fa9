package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// invitationsView is what the invitations page shows.
type invitationsView struct {
	Form        form
	Hubs        []sharefair.Option // hubs the viewer may invite to
	Invitations []*sharefair.Invitation
	Pager       pager
	Now         time.Time
}

func (h *Handler) loadInvitations(r *http.Request, f form) (invitationsView, error) {
	ctx := r.Context()
	hubs, err := h.svcs.Hubs.FindHubs(ctx)
	if err != nil {
		return invitationsView{}, err
	}
	iv := invitationsView{Form: f, Now: h.cfg.Now.Now()}
	for _, hub := range hubs {
		if hub.ViewerMayInvite {
			iv.Hubs = append(iv.Hubs, sharefair.Option{Code: hub.Slug, Name: hub.Name})
		}
	}
	n := pageNumber(r)
	invs, total, err := h.svcs.Invitations.FindInvitations(ctx, sharefair.Page{Number: n})
	if err != nil {
		return invitationsView{}, err
	}
	iv.Invitations = invs
	iv.Pager = newPager("/invitations", r.URL.Query(), n, total, sharefair.DefaultPageSize)
	return iv, nil
}

// invitationsPage shows the invitation form and the invitations sent.
func (h *Handler) invitationsPage(r *http.Request) formPage {
	return func(p page, f form) (templ.Component, error) {
		iv, err := h.loadInvitations(r, f)
		if err != nil {
			return nil, err
		}
		return invitationsPage(p, iv), nil
	}
}

func (h *Handler) invitations(w http.ResponseWriter, r *http.Request) error {
	p := h.base(w, r, "Invite people")
	iv, err := h.loadInvitations(r, newForm(url.Values{"hub": {r.URL.Query().Get("hub")}}, nil))
	if err != nil {
		return err
	}
	// Someone who may not invite sees the page only for the invitations
	// they sent (as a coordinator, say), to withdraw them.
	if !p.Rights.Invite && len(iv.Invitations) == 0 {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Hub coordinators and network admins invite new members. "+
			"Ask the coordinator of your hub to invite the people you have in mind.")
	}
	return h.render(w, r, http.StatusOK, invitationsPage(p, iv))
}

func (h *Handler) createInvitation(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	inv, token, err := h.svcs.Invitations.CreateInvitation(r.Context(), sharefair.NewInvitation{Email: f.Get("email"), Hub: f.Get("hub")})
	if err != nil {
		return refused(err, "Invite people", h.invitationsPage(r))
	}
	link := h.cfg.Absolute("/join/" + token)
	server.LoggerFrom(r.Context()).Info("invitation created; outgoing mail is not configured, so pass the link on yourself",
		"email", inv.Email, "url", link, "expires_at", inv.ExpiresAt)
	h.setFlash(w, "Invitation created for "+inv.Email+". Send them this link (valid until "+
		inv.ExpiresAt.Format("2 Jan 2006")+"): "+link)
	redirect(w, r, "/invitations")
	return nil
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.svcs.Invitations.RevokeInvitation(r.Context(), id); err != nil {
		return err
	}
	h.setFlash(w, "The invitation is withdrawn.")
	redirect(w, r, "/invitations")
	return nil
}

func invitationStatus(p page, inv *sharefair.Invitation, now time.Time) string {
	switch inv.Status(now) {
	case "accepted":
		return "accepted " + p.when(*inv.AcceptedAt)
	case "revoked":
		return "withdrawn"
	case "expired":
		return "expired"
	}
	return "pending until " + p.when(inv.ExpiresAt)
}
