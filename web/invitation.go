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
	inv, token, err := h.svcs.Invitations.CreateInvitation(r.Context(), sharefair.NewInvitation{
		Email: f.Get("email"), Hub: f.Get("hub"), Name: f.Get("name"), Message: f.Get("message")})
	if err != nil {
		return refused(err, "Invite people", h.invitationsPage(r))
	}
	// The same words whether the address is new, already invited or
	// already a member's: the page tells the inviter nothing about who is
	// a member.
	h.showInvitationLink(w, r, "created", inv, token, "Invitation ready for "+inv.Email+".")
	return nil
}

// showInvitationLink logs a fresh link for the admin and shows it to the
// inviter on the invitations page: to pass on themselves, when the
// network sends no mail, or beside the message mailed to the invitee.
func (h *Handler) showInvitationLink(w http.ResponseWriter, r *http.Request, event string, inv *sharefair.Invitation, token, lead string) {
	link := h.cfg.Absolute("/join/" + token)
	server.LogInvitationLink(r.Context(), event, inv, link)
	until := inv.ExpiresAt.Format("2 Jan 2006")
	if h.cfg.Mails {
		h.setFlash(w, lead+" It goes to "+inv.Email+" by email in a moment, with a link of its own; you may also send them this one (valid until "+
			until+"): "+link)
	} else {
		h.setFlash(w, lead+" This network sends no mail: send them this link yourself (valid until "+until+"): "+link)
	}
	redirect(w, r, "/invitations")
}

func (h *Handler) newInvitationLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inv, token, err := h.svcs.Invitations.NewInvitationLink(r.Context(), id)
	if err != nil {
		// Over the limit on invitations, the page comes back saying so.
		return refused(err, "Invite people", h.invitationsPage(r))
	}
	h.showInvitationLink(w, r, "new link", inv, token, "A new link for "+inv.Email+"; the previous link no longer works.")
	return nil
}

func (h *Handler) resendInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inv, token, err := h.svcs.Invitations.ResendInvitation(r.Context(), id)
	if err != nil {
		// Over the limit on invitations, the page comes back saying so.
		return refused(err, "Invite people", h.invitationsPage(r))
	}
	h.showInvitationLink(w, r, "re-sent", inv, token, "Invitation for "+inv.Email+" renewed; the previous link no longer works.")
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
	s := "pending until " + p.when(inv.ExpiresAt)
	if inv.RenewedAt != nil {
		s += "; link renewed " + p.when(*inv.RenewedAt)
	}
	return s
}
