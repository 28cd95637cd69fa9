// Package store keeps Sharefair's data in SQLite or PostgreSQL. One
// implementation serves both: queries are written once in SQL both engines
// accept, and the few differences are methods of the dialect (dialect.go).
// Every read of content goes through the visibility rules in access.go;
// every write goes through one transaction (inTx) that checks the rules
// for changes, also in access.go, with what it reads inside it.
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

// sqlitePath is the SQLite database file opts name, its directory made.
func sqlitePath(opts Options) (string, error) {
	path := opts.URL
	if path == "" {
		if opts.DataDir == "" {
			return "", errors.New("open sqlite: no data directory")
		}
		if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
			return "", fmt.Errorf("create data directory: %w", err)
		}
		path = filepath.Join(opts.DataDir, "sharefair.db")
	}
	return strings.TrimPrefix(path, "sqlite:"), nil
}

// DB is Sharefair's storage. It implements the service interfaces of the
// sharefair package.
type DB struct {
	read    *reader // any number of readers
	write   writer  // SQLite: one writer; PostgreSQL: the same pool as read
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
	// PostLimit bounds the posts (new threads and replies) a member
	// writes in a period, InvitationLimit the invitations they make or
	// renew; zero is no limit (see limit.go).
	PostLimit, InvitationLimit Limit
	// Wake, if set, is called after a write that added a job due now
	// commits: the job runner's Wake, so that notifications go out at
	// once rather than at the next poll.
	Wake func()

	dummyOnce sync.Once
	dummyHash string
	network   atomic.Pointer[cachedNetwork]
	// networkGen counts the changes to the network's settings.
	networkGen atomic.Uint64
	// directorySummary is the member directory's facets and count;
	// directoryReading is held by the request reading them anew.
	directorySummary atomic.Pointer[cachedDirectory]
	directoryReading sync.Mutex
	// unread keeps each member's unread count (memberID → unreadCount)
	// for every page's navigation; unreadGen counts the notifications
	// made, which every kept count predates then.
	unread    sync.Map
	unreadGen atomic.Uint64
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
		db.read, db.write = &reader{pool: pool}, writer{conns: pool}
	} else {
		db.dialect = sqlite{}
		var path string
		if path, err = sqlitePath(opts); err != nil {
			return nil, err
		}
		sync := strings.ToUpper(opts.Synchronous)
		if sync == "" {
			sync = "FULL"
		}
		if sync != "FULL" && sync != "NORMAL" {
			return nil, fmt.Errorf("open sqlite: synchronous must be FULL or NORMAL, not %q", opts.Synchronous)
		}
		dsn := "file:" + uriPath(path) + "?_time_format=sqlite&_txlock=immediate" +
			"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
			"&_pragma=synchronous(" + sync + ")"
		if db.write.conns, err = sql.Open("sqlite", dsn); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// SQLite allows one writer at a time; queueing writers here rather
		// than in busy_timeout keeps them fair and fast.
		db.write.conns.SetMaxOpenConns(1)
		pool, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		pool.SetMaxOpenConns(opts.MaxOpenConns)
		pool.SetMaxIdleConns(opts.MaxOpenConns)
		db.read = &reader{pool: pool, prepare: true}
	}
	db.read.pool.SetConnMaxIdleTime(5 * time.Minute)
	db.read.now = func() time.Time { return db.Now.Now() }
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.renderHubDescriptions(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.renderPosts(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// uriPath escapes what a file: URI would otherwise read in a path: a "#"
// starts a fragment and a "?" the parameters, which would cut the path
// short and open another database, without the pragmas that follow.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)
}

// migrate applies the embedded migrations for the dialect, each in its own
// transaction, with the dialect's options (on PostgreSQL, a lock that keeps
// two starting instances from migrating at once).
func (db *DB) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect.name())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	opts, err := db.dialect.migrationOptions()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(db.dialect.gooseDialect(), db.write.conns, fsys, opts...)
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
	if db.write.conns != db.read.pool {
		if werr := db.write.conns.Close(); err == nil {
			err = werr
		}
	}
	return err
}

// writer is the pool that writes go through. It offers nothing but the
// transaction inTx opens, so that a write outside one (its permission
// check not read with it, its driver errors not normalised) does not
// compile.
type writer struct {
	conns *sql.DB
}

// reader runs read-only queries; it offers no way to write. On SQLite it
// keeps each query's prepared statement, keyed by its text: the driver
// would otherwise parse every query anew, which costs as much as running a
// small one.
type reader struct {
	pool    *sql.DB
	prepare bool
	// now is the store's clock, for reads that depend on the time.
	now func() time.Time

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxStatements bounds the statement cache. Query texts come from a fixed
// set of shapes, but a page's bounds are literals (limitSQL), so deep pages
// make texts of their own; past the bound one kept statement makes room.
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
	if st = r.stmts[query]; st != nil {
		return st
	}
	if len(r.stmts) >= maxStatements {
		for old, st := range r.stmts { // evict one, arbitrarily
			// A statement in use closes when its rows are done.
			st.Close()
			delete(r.stmts, old)
			break
		}
	}
	st, err := r.pool.PrepareContext(ctx, query)
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
	return r.pool.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row, through its prepared statement
// when kept.
func (r *reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.pool.QueryRowContext(ctx, query, args...)
}

// Close closes the kept statements and the pool.
func (r *reader) Close() error {
	r.mu.Lock()
	for _, st := range r.stmts {
		st.Close()
	}
	r.stmts = nil
	r.mu.Unlock()
	return r.pool.Close()
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
	// enqueued is set when the transaction added a job that is due now,
	// so that the runner is woken once it commits.
	enqueued bool
}

// inTx runs fn in a write transaction, committing when it returns nil. It
// is the one way to write: every public write method opens one, and reads
// what its permission check needs inside it. Driver errors are normalised
// to sharefair errors on the way out.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.conns.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now.Now()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return db.normalize(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return db.normalize(fmt.Errorf("commit: %w", err))
	}
	if tx.enqueued && db.Wake != nil {
		db.Wake()
	}
	return nil
}

// asViewer runs fn in a write transaction on behalf of the signed-in
// viewer, as the transaction reads them (see Tx.viewer).
func (db *DB) asViewer(ctx context.Context, fn func(ctx context.Context, tx *Tx, v *sharefair.Member) error) error {
	if _, err := requireViewer(ctx); err != nil {
		return err
	}
	// What the viewer does may change what they are told of (they read
	// a thread, decline an invitation, leave a hub): their kept unread
	// count is counted again.
	defer db.forgetUnread(sharefair.ViewerIDFromContext(ctx))
	return db.inTx(ctx, func(tx *Tx) error {
		ctx, v, err := tx.viewer(ctx)
		if err != nil {
			return err
		}
		return fn(ctx, tx, v)
	})
}

// asViewerOrOperator is asViewer for the methods the operator may call
// too; for the operator, v is nil.
func (db *DB) asViewerOrOperator(ctx context.Context, fn func(ctx context.Context, tx *Tx, v *sharefair.Member) error) error {
	if !sharefair.IsOperator(ctx) {
		return db.asViewer(ctx, fn)
	}
	return db.inTx(ctx, func(tx *Tx) error { return fn(ctx, tx, nil) })
}

// viewer reads the signed-in viewer inside tx, for a write's permission
// check. The member in ctx is a snapshot taken when the session was looked
// up; a member whose role changed since (an admin stood down) acts with
// the role they have now, and one who no longer exists is refused. Their
// row stays locked until tx ends, so a change of their role waits for what
// they are doing, or what they do waits for the change and sees it. The
// context returned carries the viewer as read, for the access rules.
func (tx *Tx) viewer(ctx context.Context) (context.Context, *sharefair.Member, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return ctx, nil, err
	}
	var role sharefair.Role
	var state sharefair.MemberState
	err = tx.QueryRowContext(ctx, `SELECT role, state FROM members WHERE id = $1`+tx.db.dialect.lockExclusive(), v.ID).Scan(&role, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return ctx, nil, sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	} else if err != nil {
		return ctx, nil, fmt.Errorf("load viewer: %w", err)
	}
	if state != sharefair.MemberActive {
		// Suspended or deactivated while a request was on its way.
		return ctx, nil, stateRefusal(state)
	}
	now := *v
	now.Role, now.State = role, state
	return sharefair.NewContextWithViewer(ctx, &now), &now, nil
}

// hubRole reads, inside tx, the role of member memberID in hub hubID (""
// for none), kept as read until tx ends: standing a coordinator down waits
// for what they are doing in the hub, or it waits for that and sees it.
func (tx *Tx) hubRole(ctx context.Context, hubID, memberID int64) (sharefair.HubRole, error) {
	var role sharefair.HubRole
	err := tx.QueryRowContext(ctx, `SELECT role FROM hub_members WHERE hub_id = $1 AND member_id = $2`+
		tx.db.dialect.lockShared(), hubID, memberID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("hub role: %w", err)
	}
	return role, nil
}

// uniqueFields names the form field, and its message, for each column
// whose unique violation a member can cause.
var uniqueFields = map[string]struct{ field, message string }{
	"members.email":  {"email", "A member with this email address already exists."},
	"members.handle": {"handle", "This handle is taken; choose another."},
	"hubs.slug":      {"slug", "A hub with this address already exists; choose another."},
}

// normalize turns driver errors into sharefair errors: a unique violation,
// on either engine, is a conflict, on the field it concerns when there is
// one. The driver's error stays in the message, for the log.
func (db *DB) normalize(err error) error {
	table, column, ok := db.dialect.uniqueViolation(err)
	if !ok {
		return err
	}
	e := sharefair.Errorf(sharefair.ECONFLICT, "That already exists.")
	if f, ok := uniqueFields[table+"."+column]; ok {
		e = &sharefair.Error{Code: sharefair.ECONFLICT, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{f.field: f.message}}
	}
	return fmt.Errorf("%w (%v)", e, err)
}

// readTime returns the time a read through qr is made at: its
// transaction's, or the store's clock.
func readTime(qr queryer) time.Time {
	switch r := qr.(type) {
	case *Tx:
		return r.now
	case *reader:
		return r.now()
	}
	return sharefair.Clock(nil).Now()
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

// limitSQL returns a LIMIT and OFFSET clause with its bounds written as
// integer literals, never as bound arguments: SQLite re-prepares a
// statement whose LIMIT or OFFSET is a parameter every time it is bound
// anew (its planner depends on them), which cost a fifth of a page's CPU.
// Every paged query writes its bounds through here. The bounds come from
// sharefair.Page.Normalize; anything else is a programming error.
func limitSQL(limit, offset int) string {
	if limit < 1 || limit > sharefair.MaxPageSize+1 || offset < 0 || offset > sharefair.MaxPageNumber*sharefair.MaxPageSize {
		panic(fmt.Sprintf("store: page bounds out of range: LIMIT %d OFFSET %d", limit, offset))
	}
	return " LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset)
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
