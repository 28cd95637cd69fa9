package testutil

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
	"github.com/sharefair/sharefair/store"
)

// Server is a real Sharefair on a real database, served over loopback.
type Server struct {
	*httptest.Server
	App   *app.App
	DB    *store.DB
	Clock *Clock
	// Admin is the network admin created at start ("admin").
	Admin *sharefair.Member
}

// serverOptions are what ServerOptions adjust.
type serverOptions struct {
	cfg       app.Config
	withAdmin bool
}

// ServerOption adjusts the configuration before the app starts.
type ServerOption func(*serverOptions)

// WithSignInRates sets the untrusted sign-in limits per account (from all
// addresses) and per address.
func WithSignInRates(account, address auth.Rate) ServerOption {
	return func(o *serverOptions) { o.cfg.SignInLimits.Account, o.cfg.SignInLimits.Address = account, address }
}

// WithWriteLimits sets the limits on posting and on invitations per
// member; app.DefaultPostLimit and app.DefaultInvitationLimit are the real
// ones.
func WithWriteLimits(posts, invitations auth.Rate) ServerOption {
	return func(o *serverOptions) { o.cfg.PostLimit, o.cfg.InvitationLimit = posts, invitations }
}

// WithConfig lets a test change any setting.
func WithConfig(fn func(*app.Config)) ServerOption {
	return func(o *serverOptions) { fn(&o.cfg) }
}

// WithoutAdmin starts with no members, so the network needs setting up.
func WithoutAdmin() ServerOption {
	return func(o *serverOptions) { o.withAdmin = false }
}

// NewServer starts Sharefair on engine e. Sign-in limits are generous
// unless set, and posting and inviting are not limited (the sweeps write
// thousands of posts as one member) unless WithWriteLimits sets them;
// hashing is cheap. Logs are discarded unless
// SHAREFAIR_TEST_LOG is set.
func NewServer(t testing.TB, e Engine, opts ...ServerOption) *Server {
	t.Helper()
	var handler http.Handler = http.NotFoundHandler()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	clock := &Clock{T: time.Now().UTC().Truncate(time.Second)}
	cfg := app.DefaultConfig()
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	cfg.DatabaseURL = DatabaseURL(t, e)
	cfg.Synchronous = "NORMAL"
	cfg.Hash = CheapHash
	generous := auth.Rate{Events: 1000, Per: time.Minute}
	cfg.SignInLimits = auth.Limits{Device: generous, AccountAddress: generous, Account: generous, Address: generous}
	cfg.PostLimit, cfg.InvitationLimit = auth.Rate{}, auth.Rate{}
	cfg.Clock = clock.Now
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("SHAREFAIR_TEST_LOG") != "" {
		cfg.Logger = slog.Default()
	}
	so := serverOptions{cfg: cfg, withAdmin: true}
	for _, o := range opts {
		o(&so)
	}
	a, err := app.New(context.Background(), so.cfg)
	if err != nil {
		t.Fatalf("start sharefair: %v", err)
	}
	handler = a.Handler
	ts.Start()
	s := &Server{Server: ts, App: a, DB: a.DB, Clock: clock}
	t.Cleanup(func() {
		ts.Close()
		a.Close()
	})
	if so.withAdmin {
		s.Admin = MustCreateMember(t, a.DB, "admin", sharefair.RoleAdmin)
	}
	return s
}

// Token returns a new personal access token for m.
func (s *Server) Token(t testing.TB, m *sharefair.Member) string {
	t.Helper()
	_, secret, err := s.DB.CreateToken(Operator(), m.ID, "test")
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return secret
}

// Browser returns an HTTP client signed in as m (nil: signed out) that
// keeps cookies and does not follow redirects.
func (s *Server) Browser(t testing.TB, m *sharefair.Member) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if m != nil {
		secret, err := s.DB.CreateSession(context.Background(), m.ID, sharefair.SessionClient{})
		if err != nil {
			t.Fatalf("session: %v", err)
		}
		u, _ := url.Parse(s.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: server.SessionCookie, Value: secret, Path: "/"}})
	}
	return c
}

// RunJobs runs the background jobs due now (the notifications of what was
// just done), as the server's job runner would beside it.
func (s *Server) RunJobs(t testing.TB) {
	t.Helper()
	if _, err := s.App.Jobs.RunDue(context.Background()); err != nil {
		t.Fatalf("run jobs: %v", err)
	}
}
