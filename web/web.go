// Package web serves Sharefair's HTML pages: server-rendered, working
// without JavaScript, light enough for a slow mobile connection.
package web

import (
	"net/http"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// Handler serves the web pages.
type Handler struct {
	cfg    server.Config
	svcs   sharefair.Services
	signIn *auth.SignIn
	mux    *http.ServeMux
}

// New returns the web pages' handler.
func New(cfg server.Config, svcs sharefair.Services, signIn *auth.SignIn) *Handler {
	h := &Handler{cfg: cfg, svcs: svcs, signIn: signIn, mux: http.NewServeMux()}
	h.routes()
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) routes() {}
