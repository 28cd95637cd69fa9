package server

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// DefaultTrustedProxies are the proxies believed unless configured
// otherwise: this machine's loopback addresses, where a reverse proxy on
// the same host connects from.
func DefaultTrustedProxies() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// ParseTrustedProxies reads a list of addresses and CIDR prefixes separated
// by commas or spaces, e.g. "127.0.0.1, 10.0.0.0/8, ::1".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR prefix such as 10.0.0.0/8", f)
			}
			ps = append(ps, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR prefix such as 10.0.0.0/8", f)
		}
		a = a.Unmap().WithZone("")
		ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
	}
	return ps, nil
}

// maxForwardedHops bounds how far back X-Forwarded-For is walked; no real
// chain of proxies is this long.
const maxForwardedHops = 32

// clientAddr returns the address a request comes from. Without TrustProxy,
// or when the direct peer is not a trusted proxy, that is the peer.
// Otherwise X-Forwarded-For is walked from the right, the end the trusted
// proxies wrote, past entries that are trusted proxies themselves, to the
// first that is not: the address the nearest trusted proxy saw. Entries
// further left were written by the client and prove nothing.
func clientAddr(r *http.Request, cfg Config) string {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !cfg.TrustProxy || !trusted(peer, cfg.TrustedProxies) {
		return peer.String()
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0 && i >= len(hops)-maxForwardedHops; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			// A trusted proxy writes addresses; what is left of anything
			// else cannot be believed. The last good hop stands.
			break
		}
		addr = a
		if !trusted(a, cfg.TrustedProxies) {
			break
		}
	}
	return addr.String()
}

// parseHop reads an address as it appears in RemoteAddr or one entry of
// X-Forwarded-For: bare, or with a port ("192.0.2.1:443", "[2001:db8::1]:443").
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// overTLS reports whether the request reached Sharefair over TLS: directly,
// or, with TrustProxy, through a trusted proxy that says so in
// X-Forwarded-Proto. The header of anyone else proves nothing.
func overTLS(r *http.Request, cfg Config) bool {
	if r.TLS != nil {
		return true
	}
	if !cfg.TrustProxy {
		return false
	}
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !trusted(peer, cfg.TrustedProxies) {
		return false
	}
	// The nearest proxy's word is the last value it wrote.
	vs := r.Header.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return false
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}
