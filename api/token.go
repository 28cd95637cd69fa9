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
	Hint       string     `json:"hint" description:"The secret's last characters."`
	CreatedAt  time.Time  `json:"created_at" description:"RFC 3339, UTC."`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func token(t *sharefair.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Hint: t.Hint, CreatedAt: utc(t.CreatedAt), LastUsedAt: utcPtr(t.LastUsedAt)}
}

// createdTokenJSON answers the creation of a token.
type createdTokenJSON struct {
	Token  tokenJSON `json:"token"`
	Secret string    `json:"secret" description:"The token's secret, shown only now. Send it as Authorization: Bearer <secret>."`
}

// passwordTokenJSON is the body of POST /tokens/password.
type passwordTokenJSON struct {
	Email    string `json:"email" required:"true"`
	Password string `json:"password" required:"true"`
	Name     string `json:"name" required:"true" description:"A name to tell the token apart, e.g. the script's."`
}

func (h *Handler) postPasswordToken(w http.ResponseWriter, r *http.Request, in passwordTokenJSON) error {
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

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	ts, err := h.svcs.Auth.FindTokens(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(ts, page), token, page, len(ts)))
}

// newTokenJSON is the body of POST /tokens.
type newTokenJSON struct {
	Name string `json:"name" required:"true"`
}

func (h *Handler) postToken(w http.ResponseWriter, r *http.Request, in newTokenJSON) error {
	ctx := r.Context()
	t, secret, err := h.svcs.Auth.CreateToken(ctx, sharefair.ViewerIDFromContext(ctx), in.Name)
	if err != nil {
		return err
	}
	return render(w, http.StatusCreated, createdTokenJSON{Token: token(t), Secret: secret})
}

func (h *Handler) deleteToken(w http.ResponseWriter, r *http.Request, at tokenPath) error {
	if err := h.svcs.Auth.RevokeToken(r.Context(), at.ID); err != nil {
		return err
	}
	return noContent(w)
}
