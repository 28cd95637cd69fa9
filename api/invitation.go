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
	Email      *string        `json:"email"`
	Name       string         `json:"name"`
	Message    string         `json:"message"`
	Hub        *hubRefJSON    `json:"hub"`
	InvitedBy  *memberRefJSON `json:"invited_by"`
	Status     string         `json:"status"`
	CreatedAt  time.Time      `json:"created_at"`
	ExpiresAt  time.Time      `json:"expires_at"`
	RenewedAt  *time.Time     `json:"renewed_at"`
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
	Email   string `json:"email"`
	Hub     string `json:"hub"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// createdInvitationJSON answers POST /invitations and the renewals of an
// invitation: the invitation and its live link, whose secret token is
// shown only now (a later renewal replaces it).
type createdInvitationJSON struct {
	Invitation invitationJSON `json:"invitation"`
	URL        string         `json:"url"`
	Token      string         `json:"token"`
	AcceptPath string         `json:"accept_path"`
}

// answerInvitationLink logs the link for the admin (mail cannot be sent
// yet) and answers with it.
func (h *Handler) answerInvitationLink(w http.ResponseWriter, r *http.Request, status int, event string,
	inv *sharefair.Invitation, token string) error {
	link := h.cfg.Absolute("/join/" + token)
	server.LogInvitationLink(r.Context(), event, inv, link)
	return render(w, status, createdInvitationJSON{Invitation: invitation(inv, h.now()), URL: link,
		Token: token, AcceptPath: Prefix + "/join/" + token + "/accept"})
}

func (h *Handler) postInvitation(w http.ResponseWriter, r *http.Request) error {
	var in newInvitationJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	inv, token, err := h.svcs.Invitations.CreateInvitation(r.Context(),
		sharefair.NewInvitation{Email: in.Email, Hub: in.Hub, Name: in.Name, Message: in.Message})
	if err != nil {
		return err
	}
	return h.answerInvitationLink(w, r, http.StatusCreated, "created", inv, token)
}

func (h *Handler) postInvitationLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Invitation")
	if err != nil {
		return err
	}
	inv, token, err := h.svcs.Invitations.NewInvitationLink(r.Context(), id)
	if err != nil {
		return err
	}
	return h.answerInvitationLink(w, r, http.StatusOK, "new link", inv, token)
}

func (h *Handler) postInvitationResend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Invitation")
	if err != nil {
		return err
	}
	inv, token, err := h.svcs.Invitations.ResendInvitation(r.Context(), id)
	if err != nil {
		return err
	}
	return h.answerInvitationLink(w, r, http.StatusOK, "re-sent", inv, token)
}

func (h *Handler) listInvitations(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r, sharefair.DefaultPageSize)
	if err != nil {
		return err
	}
	invs, total, err := h.svcs.Invitations.FindInvitations(r.Context(), page)
	if err != nil {
		return err
	}
	t := h.now()
	return render(w, http.StatusOK, mapList(invs, func(inv *sharefair.Invitation) invitationJSON {
		return invitation(inv, t)
	}, page, total))
}

func (h *Handler) deleteInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Invitation")
	if err != nil {
		return err
	}
	if err := h.svcs.Invitations.RevokeInvitation(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}

// joinJSON is what an invitation link shows the person invited.
type joinJSON struct {
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Message   string      `json:"message"`
	Hub       *hubRefJSON `json:"hub"`
	InvitedBy string      `json:"invited_by"`
	ExpiresAt time.Time   `json:"expires_at"`
}

func (h *Handler) getJoin(w http.ResponseWriter, r *http.Request) error {
	inv, err := h.svcs.Invitations.FindInvitationByToken(r.Context(), r.PathValue("token"))
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
	Name     string `json:"name"`
	Handle   string `json:"handle"`
	Password string `json:"password"`
}

// newMemberJSON answers setup and an accepted invitation: the new member
// and a personal access token for them, whose secret is shown only now.
type newMemberJSON struct {
	Member meJSON    `json:"member"`
	Token  tokenJSON `json:"token"`
	Secret string    `json:"secret"`
}

// joinedJSON answers an invitation accepted by the member it is addressed
// to, signed in as themselves: they are now in its hub.
type joinedJSON struct {
	Member meJSON      `json:"member"`
	Hub    *hubRefJSON `json:"hub"`
}

func (h *Handler) postJoinAccept(w http.ResponseWriter, r *http.Request) error {
	var in acceptanceJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	ctx, token := r.Context(), r.PathValue("token")
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
