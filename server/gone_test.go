package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair/server"
)

// logBuffer collects log lines from concurrent handlers.
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

// TestClientGoneIsNotAnError: a client that disconnects while its request
// is read or answered is logged below error level, whether the failure it
// caused wraps the context's error or, as SQLite's does, does not.
func TestClientGoneIsNotAnError(t *testing.T) {
	logs := &logBuffer{}
	done := make(chan string, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- r.URL.Path }()
		switch strings.TrimPrefix(r.URL.Path, "/api/v1") {
		case "/body":
			_, err := io.ReadAll(r.Body)
			server.WriteError(w, r, server.BodyError(err))
		case "/wrapped":
			<-r.Context().Done()
			server.WriteError(w, r, fmt.Errorf("load threads: %w", r.Context().Err()))
		case "/opaque":
			<-r.Context().Done()
			server.WriteError(w, r, errors.New("load threads: interrupted (9)"))
		case "/broken":
			server.WriteError(w, r, errors.New("load threads: disk I/O error"))
		}
	})
	base, _ := url.Parse("http://sharefair.example")
	h, err := server.New(server.Config{BaseURL: base, Logger: slog.New(slog.NewTextHandler(logs, nil))},
		nobody{}, nil, handler, handler)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()

	for _, tc := range []struct{ path, request string }{
		{"/body", "POST /body HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ntitle=half"},
		{"/wrapped", "GET /wrapped HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n"},
		{"/opaque", "GET /opaque HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"/api/v1/opaque", "GET /api/v1/opaque HTTP/1.1\r\nHost: x\r\n\r\n"},
	} {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte(tc.request)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // let the handler start
		c.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the handler did not see the client go", tc.path)
		}
	}
	// The request lines are written after the handlers return.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(logs.String(), `msg=request`) < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := logs.String()
	if strings.Contains(got, "level=ERROR") {
		t.Errorf("a client going away was logged as an error:\n%s", got)
	}
	if n := strings.Count(got, `level=INFO msg="client went away"`); n != 3 {
		t.Errorf("%d \"client went away\" lines, want 3 (for /wrapped and both /opaque):\n%s", n, got)
	}
	if n := strings.Count(got, "client_gone=true"); n != 4 {
		t.Errorf("%d request lines say client_gone, want 4:\n%s", n, got)
	}

	// A real failure, with the client still waiting, is an error.
	res, err := http.Get(ts.URL + "/broken")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	<-done
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(logs.String(), `level=ERROR msg="internal error"`) {
		t.Errorf("an internal error with the client waiting: %d, not logged as an error:\n%s", res.StatusCode, logs.String())
	}
	if server.ClientGone(httptest.NewRequest("GET", "/", nil).WithContext(context.Background()), errors.New("x")) {
		t.Error("ClientGone with a live context and a plain error")
	}
}
