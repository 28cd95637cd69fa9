// Package server assembles Sharefair's HTTP face: the middleware every
// request passes through (request ids, logs, limits, compression,
// cross-origin protection, who is signed in), the health endpoints, and the
// mounting of the web pages and the JSON API.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"

	"github.com/sharefair/sharefair"
)

// DefaultMaxBodyBytes bounds request bodies unless configured otherwise.
const DefaultMaxBodyBytes = 1 << 20

// SessionCookie names the browser session cookie.
const SessionCookie = "sharefair_session"

// Config holds the settings of the HTTP face.
type Config struct {
	// Mails is set when a mail relay is configured: invitations and
	// notifications go by email.
	Mails bool
	// BaseURL is where members reach Sharefair; absolute links are built
	// from it, never from the request's Host header.
	BaseURL *url.URL
	// MaxBodyBytes bounds request bodies; larger ones get 413.
	MaxBodyBytes int64
	// TrustProxy takes the client address from X-Forwarded-For, for
	// installations behind a reverse proxy.
	TrustProxy bool
	// TrustedProxies are the proxies whose X-Forwarded-For entries are
	// believed; nil means DefaultTrustedProxies.
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger
	// Now is the clock pages use to tell what has expired.
	Now sharefair.Clock
}

// SecureCookies reports whether cookies must be marked Secure: when
// members reach Sharefair over TLS.
func (c Config) SecureCookies() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// Absolute returns the absolute URL of a path on this installation.
func (c Config) Absolute(path string) string {
	u := *c.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	return u.String()
}

// StaticPrefix is where the static assets are served. They are the same
// for everyone, so requests for them carry no viewer: the server looks up
// no session or token for them.
const StaticPrefix = "/static/"

// FixedFiles are the files browsers and crawlers ask for by name at the
// site's root. Like the static assets they are the same for everyone, so
// the server looks up no session or token for them either.
var FixedFiles = map[string]bool{
	"/favicon.ico": true, "/apple-touch-icon.png": true, "/apple-touch-icon-precomposed.png": true,
	"/manifest.webmanifest": true, "/robots.txt": true,
}

// Authenticator resolves sessions and tokens to members.
type Authenticator interface {
	MemberBySession(ctx context.Context, secret string) (*sharefair.Member, error)
	MemberByToken(ctx context.Context, secret string) (*sharefair.Member, error)
}

// New returns the root handler: web pages at /, the API at /api/v1/, and
// /healthz and /readyz. ping reports whether the database answers.
func New(cfg Config, auth Authenticator, ping func(context.Context) error, web, api http.Handler) (http.Handler, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.TrustedProxies == nil {
		cfg.TrustedProxies = DefaultTrustedProxies()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := ping(ctx); err != nil {
			LoggerFrom(r.Context()).Error("readiness check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, `{"status":"unavailable","database":"unreachable"}`)
			return
		}
		fmt.Fprintln(w, `{"status":"ok","database":"ok"}`)
	})
	mux.Handle("/api/", api)
	mux.Handle("/", web)

	gz, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.EnableZstd(false), gzhttp.MinSize(512))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	csrf := http.NewCrossOriginProtection()
	if cfg.BaseURL != nil {
		if err := csrf.AddTrustedOrigin(cfg.BaseURL.Scheme + "://" + cfg.BaseURL.Host); err != nil {
			return nil, fmt.Errorf("trusted origin: %w", err)
		}
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, sharefair.Errorf(sharefair.EFORBIDDEN,
			"This request came from another site and was refused. Go back, reload the page and try again."))
	}))

	var h http.Handler = mux
	h = authenticate(auth, cfg)(h)
	h = csrf.Handler(h)
	h = limitBody(cfg.MaxBodyBytes)(h)
	h = gz(h)
	h = securityHeaders(cfg)(h)
	h = logRequests(cfg)(h)
	return h, nil
}

type ctxKey int

const (
	loggerKey ctxKey = iota
	requestIDKey
	clientAddrKey
)

// LoggerFrom returns the request's logger, which carries its request id.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// RequestID returns the request's id.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// ClientAddr returns the address of the client that made the request.
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey).(string)
	return a
}

// statusWriter records the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	failed bool // a write failed: the client is gone
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	w.failed = w.failed || err != nil
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives each request an id and a logger, logs it when done,
// and turns a panic into a logged 500.
func logRequests(cfg Config) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get("X-Request-Id")
			if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r > '~' }) {
				b := make([]byte, 8)
				_, _ = rand.Read(b)
				id = hex.EncodeToString(b)
			}
			addr := clientAddr(r, cfg)
			logger := cfg.Logger.With("request_id", id)
			ctx := context.WithValue(r.Context(), loggerKey, logger)
			ctx = context.WithValue(ctx, requestIDKey, id)
			ctx = context.WithValue(ctx, clientAddrKey, addr)
			ctx = withUnattributedMark(ctx)
			w.Header().Set("X-Request-Id", id)
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					logger.Error("panic", "panic", p, "stack", string(debug.Stack()))
					if sw.status == 0 {
						WriteError(sw, r.WithContext(ctx), errors.New("panic"))
					}
				}
				attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.status,
					"bytes", sw.bytes, "duration_ms", float64(time.Since(start).Microseconds()) / 1000, "client", addr}
				if isUnattributed(ctx) {
					// A write whose author is hidden: not tied to a client.
					attrs = append(withoutClient(attrs), "unattributed", true)
				}
				if sw.failed || ctx.Err() != nil {
					attrs = append(attrs, "client_gone", true)
				}
				logger.Info("request", attrs...)
			}()
			next.ServeHTTP(sw, r.WithContext(ctx))
		})
	}
}

// ContentSecurityPolicy is the policy every response carries. Pages load
// nothing from elsewhere, images in members' posts included (the renderer
// turns those into links, so no other server learns who opened a post); no
// inline script or style runs (no 'unsafe-inline' anywhere), and no site
// may frame Sharefair.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self'; style-src 'self'; " +
	"script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// HSTS is the Strict-Transport-Security value sent on responses over TLS:
// a year, for this host only (other hosts of the domain are the operator's
// to decide).
const HSTS = "max-age=31536000"

// securityHeaders sets the headers every response carries, before anything
// else runs: pages, the API, static files, errors, redirects and 404s alike.
// HSTS only goes out over TLS, since a browser ignores it over plain HTTP
// and an installation reached over plain HTTP must not lock itself out.
func securityHeaders(cfg Config) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			if overTLS(r, cfg) {
				h.Set("Strict-Transport-Security", HSTS)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// limitBody refuses bodies over max bytes with 413: as soon as reading
// passes the limit, and for the API up front when the declared length is
// over it. Pages are left to refuse declared lengths themselves, after the
// member is known, so that the refusal is the site's own page.
func limitBody(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > max && IsAPI(r) {
				WriteError(w, r, TooLarge(max))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}

// TooLarge is the error for a body over the limit.
func TooLarge(max int64) error {
	return sharefair.Errorf(sharefair.ETOOLARGE, "The request is too large: at most %d KiB.", max>>10)
}

// BodyError turns an error from reading a request body into a sharefair
// error: too large (413) or malformed (400).
func BodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return TooLarge(mbe.Limit)
	}
	return sharefair.Errorf(sharefair.EBADREQUEST, "The request body could not be read: %v", err)
}

// authenticate puts the member a request comes from in its context: from a
// bearer token (scripts) or the session cookie (browsers).
func authenticate(auth Authenticator, cfg Config) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if strings.HasPrefix(r.URL.Path, StaticPrefix) || FixedFiles[r.URL.Path] {
				// The same files for everyone: no session to look up.
				next.ServeHTTP(w, r)
				return
			}
			if h := r.Header.Get("Authorization"); h != "" {
				scheme, token, _ := strings.Cut(h, " ")
				if !strings.EqualFold(scheme, "Bearer") {
					WriteError(w, r, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Use an Authorization: Bearer token."))
					return
				}
				m, err := auth.MemberByToken(ctx, strings.TrimSpace(token))
				if err != nil {
					WriteError(w, r, err)
					return
				}
				next.ServeHTTP(w, r.WithContext(sharefair.NewContextWithViewer(ctx, m)))
				return
			}
			if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
				m, err := auth.MemberBySession(ctx, c.Value)
				switch sharefair.ErrorCode(err) {
				case "":
					ctx = sharefair.NewContextWithViewer(ctx, m)
				case sharefair.EUNAUTHORIZED:
					ClearSessionCookie(w, cfg)
				default:
					WriteError(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// SetSessionCookie stores a session secret in the browser: HttpOnly,
// SameSite=Lax, Secure under TLS.
func SetSessionCookie(w http.ResponseWriter, cfg Config, secret string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: int(sharefair.SessionTTL.Seconds())})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, cfg Config) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: cfg.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
