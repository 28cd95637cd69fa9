package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// invitationView is what the join page shows of an invitation.
type invitationView struct {
	Email     string
	Name      string // the invitee's name as the inviter gave it
	Message   string // the inviter's personal message
	Hub       string
	HubSlug   string
	InvitedBy string
	Action    string
	ForViewer bool // the signed-in viewer is the member it is addressed to
}

func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svcs.Network.Network(r.Context())
	if err != nil {
		return err
	}
	if n.SetUp {
		redirect(w, r, "/signin")
		return nil
	}
	return h.render(w, r, http.StatusOK, setupPage(h.base(w, r, "Set up"),
		newForm(url.Values{"time_zone": {sharefair.DefaultTimeZone}}, nil)))
}

func (h *Handler) setup(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	m, err := h.svcs.Network.Setup(r.Context(), sharefair.Setup{
		Code: f.Get("code"), NetworkName: f.Get("network_name"), NetworkDescription: f.Get("network_description"),
		TimeZone: f.Get("time_zone"), Email: f.Get("email"),
		Handle: f.Get("handle"), Name: f.Get("name"), Password: f.Get("password"),
	})
	if err != nil {
		return refused(err, "Set up", func(p page, f form) (templ.Component, error) { return setupPage(p, f), nil })
	}
	// Home, where the setup checklist says what is left to do.
	h.setFlash(w, "Your network is set up. The checklist below says what is left to do before people arrive.")
	return h.startSession(w, r, m, "/")
}

// startSession signs m in with a fresh session id and goes on to next.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, m *sharefair.Member, next string) error {
	if c, err := r.Cookie(server.SessionCookie); err == nil {
		_ = h.svcs.Auth.DeleteSession(r.Context(), c.Value)
	}
	secret, err := h.svcs.Auth.CreateSession(r.Context(), m.ID, sharefair.SessionClient{
		Address: server.ClientAddr(r.Context()), Agent: r.UserAgent()})
	if err != nil {
		return err
	}
	server.SetSessionCookie(w, h.cfg, secret)
	h.setDeviceCookie(w, h.signIn.NewDevice(m.Email))
	redirect(w, r, safeNext(next))
	return nil
}

// setDeviceCookie marks this browser as one its member signed in from, so
// that it keeps its own sign-in allowance however many guesses are made at
// the account elsewhere (auth.Limits). Only the sign-in form needs it.
func (h *Handler) setDeviceCookie(w http.ResponseWriter, value string) {
	path := "/signin"
	if h.cfg.BaseURL != nil {
		path = strings.TrimSuffix(h.cfg.BaseURL.Path, "/") + path
	}
	http.SetCookie(w, &http.Cookie{Name: auth.DeviceCookie, Value: value, Path: path, HttpOnly: true,
		Secure: h.cfg.SecureCookies(), SameSite: http.SameSiteStrictMode, MaxAge: int(auth.DeviceTTL.Seconds())})
}

func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svcs.Network.Network(r.Context())
	if err != nil {
		return err
	}
	if !n.SetUp {
		redirect(w, r, "/setup")
		return nil
	}
	next := safeNext(r.URL.Query().Get("next"))
	if sharefair.ViewerFromContext(r.Context()) != nil {
		redirect(w, r, next)
		return nil
	}
	return h.render(w, r, http.StatusOK, signInPage(h.base(w, r, "Sign in"), newForm(nil, nil), next))
}

func (h *Handler) signInPost(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	next := safeNext(f.Get("next"))
	var device string
	if c, err := r.Cookie(auth.DeviceCookie); err == nil {
		device = c.Value
	}
	m, err := h.signIn.AttemptOnDevice(r.Context(), f.Get("email"), f.Get("password"), server.ClientAddr(r.Context()), device)
	if err != nil {
		code := sharefair.ErrorCode(err)
		if code != sharefair.EUNAUTHORIZED && code != sharefair.ERATELIMITED {
			return err
		}
		return shownAgain(err, "Sign in", func(p page, f form) (templ.Component, error) { return signInPage(p, f, next), nil })
	}
	return h.startSession(w, r, m, next)
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(server.SessionCookie); err == nil {
		if err := h.svcs.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	server.ClearSessionCookie(w, h.cfg)
	h.setFlash(w, "You are signed out.")
	redirect(w, r, "/signin")
	return nil
}

func (h *Handler) invitationView(r *http.Request) (invitationView, error) {
	token := r.PathValue("token")
	inv, err := h.svcs.Invitations.FindInvitationByToken(r.Context(), token)
	if err != nil {
		return invitationView{}, err
	}
	v := invitationView{Email: inv.Email, Name: inv.Name, Message: inv.Message, InvitedBy: inv.InvitedBy.Name,
		Action: "/join/" + token, ForViewer: inv.ForViewer}
	if inv.Hub != nil {
		v.Hub, v.HubSlug = inv.Hub.Name, inv.Hub.Slug
	}
	return v, nil
}

func (h *Handler) joinForm(w http.ResponseWriter, r *http.Request) error {
	inv, err := h.invitationView(r)
	if err != nil {
		return err
	}
	// The name the inviter gave is a starting point the invitee may change.
	return h.render(w, r, http.StatusOK, joinPage(h.base(w, r, "Join"), newForm(url.Values{"name": {inv.Name}}, nil), inv))
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) error {
	inv, err := h.invitationView(r)
	if err != nil {
		return err
	}
	if sharefair.ViewerFromContext(r.Context()) != nil {
		return h.joinAsMember(w, r, inv)
	}
	f := r.PostForm
	m, err := h.svcs.Invitations.AcceptInvitation(r.Context(), r.PathValue("token"), sharefair.Acceptance{
		Name: f.Get("name"), Handle: f.Get("handle"), Password: f.Get("password"),
	})
	if err != nil {
		return refused(err, "Join", func(p page, f form) (templ.Component, error) { return joinPage(p, f, inv), nil })
	}
	h.setFlash(w, "Welcome, "+m.Name+"! You are a member of the network now.")
	return h.startSession(w, r, m, "/welcome")
}

// joinAsMember accepts an invitation for the signed-in member it is
// addressed to: they join its hub, in the session they have.
func (h *Handler) joinAsMember(w http.ResponseWriter, r *http.Request, inv invitationView) error {
	if _, err := h.svcs.Invitations.AcceptInvitation(r.Context(), r.PathValue("token"), sharefair.Acceptance{}); err != nil {
		return refused(err, "Join", func(p page, f form) (templ.Component, error) { return joinPage(p, f, inv), nil })
	}
	if inv.HubSlug == "" {
		h.setFlash(w, "Invitation accepted.")
		redirect(w, r, "/")
		return nil
	}
	h.setFlash(w, "Welcome to the "+inv.Hub+" hub.")
	redirect(w, r, "/hubs/"+inv.HubSlug)
	return nil
}

// resetForm asks for a new password, from a reset link. A link that cannot
// be used says so, the same for every reason.
func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if err := h.svcs.Auth.CheckPasswordReset(r.Context(), r.PathValue("token")); err != nil {
		return h.render(w, r, http.StatusNotFound, resetPage(h.base(w, r, "Choose a new password"), newForm(nil, nil), sharefair.ErrorMessage(err)))
	}
	return h.render(w, r, http.StatusOK, resetPage(h.base(w, r, "Choose a new password"), newForm(nil, nil), ""))
}

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, forgotPage(h.base(w, r, "Forgot your password?"), newForm(nil, nil), false))
}

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) error {
	if err := h.svcs.Auth.RequestPasswordReset(r.Context(), r.PostForm.Get("email")); err != nil {
		return refused(err, "Forgot your password?", func(p page, f form) (templ.Component, error) {
			return forgotPage(p, f, false), nil
		})
	}
	return h.render(w, r, http.StatusOK, forgotPage(h.base(w, r, "Forgot your password?"), newForm(nil, nil), true))
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	err := h.svcs.Auth.ResetPassword(r.Context(), sharefair.PasswordReset{Token: r.PathValue("token"), Password: r.PostForm.Get("password")})
	if err != nil {
		if sharefair.ErrorFields(err)["password"] == "" && sharefair.ErrorCode(err) == sharefair.EINVALID {
			return h.render(w, r, http.StatusNotFound, resetPage(h.base(w, r, "Choose a new password"), newForm(nil, nil), sharefair.ErrorMessage(err)))
		}
		return refused(err, "Choose a new password", func(p page, f form) (templ.Component, error) {
			return resetPage(p, f, ""), nil
		})
	}
	h.setFlash(w, "Your password is changed, and every session of yours has ended: sign in with the new one.")
	redirect(w, r, "/signin")
	return nil
}
