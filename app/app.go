// Package app wires Sharefair together: configuration, database, services,
// the HTTP server and its graceful shutdown. The command line and the
// tests build the same App.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/api"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/jobs"
	"github.com/sharefair/sharefair/mail"
	"github.com/sharefair/sharefair/server"
	"github.com/sharefair/sharefair/store"
	"github.com/sharefair/sharefair/web"
)

// Config is every setting of a running Sharefair.
type Config struct {
	Addr        string // listen address, e.g. localhost:8080
	BaseURL     string // where members reach it; defaults to http://Addr
	DataDir     string // holds the SQLite database
	DatabaseURL string // postgres://… to use PostgreSQL
	Synchronous string // SQLite synchronous level: FULL or NORMAL

	MaxBodyBytes int64
	Hash         auth.HashParams
	SignInLimits auth.Limits
	// PostLimit bounds the posts (new threads and replies) each member
	// writes per period, InvitationLimit the invitations each makes or
	// renews; past them, 429 with Retry-After. The zero Rate is no limit.
	PostLimit       auth.Rate
	InvitationLimit auth.Rate
	InvitationTTL   time.Duration
	TrustProxy      bool
	// TrustedProxies are the peers whose X-Forwarded-For is believed when
	// TrustProxy is set.
	TrustedProxies  []netip.Prefix
	ShutdownTimeout time.Duration

	Logger *slog.Logger
	Clock  sharefair.Clock
	// Mail is the SMTP relay mail goes out through; without a host, mail
	// waits in the outbox.
	Mail mail.Config
	// MailSender, when set, sends in place of the relay Mail names (which
	// must still be set): for tests that make a send fail.
	MailSender mail.Sender
	// Serving claims the database for this process, which is to serve
	// it: on SQLite a second such process is refused before it migrates
	// anything (store.LockForServing). Console commands leave it unset.
	Serving bool
}

// The default limits on writing: far above what a member writing by hand
// reaches, low enough to stop a runaway script or a spammer.
var (
	DefaultPostLimit       = auth.Rate{Events: 30, Per: 10 * time.Minute}
	DefaultInvitationLimit = auth.Rate{Events: 100, Per: 24 * time.Hour}
)

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		Addr:            "localhost:8080",
		DataDir:         "sharefair-data",
		Synchronous:     "FULL",
		MaxBodyBytes:    server.DefaultMaxBodyBytes,
		Hash:            auth.DefaultHashParams,
		SignInLimits:    auth.DefaultLimits,
		PostLimit:       DefaultPostLimit,
		InvitationLimit: DefaultInvitationLimit,
		InvitationTTL:   sharefair.InvitationTTL,
		TrustedProxies:  server.DefaultTrustedProxies(),
		ShutdownTimeout: 8 * time.Second,
	}
}

// App is a running Sharefair.
type App struct {
	Config   Config
	DB       *store.DB
	Services sharefair.Services
	SignIn   *auth.SignIn
	Handler  http.Handler
	Logger   *slog.Logger
	// Jobs runs the background work while Serve serves.
	Jobs *jobs.Runner

	unlock func() // releases the claim of Config.Serving
}

// The kinds of background job.
const (
	// JobSweep deletes expired sessions and old finished jobs, hourly.
	JobSweep = "sweep"
)

// New opens the database (migrating it) and builds the HTTP handler.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	base, err := baseURL(cfg)
	if err != nil {
		return nil, err
	}
	opts := store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Synchronous: cfg.Synchronous}
	unlock := func() {}
	if cfg.Serving {
		if unlock, err = store.LockForServing(opts); err != nil {
			return nil, err
		}
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		unlock()
		return nil, err
	}

	db.Now = cfg.Clock
	db.Hasher = auth.NewHasher(cfg.Hash)
	db.Logger = cfg.Logger
	db.PostLimit, db.InvitationLimit = store.Limit(cfg.PostLimit), store.Limit(cfg.InvitationLimit)
	if cfg.InvitationTTL > 0 {
		db.InvitationTTL = cfg.InvitationTTL
	}
	a := &App{Config: cfg, DB: db, Logger: cfg.Logger, unlock: unlock}
	a.Services = sharefair.Services{Network: db, Members: db, Hubs: db, Invitations: db, Threads: db, Circles: db, Auth: db,
		Onboarding: db, Export: db, Moderation: db, Audit: db, Jobs: db, Notifications: db, Mail: db}
	deviceKey, err := db.DeviceKey(ctx)
	if err != nil {
		db.Close()
		unlock()
		return nil, err
	}
	a.SignIn = auth.NewSignIn(db, cfg.SignInLimits, deviceKey, cfg.Clock)
	a.Jobs = &jobs.Runner{Store: db, Worker: workerName(), Logger: cfg.Logger, Now: func() time.Time { return db.Now.Now() },
		Handlers: map[string]jobs.Handler{
			JobSweep:        func(ctx context.Context, _ jobs.Job) error { return db.Sweep(ctx) },
			store.JobNotify: func(ctx context.Context, j jobs.Job) error { return notify(ctx, db, j) },
		},
		Recurring: []jobs.Recurring{{Kind: JobSweep, Every: time.Hour}}}
	db.Wake = a.Jobs.Wake
	if cfg.Mail.Enabled() {
		if err := cfg.Mail.Validate(); err != nil {
			db.Close()
			unlock()
			return nil, err
		}
		var sender mail.Sender = mail.SMTP{Config: cfg.Mail}
		if cfg.MailSender != nil {
			sender = cfg.MailSender
		}
		m := &mailer{db: db, sender: sender, cfg: cfg.Mail, base: base}
		a.Jobs.Handlers[store.JobMail] = m.send
	}
	scfg := server.Config{BaseURL: base, MaxBodyBytes: cfg.MaxBodyBytes, TrustProxy: cfg.TrustProxy,
		TrustedProxies: cfg.TrustedProxies, Logger: cfg.Logger, Now: cfg.Clock, Mails: cfg.Mail.Enabled()}
	a.Handler, err = server.New(scfg, db, db.Ping,
		web.New(scfg, a.Services, a.SignIn),
		api.New(scfg, a.Services, a.SignIn))
	if err != nil {
		db.Close()
		unlock()
		return nil, err
	}
	return a, nil
}

// notify makes the notifications of the event job j names.
func notify(ctx context.Context, db *store.DB, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return fmt.Errorf("notify: event %q: %w", j.Payload, jobs.ErrPermanent)
	}
	return db.Notify(ctx, id)
}

// baseURL returns the configured base URL, or one built from the listen
// address.
func baseURL(cfg Config) (*url.URL, error) {
	raw := cfg.BaseURL
	if raw == "" {
		host := cfg.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		raw = "http://" + host
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host[:port][/path]", raw)
	}
	return u, nil
}

// BaseURL returns the address members reach Sharefair at.
func (a *App) BaseURL() string {
	u, _ := baseURL(a.Config)
	return u.String()
}

// Close closes the database, and releases it for another process to serve.
func (a *App) Close() error {
	err := a.DB.Close()
	if a.unlock != nil {
		a.unlock()
	}
	return err
}

// PrepareSetup prints a one-time setup code to the log when the network has
// no members yet.
func (a *App) PrepareSetup(ctx context.Context) error {
	code := NewSetupCode()
	ok, err := a.DB.PrepareSetup(ctx, code)
	if err != nil {
		return err
	}
	if ok {
		a.Logger.Warn("Sharefair is not set up yet. Open the setup page and enter this one-time code.",
			"setup_url", a.BaseURL()+"/setup", "setup_code", code)
	}
	return nil
}

// NewSetupCode returns a one-time code of 12 characters in groups of four,
// from an alphabet without look-alike characters.
func NewSetupCode() string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return s.String()
}

// workerName names this process's claims on jobs: the host, the process
// and a random part, so that a restarted process never takes its old
// claims for its own.
func workerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// Serve serves HTTP on ln, and runs the background jobs beside it, until
// ctx is cancelled; then it stops accepting connections and lets in-flight
// requests finish within the shutdown timeout (those still running then
// are cut), stops the jobs, and returns nil.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	jctx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan error, 1)
	go func() { jobsDone <- a.Jobs.Run(jctx) }()
	defer func() {
		stopJobs()
		if err := <-jobsDone; err != nil {
			a.Logger.Error("background jobs", "err", err)
		}
	}()
	return a.serveHTTP(ctx, ln)
}

// serveHTTP serves HTTP on ln until ctx is cancelled, then shuts down.
func (a *App) serveHTTP(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	timeout := a.Config.ShutdownTimeout
	if timeout <= 0 {
		timeout = 8 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	a.Logger.Info("shutting down: finishing in-flight requests", "timeout", timeout)
	if err := srv.Shutdown(sctx); err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("shutdown: %w", err)
		}
		// Requests still running past the timeout are cut, so that a
		// client that hangs cannot keep the process from stopping: a
		// stop that was asked for is a clean stop.
		a.Logger.Warn("shutdown timeout passed: cutting the requests still in flight", "timeout", timeout)
		_ = srv.Close() // its error is the listener's, closed already
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
