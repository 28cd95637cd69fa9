// Package testutil opens real databases for tests: SQLite always, and
// PostgreSQL when SHAREFAIR_TEST_DATABASE_URL is set, each test in its own
// schema that is dropped when the test ends.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"github.com/sharefair/sharefair/internal/testenv"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/store"
)

// PostgresEnv names the variable holding the PostgreSQL server for tests.
const PostgresEnv = "SHAREFAIR_TEST_DATABASE_URL"

// CheapHash makes password hashing fast in tests; production uses
// auth.DefaultHashParams through the same setting.
var CheapHash = auth.HashParams{MemoryKiB: 64, Iterations: 1, Parallelism: 1, Concurrent: 8}

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return testenv.InCI() }

// SkipOrFail skips the test with msg, or fails it in CI; see testenv.SkipOrFail.
func SkipOrFail(t testing.TB, msg string) {
	t.Helper()
	testenv.SkipOrFail(t, msg)
}

// Engine names a database engine under test.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines are the engines every storage and HTTP test runs on.
var Engines = []Engine{SQLite, Postgres}

// ForEachEngine runs fn as a subtest on each engine, with a fresh database.
func ForEachEngine(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			fn(t, MustOpenDB(t, e))
		})
	}
}

// Clock is a settable clock for tests.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// MustOpenDB opens a fresh, migrated database on engine e with cheap
// password hashing. It is closed (and, on PostgreSQL, dropped) when the
// test ends.
func MustOpenDB(t testing.TB, e Engine) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{URL: DatabaseURL(t, e), Synchronous: "NORMAL"})
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	db.Hasher = auth.NewHasher(CheapHash)
	t.Cleanup(func() { db.Close() })
	return db
}

// DatabaseURL returns a fresh database for engine e: a SQLite file in the
// test's temporary directory, or a new PostgreSQL schema.
func DatabaseURL(t testing.TB, e Engine) string {
	t.Helper()
	if e == Postgres {
		return postgresSchema(t)
	}
	// A file, not :memory:: every pooled connection to :memory: is its own
	// empty database.
	return filepath.Join(t.TempDir(), "test.db")
}

// postgresSchema creates a uniquely named schema and returns a URL whose
// connections use it. The schema is dropped when the test ends.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		SkipOrFail(t, "PostgreSQL tests need "+PostgresEnv+
			"=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres at %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// As returns a context for viewer m.
func As(m *sharefair.Member) context.Context {
	return sharefair.NewContextWithViewer(context.Background(), m)
}

// Operator returns the operator's context.
func Operator() context.Context {
	return sharefair.NewOperatorContext(context.Background())
}

// MustCreateMember creates a member through the operator's path.
func MustCreateMember(t testing.TB, db *store.DB, handle string, role sharefair.Role) *sharefair.Member {
	t.Helper()
	m, err := db.CreateMember(Operator(), sharefair.NewMember{
		Email: handle + "@example.org", Handle: handle, Name: "Member " + handle,
		Password: "correct horse battery", Role: role,
	})
	if err != nil {
		t.Fatalf("create member %s: %v", handle, err)
	}
	return m
}

// MustCreateHub creates a hub as admin.
func MustCreateHub(t testing.TB, db *store.DB, admin *sharefair.Member, name string) *sharefair.Hub {
	t.Helper()
	h, err := db.CreateHub(As(admin), sharefair.NewHub{Name: name})
	if err != nil {
		t.Fatalf("create hub %s: %v", name, err)
	}
	return h
}

// MustJoin puts m in a hub.
func MustJoin(t testing.TB, db *store.DB, m *sharefair.Member, h *sharefair.Hub) {
	t.Helper()
	if _, err := db.JoinHub(As(m), h.Slug); err != nil {
		t.Fatalf("join %s: %v", h.Slug, err)
	}
}

// MustCreateThread starts a thread as m; hub may be nil for the network.
func MustCreateThread(t testing.TB, db *store.DB, m *sharefair.Member, hub *sharefair.Hub, title, body string) *sharefair.Thread {
	t.Helper()
	nt := sharefair.NewThread{Title: title, Body: body, Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}}
	if hub != nil {
		nt.Audience = sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: hub.Slug}
	}
	th, err := db.CreateThread(As(m), nt)
	if err != nil {
		t.Fatalf("create thread %q: %v", title, err)
	}
	return th
}

// AssertCode fails the test unless err carries the given code.
func AssertCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := sharefair.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}
