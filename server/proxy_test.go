package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/server"
)

// addrHandler answers with the client address the middleware settled on.
func addrHandler(t *testing.T, trustProxy bool, proxies []netip.Prefix) http.Handler {
	t.Helper()
	base, _ := url.Parse("http://sharefair.example")
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(server.ClientAddr(r.Context())))
	})
	h, err := server.New(server.Config{BaseURL: base, TrustProxy: trustProxy, TrustedProxies: proxies,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nobody{}, nil, echo, echo)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestClientAddrBehindProxies(t *testing.T) {
	proxies, err := server.ParseTrustedProxies("127.0.0.0/8, ::1 10.0.0.0/8,2001:db8:ffff::/48")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		peer string
		xff  []string // one X-Forwarded-For header each
		want string
	}{
		{"no header", "127.0.0.1:1000", nil, "127.0.0.1"},
		{"one proxy", "127.0.0.1:1000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"client prepends a fake entry", "127.0.0.1:1000", []string{"198.51.100.66, 203.0.113.9"}, "203.0.113.9"},
		{"client prepends several", "127.0.0.1:1000", []string{"1.1.1.1,2.2.2.2 , 3.3.3.3,203.0.113.9"}, "203.0.113.9"},
		{"client forges a trusted address", "127.0.0.1:1000", []string{"10.0.0.5, 203.0.113.9"}, "203.0.113.9"},
		{"two proxies", "127.0.0.1:1000", []string{"198.51.100.66, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"every entry trusted", "127.0.0.1:1000", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"garbage written by the client", "127.0.0.1:1000", []string{"<script>, 203.0.113.9"}, "203.0.113.9"},
		{"garbage where the proxy writes", "127.0.0.1:1000", []string{"203.0.113.9, unknown"}, "127.0.0.1"},
		{"garbage behind a second proxy", "127.0.0.1:1000", []string{"203.0.113.9, bogus, 10.0.0.2"}, "10.0.0.2"},
		{"empty entries", "127.0.0.1:1000", []string{", ,"}, "127.0.0.1"},
		{"empty header", "127.0.0.1:1000", []string{""}, "127.0.0.1"},
		{"entry with a port", "127.0.0.1:1000", []string{"203.0.113.9:4711"}, "203.0.113.9"},
		{"IPv6 client", "127.0.0.1:1000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv6 client with a port", "127.0.0.1:1000", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"IPv6 proxy peer", "[::1]:1000", []string{"198.51.100.66, 2001:db8::7"}, "2001:db8::7"},
		{"IPv6 trusted range", "[::1]:1000", []string{"203.0.113.9, 2001:db8:ffff::2"}, "203.0.113.9"},
		{"IPv4-mapped IPv6", "[::ffff:127.0.0.1]:1000", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"zone in an entry", "127.0.0.1:1000", []string{"fe80::1%eth0"}, "fe80::1"},
		{"multiple headers, client's first", "127.0.0.1:1000", []string{"198.51.100.66", "203.0.113.9"}, "203.0.113.9"},
		{"multiple headers, two proxies", "127.0.0.1:1000", []string{"198.51.100.66, 203.0.113.9", "10.0.0.2"}, "203.0.113.9"},
		{"untrusted peer sends XFF", "192.0.2.7:1000", []string{"203.0.113.9"}, "192.0.2.7"},
		{"untrusted peer forges a trusted chain", "192.0.2.7:1000", []string{"203.0.113.9, 127.0.0.1"}, "192.0.2.7"},
		{"untrusted IPv6 peer", "[2001:db8::5]:1000", []string{"203.0.113.9"}, "2001:db8::5"},
		{"a very long chain", "127.0.0.1:1000", []string{strings.Repeat("10.0.0.9,", 100) + "10.0.0.9"}, "10.0.0.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/x", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := serve(addrHandler(t, true, proxies), r).Body.String(); got != tc.want {
				t.Errorf("peer %s, X-Forwarded-For %q: client %q, want %q", tc.peer, tc.xff, got, tc.want)
			}
			// Without --trust-proxy the header is never read.
			peer := netip.MustParseAddrPort(tc.peer).Addr().Unmap().String()
			if got := serve(addrHandler(t, false, proxies), r).Body.String(); got != peer {
				t.Errorf("without --trust-proxy: client %q, want the peer %s", got, peer)
			}
		})
	}
}

func TestClientAddrDefaultProxies(t *testing.T) {
	// Loopback is trusted by default; nothing else is.
	for peer, want := range map[string]string{"127.0.0.1:1": "203.0.113.9", "127.8.9.10:1": "203.0.113.9",
		"[::1]:1": "203.0.113.9", "10.0.0.1:1": "10.0.0.1", "[2001:db8::1]:1": "2001:db8::1"} {
		r := httptest.NewRequest("GET", "/x", nil)
		r.RemoteAddr = peer
		r.Header.Set("X-Forwarded-For", "198.51.100.66, 203.0.113.9")
		if got := serve(addrHandler(t, true, nil), r).Body.String(); got != want {
			t.Errorf("peer %s: client %q, want %q", peer, got, want)
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	ps, err := server.ParseTrustedProxies(" 127.0.0.1,10.1.2.3/8  ::1 ")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "127.0.0.1/32 10.0.0.0/8 ::1/128" {
		t.Fatalf("parsed %v", got)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "1.2.3", "::1/200", "10.0.0.1:80"} {
		if _, err := server.ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
}
