package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sharefair/sharefair/bench"
)

// runBench seeds a network in a database of its own and measures a
// member's busiest pages. Unlike serve, it reads no SHAREFAIR_* variables:
// a benchmark must never be pointed at real data by the environment.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	d := bench.DefaultConfig()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sharefair bench [flags]\n\n"+
			"Seeds a network (SQLite in a temporary directory, or a new schema on --database-url, dropped afterwards)\n"+
			"and measures, over loopback with gzip, a signed-in member's first thread page and home page:\n"+
			"throughput at --conns connections against a trivial handler sending the same bytes, and latency\n"+
			"at a fixed --rate. The load generator shares the machine's cores with the server.\n\n")
		fs.PrintDefaults()
	}
	cfg := d
	fs.StringVar(&cfg.DatabaseURL, "database-url", "", "postgres://… to measure PostgreSQL (in a new schema, dropped at the end); empty for SQLite")
	fs.StringVar(&cfg.DataDir, "data", "", "directory to make the SQLite database's temporary directory in (default: the system's temporary directory)")
	fs.StringVar(&cfg.Synchronous, "sqlite-synchronous", d.Synchronous, "SQLite synchronous level while measuring, FULL or NORMAL (seeding always uses NORMAL; pages only read)")
	scale := fs.String("scale", "default", "preset: default (2,000 members, 8 hubs, 20,000 posts, 200 replies; 10s runs at 300/s), 10x (10,000 members, 200,000 posts) or tiny (seconds in all); other flags override it")
	members := fs.Int("members", d.Scale.Members, "members to seed")
	hubs := fs.Int("hubs", d.Scale.Hubs, "hubs to seed")
	posts := fs.Int("posts", d.Scale.Posts, "posts to seed in all")
	replies := fs.Int("replies", d.Scale.Replies, "replies in the long thread the thread page shows")
	fs.Uint64Var(&cfg.Seed, "seed", d.Seed, "seed of the generated network")
	fs.IntVar(&cfg.Conns, "conns", d.Conns, "concurrent connections in the throughput run")
	fs.Float64Var(&cfg.Rate, "rate", d.Rate, "requests per second in the latency run")
	fs.DurationVar(&cfg.Duration, "duration", d.Duration, "length of each measurement")
	fs.DurationVar(&cfg.Warmup, "warmup", d.Warmup, "warm-up before each measurement, not counted")
	pages := fs.String("pages", strings.Join(bench.PageNames, ","), "comma-separated pages to measure: thread-author-alone (the author before any reader), thread (a reader who wrote nothing in it), thread-author, home, hub, members")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the seeded database at the end and print where it is")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements (not of seeding) to this file")
	requestLog := fs.String("request-log", "", "write the app's request logs to this file (default: formatted, then discarded)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg.Scale = bench.Scale{Members: *members, Hubs: *hubs, Posts: *posts, Replies: *replies}
	switch strings.ToLower(*scale) {
	case "default", "":
	case "10x":
		if !set["members"] {
			cfg.Scale.Members = bench.TenfoldScale.Members
		}
		if !set["posts"] {
			cfg.Scale.Posts = bench.TenfoldScale.Posts
		}
	case "tiny":
		tiny := map[string]func(){
			"members":  func() { cfg.Scale.Members = bench.TinyScale.Members },
			"hubs":     func() { cfg.Scale.Hubs = bench.TinyScale.Hubs },
			"posts":    func() { cfg.Scale.Posts = bench.TinyScale.Posts },
			"replies":  func() { cfg.Scale.Replies = bench.TinyScale.Replies },
			"duration": func() { cfg.Duration = 300 * time.Millisecond },
			"warmup":   func() { cfg.Warmup = 100 * time.Millisecond },
			"rate":     func() { cfg.Rate = 50 },
		}
		for name, apply := range tiny {
			if !set[name] {
				apply()
			}
		}
	default:
		return fmt.Errorf("--scale %q: want default, 10x or tiny", *scale)
	}
	for _, p := range strings.Split(*pages, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(bench.PageNames, p) {
			return fmt.Errorf("--pages: unknown page %q: want one of %s", p, strings.Join(bench.PageNames, ", "))
		}
		cfg.Pages = append(cfg.Pages, p)
	}
	cfg.Progress = stderr
	if *requestLog != "" {
		f, err := os.Create(*requestLog)
		if err != nil {
			return fmt.Errorf("request log: %w", err)
		}
		defer f.Close()
		cfg.RequestLog = f
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		cfg.CPUProfile = f
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteText(stdout)
}
