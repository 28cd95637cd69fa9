package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
)

const memberColumns = `m.id, m.email, m.handle, m.name, m.organisation, m.title, m.city,
	m.country, m.time_zone, m.bio, m.role, m.state, m.created_at`

// scanMember scans memberColumns, then any extra columns into extra.
func scanMember(s interface{ Scan(...any) error }, extra ...any) (*sharefair.Member, error) {
	var m sharefair.Member
	dest := []any{&m.ID, &m.Email, &m.Handle, &m.Name, &m.Organisation, &m.Title, &m.City,
		&m.Country, &m.TimeZone, &m.Bio, &m.Role, &m.State, &m.CreatedAt}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.Languages, m.Expertise = []string{}, []string{}
	return &m, nil
}

// searchKey is what the directory's free-text search matches against.
func searchKey(name, handle string) string {
	return strings.ToLower(name) + " @" + handle
}

// CreateMember creates a member; only the operator or a network admin may.
// When it creates the first network admin of a network not yet set up, it
// completes the setup, so the setup page closes.
func (db *DB) CreateMember(ctx context.Context, nm sharefair.NewMember) (*sharefair.Member, error) {
	if !mayManageMembers(ctx, sharefair.ViewerFromContext(ctx)) {
		// Refused before hashing, which takes a while; the transaction
		// asks again of the viewer as they are now.
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may add members directly.")
	}
	if err := nm.Validate(); err != nil {
		return nil, err
	}
	hash, err := db.hashPassword(nm.Password)
	if err != nil {
		return nil, err
	}
	var id int64
	err = db.asViewerOrOperator(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayManageMembers(ctx, v) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may add members directly.")
		}
		var err error
		if id, err = createMember(ctx, tx, nm, hash); err != nil {
			return err
		}
		if nm.Role == sharefair.RoleAdmin {
			_, err = tx.ExecContext(ctx, `UPDATE network
				SET set_up_at = $1, setup_code_hash = NULL,
					name = CASE WHEN name = '' THEN 'Sharefair' ELSE name END
				WHERE id = 1 AND set_up_at IS NULL`, tx.now)
		}
		return err
	})
	db.forgetNetwork()
	db.forgetDirectory()
	if err != nil {
		return nil, err
	}
	return db.memberByID(ctx, id)
}

func (db *DB) hashPassword(pw string) (string, error) {
	if db.Hasher == nil {
		return "", errors.New("store: no password hasher configured")
	}
	h, err := db.Hasher.Hash(pw)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// createMember inserts a validated member, reporting a taken email or
// handle as a conflict on that field: both at once when they were taken
// before, and the one the unique index finds when another member takes it
// while this runs.
func createMember(ctx context.Context, tx *Tx, nm sharefair.NewMember, hash string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT email, handle FROM members WHERE email = $1 OR handle = $2`,
		nm.Email, nm.Handle)
	if err != nil {
		return 0, fmt.Errorf("check member: %w", err)
	}
	p := sharefair.Problems{}
	for rows.Next() {
		var e, h string
		if err := rows.Scan(&e, &h); err != nil {
			rows.Close()
			return 0, err
		}
		if e == nm.Email {
			p.Add("email", "A member with this email address already exists.")
		}
		if h == nm.Handle {
			p.Add("handle", "This handle is taken; choose another.")
		}
	}
	rows.Close()
	if len(p) > 0 {
		return 0, &sharefair.Error{Code: sharefair.ECONFLICT, Message: "Please correct the highlighted fields.", Fields: p}
	}
	if err := tx.checkHandleFree(ctx, nm.Handle); err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO members
		(email, handle, name, search_key, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		nm.Email, nm.Handle, nm.Name, searchKey(nm.Name, nm.Handle), string(nm.Role), hash, tx.now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert member: %w", err)
	}
	return id, nil
}

// FindMemberByID returns a member with their languages, expertise and hubs.
func (db *DB) FindMemberByID(ctx context.Context, id int64) (*sharefair.Member, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	return db.memberByID(ctx, id)
}

func (db *DB) memberByID(ctx context.Context, id int64) (*sharefair.Member, error) {
	return db.findOneMember(ctx, "m.id = $1", id)
}

// FindMemberByHandle returns a member by handle (with or without @).
func (db *DB) FindMemberByHandle(ctx context.Context, handle string) (*sharefair.Member, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	handle = sharefair.NormalizeHandle(handle)
	if !sharefair.ValidHandle(handle) {
		return nil, sharefair.ErrNotFound("Member")
	}
	return db.findOneMember(ctx, "m.handle = $1", handle)
}

// FindMemberByEmail returns a member by email; for the operator and admins.
func (db *DB) FindMemberByEmail(ctx context.Context, email string) (*sharefair.Member, error) {
	if !maySeeEmails(ctx) {
		return nil, sharefair.ErrNotFound("Member")
	}
	if !sharefair.Searchable(email) {
		return nil, sharefair.ErrNotFound("Member")
	}
	return db.findOneMember(ctx, "m.email = $1", sharefair.NormalizeEmail(email))
}

func (db *DB) findOneMember(ctx context.Context, cond string, arg any) (*sharefair.Member, error) {
	m, err := scanMember(db.read.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members m WHERE `+cond+` AND `+listedMember("m"), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sharefair.ErrNotFound("Member")
	} else if err != nil {
		return nil, fmt.Errorf("find member: %w", err)
	}
	if err := db.attachProfiles(ctx, []*sharefair.Member{m}); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT h.id, h.slug, h.name, hm.role
		FROM hub_members hm JOIN hubs h ON h.id = hm.hub_id
		WHERE hm.member_id = $1 ORDER BY h.name`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("member hubs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var hm sharefair.HubMembership
		if err := rows.Scan(&hm.Hub.ID, &hm.Hub.Slug, &hm.Hub.Name, &hm.Role); err != nil {
			return nil, fmt.Errorf("member hubs: %w", err)
		}
		m.Hubs = append(m.Hubs, hm)
	}
	return m, rows.Err()
}

// attachProfiles loads the languages and expertise of members in two
// queries, whatever their number.
func (db *DB) attachProfiles(ctx context.Context, ms []*sharefair.Member) error {
	if len(ms) == 0 {
		return nil
	}
	byID := make(map[int64]*sharefair.Member, len(ms))
	var q query
	ph := make([]string, len(ms))
	for i, m := range ms {
		byID[m.ID] = m
		ph[i] = q.arg(m.ID)
	}
	in := strings.Join(ph, ", ")
	for _, part := range []struct {
		sql  string
		dest func(m *sharefair.Member) *[]string
	}{
		{`SELECT member_id, code FROM member_languages WHERE member_id IN (` + in + `) ORDER BY member_id, code`,
			func(m *sharefair.Member) *[]string { return &m.Languages }},
		{`SELECT member_id, tag FROM member_expertise WHERE member_id IN (` + in + `) ORDER BY member_id, tag`,
			func(m *sharefair.Member) *[]string { return &m.Expertise }},
	} {
		rows, err := db.read.QueryContext(ctx, part.sql, q.args...)
		if err != nil {
			return fmt.Errorf("member profile: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return fmt.Errorf("member profile: %w", err)
			}
			d := part.dest(byID[id])
			*d = append(*d, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("member profile: %w", err)
		}
	}
	return nil
}

// FindMembers lists the member directory by name. The list walks the
// members' name index and stops at the page, each filter an index lookup
// for the member at hand; the total, when asked for, is a count apart,
// without sorting or reading members' rows.
func (db *DB) FindMembers(ctx context.Context, f sharefair.MemberFilter) ([]*sharefair.Member, int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, 0, err
	}
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	var q query
	if f.Hub != "" {
		q.and(`EXISTS (SELECT 1 FROM hub_members fh WHERE fh.member_id = m.id
			AND fh.hub_id = (SELECT h.id FROM hubs h WHERE h.slug = ` + q.arg(f.Hub) + `))`)
	}
	if s := strings.TrimSpace(f.Organisation); s != "" {
		q.and(`m.organisation_key = ` + q.arg(strings.ToLower(s)))
	}
	if s := strings.ToLower(strings.TrimSpace(f.Language)); s != "" {
		q.and(`EXISTS (SELECT 1 FROM member_languages fl WHERE fl.member_id = m.id AND fl.code = ` + q.arg(s) + `)`)
	}
	if s := sharefair.NormalizeTag(f.Expertise); s != "" {
		q.and(`EXISTS (SELECT 1 FROM member_expertise fe WHERE fe.member_id = m.id AND fe.tag = ` + q.arg(s) + `)`)
	}
	if s := strings.ToLower(strings.TrimSpace(f.Query)); s != "" {
		q.and(`m.search_key LIKE ` + q.arg("%"+escapeLike(s)+"%") + ` ESCAPE '\'`)
	}
	filtered := len(q.where) > 0
	q.and(listedMember("m"))
	page := f.Page.Normalize()
	limit := page.Size
	if f.NoTotal {
		limit++ // one more tells whether more follow
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+memberColumns+`
		FROM members m `+q.whereSQL()+`
		ORDER BY m.name, m.id`+limitSQL(limit, page.Offset()), q.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find members: %w", err)
	}
	defer rows.Close()
	ms := make([]*sharefair.Member, 0, limit)
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("find members: %w", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find members: %w", err)
	}
	var total int
	if f.NoTotal {
		total = page.Offset() + len(ms)
		if len(ms) > page.Size {
			ms = ms[:page.Size]
		}
	} else if total, err = db.countMembers(ctx, q, filtered); err != nil {
		return nil, 0, err
	}
	if f.NoProfiles {
		return ms, total, nil
	}
	return ms, total, db.attachProfiles(ctx, ms)
}

// countMembers counts the members q's conditions match. Without
// filters (q holds listedMember alone), the count of every listed member
// is reused for a few seconds, as the directory's facets are.
func (db *DB) countMembers(ctx context.Context, q query, filtered bool) (int, error) {
	if !filtered {
		d, err := db.directory(ctx)
		if err != nil {
			return 0, err
		}
		return d.members, nil
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM members m `+q.whereSQL(), q.args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return total, nil
}

// DirectoryFacets lists the organisations, languages and expertise tags in
// use, most common first.
func (db *DB) DirectoryFacets(ctx context.Context) (*sharefair.DirectoryFacets, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	d, err := db.directory(ctx)
	if err != nil {
		return nil, err
	}
	f := *d.facets // the slices are shared: callers do not change them
	return &f, nil
}

// directoryTTL is how long the directory's facets and its count of every
// member are reused. They are the same for every viewer and count the
// whole network, so reading them anew for each directory page would make
// it grow with the network. A change made through this process is seen at
// once (forgetDirectory); one made through another, within directoryTTL.
const directoryTTL = 5 * time.Second

// cachedDirectory is the directory's summary as last read.
type cachedDirectory struct {
	facets  *sharefair.DirectoryFacets
	members int
	expires time.Time
}

// forgetDirectory drops the directory's summary after a change of members.
func (db *DB) forgetDirectory() { db.directorySummary.Store(nil) }

// directory returns the directory's summary, read at most directoryTTL ago.
// One request reads it anew when it is due; the others meanwhile use the
// summary it replaces, so that a busy directory does not read the whole
// network once per request in flight.
func (db *DB) directory(ctx context.Context) (*cachedDirectory, error) {
	old := db.directorySummary.Load()
	if old != nil && time.Now().Before(old.expires) {
		return old, nil
	}
	if old != nil && !db.directoryReading.TryLock() {
		return old, nil // another request is reading it
	} else if old == nil {
		db.directoryReading.Lock()
	}
	defer db.directoryReading.Unlock()
	if d := db.directorySummary.Load(); d != nil && d != old && time.Now().Before(d.expires) {
		return d, nil // read while this one waited
	}
	d := &cachedDirectory{facets: &sharefair.DirectoryFacets{}, expires: time.Now().Add(directoryTTL)}
	f := d.facets
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM members m WHERE `+listedMember("m")).Scan(&d.members); err != nil {
		return nil, fmt.Errorf("count members: %w", err)
	}
	for _, part := range []struct {
		sql  string
		dest *[]sharefair.Facet
	}{
		{`SELECT MIN(organisation), COUNT(*) FROM members WHERE organisation_key <> ''
			GROUP BY organisation_key ORDER BY COUNT(*) DESC, MIN(organisation) LIMIT 200`, &f.Organisations},
		{`SELECT code, COUNT(*) FROM member_languages GROUP BY code ORDER BY COUNT(*) DESC, code`, &f.Languages},
		{`SELECT tag, COUNT(*) FROM member_expertise GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT 200`, &f.Expertise},
	} {
		rows, err := db.read.QueryContext(ctx, part.sql)
		if err != nil {
			return nil, fmt.Errorf("directory facets: %w", err)
		}
		for rows.Next() {
			var fc sharefair.Facet
			if err := rows.Scan(&fc.Value, &fc.Count); err != nil {
				rows.Close()
				return nil, fmt.Errorf("directory facets: %w", err)
			}
			fc.Label = fc.Value
			*part.dest = append(*part.dest, fc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("directory facets: %w", err)
		}
	}
	for i, fc := range f.Languages {
		if n, ok := sharefair.LanguageName(fc.Value); ok {
			f.Languages[i].Label = n
		}
	}
	db.directorySummary.Store(d)
	return d, nil
}

// UpdateMember changes a profile; the member themself or a network admin.
func (db *DB) UpdateMember(ctx context.Context, id int64, u sharefair.MemberUpdate) (*sharefair.Member, error) {
	err := db.asViewer(ctx, func(ctx context.Context, tx *Tx, v *sharefair.Member) error {
		if !mayUpdateMember(ctx, v, id) {
			return sharefair.Errorf(sharefair.EFORBIDDEN, "You may only change your own profile.")
		}
		if err := u.Validate(); err != nil {
			return err
		}
		m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members m WHERE m.id = $1`+
			tx.db.dialect.lockExclusive(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return sharefair.ErrNotFound("Member")
		} else if err != nil {
			return fmt.Errorf("load member: %w", err)
		}
		oldName, oldHandle, oldOrg := m.Name, m.Handle, m.Organisation
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&m.Name, u.Name)
		set(&m.Handle, u.Handle)
		set(&m.Organisation, u.Organisation)
		set(&m.Title, u.Title)
		set(&m.City, u.City)
		set(&m.Country, u.Country)
		set(&m.TimeZone, u.TimeZone)
		set(&m.Bio, u.Bio)
		if m.Handle != oldHandle {
			if err := tx.checkHandleFree(ctx, m.Handle); err != nil {
				return err
			}
		}
		if m.Name != oldName || m.Handle != oldHandle || m.Organisation != oldOrg {
			// Names, handles and organisations show beside posts on every
			// thread page: the pages kept rendered must change with them.
			if _, err := tx.ExecContext(ctx, `UPDATE network SET profiles_version = profiles_version + 1 WHERE id = 1`); err != nil {
				return fmt.Errorf("bump profiles: %w", err)
			}
		}
		// A taken handle is the unique index's to find: a conflict on the
		// handle field.
		if _, err := tx.ExecContext(ctx, `UPDATE members SET name = $1, handle = $2, search_key = $3,
			organisation = $4, organisation_key = $5, title = $6, city = $7, country = $8,
			time_zone = $9, bio = $10, updated_at = $11 WHERE id = $12`,
			m.Name, m.Handle, searchKey(m.Name, m.Handle), m.Organisation, strings.ToLower(m.Organisation),
			m.Title, m.City, m.Country, m.TimeZone, m.Bio, tx.now, id); err != nil {
			return fmt.Errorf("update member: %w", err)
		}
		if u.Languages != nil {
			if err := replaceSet(ctx, tx, "member_languages", "code", id, *u.Languages); err != nil {
				return err
			}
		}
		if u.Expertise != nil {
			return replaceSet(ctx, tx, "member_expertise", "tag", id, *u.Expertise)
		}
		return nil
	})
	db.forgetDirectory()
	if err != nil {
		return nil, err
	}
	return db.memberByID(ctx, id)
}

// replaceSet replaces a member's rows in a (member_id, column) table.
func replaceSet(ctx context.Context, tx *Tx, table, column string, memberID int64, values []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE member_id = $1`, memberID); err != nil {
		return fmt.Errorf("replace %s: %w", table, err)
	}
	for _, v := range values {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (member_id, `+column+`) VALUES ($1, $2)`,
			memberID, v); err != nil {
			return fmt.Errorf("replace %s: %w", table, err)
		}
	}
	return nil
}

// Authenticate checks an email and password.
func (db *DB) Authenticate(ctx context.Context, email, password string) (*sharefair.Member, error) {
	if db.Hasher == nil {
		return nil, errors.New("store: no password hasher configured")
	}
	bad := sharefair.Errorf(sharefair.EUNAUTHORIZED, "That email address and password do not match.")
	if !sharefair.Searchable(email) {
		return nil, bad
	}
	var id int64
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT id, password_hash FROM members WHERE email = $1`,
		sharefair.NormalizeEmail(email)).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		// Verify against a stand-in hash so that an unknown email takes as
		// long to refuse as a wrong password.
		db.dummyOnce.Do(func() { db.dummyHash, _ = db.Hasher.Hash("not a real password") })
		_, _ = db.Hasher.Verify(password, db.dummyHash)
		return nil, bad
	} else if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	ok, err := db.Hasher.Verify(password, hash)
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if !ok {
		return nil, bad
	}
	m, err := db.memberByID(ctx, id)
	if err == nil && m.State != sharefair.MemberActive {
		// Told only to whoever knows the password.
		return nil, stateRefusal(m.State)
	}
	return m, err
}

// constantTimeEqual compares two secrets' hashes.
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
