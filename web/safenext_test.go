package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNextKeepsLocalPaths(t *testing.T) {
	for _, next := range []string{
		"/", "/threads", "/threads/12", "/hubs/rome/edit", "/members/ada_l", "/static/",
		"/threads?page=2", "/members?q=data%20science&hub=rome", "/members?q=caf%C3%A9", "/hubs/a%2Db",
	} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

func TestSafeNextRefusesEverythingElse(t *testing.T) {
	refused := []string{
		// Not a path at all.
		"", "threads", "evil.example", "https://evil.example", "https:", "https:/evil.example", "http:evil.example",
		"javascript:alert(1)", "data:text/html,x", "mailto:a@evil.example", "?next=/x", "#x",
		// Protocol-relative and backslash forms browsers read as another host.
		"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
		"/\\/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "/x\\y",
		// Control characters, which browsers drop from URLs: "/\t/x" is "//x".
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\x00/evil.example", "/\x0b/evil.example",
		"/\x0c/evil.example", "/\x1f/evil.example", "/\x7f/evil.example", "/x\r\nSet-Cookie: a=b",
		// The same, percent-encoded.
		"/%09/evil.example", "/%0A/evil.example", "/%0d/evil.example", "/%00/evil.example", "/%2F%2Fevil.example",
		"/%2f/evil.example", "/%2F/evil.example", "/%252F%252Fevil.example/%2E%2E", "/%2E%2E/x", "/%2e/x",
		"/threads%0a", "/x?y=%0D%0ALocation:%20//evil.example", "/x?y=%5C", "/x?y=%00", "/x?y=%E2%80%A8",
		"/%zz", "/x?y=%zz", "/%C0%AF", "/x?y=%ff",
		// Dot segments and empty segments.
		"/.//evil.example", "/./evil.example", "/../evil.example", "/threads/..", "/threads/.", "/a//b",
		"/https://evil.example", "/x/../../evil.example",
		// Whitespace, raw or around.
		" /threads", "/threads ", "/ /evil.example", "\t/threads", "/\u00a0/evil.example", "/%20/evil.example",
		// Unicode look-alikes of "/" and "\", raw and encoded.
		"/\u2215\u2215evil.example", "/\uff0f\uff0fevil.example", "/\u2044evil.example", "/\uff3cevil.example",
		"/%E2%88%95%E2%88%95evil.example", "/%EF%BC%8F%EF%BC%8Fevil.example", "/caf\u00e9",
		// Fragments.
		"/x#//evil.example", "/x#",
		// Very long.
		"/" + strings.Repeat("a", 5000), "/x?q=" + strings.Repeat("a", 3000),
	}
	for _, next := range refused {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
	}
}

// TestSafeNextStaysOnSite resolves whatever safeNext lets through the way
// a browser does (after dropping tabs and newlines and turning
// backslashes into slashes) and checks it is on the site.
func TestSafeNextStaysOnSite(t *testing.T) {
	base, _ := url.Parse("https://sharefair.example/signin")
	var inputs []string
	for _, p := range []string{"/", "//", "/\\", "\\", "/\t/", "/%09/", "/.//", "https:", "/%2F%2F", "/%5C", " /", "/\u2215/"} {
		for _, host := range []string{"evil.example", "evil.example/x", "@evil.example", ""} {
			inputs = append(inputs, p+host)
		}
	}
	for _, next := range inputs {
		got := safeNext(next)
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		u, err := base.Parse(browser)
		if err != nil || u.Host != "sharefair.example" || u.Scheme != "https" {
			t.Errorf("safeNext(%q) = %q, which a browser takes to %v", next, got, u)
		}
	}
}
