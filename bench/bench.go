// Package bench seeds a realistic Sharefair network and measures, over
// loopback, what a signed-in member's pages cost: throughput against a
// trivial handler that sends the same bytes (closed loop), and latency at a
// fixed arrival rate (open loop). `sharefair bench` runs it; the smoke test
// runs it at a tiny scale so that it keeps working.
//
// It never touches existing data: SQLite goes to a fresh temporary
// directory and PostgreSQL to a fresh schema, both removed at the end.
package bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// sessionCookie is the cookie a signed-in browser sends.
const sessionCookie = server.SessionCookie

// Aims the issue sets for each page, on each engine.
const (
	AimRatio = 0.10
	AimP99   = 25 * time.Millisecond
)

// Config is what to seed and how to measure.
type Config struct {
	// DatabaseURL selects PostgreSQL (postgres://…); the bench works in a
	// schema of its own, created and dropped. Empty means SQLite.
	DatabaseURL string
	// DataDir is where the SQLite database's temporary directory is made;
	// empty means the system's temporary directory.
	DataDir string
	// Synchronous is SQLite's synchronous level (FULL or NORMAL) while
	// measuring; seeding always runs with NORMAL. Pages only read, so it
	// hardly matters to the figures.
	Synchronous string
	// Hash is the password hashing cost; the one password is hashed with it.
	Hash auth.HashParams

	Scale Scale
	// Seed makes the generated network the same from run to run.
	Seed uint64

	Conns    int           // concurrent connections in the closed loop
	Rate     float64       // requests per second in the open loop
	Duration time.Duration // of each measurement
	Warmup   time.Duration // before each measurement, not counted

	// RequestLog receives the app's request logs, formatted as in
	// production; nil discards them after formatting.
	RequestLog io.Writer
	// Progress receives a line as each step starts; nil discards.
	Progress io.Writer
	// Keep leaves the database in place at the end (its location is
	// printed to Progress), to inspect it or serve it.
	Keep bool
	// Pages names the pages to measure (see PageNames); empty means all.
	Pages []string
	// CPUProfile, when set, receives a CPU profile of the measurements
	// (not of seeding).
	CPUProfile io.Writer
}

// PageNames are the pages the bench can measure, in the order it measures
// them: the author's thread page while only the author asks (before any
// reader has visited it), the same page as a reader and then as its author,
// the home page, the thread's hub page, the member directory, the circle's
// page (as its host), the hub's moderation queue (as its coordinator), and
// the viewer's notifications and discussions, as a member who follows
// 200 threads with a reply unread in each.
var PageNames = []string{"thread-author-alone", "thread", "thread-author", "home", "hub", "members", "circle", "moderation",
	"notifications", "unread-threads"}

// DefaultConfig is the benchmark the issue describes.
func DefaultConfig() Config {
	return Config{Synchronous: "FULL", Hash: auth.DefaultHashParams, Scale: DefaultScale, Seed: 1,
		Conns: 64, Rate: 300, Duration: 10 * time.Second, Warmup: 2 * time.Second}
}

// Report is what a run found.
type Report struct {
	Engine        string        `json:"engine"`
	EngineVersion string        `json:"engine_version"`
	Scale         Scale         `json:"scale"`
	Threads       int           `json:"threads"`
	SeedTime      time.Duration `json:"seed_time_ns"`
	Machine       Machine       `json:"machine"`
	Conns         int           `json:"conns"`
	Rate          float64       `json:"rate"`
	Duration      time.Duration `json:"duration_ns"`
	Warmup        time.Duration `json:"warmup_ns"`
	Pages         []PageResult  `json:"pages"`
}

// Machine describes where the figures were taken.
type Machine struct {
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpu_model"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
}

// PageResult is the figures of one page.
type PageResult struct {
	Name string `json:"name"` // one of PageNames
	Path string `json:"path"`
	// BodyBytes is the response body as sent (gzipped); HTMLBytes is the
	// page once decompressed.
	BodyBytes int `json:"body_bytes"`
	HTMLBytes int `json:"html_bytes"`
	// Headers are the response headers the baseline repeats.
	Headers http.Header `json:"headers"`
	// Posts counts the posts on the page (the thread page); EditLinks the
	// links to edit one, which only their author sees.
	Posts     int `json:"posts"`
	EditLinks int `json:"edit_links"`
	// OutsiderStatus is what a member outside the thread's hub got for
	// the same address (the thread page): it must be 404.
	OutsiderStatus int `json:"outsider_status,omitempty"`

	App      Throughput `json:"app"`
	Baseline Throughput `json:"baseline"`
	// Ratio is App.PerSecond / Baseline.PerSecond.
	Ratio float64 `json:"ratio"`

	Latency         Latency `json:"latency"`          // the app, open loop
	BaselineLatency Latency `json:"baseline_latency"` // the trivial handler, open loop: the generator's floor
}

// CPURatio is the baseline's CPU time per request over the app's: what
// Ratio would be if both had the machine's CPU to themselves.
func (p PageResult) CPURatio() float64 {
	if p.App.CPUPerRequest <= 0 {
		return 0
	}
	return float64(p.Baseline.CPUPerRequest) / float64(p.App.CPUPerRequest)
}

// Meets reports whether the page meets the aims, and if not, why.
func (p PageResult) Meets() (bool, string) {
	var short []string
	if p.Ratio < AimRatio {
		short = append(short, fmt.Sprintf("ratio %.3f < %.2f", p.Ratio, AimRatio))
	}
	if p.Latency.P99 > AimP99 {
		short = append(short, fmt.Sprintf("p99 %s > %s", ms(p.Latency.P99), ms(AimP99)))
	}
	if n := p.App.Errors + p.Latency.Errors; n > 0 {
		short = append(short, fmt.Sprintf("%d errors", n))
	}
	return len(short) == 0, strings.Join(short, ", ")
}

// Run seeds a network as cfg says and measures it.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Conns < 1 || cfg.Rate <= 0 || cfg.Duration <= 0 || cfg.Warmup < 0 {
		return nil, errors.New("bench: conns, rate and duration must be positive")
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	say := func(format string, args ...any) { fmt.Fprintf(progress, format+"\n", args...) }
	rep := &Report{Scale: cfg.Scale, Machine: machine(), Conns: cfg.Conns, Rate: cfg.Rate,
		Duration: cfg.Duration, Warmup: cfg.Warmup}

	// A database of its own.
	var db database
	var err error
	if cfg.DatabaseURL != "" {
		db, err = newPostgres(ctx, cfg.DatabaseURL)
	} else {
		db, err = newSQLite(cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if cfg.Keep {
			say("Kept the database: %s", db.where)
			return
		}
		if err := db.drop(); err != nil {
			say("bench: cleaning up: %v", err)
		}
	}()
	rep.Engine, rep.EngineVersion = db.engine, db.version

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: listen: %w", err)
	}
	defer ln.Close()
	acfg := app.DefaultConfig()
	acfg.Addr = ln.Addr().String()
	acfg.BaseURL = "http://" + ln.Addr().String()
	acfg.DatabaseURL = db.url
	acfg.Synchronous = cfg.Synchronous
	if cfg.Hash != (auth.HashParams{}) {
		acfg.Hash = cfg.Hash
	}
	reqLog := cfg.RequestLog
	if reqLog == nil {
		reqLog = io.Discard
	}
	acfg.Logger = slog.New(slog.NewTextHandler(reqLog, &slog.HandlerOptions{Level: slog.LevelInfo}))

	sc := cfg.Scale
	say("Seeding %s: %d members, %d hubs, %d posts, a thread of %d replies…", db.engine, sc.Members, sc.Hubs, sc.Posts, sc.Replies)
	seeded, err := seedDatabase(ctx, acfg, db, sc, cfg.Seed)
	if err != nil {
		return nil, err
	}
	rep.SeedTime, rep.Threads = seeded.Took, seeded.Threads
	say("Seeded %d threads and %d posts in %s.", seeded.Threads, seeded.Posts, seeded.Took.Round(10*time.Millisecond))
	if db.analyze != nil {
		if err := db.analyze(ctx); err != nil {
			return nil, err
		}
		say("Vacuumed and analysed the tables, as autovacuum would in time.")
	}

	// The app measured runs as in production, on the real clock.
	a, err := app.New(ctx, acfg)
	if err != nil {
		return nil, fmt.Errorf("bench: start sharefair on %s: %w", db.engine, err)
	}
	defer a.Close()
	viewerSession, err := a.DB.CreateSession(ctx, seeded.Viewer.ID, sharefair.SessionClient{})
	if err != nil {
		return nil, fmt.Errorf("bench: session: %w", err)
	}
	readerSession, err := a.DB.CreateSession(ctx, seeded.Reader.ID, sharefair.SessionClient{})
	if err != nil {
		return nil, fmt.Errorf("bench: session: %w", err)
	}
	outsiderSession, err := a.DB.CreateSession(ctx, seeded.Outsider.ID, sharefair.SessionClient{})
	if err != nil {
		return nil, fmt.Errorf("bench: session: %w", err)
	}
	coordinatorSession, err := a.DB.CreateSession(ctx, seeded.Coordinator.ID, sharefair.SessionClient{})
	if err != nil {
		return nil, fmt.Errorf("bench: session: %w", err)
	}

	serveCtx, stopServing := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan error, 1)
	go func() { served <- a.Serve(serveCtx, ln) }()
	defer func() {
		stopServing()
		<-served
	}()
	baseline := newBaseline()
	bln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: listen: %w", err)
	}
	bsrv := servingLike(baseline)
	go func() { _ = bsrv.Serve(bln) }()
	defer bsrv.Close()

	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return nil, fmt.Errorf("bench: cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	appURL, baseURL := "http://"+ln.Addr().String(), "http://"+bln.Addr().String()
	// The thread's first page by name: without one, a thread opens at
	// the viewer's first unread post.
	thread := "/threads/" + strconv.FormatInt(seeded.Thread.ID, 10) + "?page=1"
	pages := []struct{ name, path, session string }{
		// The thread's author while only the author asks: nobody else has
		// read the page yet, so nothing shared is warm but what the
		// author's own visits leave.
		{"thread-author-alone", thread, viewerSession},
		// A reader of the hub who wrote nothing in the thread, as most
		// readers: the page's posts can be reused from an earlier reader.
		{"thread", thread, readerSession},
		// The thread's author, who sees edit links on their own posts,
		// after readers have visited.
		{"thread-author", thread, viewerSession},
		{"home", "/", viewerSession},
		// The thread's hub: its latest discussions and some of its members.
		{"hub", "/hubs/" + seeded.Thread.Audience.Hub.Slug, viewerSession},
		// The member directory's first page.
		{"members", "/members", viewerSession},
		// The circle's page, as its host: its latest discussions.
		{"circle", "/circles/" + seeded.Circle.Key, viewerSession},
		// The hub's moderation queue, one page of flagged posts, as a
		// coordinator of the hub.
		{"moderation", "/moderation", coordinatorSession},
		// The viewer's notifications, of the threads they follow.
		{"notifications", "/notifications", viewerSession},
		// The discussions as the viewer, who follows 200 threads with a
		// reply unread in each: the list marks what is new.
		{"unread-threads", "/threads", viewerSession},
	}
	for _, pg := range pages {
		if len(cfg.Pages) > 0 && !slices.Contains(cfg.Pages, pg.name) {
			continue
		}
		pr := PageResult{Name: pg.name, Path: pg.path}
		live := target{url: appURL + pg.path, cookie: pg.session}
		captured, err := capture(ctx, live)
		if err != nil {
			return nil, err
		}
		if err := check(pg.name, captured, seeded, &pr); err != nil {
			return nil, err
		}
		if strings.HasPrefix(pg.name, "thread") {
			c := newClient(1)
			r := fetch(ctx, c, target{url: live.url, cookie: outsiderSession})
			c.CloseIdleConnections()
			if r.err != nil {
				return nil, fmt.Errorf("bench: thread page as an outsider: %w", r.err)
			}
			if pr.OutsiderStatus = r.status; r.status != http.StatusNotFound {
				return nil, fmt.Errorf("bench: a member outside the hub got %d for the hub's thread, want 404", r.status)
			}
		}
		baseline.set(pg.path, captured)
		base := target{url: baseURL + pg.path, cookie: pg.session}

		say("%s page: %d bytes gzipped (%d of HTML). Closed loop, %d connections, %s…", pg.name, pr.BodyBytes, pr.HTMLBytes, cfg.Conns, cfg.Duration)
		if pr.App, err = closedLoop(ctx, live, cfg.Conns, cfg.Warmup, cfg.Duration); err != nil {
			return nil, fmt.Errorf("bench: %s page: %w", pg.name, err)
		}
		if pr.Baseline, err = closedLoop(ctx, base, cfg.Conns, cfg.Warmup, cfg.Duration); err != nil {
			return nil, fmt.Errorf("bench: %s baseline: %w", pg.name, err)
		}
		pr.Ratio = pr.App.PerSecond / pr.Baseline.PerSecond
		say("%s page: %.0f req/s against %.0f for the baseline (%.3f). Open loop at %.0f/s, %s…", pg.name,
			pr.App.PerSecond, pr.Baseline.PerSecond, pr.Ratio, cfg.Rate, cfg.Duration)
		if pr.Latency, err = openLoop(ctx, live, cfg.Rate, cfg.Warmup, cfg.Duration); err != nil {
			return nil, fmt.Errorf("bench: %s page: %w", pg.name, err)
		}
		if pr.BaselineLatency, err = openLoop(ctx, base, cfg.Rate, cfg.Warmup, cfg.Duration); err != nil {
			return nil, fmt.Errorf("bench: %s baseline: %w", pg.name, err)
		}
		say("%s page: p50 %s, p99 %s (baseline p99 %s).", pg.name, ms(pr.Latency.P50), ms(pr.Latency.P99), ms(pr.BaselineLatency.P99))
		rep.Pages = append(rep.Pages, pr)
	}
	return rep, nil
}

// seedDatabase seeds the database through an app of its own, one that
// trades durability for speed while it writes (SQLite synchronous=NORMAL,
// PostgreSQL synchronous_commit=off) and whose clock walks through six
// months of history. The app measured afterwards runs with the settings
// given.
func seedDatabase(ctx context.Context, acfg app.Config, db database, sc Scale, rngSeed uint64) (*Seeded, error) {
	clock := &seedClock{}
	acfg.Clock = clock.Now
	acfg.Synchronous = "NORMAL"
	if db.engine == "postgres" {
		u, err := url.Parse(db.url)
		if err != nil {
			return nil, fmt.Errorf("bench: database URL: %w", err)
		}
		q := u.Query()
		q.Set("synchronous_commit", "off")
		u.RawQuery = q.Encode()
		acfg.DatabaseURL = u.String()
	}
	// Seeding writes years of a network's posts in moments: the limits on
	// writing are for members, not for this.
	acfg.PostLimit, acfg.InvitationLimit = auth.Rate{}, auth.Rate{}
	a, err := app.New(ctx, acfg)
	if err != nil {
		return nil, fmt.Errorf("bench: start sharefair on %s: %w", db.engine, err)
	}
	defer a.Close()
	s, err := seed(ctx, a.DB, clock, sc, rand.New(rand.NewPCG(rngSeed, rngSeed^0x5eed)))
	if err != nil {
		return nil, err
	}
	// What the seeded posts tell, made before anything is measured.
	if s.Notified, err = a.Jobs.RunDue(ctx); err != nil {
		return nil, fmt.Errorf("bench: notify: %w", err)
	}
	return s, nil
}

// page is a response captured once, to check and to replay.
type page struct {
	status int
	header http.Header
	body   []byte // as sent: gzipped
	html   []byte // decompressed
}

// capture requests a page once as the load generator will, keeping the
// exact bytes and headers.
func capture(ctx context.Context, t target) (*page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Cookie", sessionCookie+"="+t.cookie)
	c := newClient(1)
	defer c.CloseIdleConnections()
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bench: get %s: %w", t.url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("bench: read %s: %w", t.url, err)
	}
	p := &page{status: res.StatusCode, header: res.Header.Clone(), body: body}
	if p.status != http.StatusOK {
		return nil, fmt.Errorf("bench: get %s: status %d, want 200 (Location %q)", t.url, p.status, res.Header.Get("Location"))
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		return nil, fmt.Errorf("bench: get %s: Content-Encoding %q, want gzip", t.url, res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("bench: gunzip %s: %w", t.url, err)
	}
	if p.html, err = io.ReadAll(zr); err != nil {
		return nil, fmt.Errorf("bench: gunzip %s: %w", t.url, err)
	}
	// The server sets these itself on every response.
	p.header.Del("Date")
	return p, nil
}

// editLink is a link to a post's edit form.
var editLink = regexp.MustCompile(`href="/posts/[0-9]+/edit"`)

// check makes sure the page is the one meant, so that a fast error page
// or sign-in redirect can never pass for a fast page.
func check(name string, p *page, s *Seeded, pr *PageResult) error {
	pr.BodyBytes, pr.HTMLBytes, pr.Headers = len(p.body), len(p.html), p.header
	doc := string(p.html)
	pr.Posts = strings.Count(doc, `class="post"`)
	pr.EditLinks = len(editLink.FindAllStringIndex(doc, -1))
	switch name {
	case "thread", "thread-author":
		if !strings.Contains(doc, html.EscapeString(s.Thread.Title)) {
			return fmt.Errorf("bench: the thread page does not show the thread's title %q", s.Thread.Title)
		}
		for _, id := range s.FirstPage {
			if !strings.Contains(doc, `id="p`+strconv.FormatInt(id, 10)+`"`) {
				return fmt.Errorf("bench: the thread page does not show post %d", id)
			}
		}
		if pr.Posts != len(s.FirstPage) {
			return fmt.Errorf("bench: the thread page shows %d posts, want %d", pr.Posts, len(s.FirstPage))
		}
	case "home":
		if !strings.Contains(doc, "Latest discussions") || !strings.Contains(doc, `href="/threads/`) {
			return errors.New("bench: the home page does not list the latest discussions")
		}
	case "hub":
		if !strings.Contains(doc, html.EscapeString(s.Thread.Audience.Hub.Name)) || !strings.Contains(doc, `href="/threads/`) ||
			!strings.Contains(doc, `id="hub-members"`) {
			return errors.New("bench: the hub page does not show the hub, its discussions and its members")
		}
	case "circle":
		if !strings.Contains(doc, html.EscapeString(s.Circle.Name)) || strings.Count(doc, `href="/threads/`) < min(circleThreads(Scale{}), 2) {
			return errors.New("bench: the circle page does not show the circle and its discussions")
		}
	case "notifications":
		if n := strings.Count(doc, `<li class="unread">`); n < min(s.Followed, 50) || n == 0 {
			return fmt.Errorf("bench: the notifications page shows %d unread, want %d", n, min(s.Followed, 50))
		}
	case "unread-threads":
		if n := strings.Count(doc, `class="badge new"`); n == 0 {
			return errors.New("bench: the discussions mark nothing new for a member who follows threads with unread replies")
		}
	case "moderation":
		if n := strings.Count(doc, `aria-label="Flagged post in `); n != s.Flagged || n == 0 {
			return fmt.Errorf("bench: the moderation queue shows %d flagged posts, want %d", n, s.Flagged)
		}
	case "members":
		if n := strings.Count(doc, `<a class="t" href="/members/`); n < min(s.Members, 30) {
			return fmt.Errorf("bench: the member directory lists %d members, want %d", n, min(s.Members, 30))
		}
	}
	return nil
}

// baseline is the trivial handler: it writes the captured bytes with the
// captured headers, and does nothing else.
type baseline struct {
	pages map[string]*page
}

func newBaseline() *baseline { return &baseline{pages: map[string]*page{}} }

// set registers a page before any request for it is made.
func (b *baseline) set(path string, p *page) { b.pages[path] = p }

func (b *baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := b.pages[r.URL.RequestURI()]
	if p == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	w.WriteHeader(p.status)
	_, _ = w.Write(p.body)
}

// servingLike returns an http.Server for h set up as app.App.Serve sets up
// Sharefair's, so the baseline pays the same server costs.
func servingLike(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// machine describes the machine the bench runs on.
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		OS: runtime.GOOS + "/" + runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}
