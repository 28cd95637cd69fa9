package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/mail"
	"github.com/sharefair/sharefair/server"
)

// settings binds the app's configuration to flags, each with an
// environment variable that supplies its default.
type settings struct {
	cfg       app.Config
	logLevel  string
	logFormat string
	// rates are the sign-in limit flags, read into cfg.SignInLimits.
	rates          [4]string
	writeLimits    [2]string // --post-limit, --invitation-limit
	trustedProxies string
	finish         []func() error // run after parsing, in order
}

// envOr returns the environment variable's value, or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// register adds the settings every command that opens the database shares.
func (s *settings) register(fs *flag.FlagSet) {
	d := app.DefaultConfig()
	s.cfg = d
	fs.StringVar(&s.cfg.DataDir, "data", envOr("SHAREFAIR_DATA", d.DataDir),
		"directory holding the SQLite database (env SHAREFAIR_DATA)")
	fs.StringVar(&s.cfg.DatabaseURL, "database-url", envOr("SHAREFAIR_DATABASE_URL", ""),
		"postgres://user@host:5432/db to use PostgreSQL instead of SQLite (env SHAREFAIR_DATABASE_URL)")
	fs.StringVar(&s.cfg.Synchronous, "sqlite-synchronous", envOr("SHAREFAIR_SQLITE_SYNCHRONOUS", d.Synchronous),
		"SQLite synchronous level, FULL (every acknowledged write is on disk) or NORMAL (env SHAREFAIR_SQLITE_SYNCHRONOUS)")
	fs.StringVar(&s.logLevel, "log-level", envOr("SHAREFAIR_LOG_LEVEL", "info"), "debug, info, warn or error (env SHAREFAIR_LOG_LEVEL)")
	fs.StringVar(&s.logFormat, "log-format", envOr("SHAREFAIR_LOG_FORMAT", "text"), "text or json (env SHAREFAIR_LOG_FORMAT)")
	memory := uint(d.Hash.MemoryKiB)
	if v, err := strconv.ParseUint(envOr("SHAREFAIR_ARGON2_MEMORY_KIB", ""), 10, 32); err == nil {
		memory = uint(v)
	}
	iters := uint(d.Hash.Iterations)
	if v, err := strconv.ParseUint(envOr("SHAREFAIR_ARGON2_ITERATIONS", ""), 10, 32); err == nil {
		iters = uint(v)
	}
	fs.Func("argon2-memory-kib", fmt.Sprintf("argon2id memory per password hash in KiB (env SHAREFAIR_ARGON2_MEMORY_KIB) (default %d)", memory),
		func(v string) error {
			n, err := strconv.ParseUint(v, 10, 32)
			memory = uint(n)
			return err
		})
	fs.Func("argon2-iterations", fmt.Sprintf("argon2id iterations (env SHAREFAIR_ARGON2_ITERATIONS) (default %d)", iters),
		func(v string) error {
			n, err := strconv.ParseUint(v, 10, 32)
			iters = uint(n)
			return err
		})
	s.cfg.Hash = d.Hash
	s.finish = append(s.finish, func() error {
		s.cfg.Hash.MemoryKiB, s.cfg.Hash.Iterations = uint32(memory), uint32(iters)
		return nil
	})
}

// registerServe adds the settings of the web server.
func (s *settings) registerServe(fs *flag.FlagSet) {
	d := app.DefaultConfig()
	fs.StringVar(&s.cfg.Addr, "addr", envOr("SHAREFAIR_ADDR", d.Addr), "address to listen on (env SHAREFAIR_ADDR)")
	fs.StringVar(&s.cfg.BaseURL, "base-url", envOr("SHAREFAIR_BASE_URL", ""),
		"address members reach Sharefair at, for absolute links; defaults to http://<addr> (env SHAREFAIR_BASE_URL)")
	fs.Int64Var(&s.cfg.MaxBodyBytes, "max-body-bytes", envInt64("SHAREFAIR_MAX_BODY_BYTES", d.MaxBodyBytes),
		"largest request body accepted; larger ones get 413 (env SHAREFAIR_MAX_BODY_BYTES)")
	limits := []struct {
		flag, env, usage string
		rate             *auth.Rate
	}{
		{"signin-limit-device", "SHAREFAIR_SIGNIN_LIMIT_DEVICE",
			"failed sign-ins allowed per browser that signed in to the account before (it holds a device cookie)",
			&s.cfg.SignInLimits.Device},
		{"signin-limit-account-address", "SHAREFAIR_SIGNIN_LIMIT_ACCOUNT_ADDRESS",
			"failed sign-ins allowed per account from one client address, without a device cookie",
			&s.cfg.SignInLimits.AccountAddress},
		{"signin-limit-account", "SHAREFAIR_SIGNIN_LIMIT_ACCOUNT",
			"failed sign-ins allowed per account from all addresses together, without a device cookie",
			&s.cfg.SignInLimits.Account},
		{"signin-limit-address", "SHAREFAIR_SIGNIN_LIMIT_ADDRESS",
			"sign-in attempts allowed per client address, without a device cookie",
			&s.cfg.SignInLimits.Address},
	}
	for i, l := range limits {
		// register has set cfg to the defaults.
		fs.StringVar(&s.rates[i], l.flag, envOr(l.env, l.rate.String()), l.usage+", as N/duration (env "+l.env+")")
	}
	writeLimits := []struct {
		flag, env, usage string
		rate             *auth.Rate
	}{
		{"post-limit", "SHAREFAIR_POST_LIMIT", "posts (new threads and replies) each member may write", &s.cfg.PostLimit},
		{"invitation-limit", "SHAREFAIR_INVITATION_LIMIT", "invitations each member may make or renew", &s.cfg.InvitationLimit},
	}
	for i, l := range writeLimits {
		fs.StringVar(&s.writeLimits[i], l.flag, envOr(l.env, l.rate.String()),
			l.usage+", as N/duration, or off (env "+l.env+")")
	}
	fs.StringVar(&s.trustedProxies, "trusted-proxies", envOr("SHAREFAIR_TRUSTED_PROXIES", prefixes(d.TrustedProxies)),
		"with --trust-proxy, the proxies whose X-Forwarded-For is believed: addresses or CIDR prefixes, comma-separated (env SHAREFAIR_TRUSTED_PROXIES)")
	fs.DurationVar(&s.cfg.InvitationTTL, "invitation-ttl", envDuration("SHAREFAIR_INVITATION_TTL", d.InvitationTTL),
		"how long invitation links stay valid (env SHAREFAIR_INVITATION_TTL)")
	fs.BoolVar(&s.cfg.TrustProxy, "trust-proxy", envOr("SHAREFAIR_TRUST_PROXY", "") == "true",
		"take client addresses from X-Forwarded-For, behind a reverse proxy (env SHAREFAIR_TRUST_PROXY)")
	fs.DurationVar(&s.cfg.ShutdownTimeout, "shutdown-timeout", envDuration("SHAREFAIR_SHUTDOWN_TIMEOUT", d.ShutdownTimeout),
		"how long in-flight requests may take to finish on SIGTERM (env SHAREFAIR_SHUTDOWN_TIMEOUT)")
	s.finish = append(s.finish, func() error {
		for i, l := range limits {
			r, err := auth.ParseRate(s.rates[i])
			if err != nil {
				return fmt.Errorf("--%s: %w", l.flag, err)
			}
			*l.rate = r
		}
		for i, l := range writeLimits {
			if strings.EqualFold(strings.TrimSpace(s.writeLimits[i]), "off") {
				*l.rate = auth.Rate{}
				continue
			}
			r, err := auth.ParseRate(s.writeLimits[i])
			if err != nil {
				return fmt.Errorf("--%s: %w", l.flag, err)
			}
			*l.rate = r
		}
		ps, err := server.ParseTrustedProxies(s.trustedProxies)
		if err != nil {
			return fmt.Errorf("--trusted-proxies: %w", err)
		}
		s.cfg.TrustedProxies = ps
		return nil
	})
}

// parse parses args and completes the configuration, including the logger.
func (s *settings) parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	for _, f := range s.finish {
		if err := f(); err != nil {
			return err
		}
	}
	logger, err := newLogger(stderr, s.logLevel, s.logFormat)
	if err != nil {
		return err
	}
	s.cfg.Logger = logger
	return nil
}

func envInt64(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// prefixes formats trusted proxies as ParseTrustedProxies reads them.
func prefixes(ps []netip.Prefix) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}

// registerMail adds the settings of the SMTP relay mail goes out through.
func (s *settings) registerMail(fs *flag.FlagSet) {
	fs.StringVar(&s.cfg.Mail.Host, "smtp-host", envOr("SHAREFAIR_SMTP_HOST", ""),
		"the SMTP relay mail goes out through; empty: mail waits in the outbox (env SHAREFAIR_SMTP_HOST)")
	fs.IntVar(&s.cfg.Mail.Port, "smtp-port", int(envInt64("SHAREFAIR_SMTP_PORT", 0)),
		"the relay's port; 587, or 465 with --smtp-tls tls, when 0 (env SHAREFAIR_SMTP_PORT)")
	fs.StringVar(&s.cfg.Mail.TLS, "smtp-tls", envOr("SHAREFAIR_SMTP_TLS", mail.TLSStartTLS),
		"starttls (required), tls (from the first byte) or none (a relay on this host, a mail catcher) (env SHAREFAIR_SMTP_TLS)")
	fs.StringVar(&s.cfg.Mail.Username, "smtp-user", envOr("SHAREFAIR_SMTP_USER", ""), "the relay's user name; empty: no authentication (env SHAREFAIR_SMTP_USER)")
	fs.StringVar(&s.cfg.Mail.Password, "smtp-password", envOr("SHAREFAIR_SMTP_PASSWORD", ""),
		"the relay's password; prefer the environment variable (env SHAREFAIR_SMTP_PASSWORD)")
	fs.StringVar(&s.cfg.Mail.From, "mail-from", envOr("SHAREFAIR_MAIL_FROM", ""),
		`the address mail comes from, as "Name <address>" or an address; bounces come back to address+b<number> (env SHAREFAIR_MAIL_FROM)`)
	s.finish = append(s.finish, func() error { return s.cfg.Mail.Validate() })
}
