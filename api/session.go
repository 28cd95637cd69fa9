package api

import (
	"context"
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// sessionJSON is one browser the viewer is signed in on.
type sessionJSON struct {
	Ref           string    `json:"ref" description:"Names the session, to end it; not its secret."`
	CreatedAt     time.Time `json:"created_at" description:"When it signed in; RFC 3339, UTC."`
	LastSeenAt    time.Time `json:"last_seen_at" description:"RFC 3339, UTC."`
	ExpiresAt     time.Time `json:"expires_at" description:"RFC 3339, UTC."`
	ClientAddress string    `json:"client_address" description:"The address it signed in from."`
	UserAgent     string    `json:"user_agent" description:"A summary of the browser it signed in with."`
	Current       bool      `json:"current" description:"Whether the request came with this session."`
}

func session(s *sharefair.Session) sessionJSON {
	return sessionJSON{Ref: s.Ref, CreatedAt: utc(s.CreatedAt), LastSeenAt: utc(s.LastSeenAt), ExpiresAt: utc(s.ExpiresAt),
		ClientAddress: s.Client.Address, UserAgent: s.Client.Agent, Current: s.Current}
}

// requestSession is the secret of the browser session a request was
// authenticated by, "" when it came with a token.
func requestSession(r *http.Request) string {
	if r.Header.Get("Authorization") != "" {
		return ""
	}
	if c, err := r.Cookie(server.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	ss, err := h.svcs.Auth.FindSessions(r.Context(), requestSession(r))
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(ss, page), session, page, len(ss)))
}

// sessionPath names one of the viewer's sessions.
type sessionPath struct {
	Ref string `path:"ref" description:"The session's ref, from GET /me/sessions."`
}

func (h *Handler) deleteSession(w http.ResponseWriter, r *http.Request, p sessionPath) error {
	if err := h.svcs.Auth.EndSession(r.Context(), p.Ref); err != nil {
		return err
	}
	return noContent(w)
}

// passwordJSON is the body of POST /me/password.
type passwordJSON struct {
	CurrentPassword string `json:"current_password" required:"true"`
	NewPassword     string `json:"new_password" required:"true" description:"At least 10 characters."`
}

// postPassword changes the viewer's password. Every browser session ends
// but the one the request came with, if any; tokens stay.
// checkCurrent checks that password is the viewer v's, within the
// sign-in allowances (a script holds no device cookie), before a change
// that asks for it.
func (h *Handler) checkCurrent(ctx context.Context, v *sharefair.Member, password string) error {
	if !cleanText(password) {
		return sharefair.ErrWrongCurrentPassword()
	}
	return h.signIn.CheckCurrent(ctx, v.Email, password, server.ClientAddr(ctx), "")
}

func (h *Handler) postPassword(w http.ResponseWriter, r *http.Request, in passwordJSON) error {
	ctx := r.Context()
	v := sharefair.ViewerFromContext(ctx)
	if err := h.checkCurrent(ctx, v, in.CurrentPassword); err != nil {
		return err
	}
	if err := h.svcs.Auth.ChangePassword(ctx, sharefair.PasswordChange{Current: in.CurrentPassword,
		New: in.NewPassword, KeepSession: requestSession(r)}); err != nil {
		return err
	}
	return noContent(w)
}

// accountDeletionJSON is the body of DELETE /me.
type accountDeletionJSON struct {
	CurrentPassword string `json:"current_password" required:"true"`
	Posts           string `json:"posts" required:"true" enum:"keep,withdraw" description:"keep: the viewer's posts stay, shown as a former member's. withdraw: every post is withdrawn, as POST /posts/{id}/withdraw does."`
}

// deleteMe deletes the viewer's own account, the password checked within
// the sign-in limits.
func (h *Handler) deleteMe(w http.ResponseWriter, r *http.Request, in accountDeletionJSON) error {
	ctx := r.Context()
	v := sharefair.ViewerFromContext(ctx)
	if in.Posts != "keep" && in.Posts != "withdraw" {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"posts": "Choose whether your posts stay (keep) or are withdrawn (withdraw)."}}
	}
	if err := h.checkCurrent(ctx, v, in.CurrentPassword); err != nil {
		return err
	}
	if err := h.svcs.Members.DeleteAccount(ctx, sharefair.AccountDeletion{Password: in.CurrentPassword,
		WithdrawPosts: in.Posts == "withdraw"}); err != nil {
		return err
	}
	return noContent(w)
}

// passwordResetJSON is the body of POST /password-reset.
type passwordResetJSON struct {
	Token    string `json:"token" required:"true" description:"The secret at the end of the reset link."`
	Password string `json:"password" required:"true" description:"At least 10 characters."`
}

// emailChangeJSON is the body of POST /me/email.
type emailChangeJSON struct {
	Email           string `json:"email" required:"true"`
	CurrentPassword string `json:"current_password" required:"true"`
}

func (h *Handler) postEmailChange(w http.ResponseWriter, r *http.Request, in emailChangeJSON) error {
	ctx := r.Context()
	v := sharefair.ViewerFromContext(ctx)
	if err := h.checkCurrent(ctx, v, in.CurrentPassword); err != nil {
		return err
	}
	if err := h.svcs.Auth.RequestEmailChange(ctx, sharefair.EmailChange{Email: in.Email, Current: in.CurrentPassword}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// linkSecretJSON carries a mailed link's secret.
type linkSecretJSON struct {
	Token string `json:"token" required:"true"`
}

func (h *Handler) postEmailChangeConfirm(w http.ResponseWriter, r *http.Request, in linkSecretJSON) error {
	if err := h.svcs.Auth.ConfirmEmailChange(r.Context(), in.Token); err != nil {
		if sharefair.ErrorCode(err) == sharefair.EINVALID {
			return &sharefair.Error{Code: sharefair.EINVALID, Message: sharefair.ErrorMessage(err),
				Fields: map[string]string{"token": sharefair.ErrorMessage(err)}}
		}
		return err
	}
	return noContent(w)
}

// resetRequestJSON is the body of POST /password-reset/request.
type resetRequestJSON struct {
	Email string `json:"email" required:"true"`
}

func (h *Handler) postPasswordResetRequest(w http.ResponseWriter, r *http.Request, in resetRequestJSON) error {
	if err := h.svcs.Auth.RequestPasswordReset(r.Context(), in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (h *Handler) postPasswordReset(w http.ResponseWriter, r *http.Request, in passwordResetJSON) error {
	err := h.svcs.Auth.ResetPassword(r.Context(), sharefair.PasswordReset{Token: in.Token, Password: in.Password})
	if err != nil {
		if sharefair.ErrorCode(err) == sharefair.EINVALID && sharefair.ErrorFields(err)["password"] == "" {
			// The link's refusal, named on the field that carried it.
			return &sharefair.Error{Code: sharefair.EINVALID, Message: sharefair.ErrorMessage(err),
				Fields: map[string]string{"token": sharefair.ErrorMessage(err)}}
		}
		return err
	}
	return noContent(w)
}
