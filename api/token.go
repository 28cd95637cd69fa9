package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// tokenJSON is a personal access token. Its secret is shown only once,
// beside it, when it is created.
type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Hint       string     `json:"hint"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func token(t *sharefair.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Hint: t.Hint, CreatedAt: utc(t.CreatedAt), LastUsedAt: utcPtr(t.LastUsedAt)}
}

// createdTokenJSON answers the creation of a token.
type createdTokenJSON struct {
	Token  tokenJSON `json:"token"`
	Secret string    `json:"secret"`
}

// passwordTokenJSON is the body of POST /tokens/password.
type passwordTokenJSON struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

func (h *Handler) postPasswordToken(w http.ResponseWriter, r *http.Request) error {
	var in passwordTokenJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	// A bad name is refused before the attempt, so it costs no sign-in.
	if _, err := sharefair.ValidateTokenName(in.Name); err != nil {
		return err
	}
	ctx := r.Context()
	if !cleanText(in.Email) {
		// No member's address holds a NUL, and PostgreSQL refuses to
		// compare one: answer as for any unknown address.
		return sharefair.Errorf(sharefair.EUNAUTHORIZED, "That email address and password do not match.")
	}
	m, err := h.signIn.Attempt(ctx, in.Email, in.Password, server.ClientAddr(ctx))
	if err != nil {
		return err
	}
	t, secret, err := h.svcs.Auth.CreateToken(sharefair.NewContextWithViewer(ctx, m), m.ID, in.Name)
	if err != nil {
		return err
	}
	return render(w, http.StatusCreated, createdTokenJSON{Token: token(t), Secret: secret})
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r, sharefair.DefaultPageSize)
	if err != nil {
		return err
	}
	ts, err := h.svcs.Auth.FindTokens(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(ts, page), token, page, len(ts)))
}

// newTokenJSON is the body of POST /tokens.
type newTokenJSON struct {
	Name string `json:"name"`
}

func (h *Handler) postToken(w http.ResponseWriter, r *http.Request) error {
	var in newTokenJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	t, secret, err := h.svcs.Auth.CreateToken(ctx, sharefair.ViewerIDFromContext(ctx), in.Name)
	if err != nil {
		return err
	}
	return render(w, http.StatusCreated, createdTokenJSON{Token: token(t), Secret: secret})
}

func (h *Handler) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Token")
	if err != nil {
		return err
	}
	if err := h.svcs.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}
