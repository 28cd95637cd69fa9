// Package api serves Sharefair's JSON API under /api/v1.
package api

import (
	"net/http"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// Handler serves the API.
type Handler struct {
	cfg    server.Config
	svcs   sharefair.Services
	signIn *auth.SignIn
	mux    *http.ServeMux
}

// New returns the API's handler.
func New(cfg server.Config, svcs sharefair.Services, signIn *auth.SignIn) *Handler {
	h := &Handler{cfg: cfg, svcs: svcs, signIn: signIn, mux: http.NewServeMux()}
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }
