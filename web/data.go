package web

import (
	"net/http"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// dataPage says what a member's export holds and offers it.
func (h *Handler) dataPage(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, dataPage(h.base(w, r, "Your data"), newForm(nil, nil)))
}

// deletionChoices are what may become of a deleting member's posts.
var deletionChoices = []sharefair.Option{
	{Code: "keep", Name: "Keep them, as a former member's"},
	{Code: "withdraw", Name: "Withdraw them all"},
}

// deleteAccount deletes the viewer's account, the password checked within
// the sign-in allowances first, and signs them out.
func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := sharefair.ViewerFromContext(ctx)
	f := r.PostForm
	show := func(p page, f form) (templ.Component, error) { return dataPage(p, f), nil }
	choice := f.Get("posts")
	if choice != "keep" && choice != "withdraw" {
		return refused(withField(nil, "posts", "Choose what becomes of your posts."), "Your data", show)
	}
	var device string
	if c, err := r.Cookie(auth.DeviceCookie); err == nil {
		device = c.Value
	}
	if err := h.signIn.CheckCurrent(ctx, v.Email, f.Get("current_password"), server.ClientAddr(ctx), device); err != nil {
		if code := sharefair.ErrorCode(err); code != sharefair.EINVALID && code != sharefair.ERATELIMITED {
			return err
		}
		return shownAgain(err, "Your data", show)
	}
	err := h.svcs.Members.DeleteAccount(ctx, sharefair.AccountDeletion{Password: f.Get("current_password"),
		WithdrawPosts: choice == "withdraw"})
	if err != nil {
		return refused(err, "Your data", show)
	}
	server.ClearSessionCookie(w, h.cfg)
	h.setFlash(w, "Your account is deleted. Thank you for what you shared.")
	redirect(w, r, "/signin")
	return nil
}

// dataExport answers with the viewer's export, the file GET /api/v1/me/export
// gives, to save.
func (h *Handler) dataExport(w http.ResponseWriter, r *http.Request) error {
	return server.WriteExport(w, r, h.svcs.Export, h.cfg.Now)
}
