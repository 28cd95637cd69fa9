// Command testsummary reads the event stream of `go test -json` on standard
// input, prints a readable account as packages finish, and exits non-zero
// when anything went wrong: a test or package failed, a package did not
// build, no test ran, or (with -ci) a test was skipped or said
// "sharefair-skip:". CI forbids skips because a skipped PostgreSQL or
// browser test would make a green run that checked nothing.
//
// It lives under .ci/, which `go test ./...` and `go vet ./...` ignore
// (the go tool skips directories starting with "."); run it with
// `go run ./.ci/testsummary`.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sharefair/sharefair/internal/testenv"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Time        time.Time
	Action      string
	Package     string
	ImportPath  string // build events
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

// skipMarker is what testenv.SkipOrFail prints when it skips.
const skipMarker = testenv.SkipMarker

// maxLines bounds how much of one test's output is shown, so that one
// noisy failure cannot bury the others.
const maxLines = 300

type key struct{ pkg, test string }

type result struct {
	key
	action  string
	elapsed float64
}

type summary struct {
	out       io.Writer
	outputs   map[key][]string // output so far, per test ("" test: the package)
	builds    map[string][]string
	tests     []result
	packages  []result
	markers   []string // output lines with skipMarker
	failBuild map[string]bool
	noTests   []string
	running   map[key]bool // tests started and not yet ended
	other     []string     // lines that are not JSON (e.g. from the go command)
}

func main() {
	ci := flag.Bool("ci", os.Getenv("CI") == "true", "fail when any test is skipped (default: $CI == true)")
	top := flag.Int("slowest", 10, "how many of the slowest tests and packages to list")
	flag.Parse()
	s := &summary{out: os.Stdout, outputs: map[key][]string{}, builds: map[string][]string{}, failBuild: map[string]bool{}, running: map[key]bool{}}
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if !s.report(*ci, *top) {
		os.Exit(1)
	}
}

// read consumes the stream, printing package results as they come.
func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		var ev event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &ev) != nil {
			s.other = append(s.other, line)
			fmt.Fprintln(s.out, line)
			continue
		}
		s.handle(ev)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read go test -json stream: %w", err)
	}
	return nil
}

func (s *summary) handle(ev event) {
	k := key{ev.Package, ev.Test}
	switch ev.Action {
	case "build-output":
		s.builds[ev.ImportPath] = append(s.builds[ev.ImportPath], ev.Output)
	case "build-fail":
		s.failBuild[ev.ImportPath] = true
	case "run":
		s.running[k] = true
	case "output":
		s.outputs[k] = append(s.outputs[k], ev.Output)
		if strings.Contains(ev.Output, skipMarker) {
			where := ev.Package
			if ev.Test != "" {
				where += "." + ev.Test
			}
			s.markers = append(s.markers, where+": "+strings.TrimSpace(ev.Output))
		}
	case "pass", "fail", "skip":
		res := result{k, ev.Action, ev.Elapsed}
		delete(s.running, k)
		if ev.Test != "" {
			s.tests = append(s.tests, res)
			if ev.Action == "fail" {
				fmt.Fprintf(s.out, "--- FAIL: %s.%s (%.2fs)\n", ev.Package, ev.Test, ev.Elapsed)
				printLines(s.out, s.outputs[k], "    ")
			}
			return
		}
		s.packages = append(s.packages, res)
		switch {
		case ev.Action == "skip":
			s.noTests = append(s.noTests, ev.Package)
		case ev.Action == "fail" && ev.FailedBuild != "":
			fmt.Fprintf(s.out, "FAIL\t%s [build failed: %s]\n", ev.Package, ev.FailedBuild)
		case ev.Action == "fail":
			fmt.Fprintf(s.out, "FAIL\t%s\t%.2fs\n", ev.Package, ev.Elapsed)
		default:
			fmt.Fprintf(s.out, "ok\t%s\t%.2fs\n", ev.Package, ev.Elapsed)
		}
	}
}

// report prints the summary and says whether the run is good.
func (s *summary) report(ci bool, top int) bool {
	ok := true
	w := s.out
	count := map[string]int{}
	for _, t := range s.tests {
		count[t.action]++
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "==== summary ====")

	if len(s.failBuild) > 0 {
		ok = false
		fmt.Fprintln(w, "Packages that did not build:")
		for _, p := range slices.Sorted(maps.Keys(s.failBuild)) {
			fmt.Fprintf(w, "  %s\n", p)
			printLines(w, s.builds[p], "    ")
		}
	}

	var failedTests []result
	for _, t := range s.tests {
		if t.action == "fail" {
			failedTests = append(failedTests, t)
		}
	}
	if len(failedTests) > 0 {
		ok = false
		fmt.Fprintf(w, "Failed tests (%d; their output is above):\n", len(failedTests))
		for _, t := range failedTests {
			fmt.Fprintf(w, "  %s.%s\n", t.pkg, t.test)
		}
	}

	// A package can fail outside any test: a panic, a timeout, TestMain,
	// or a build failure reported only by the package.
	for _, p := range s.packages {
		if p.action != "fail" || slices.ContainsFunc(failedTests, func(t result) bool { return t.pkg == p.pkg }) {
			continue
		}
		ok = false
		fmt.Fprintf(w, "Package %s failed outside any single test (build error, panic, timeout or TestMain):\n", p.pkg)
		// A panic or a timeout ends the test binary inside a test, which
		// then never ends: its output holds the cause.
		for _, k := range slices.SortedFunc(maps.Keys(s.running), func(a, b key) int { return cmp.Compare(a.test, b.test) }) {
			if k.pkg == p.pkg {
				fmt.Fprintf(w, "  unfinished test %s:\n", k.test)
				printLines(w, s.outputs[k], "    ")
			}
		}
		printLines(w, s.outputs[key{p.pkg, ""}], "    ")
	}

	var skipped []result
	for _, t := range s.tests {
		if t.action == "skip" {
			skipped = append(skipped, t)
		}
	}
	if len(skipped) > 0 || len(s.markers) > 0 {
		if ci {
			ok = false
			fmt.Fprintln(w, "Skipped under CI=true, where every test must run:")
		} else {
			fmt.Fprintln(w, "Skipped (CI=true would fail the run):")
		}
		for _, t := range skipped {
			fmt.Fprintf(w, "  %s.%s\n", t.pkg, t.test)
			printLines(w, s.outputs[t.key], "    ")
		}
		for _, m := range s.markers {
			fmt.Fprintf(w, "  %s\n", m)
		}
	}

	if len(s.noTests) > 0 {
		fmt.Fprintf(w, "Packages without tests: %s\n", strings.Join(s.noTests, " "))
	}

	fmt.Fprintf(w, "Slowest tests:\n")
	for _, t := range slowest(s.tests, top) {
		fmt.Fprintf(w, "  %7.2fs  %s.%s\n", t.elapsed, t.pkg, t.test)
	}
	fmt.Fprintf(w, "Slowest packages:\n")
	for _, p := range slowest(s.packages, top) {
		fmt.Fprintf(w, "  %7.2fs  %s\n", p.elapsed, p.pkg)
	}

	// Tests cut short by a crash count as failed in the closing line.
	count["fail"] += len(s.running)
	if count["pass"]+count["fail"] == 0 {
		ok = false
		fmt.Fprintln(w, "No test ran.")
	}
	if len(s.packages) == 0 && len(s.other) > 0 {
		ok = false
		fmt.Fprintln(w, "go test reported no package: see the lines above.")
	}
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed, %d skipped\n", verdict, count["pass"], count["fail"], count["skip"])
	return ok
}

// slowest returns up to n results, slowest first, leaving out skips.
func slowest(rs []result, n int) []result {
	rs = slices.DeleteFunc(slices.Clone(rs), func(r result) bool { return r.action == "skip" })
	slices.SortStableFunc(rs, func(a, b result) int { return cmp.Compare(b.elapsed, a.elapsed) })
	return rs[:min(n, len(rs))]
}

// printLines prints output lines indented, keeping the last maxLines.
func printLines(w io.Writer, lines []string, indent string) {
	if len(lines) > maxLines {
		fmt.Fprintf(w, "%s… %d earlier lines left out\n", indent, len(lines)-maxLines)
		lines = lines[len(lines)-maxLines:]
	}
	for _, l := range lines {
		fmt.Fprint(w, indent+strings.TrimRight(l, "\n")+"\n")
	}
}
