package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
		"-invitation-ttl", "-sqlite-synchronous", "-argon2-memory-kib", "-trust-proxy", "-shutdown-timeout", "-log-level"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("serve --help does not list %s", want)
		}
	}
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
}

// TestServeStopsOnSIGTERM runs the real binary: it prints its address,
// serves, and on SIGTERM exits 0 well within 10 seconds.
func TestServeStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "sharefair")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, cheap...)...)
	cmd.Env = append(os.Environ(), "SHAREFAIR_BASE_URL=")
	stdout, _ := cmd.StdoutPipe()
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v\n%s", err, logs.String())
	}
	addr := regexp.MustCompile(`listening on (\S+)\)`).FindStringSubmatch(line)
	if addr == nil {
		t.Fatalf("no listen address in %q", line)
	}
	res, err := http.Get("http://" + addr[1] + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v to stop", d)
	}
	if !strings.Contains(logs.String(), "setup_code=") {
		t.Errorf("log has no setup code:\n%s", logs.String())
	}
}
