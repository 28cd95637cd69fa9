package web

import (
	"net/http"
	"net/url"
	"time"

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

func (h *Handler) invitations(w http.ResponseWriter, r *http.Request) {
	iv, err := h.loadInvitations(r, newForm(url.Values{"hub": {r.URL.Query().Get("hub")}}, nil))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, invitationsPage(h.base(w, r, "Invite people"), iv))
}

func (h *Handler) createInvitation(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	inv, token, err := h.svcs.Invitations.CreateInvitation(r.Context(), sharefair.NewInvitation{Email: f.Get("email"), Hub: f.Get("hub")})
	if err != nil {
		if isFieldError(err) {
			iv, lerr := h.loadInvitations(r, newForm(f, err))
			if lerr != nil {
				h.fail(w, r, lerr)
				return
			}
			h.render(w, r, server.Status(sharefair.ErrorCode(err)), invitationsPage(h.base(w, r, "Invite people"), iv))
			return
		}
		h.fail(w, r, err)
		return
	}
	link := h.cfg.Absolute("/join/" + token)
	server.LoggerFrom(r.Context()).Info("invitation created; outgoing mail is not configured, so pass the link on yourself",
		"email", inv.Email, "url", link, "expires_at", inv.ExpiresAt)
	h.setFlash(w, "Invitation created for "+inv.Email+". Send them this link (valid until "+
		inv.ExpiresAt.Format("2 Jan 2006")+"): "+link)
	redirect(w, r, "/invitations")
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svcs.Invitations.RevokeInvitation(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, "The invitation is withdrawn.")
	redirect(w, r, "/invitations")
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
