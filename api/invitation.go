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
	Hub        *hubRefJSON    `json:"hub"`
	InvitedBy  *memberRefJSON `json:"invited_by"`
	Status     string         `json:"status" enum:"pending,accepted,revoked,expired"`
	CreatedAt  time.Time      `json:"created_at" description:"RFC 3339, UTC."`
	ExpiresAt  time.Time      `json:"expires_at" description:"RFC 3339, UTC."`
	AcceptedAt *time.Time     `json:"accepted_at"`
	RevokedAt  *time.Time     `json:"revoked_at"`
}

func invitation(inv *sharefair.Invitation, now time.Time) invitationJSON {
	j := invitationJSON{ID: inv.ID, Hub: hubRef(inv.Hub), InvitedBy: memberRef(inv.InvitedBy),
		Status: inv.Status(now), CreatedAt: utc(inv.CreatedAt), ExpiresAt: utc(inv.ExpiresAt),
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
	Email string `json:"email" required:"true"`
	Hub   string `json:"hub" description:"Slug of the hub to invite to; required for hub coordinators."`
}

// createdInvitationJSON answers POST /invitations: the invitation and the
// link to send, which holds its secret token and is shown only now.
type createdInvitationJSON struct {
	Invitation invitationJSON `json:"invitation"`
	URL        string         `json:"url" format:"uri" description:"The link to send; it holds the secret token and is shown only now."`
}

func (h *Handler) postInvitation(w http.ResponseWriter, r *http.Request, in newInvitationJSON) error {
	inv, token, err := h.svcs.Invitations.CreateInvitation(r.Context(), sharefair.NewInvitation{Email: in.Email, Hub: in.Hub})
	if err != nil {
		return err
	}
	link := h.cfg.Absolute("/join/" + token)
	server.LoggerFrom(r.Context()).Info("invitation created; outgoing mail is not configured, so pass the link on yourself",
		"email", inv.Email, "url", link, "expires_at", inv.ExpiresAt)
	return render(w, http.StatusCreated, createdInvitationJSON{Invitation: invitation(inv, h.now()), URL: link})
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
	Hub       *hubRefJSON `json:"hub"`
	InvitedBy string      `json:"invited_by" description:"The inviter's name."`
	ExpiresAt time.Time   `json:"expires_at" description:"RFC 3339, UTC."`
}

func (h *Handler) getJoin(w http.ResponseWriter, r *http.Request, p invitationTokenPath) error {
	inv, err := h.svcs.Invitations.FindInvitationByToken(r.Context(), p.Token)
	if err != nil {
		return err
	}
	j := joinJSON{Email: inv.Email, Hub: hubRef(inv.Hub), ExpiresAt: utc(inv.ExpiresAt)}
	if inv.InvitedBy != nil {
		j.InvitedBy = inv.InvitedBy.Name
	}
	return render(w, http.StatusOK, j)
}

// acceptanceJSON is the body of POST /join/{token}/accept.
type acceptanceJSON struct {
	Name     string `json:"name" required:"true"`
	Handle   string `json:"handle" required:"true"`
	Password string `json:"password" required:"true"`
}

// newMemberJSON answers setup and an accepted invitation: the new member
// and a personal access token for them, whose secret is shown only now.
type newMemberJSON struct {
	Member meJSON    `json:"member"`
	Token  tokenJSON `json:"token"`
	Secret string    `json:"secret" description:"A personal access token for the new member, shown only now."`
}

func (h *Handler) postJoinAccept(w http.ResponseWriter, r *http.Request, p invitationTokenPath, in acceptanceJSON) error {
	m, err := h.svcs.Invitations.AcceptInvitation(r.Context(), p.Token,
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
