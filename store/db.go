// Package store keeps Sharefair's data in SQLite or PostgreSQL. One
// implementation serves both: queries are written once in SQL both engines
// accept, and the few differences live in dialect.go. Every read of content
// goes through the visibility rules in access.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/markdown"
)

//go:embed migrations
var migrations embed.FS

// PasswordHasher hashes and checks member passwords.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(password, hash string) (bool, error)
}

// DB is Sharefair's storage. It implements the service interfaces of the
// sharefair package.
type DB struct {
	read    *reader // any number of readers
	write   *sql.DB // SQLite: one writer; PostgreSQL: the same pool as read
	dialect dialect

	// Now returns the current time; tests replace it.
	Now sharefair.Clock
	// Hasher hashes passwords; it must be set before members are created.
	Hasher PasswordHasher
	// Markdown renders post bodies on write.
	Markdown *markdown.Renderer
	// InvitationTTL is how long invitation links stay valid.
	InvitationTTL time.Duration
	// Logger receives storage warnings.
	Logger *slog.Logger

	dummyOnce sync.Once
	dummyHash string
	network   atomic.Pointer[cachedNetwork]
}

// Options configure Open.
type Options struct {
	// URL selects the database: "postgres://…" for PostgreSQL, otherwise a
	// SQLite file path (empty means sharefair.db in DataDir).
	URL string
	// DataDir holds the SQLite database when URL is empty.
	DataDir string
	// Synchronous is SQLite's synchronous level: FULL (default) or NORMAL.
	Synchronous string
	// MaxOpenConns bounds the reading pool (default 16).
	MaxOpenConns int
}

// Open connects to the database and applies pending migrations.
func Open(ctx context.Context, opts Options) (*DB, error) {
	db := &DB{
		Markdown:      markdown.New(),
		InvitationTTL: sharefair.InvitationTTL,
		Logger:        slog.Default(),
	}
	if opts.MaxOpenConns <= 0 {
		opts.MaxOpenConns = 16
	}
	var err error
	if strings.HasPrefix(opts.URL, "postgres://") || strings.HasPrefix(opts.URL, "postgresql://") {
		db.dialect = postgres{}
		pool, err := sql.Open("pgx", opts.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(opts.MaxOpenConns)
		pool.SetMaxIdleConns(opts.MaxOpenConns)
		// pgx keeps its own per-connection statement cache.
		db.read, db.write = &reader{DB: pool}, pool
	} else {
		db.dialect = sqlite{}
		path := opts.URL
		if path == "" {
			if opts.DataDir == "" {
				return nil, errors.New("open sqlite: no data directory")
			}
			if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
			path = filepath.Join(opts.DataDir, "sharefair.db")
		}
		path = strings.TrimPrefix(path, "sqlite:")
		sync := strings.ToUpper(opts.Synchronous)
		if sync == "" {
			sync = "FULL"
		}
		if sync != "FULL" && sync != "NORMAL" {
			return nil, fmt.Errorf("open sqlite: synchronous must be FULL or NORMAL, not %q", opts.Synchronous)
		}
		dsn := "file:" + path + "?_time_format=sqlite&_txlock=immediate" +
			"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
			"&_pragma=synchronous(" + sync + ")"
		if db.write, err = sql.Open("sqlite", dsn); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// SQLite allows one writer at a time; queueing writers here rather
		// than in busy_timeout keeps them fair and fast.
		db.write.SetMaxOpenConns(1)
		pool, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		pool.SetMaxOpenConns(opts.MaxOpenConns)
		pool.SetMaxIdleConns(opts.MaxOpenConns)
		db.read = &reader{DB: pool, prepare: true}
	}
	db.read.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// migrate applies the embedded migrations for the dialect, each in its own
// transaction. On PostgreSQL a session lock keeps two starting instances
// from migrating at once.
func (db *DB) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect.name())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	var opts []goose.ProviderOption
	if db.dialect.name() == "postgres" {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(db.dialect.gooseDialect(), db.write, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.read.Close()
	if db.write != db.read.DB {
		if werr := db.write.Close(); err == nil {
			err = werr
		}
	}
	return err
}

// reader runs read-only queries. On SQLite it keeps each query's prepared
// statement, keyed by its text: the driver would otherwise parse every
// query anew, which costs as much as running a small one.
type reader struct {
	*sql.DB
	prepare bool

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxStatements bounds the statement cache; queries past it (there should
// be none: query texts come from a fixed set of shapes) run unprepared.
const maxStatements = 500

// stmt returns the prepared statement for query, or nil.
func (r *reader) stmt(ctx context.Context, query string) *sql.Stmt {
	if !r.prepare {
		return nil
	}
	r.mu.RLock()
	st := r.stmts[query]
	r.mu.RUnlock()
	if st != nil {
		return st
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if st = r.stmts[query]; st != nil || len(r.stmts) >= maxStatements {
		return st
	}
	st, err := r.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	if r.stmts == nil {
		r.stmts = map[string]*sql.Stmt{}
	}
	r.stmts[query] = st
	return st
}

// QueryContext runs a query, through its prepared statement when kept.
func (r *reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row, through its prepared statement
// when kept.
func (r *reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the kept statements and the pool.
func (r *reader) Close() error {
	r.mu.Lock()
	for _, st := range r.stmts {
		st.Close()
	}
	r.stmts = nil
	r.mu.Unlock()
	return r.DB.Close()
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// Engine names the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.name() }

// Tx is a write transaction. It carries the time the transaction started,
// so everything it writes shares one timestamp.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// inTx runs fn in a write transaction, committing when it returns nil.
// Driver errors are normalised to sharefair errors on the way out.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now.Now()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return db.dialect.normalize(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return db.dialect.normalize(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// query builds a WHERE clause and its arguments with numbered placeholders,
// which both engines accept.
type query struct {
	where []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// and adds a condition.
func (q *query) and(cond string) { q.where = append(q.where, cond) }

// whereSQL returns the WHERE clause, or "" with no conditions.
func (q *query) whereSQL() string {
	if len(q.where) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(q.where, " AND ")
}

// nullTime converts a nullable time column.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// escapeLike escapes LIKE wildcards in s, for use with ESCAPE '\'.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
