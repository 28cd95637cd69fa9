// Package web serves Sharefair's HTML pages: server-rendered, working
// without JavaScript, light enough for a slow mobile connection. Handlers
// parse the request, call a service and render a typed page; they never
// decide who may see what (the store does).
package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"

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
	posts  *postsCache
	// patterns are the mux's patterns, in the order routes registers them.
	patterns []string
}

// New returns the web pages' handler.
func New(cfg server.Config, svcs sharefair.Services, signIn *auth.SignIn) *Handler {
	h := &Handler{cfg: cfg, svcs: svcs, signIn: signIn, mux: http.NewServeMux(), posts: newPostsCache(maxCachedPages)}
	h.routes()
	return h
}

// ServeHTTP implements http.Handler. Unknown paths get the 404 page and
// known paths with the wrong method a 405 page.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern == "" {
		if allow := h.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			h.fail(w, r, &sharefair.Error{Code: "method_not_allowed", Message: "This address does not accept " + r.Method + " requests."})
			return
		}
		h.fail(w, r, sharefair.Errorf(sharefair.ENOTFOUND, "There is no page at this address."))
		return
	}
	// Serve through the mux, not the handler it matched, so that path
	// values are set.
	h.mux.ServeHTTP(w, r)
}

// allowed lists the methods the path accepts, "" when none.
func (h *Handler) allowed(r *http.Request) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := h.mux.Handler(probe); p != "" {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

// Routes lists every pattern the pages are served at ("GET /threads/{id}"),
// for tests that walk them all.
func (h *Handler) Routes() []string { return append([]string(nil), h.patterns...) }

// recordingMux registers handlers on the mux and keeps their patterns.
type recordingMux struct{ h *Handler }

func (m recordingMux) HandleFunc(pattern string, fn http.HandlerFunc) {
	m.h.patterns = append(m.h.patterns, pattern)
	m.h.mux.HandleFunc(pattern, fn)
}

func (h *Handler) routes() {
	m := recordingMux{h}
	m.HandleFunc("GET "+server.StaticPrefix, h.static)
	// The files browsers and crawlers ask for by name (server.FixedFiles).
	m.HandleFunc("GET /favicon.ico", fixedName("favicon.ico"))
	m.HandleFunc("GET /apple-touch-icon.png", fixedName("apple-touch-icon.png"))
	m.HandleFunc("GET /apple-touch-icon-precomposed.png", fixedName("apple-touch-icon.png"))
	m.HandleFunc("GET /manifest.webmanifest", h.manifest)
	m.HandleFunc("GET /robots.txt", h.robots)
	m.HandleFunc("GET /{$}", h.serve(h.home))
	m.HandleFunc("GET /setup", h.serve(h.setupForm))
	m.HandleFunc("POST /setup", h.form(h.serve(h.setup)))
	m.HandleFunc("GET /signin", h.serve(h.signInForm))
	m.HandleFunc("POST /signin", h.form(h.serve(h.signInPost)))
	m.HandleFunc("POST /signout", h.serve(h.signOut))
	m.HandleFunc("GET /email/{token}", h.serve(h.emailConfirmForm))
	m.HandleFunc("POST /email/{token}", h.form(h.serve(h.confirmEmail)))
	m.HandleFunc("GET /forgot", h.serve(h.forgotForm))
	m.HandleFunc("POST /forgot", h.form(h.serve(h.forgot)))
	m.HandleFunc("GET /reset/{token}", h.serve(h.resetForm))
	m.HandleFunc("POST /reset/{token}", h.form(h.serve(h.reset)))
	m.HandleFunc("GET /unsubscribe/{token}", h.serve(h.unsubscribeForm))
	m.HandleFunc("POST /unsubscribe/{token}", h.form(h.serve(h.unsubscribe)))
	m.HandleFunc("GET /join/{token}", h.serve(h.joinForm))
	m.HandleFunc("POST /join/{token}", h.form(h.serve(h.join)))

	// Everything else is for signed-in members.
	page := func(pattern string, fn handlerFunc) { m.HandleFunc(pattern, h.member(h.serve(fn))) }
	submit := func(pattern string, fn handlerFunc) { m.HandleFunc(pattern, h.member(h.form(h.serve(fn)))) }

	page("GET /welcome", h.welcome)
	page("GET /threads", h.threads)
	page("GET /threads/new", h.newThreadForm)
	submit("POST /threads", h.createThread)
	page("GET /threads/{id}", h.thread)
	submit("POST /threads/{id}/posts", h.reply)
	page("GET /threads/{id}/edit", h.editThreadForm)
	submit("POST /threads/{id}/edit", h.editThread)
	page("GET /posts/{id}", h.post)
	page("GET /posts/{id}/edit", h.editPostForm)
	submit("POST /posts/{id}/edit", h.editPost)
	page("GET /posts/{id}/withdraw", h.withdrawPostForm)
	submit("POST /posts/{id}/withdraw", h.withdrawPost)
	page("GET /posts/{id}/flag", h.flagForm)
	submit("POST /posts/{id}/flag", h.flag)
	page("GET /posts/{id}/moderate", h.moderateForm)
	submit("POST /posts/{id}/hide", h.hidePost)
	submit("POST /posts/{id}/restore", h.restorePost)
	submit("POST /posts/{id}/dismiss", h.dismissFlags)
	page("GET /posts/{id}/reveal", h.revealForm)
	submit("POST /posts/{id}/reveal", h.reveal)
	submit("POST /threads/{id}/lock", h.lockThread)
	page("GET /moderation", h.moderation)
	page("GET /admin/audit", h.audit)
	page("GET /admin/jobs", h.jobs)
	page("GET /notifications", h.notifications)
	page("GET /notifications/{id}", h.openNotification)
	submit("POST /notifications/read", h.markNotificationsRead)
	submit("POST /threads/{id}/follow", h.followThread)
	page("GET /members/{handle}/standing", h.standingForm)
	submit("POST /members/{handle}/standing", h.setStanding)

	page("GET /hubs", h.hubs)
	page("GET /hubs/new", h.newHubForm)
	submit("POST /hubs", h.createHub)
	page("GET /hubs/{slug}", h.hub)
	page("GET /hubs/{slug}/manage", h.hubManage)
	page("GET /hubs/{slug}/edit", h.editHubForm)
	submit("POST /hubs/{slug}/edit", h.editHub)
	submit("POST /hubs/{slug}/join", h.joinHub)
	submit("POST /hubs/{slug}/leave", h.leaveHub)
	page("GET /hubs/{slug}/coordinators", h.coordinators)
	submit("POST /hubs/{slug}/coordinators", h.setCoordinator)
	page("GET /hubs/{slug}/requests", h.joinRequests)
	submit("POST /hubs/{slug}/requests/{handle}", h.decideJoinRequest)

	page("GET /circles", h.circles)
	page("GET /circles/new", h.newCircleForm)
	submit("POST /circles", h.createCircle)
	page("GET /circles/{key}", h.circle)
	page("GET /circles/{key}/manage", h.circleManage)
	page("GET /circles/{key}/edit", h.editCircleForm)
	submit("POST /circles/{key}/edit", h.editCircle)
	submit("POST /circles/{key}/join", h.joinCircle)
	submit("POST /circles/{key}/leave", h.leaveCircle)
	submit("POST /circles/{key}/answer", h.answerCircle)
	submit("POST /circles/{key}/invite", h.inviteToCircle)
	submit("POST /circles/{key}/members", h.changeCircleMember)
	submit("POST /circles/{key}/requests", h.decideCircleRequest)
	page("GET /admin/circles", h.secretCircles)
	page("GET /threads/{id}/audience", h.threadAudienceForm)
	submit("POST /threads/{id}/audience", h.threadAudience)

	page("GET /members", h.members)
	page("GET /members/{handle}", h.memberProfile)
	page("GET /settings", h.settingsForm)
	submit("POST /settings", h.settings)
	page("GET /settings/security", h.securityForm)
	submit("POST /settings/password", h.changePassword)
	submit("POST /settings/sessions/{ref}/end", h.endSession)
	page("GET /settings/tokens", h.tokensForm)
	page("GET /settings/data", h.dataPage)
	page("GET /settings/notifications", h.mailSettings)
	submit("POST /settings/email", h.requestEmailChange)
	submit("POST /settings/notifications", h.saveMailSettings)
	page("GET /admin/outbox", h.outbox)
	page("GET /settings/data/export", h.dataExport)
	submit("POST /settings/data/delete", h.deleteAccount)
	submit("POST /settings/tokens", h.createToken)
	submit("POST /settings/tokens/{id}/revoke", h.revokeToken)

	page("GET /network", h.networkForm)
	submit("POST /network", h.renameNetwork)

	page("GET /invitations", h.invitations)
	submit("POST /invitations", h.createInvitation)
	submit("POST /invitations/{id}/revoke", h.revokeInvitation)
	submit("POST /invitations/{id}/link", h.newInvitationLink)
	submit("POST /invitations/{id}/resend", h.resendInvitation)
}

// member lets only signed-in members through; others are sent to sign in.
func (h *Handler) member(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if sharefair.ViewerFromContext(r.Context()) == nil {
			h.fail(w, r, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in."))
			return
		}
		next(w, r)
	}
}

// form parses the posted form first; an oversize body is refused with 413
// on the site's error page, before reading when its length is declared.
func (h *Handler) form(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if max := h.cfg.MaxBodyBytes; max > 0 && r.ContentLength > max {
			h.fail(w, r, server.TooLarge(max))
			return
		}
		if err := r.ParseForm(); err != nil {
			h.fail(w, r, server.BodyError(err))
			return
		}
		next(w, r)
	}
}

// base fills the parts every page shares.
func (h *Handler) base(w http.ResponseWriter, r *http.Request, title string) page {
	p := page{Title: title, Viewer: sharefair.ViewerFromContext(r.Context()), CSS: stylesheetURL, Path: r.URL.Path,
		Flash: h.takeFlash(w, r)}
	if n, err := h.svcs.Network.Network(r.Context()); err == nil {
		p.Network, p.About, p.NetworkZone = n.Name, n.Description, n.TimeZone
	}
	// Without its rights a page offers less, never more; the services
	// refuse what the viewer may not do in any case.
	var err error
	if p.Rights, err = h.svcs.Network.Rights(r.Context()); err != nil {
		server.LoggerFrom(r.Context()).Warn("network rights", "err", err)
	}
	if p.Viewer != nil {
		if p.Unread, err = h.svcs.Notifications.UnreadNotifications(r.Context()); err != nil {
			server.LoggerFrom(r.Context()).Warn("unread notifications", "err", err)
		}
	}
	if p.Network == "" {
		p.Network = "Sharefair"
	}
	return p
}

// render writes a page with the given status. It renders into a buffer
// first, so that a failure mid-way becomes an error page, not half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// fail renders the error page for err: the one place errors are answered.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	d := server.ErrorDetailOf(r, err)
	server.RetryAfter(w, err)
	if d.Code == sharefair.EUNAUTHORIZED && r.Method == http.MethodGet {
		redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()))
		return
	}
	p := h.base(w, r, http.StatusText(d.Status))
	var buf bytes.Buffer
	if rerr := errorPage(p, d).Render(r.Context(), &buf); rerr != nil {
		server.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.Status)
	_, _ = w.Write(buf.Bytes())
}

// redirect answers a form with 303 See Other, so reloading does not post again.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pathID reads a numeric path value; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, sharefair.Errorf(sharefair.ENOTFOUND, "There is no page at this address.")
	}
	return id, nil
}

// pageNumber reads ?page=, defaulting to 1.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// maxNext bounds the length of a path to go to after signing in.
const maxNext = 2048

// safeNext returns next when it is a plain path on this site (with a
// query, perhaps) to go to after signing in, and "/" otherwise. Browsers
// drop tabs and newlines from URLs and read a backslash as a slash, so
// "/\t/evil.example" or "/\\evil.example" would lead off-site: anything not
// plainly a clean local path is refused rather than repaired.
func safeNext(next string) string {
	if len(next) > maxNext || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	// Only printable ASCII, as a browser sends a URL: no controls, spaces,
	// backslashes or look-alikes of "/" from further up Unicode; and no
	// fragment, which a request's URL never has.
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '\\' || c == '#' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	// Decoded, the path must still be plain and clean: no encoded
	// controls, slashes or backslashes (%09, %2F%2F, %5C), no empty or dot
	// segments.
	p := u.Path
	if p == "" || !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || (path.Clean(p) != p && path.Clean(p)+"/" != p) {
		return "/"
	}
	if strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '\\' }) {
		return "/"
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || !utf8.ValidString(q) ||
		strings.ContainsFunc(q, func(r rune) bool {
			return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || r == '\\'
		}) {
		return "/"
	}
	return next
}

// isFieldError reports whether err should be shown beside the form's fields
// rather than as an error page.
func isFieldError(err error) bool {
	var e *sharefair.Error
	return errors.As(err, &e) && (e.Code == sharefair.EINVALID || len(e.Fields) > 0)
}

// flashCookie carries a one-time message across a redirect.
const flashCookie = "sharefair_flash"

// setFlash stores a message to show on the next page.
func (h *Handler) setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true,
		Secure: h.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: 120})
}

// takeFlash returns and clears the pending message.
func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: h.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}
