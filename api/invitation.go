package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// invitationJSON is an invitation as its inviter (or a network admin) sees
// it. Once accepted, the address belongs to a member and is no longer
// shown: members' email addresses never leave the API but to their owner.
type invitationJSON struct {
	ID         int64          `json:"id"`
	Email      *string        `json:"email" description:"The address invited; null once accepted, when it belongs to a member."`
	Name       string         `json:"name" description:"The invitee's name, as the inviter gave it; may be empty."`
	Message    string         `json:"message" description:"The inviter's personal message; may be empty."`
	Hub        *hubRefJSON    `json:"hub"`
	InvitedBy  *memberRefJSON `json:"invited_by"`
	Status     string         `json:"status" enum:"pending,accepted,revoked,expired"`
	CreatedAt  time.Time      `json:"created_at" description:"RFC 3339, UTC."`
	ExpiresAt  time.Time      `json:"expires_at" description:"RFC 3339, UTC."`
	RenewedAt  *time.Time     `json:"renewed_at" description:"When the link was last replaced or the invitation re-sent; RFC 3339, UTC."`
	AcceptedAt *time.Time     `json:"accepted_at"`
	RevokedAt  *time.Time     `json:"revoked_at"`
}

func invitation(inv *sharefair.Invitation, now time.Time) invitationJSON {
	j := invitationJSON{ID: inv.ID, Name: inv.Name, Message: inv.Message, Hub: hubRef(inv.Hub),
		InvitedBy: memberRef(inv.InvitedBy), Status: inv.Status(now), CreatedAt: utc(inv.CreatedAt),
		ExpiresAt: utc(inv.ExpiresAt), RenewedAt: utcPtr(inv.RenewedAt),
		AcceptedAt: utcPtr(inv.AcceptedAt), RevokedAt: utcPtr(inv.RevokedAt)}
	if inv.AcceptedAt == nil {
		email := inv.Email
		j.Email = &email
	}
	return j
}

// now is the current time, for invitation statuses.
func (h *Handler) now() time.Time { return h.cfg.Now.Now() }

// newInvitationJSON is the body of POST /invitations.
type newInvitationJSON struct {
	Email   string `json:"email" required:"true"`
	Hub     string `json:"hub" description:"Slug of the hub to invite to; required for hub coordinators."`
	Name    string `json:"name" maxLength:"100" description:"The invitee's name, shown on the invitation and put in the join form."`
	Message string `json:"message" maxLength:"1000" description:"A personal message shown with the invitation."`
}

// createdInvitationJSON answers POST /invitations and the renewals of an
// invitation: the invitation and its live link, whose secret token is
// shown only now (a later renewal replaces it).
type createdInvitationJSON struct {
	Invitation invitationJSON `json:"invitation"`
	URL        string         `json:"url" format:"uri" description:"The link to send; it holds the secret token and is shown only now."`
	Token      string         `json:"token" description:"The invitation's secret token, shown only now."`
	AcceptPath string         `json:"accept_path" description:"The API path that accepts the invitation: POST it."`
}

// answerInvitationLink logs the link for the admin and answers with it:
// to pass on, when the network sends no mail, or beside the mailed one.
func (h *Handler) answerInvitationLink(w http.ResponseWriter, r *http.Request, status int, event string,
	inv *sharefair.Invitation, token string) error {
	link := h.cfg.Absolute("/join/" + token)
	server.LogInvitationLink(r.Context(), event, inv, link)
	return render(w, status, createdInvitationJSON{Invitation: invitation(inv, h.now()), URL: link,
		Token: token, AcceptPath: Prefix + "/join/" + token + "/accept"})
}

func (h *Handler) postInvitation(w http.ResponseWriter, r *http.Request, in newInvitationJSON) error {
	inv, token, err := h.svcs.Invitations.CreateInvitation(r.Context(),
		sharefair.NewInvitation{Email: in.Email, Hub: in.Hub, Name: in.Name, Message: in.Message})
	if err != nil {
		return err
	}
	return h.answerInvitationLink(w, r, http.StatusCreated, "created", inv, token)
}

func (h *Handler) postInvitationLink(w http.ResponseWriter, r *http.Request, p invitationPath) error {
	inv, token, err := h.svcs.Invitations.NewInvitationLink(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return h.answerInvitationLink(w, r, http.StatusOK, "new link", inv, token)
}

func (h *Handler) postInvitationResend(w http.ResponseWriter, r *http.Request, p invitationPath) error {
	inv, token, err := h.svcs.Invitations.ResendInvitation(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return h.answerInvitationLink(w, r, http.StatusOK, "re-sent", inv, token)
}

func (h *Handler) listInvitations(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	invs, total, err := h.svcs.Invitations.FindInvitations(r.Context(), page)
	if err != nil {
		return err
	}
	t := h.now()
	return render(w, http.StatusOK, mapList(invs, func(inv *sharefair.Invitation) invitationJSON {
		return invitation(inv, t)
	}, page, total))
}

func (h *Handler) deleteInvitation(w http.ResponseWriter, r *http.Request, at invitationPath) error {
	if err := h.svcs.Invitations.RevokeInvitation(r.Context(), at.ID); err != nil {
		return err
	}
	return noContent(w)
}

// joinJSON is what an invitation link shows the person invited.
type joinJSON struct {
	Email     string      `json:"email"`
	Name      string      `json:"name" description:"The invitee's name, as the inviter gave it; may be empty."`
	Message   string      `json:"message" description:"The inviter's personal message; may be empty."`
	Hub       *hubRefJSON `json:"hub"`
	InvitedBy string      `json:"invited_by" description:"The inviter's name."`
	ExpiresAt time.Time   `json:"expires_at" description:"RFC 3339, UTC."`
}

func (h *Handler) getJoin(w http.ResponseWriter, r *http.Request, p invitationTokenPath) error {
	inv, err := h.svcs.Invitations.FindInvitationByToken(r.Context(), p.Token)
	if err != nil {
		return err
	}
	j := joinJSON{Email: inv.Email, Name: inv.Name, Message: inv.Message, Hub: hubRef(inv.Hub), ExpiresAt: utc(inv.ExpiresAt)}
	if inv.InvitedBy != nil {
		j.InvitedBy = inv.InvitedBy.Name
	}
	return render(w, http.StatusOK, j)
}

// acceptanceJSON is the body of POST /join/{token}/accept.
type acceptanceJSON struct {
	Name     string `json:"name" description:"Required when signed out."`
	Handle   string `json:"handle" description:"Required when signed out."`
	Password string `json:"password" description:"Required when signed out."`
}

// newMemberJSON answers setup and an accepted invitation: the new member
// and a personal access token for them, whose secret is shown only now.
type newMemberJSON struct {
	Member meJSON    `json:"member"`
	Token  tokenJSON `json:"token"`
	Secret string    `json:"secret" description:"A personal access token for the new member, shown only now."`
}

// joinedJSON answers an invitation accepted by the member it is addressed
// to, signed in as themselves: they are now in its hub.
type joinedJSON struct {
	Member meJSON      `json:"member"`
	Hub    *hubRefJSON `json:"hub"`
}

func (h *Handler) postJoinAccept(w http.ResponseWriter, r *http.Request, p invitationTokenPath, in acceptanceJSON) error {
	ctx, token := r.Context(), p.Token
	if sharefair.ViewerFromContext(ctx) != nil {
		// A member accepts as themselves; the body's fields are not used.
		inv, err := h.svcs.Invitations.FindInvitationByToken(ctx, token)
		if err != nil {
			return err
		}
		m, err := h.svcs.Invitations.AcceptInvitation(ctx, token, sharefair.Acceptance{})
		if err != nil {
			return err
		}
		return render(w, http.StatusOK, joinedJSON{Member: me(m), Hub: hubRef(inv.Hub)})
	}
	m, err := h.svcs.Invitations.AcceptInvitation(ctx, token,
		sharefair.Acceptance{Name: in.Name, Handle: in.Handle, Password: in.Password})
	if err != nil {
		return err
	}
	return h.renderNewMember(w, r, m, "Created on joining")
}

// renderNewMember issues a first personal access token to a member just
// created, so a script can carry on as them, and answers 201.
func (h *Handler) renderNewMember(w http.ResponseWriter, r *http.Request, m *sharefair.Member, tokenName string) error {
	t, secret, err := h.svcs.Auth.CreateToken(sharefair.NewContextWithViewer(r.Context(), m), m.ID, tokenName)
	if err != nil {
		return err
	}
	return render(w, http.StatusCreated, newMemberJSON{Member: me(m), Token: token(t), Secret: secret})
}
