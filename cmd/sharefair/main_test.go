package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sharefair/sharefair/api"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/smtptest"
	"github.com/sharefair/sharefair/internal/testenv"
)

// TestOpenAPICommand checks `sharefair openapi` prints the document the API
// serves.
func TestOpenAPICommand(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"openapi"}, nil, &out, &errb); err != nil {
		t.Fatalf("sharefair openapi: %v: %s", err, errb.String())
	}
	if !bytes.Equal(out.Bytes(), api.OpenAPI) {
		t.Fatalf("sharefair openapi printed %d bytes that differ from api/openapi.json (%d bytes)", out.Len(), len(api.OpenAPI))
	}
}

// cheap keeps password hashing fast in these tests, through the same
// settings an operator would use.
var cheap = []string{"--argon2-memory-kib", "64", "--argon2-iterations", "1"}

func TestVersionAndHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &out, &errb); err != nil || !strings.HasPrefix(out.String(), "sharefair ") {
		t.Fatalf("version: %q, %v", out.String(), err)
	}
	out.Reset()
	run(context.Background(), []string{"serve", "--help"}, nil, &out, &errb)
	for _, want := range []string{"-addr", "SHAREFAIR_ADDR", "-base-url", "SHAREFAIR_BASE_URL", "-data", "SHAREFAIR_DATA",
		"-database-url", "SHAREFAIR_DATABASE_URL", "-signin-limit-account", "-signin-limit-address", "-max-body-bytes",
		"-invitation-ttl", "-sqlite-synchronous", "-argon2-memory-kib", "-trust-proxy", "-shutdown-timeout", "-log-level",
		"-signin-limit-device", "SHAREFAIR_SIGNIN_LIMIT_DEVICE", "-signin-limit-account-address",
		"SHAREFAIR_SIGNIN_LIMIT_ACCOUNT_ADDRESS", "-trusted-proxies", "SHAREFAIR_TRUSTED_PROXIES"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("serve --help does not list %s", want)
		}
	}
}

// serveSettings parses serve's flags as the command does.
func serveSettings(args ...string) (app.Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var s settings
	s.register(fs)
	s.registerServe(fs)
	err := s.parse(fs, args, io.Discard)
	return s.cfg, err
}

func TestServeSettings(t *testing.T) {
	d := app.DefaultConfig()
	cfg, err := serveSettings()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SignInLimits != d.SignInLimits || fmt.Sprint(cfg.TrustedProxies) != "[127.0.0.0/8 ::1/128]" || cfg.TrustProxy {
		t.Fatalf("defaults: limits %+v, proxies %v, trust %v", cfg.SignInLimits, cfg.TrustedProxies, cfg.TrustProxy)
	}
	t.Setenv("SHAREFAIR_SIGNIN_LIMIT_DEVICE", "7/1h")
	t.Setenv("SHAREFAIR_TRUSTED_PROXIES", "10.0.0.0/8")
	cfg, err = serveSettings("--signin-limit-account-address", "3/10m", "--signin-limit-account", "20/2h",
		"--signin-limit-address", "9/1m", "--trust-proxy", "--trusted-proxies", "192.0.2.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Limits{Device: auth.Rate{Events: 7, Per: time.Hour}, AccountAddress: auth.Rate{Events: 3, Per: 10 * time.Minute},
		Account: auth.Rate{Events: 20, Per: 2 * time.Hour}, Address: auth.Rate{Events: 9, Per: time.Minute}}
	if cfg.SignInLimits != want || fmt.Sprint(cfg.TrustedProxies) != "[192.0.2.1/32 10.0.0.0/8]" || !cfg.TrustProxy {
		t.Fatalf("set: limits %+v, proxies %v", cfg.SignInLimits, cfg.TrustedProxies)
	}
	if d := app.DefaultConfig(); d.PostLimit != app.DefaultPostLimit || d.InvitationLimit != app.DefaultInvitationLimit {
		t.Fatalf("default write limits: %v, %v", d.PostLimit, d.InvitationLimit)
	}
	if cfg.PostLimit != app.DefaultPostLimit || cfg.InvitationLimit != app.DefaultInvitationLimit {
		t.Fatalf("write limits by default: %v, %v", cfg.PostLimit, cfg.InvitationLimit)
	}
	t.Setenv("SHAREFAIR_INVITATION_LIMIT", "5/1h")
	cfg, err = serveSettings("--post-limit", "off")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PostLimit != (auth.Rate{}) || cfg.InvitationLimit != (auth.Rate{Events: 5, Per: time.Hour}) {
		t.Fatalf("write limits set: %v, %v", cfg.PostLimit, cfg.InvitationLimit)
	}
	for _, args := range [][]string{{"--signin-limit-device", "0/1m"}, {"--signin-limit-account-address", "x"},
		{"--trusted-proxies", "localhost"}, {"--post-limit", "many"}, {"--invitation-limit", "0/1h"}} {
		if _, err := serveSettings(args...); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v, want an error naming the flag", args, err)
		}
	}
}

// TestREADMEListsEveryFlag: the README's configuration table has a row for
// each flag of serve, with its environment variable and default.
func TestREADMEListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var s settings
	s.register(fs)
	s.registerServe(fs)
	s.registerMail(fs)
	env := regexp.MustCompile(`\(env (SHAREFAIR_[A-Z0-9_]+)\)`)
	fs.VisitAll(func(f *flag.Flag) {
		m := env.FindStringSubmatch(f.Usage)
		if m == nil {
			t.Errorf("--%s names no environment variable", f.Name)
			return
		}
		row := "| `--" + f.Name + "` | `" + m[1] + "` | "
		i := bytes.Index(readme, []byte(row))
		if i < 0 {
			t.Errorf("README has no row %q", row)
			return
		}
		if f.DefValue != "" {
			if def := "`" + f.DefValue + "`"; !bytes.HasPrefix(readme[i+len(row):], []byte(def+" |")) {
				t.Errorf("README gives --%s a default other than %s", f.Name, def)
			}
		}
	})
}

func TestAdminCreateAndToken(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	args := append([]string{"admin", "create", "--data", data, "--email", "ada@example.org", "--name", "Ada", "--role", "admin"}, cheap...)
	if err := run(ctx, args, strings.NewReader("a long password\n"), &out, &errb); err != nil {
		t.Fatalf("admin create: %v (%s)", err, errb.String())
	}
	if !strings.Contains(out.String(), "@ada") {
		t.Fatalf("output %q", out.String())
	}
	t.Run("ErrNoPassword", func(t *testing.T) {
		args := append([]string{"admin", "create", "--data", data, "--email", "bo@example.org", "--name", "Bo"}, cheap...)
		if err := run(ctx, args, strings.NewReader(""), io.Discard, io.Discard); err == nil {
			t.Fatal("created a member without a password")
		}
	})
	t.Run("ErrInvalidNamesField", func(t *testing.T) {
		args := append([]string{"admin", "create", "--data", data, "--email", "ada@example.org", "--name", "Ada"}, cheap...)
		err := run(ctx, args, strings.NewReader("a long password\n"), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--email") {
			t.Fatalf("duplicate email: %v", err)
		}
	})
	out.Reset()
	if err := run(ctx, append([]string{"admin", "token", "--data", data, "--email", "ADA@example.org"}, cheap...), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^sf_[A-Za-z0-9_-]{40,}\n$`).MatchString(out.String()) {
		t.Fatalf("token output %q", out.String())
	}
	// A reset link, to hand over when Sharefair sends no email; one for
	// nobody is refused, naming the flag.
	out.Reset()
	if err := run(ctx, append([]string{"admin", "reset-link", "--data", data, "--email", "ada@example.org"}, cheap...), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^http://localhost:8080/reset/[A-Za-z0-9_-]{40,}\n$`).MatchString(out.String()) {
		t.Fatalf("reset link output %q", out.String())
	}
	if err := run(ctx, append([]string{"admin", "reset-link", "--data", data, "--email", "nobody@example.org"}, cheap...), nil, io.Discard, io.Discard); err == nil {
		t.Fatal("made a reset link for nobody")
	}
}

// logBuffer collects a process's log as it runs.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls the log until it holds want.
func (l *logBuffer) waitFor(t *testing.T, want string, d time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(d); !strings.Contains(l.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("log has no %q after %v:\n%s", want, d, l.String())
		}
	}
}

// serving is the real binary running `serve`.
type serving struct {
	cmd  *exec.Cmd
	addr string
	logs *logBuffer
}

// startServe builds the binary into a temporary directory and runs serve
// on a free loopback port with a temporary data directory.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	if testing.Short() {
		testenv.SkipOrFail(t, "-short: this test builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "sharefair")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	args = append(append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, cheap...), args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "SHAREFAIR_BASE_URL=")
	stdout, _ := cmd.StdoutPipe()
	logs := &logBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v\n%s", err, logs.String())
	}
	addr := regexp.MustCompile(`listening on (\S+)\)`).FindStringSubmatch(line)
	if addr == nil {
		t.Fatalf("no listen address in %q", line)
	}
	return &serving{cmd: cmd, addr: addr[1], logs: logs}
}

// TestServeStopsOnSIGTERM runs the real binary: it prints its address,
// serves, and on SIGTERM exits 0 well within 10 seconds.
func TestServeStopsOnSIGTERM(t *testing.T) {
	s := startServe(t)
	res, err := http.Get("http://" + s.addr + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, s.logs.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v to stop", d)
	}
	if !strings.Contains(s.logs.String(), "setup_code=") {
		t.Errorf("log has no setup code:\n%s", s.logs.String())
	}
}

// TestSIGTERMWithRequestsInFlight runs the real binary with two sign-ins
// whose bodies arrive slowly, as on a poor connection. On SIGTERM the one
// whose body goes on arriving is answered in full; the one that hangs is
// cut when the shutdown timeout passes, and the process still exits 0.
func TestSIGTERMWithRequestsInFlight(t *testing.T) {
	const timeout = 2 * time.Second
	s := startServe(t, "--shutdown-timeout", timeout.String())
	body := "email=ada%40example.org&password=not+the+password"
	open := func(declared int, sent string) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "POST /signin HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", s.addr, declared, sent)
		return c
	}
	slow := open(len(body), body[:10])
	hung := open(len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // both are being read by now

	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.logs.waitFor(t, "shutting down", 5*time.Second)
	if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted after SIGTERM")
	}

	// The slow request's body goes on arriving after SIGTERM, and it is
	// answered in full.
	time.Sleep(200 * time.Millisecond)
	if _, err := io.WriteString(slow, body[10:]); err != nil {
		t.Fatalf("finishing the slow body: %v", err)
	}
	slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\n%s", err, s.logs.String())
	}
	page, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(page), "</html>") {
		t.Fatalf("the request in flight: %d, %d bytes, %v", res.StatusCode, len(page), err)
	}

	// The hung one is cut once the timeout has passed.
	hung.SetReadDeadline(time.Now().Add(timeout + 5*time.Second))
	got, err := io.ReadAll(hung)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the hung request was not cut %v after SIGTERM", time.Since(start))
	}
	if strings.HasPrefix(string(got), "HTTP/1.1 2") {
		t.Fatalf("the hung request was answered: %q", got)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after cutting a hung request: %v\n%s", err, s.logs.String())
	}
	if d := time.Since(start); d < timeout-100*time.Millisecond || d > timeout+5*time.Second {
		t.Fatalf("stopped %v after SIGTERM with a hung request, want about the %v timeout", d, timeout)
	}
	for _, want := range []string{"cutting the requests still in flight", "msg=stopped"} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("log has no %q:\n%s", want, s.logs.String())
		}
	}
	if strings.Contains(s.logs.String(), "level=ERROR") {
		t.Errorf("a clean stop logged an error:\n%s", s.logs.String())
	}
}

// TestMailTest: `sharefair mail test` sends a message through the relay
// its flags name, and says what went wrong when none answers.
func TestMailTest(t *testing.T) {
	relay := smtptest.Start(t)
	var out, errb bytes.Buffer
	args := []string{"mail", "test", "--to", "amina@example.org", "--smtp-host", relay.Host, "--smtp-port", strconv.Itoa(relay.Port),
		"--smtp-tls", "none", "--mail-from", "Sharefair <hubs@example.org>"}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("mail test: %v\n%s", err, errb.String())
	}
	got := relay.Wait(t, 1)[0]
	if got.To[0] != "amina@example.org" || !strings.Contains(got.Header("Subject"), "test message") || !strings.Contains(out.String(), "Sent a test message") {
		t.Fatalf("sent %+v; said %q", got, out.String())
	}
	args[len(args)-5] = "1" // a port nobody listens on
	if err := run(context.Background(), args, nil, &out, &errb); err == nil {
		t.Fatal("a relay that does not answer: no error")
	}
	if err := run(context.Background(), []string{"mail", "test", "--to", "a@example.org"}, nil, &out, &errb); err == nil ||
		!strings.Contains(err.Error(), "smtp-host") {
		t.Fatalf("no relay: %v", err)
	}
}
