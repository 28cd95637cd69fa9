package web

import (
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// securityPageFor renders the password and sessions page with form f.
func (h *Handler) securityPageFor(r *http.Request, p page, f form) (templ.Component, error) {
	ss, err := h.svcs.Auth.FindSessions(r.Context(), sessionSecret(r))
	if err != nil {
		return nil, err
	}
	return securityPage(p, f, ss), nil
}

// sessionSecret is the secret of the session the request comes with, "".
func sessionSecret(r *http.Request) string {
	if c, err := r.Cookie(server.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (h *Handler) securityForm(w http.ResponseWriter, r *http.Request) error {
	c, err := h.securityPageFor(r, h.base(w, r, "Password and sessions"), newForm(nil, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, c)
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := sharefair.ViewerFromContext(ctx)
	f := r.PostForm
	show := func(p page, f form) (templ.Component, error) { return h.securityPageFor(r, p, f) }
	// The current password is checked within the sign-in allowances, and
	// by the service again.
	if err := h.checkCurrent(r, v, f.Get("current_password")); err != nil {
		if code := sharefair.ErrorCode(err); code != sharefair.EINVALID && code != sharefair.ERATELIMITED {
			return err
		}
		return shownAgain(err, "Password and sessions", show)
	}
	err := h.svcs.Auth.ChangePassword(ctx, sharefair.PasswordChange{Current: f.Get("current_password"),
		New: f.Get("new_password"), KeepSession: sessionSecret(r)})
	if err != nil {
		return refused(err, "Password and sessions", show)
	}
	h.setFlash(w, "Your password is changed; you are signed out everywhere else. "+
		"Your access tokens still work: revoke any you do not recognise under Access tokens.")
	redirect(w, r, "/settings/security")
	return nil
}

func (h *Handler) endSession(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ref := r.PathValue("ref")
	ss, err := h.svcs.Auth.FindSessions(ctx, sessionSecret(r))
	if err != nil {
		return err
	}
	current := false
	for _, s := range ss {
		current = current || (s.Current && s.Ref == ref)
	}
	if err := h.svcs.Auth.EndSession(ctx, ref); err != nil {
		return err
	}
	if current {
		server.ClearSessionCookie(w, h.cfg)
		redirect(w, r, "/signin")
		return nil
	}
	h.setFlash(w, "That session is ended.")
	redirect(w, r, "/settings/security")
	return nil
}

// tokensPageFor renders the access tokens page with form f.
func (h *Handler) tokensPageFor(r *http.Request, p page, f form) (templ.Component, error) {
	ts, err := h.svcs.Auth.FindTokens(r.Context())
	if err != nil {
		return nil, err
	}
	return tokensPage(p, ts, f), nil
}

func (h *Handler) tokensForm(w http.ResponseWriter, r *http.Request) error {
	c, err := h.tokensPageFor(r, h.base(w, r, "Access tokens"), newForm(nil, nil))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, c)
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	v := sharefair.ViewerFromContext(r.Context())
	_, secret, err := h.svcs.Auth.CreateToken(r.Context(), v.ID, r.PostForm.Get("name"))
	if err != nil {
		return refused(err, "Access tokens", func(p page, f form) (templ.Component, error) { return h.tokensPageFor(r, p, f) })
	}
	h.setFlash(w, "Your new token (copy it now; it will not be shown again): "+secret)
	redirect(w, r, "/settings/tokens")
	return nil
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.svcs.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	h.setFlash(w, "The token is revoked.")
	redirect(w, r, "/settings/tokens")
	return nil
}

// commonLanguageCodes are the languages offered first: the most spoken,
// and those of the regions a network is likely to span.
var commonLanguageCodes = []string{"ar", "bn", "de", "en", "es", "fa", "fr", "hi", "id", "it", "ja", "ko",
	"nl", "pl", "pt", "ru", "sw", "tr", "uk", "ur", "zh"}

var commonLanguageList, otherLanguageList = func() ([]sharefair.Option, []sharefair.Option) {
	var common, other []sharefair.Option
	for _, o := range sharefair.Languages {
		if selected(commonLanguageCodes, o.Code) {
			common = append(common, o)
		} else {
			other = append(other, o)
		}
	}
	return common, other
}()

func commonLanguages() []sharefair.Option { return commonLanguageList }
func otherLanguages() []sharefair.Option  { return otherLanguageList }

// otherLanguageChosen reports whether codes hold a language outside the
// common ones, so that the full list opens to show it ticked.
func otherLanguageChosen(codes []string) bool {
	for _, c := range codes {
		if !selected(commonLanguageCodes, c) {
			return true
		}
	}
	return false
}

// paragraphs splits plain text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// agentSummary names a browser and its system from a User-Agent, for a
// member to recognise their sessions by: "Firefox on Linux".
func agentSummary(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	browser := "A browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, s := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"CrOS", "ChromeOS"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			return browser + " on " + s.name
		}
	}
	return browser
}

// checkCurrent checks that password is the viewer v's within the sign-in
// allowances, counting this browser's device cookie.
func (h *Handler) checkCurrent(r *http.Request, v *sharefair.Member, password string) error {
	var device string
	if c, err := r.Cookie(auth.DeviceCookie); err == nil {
		device = c.Value
	}
	return h.signIn.CheckCurrent(r.Context(), v.Email, password, server.ClientAddr(r.Context()), device)
}

// requestEmailChange mails a link to the new address, once the password is
// checked within the sign-in allowances.
func (h *Handler) requestEmailChange(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := sharefair.ViewerFromContext(ctx)
	f := r.PostForm
	show := func(p page, f form) (templ.Component, error) { return h.securityPageFor(r, p, f) }
	onPasswordField := func(err error) error {
		if fields := sharefair.ErrorFields(err); fields["current_password"] != "" {
			fields["email_password"] = fields["current_password"]
			delete(fields, "current_password")
		}
		return err
	}
	if err := h.checkCurrent(r, v, f.Get("email_password")); err != nil {
		if code := sharefair.ErrorCode(err); code != sharefair.EINVALID && code != sharefair.ERATELIMITED {
			return err
		}
		return shownAgain(onPasswordField(err), "Password and sessions", show)
	}
	err := h.svcs.Auth.RequestEmailChange(ctx, sharefair.EmailChange{Email: f.Get("email"), Current: f.Get("email_password")})
	if err != nil {
		return refused(onPasswordField(err), "Password and sessions", show)
	}
	h.setFlash(w, "A link is on its way to "+sharefair.NormalizeEmail(f.Get("email"))+": your address changes when you follow it.")
	redirect(w, r, "/settings/security")
	return nil
}

func (h *Handler) emailConfirmForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return h.render(w, r, http.StatusOK, emailConfirmPage(h.base(w, r, "Confirm your new address"), "", false))
}

func (h *Handler) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if err := h.svcs.Auth.ConfirmEmailChange(r.Context(), r.PathValue("token")); err != nil {
		if sharefair.ErrorCode(err) != sharefair.EINVALID {
			return err
		}
		return h.render(w, r, http.StatusNotFound, emailConfirmPage(h.base(w, r, "Confirm your new address"), sharefair.ErrorMessage(err), false))
	}
	return h.render(w, r, http.StatusOK, emailConfirmPage(h.base(w, r, "Confirm your new address"), "", true))
}
