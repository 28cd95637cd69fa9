// Package sharefair holds the domain of a Sharefair network: members, hubs,
// invitations, threads and posts, the rules that keep them valid, and the
// service interfaces the storage layer implements. It imports no HTTP and no
// SQL: the web, api and store packages depend on it, never the other way.
package sharefair

import (
	"context"
	"time"
)

// Version is the release of Sharefair, set at build time with
// -ldflags "-X github.com/sharefair/sharefair.Version=…".
var Version = "0.1.0-dev"

// viewerKey is the context key under which the signed-in member travels.
type viewerKey struct{}

// NewContextWithViewer returns a copy of ctx that carries m as the member
// on whose behalf the request runs. m may be nil (nobody signed in).
func NewContextWithViewer(ctx context.Context, m *Member) context.Context {
	return context.WithValue(ctx, viewerKey{}, m)
}

// ViewerFromContext returns the member on whose behalf ctx runs, or nil.
func ViewerFromContext(ctx context.Context) *Member {
	m, _ := ctx.Value(viewerKey{}).(*Member)
	return m
}

// ViewerIDFromContext returns the id of the member ctx runs for, or 0.
func ViewerIDFromContext(ctx context.Context) int64 {
	if m := ViewerFromContext(ctx); m != nil {
		return m.ID
	}
	return 0
}

// Page asks for one page of a list. Pages are numbered from 1.
type Page struct {
	Number int
	Size   int
}

// Offset is the number of items before the page.
func (p Page) Offset() int { return (p.Normalize().Number - 1) * p.Normalize().Size }

// Normalize returns p with its number and size within bounds. Numbers
// past MaxPageNumber are brought back to it, so offsets cannot overflow.
func (p Page) Normalize() Page {
	if p.Number < 1 {
		p.Number = 1
	} else if p.Number > MaxPageNumber {
		p.Number = MaxPageNumber
	}
	if p.Size < 1 || p.Size > MaxPageSize {
		p.Size = DefaultPageSize
	}
	return p
}

// Default and largest list page sizes.
const (
	DefaultPageSize = 30
	MaxPageSize     = 100
	MaxPageNumber   = 1_000_000
)

// PageCount returns how many pages of size hold total items (at least 1).
func PageCount(total, size int) int {
	if size < 1 || total <= 0 {
		return 1
	}
	return (total + size - 1) / size
}

// Clock gives the current time. Tests replace it to control expiry.
type Clock func() time.Time

// Now returns the current time in UTC, truncated to microseconds so that it
// survives a round trip through either database unchanged.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return c().UTC().Truncate(time.Microsecond)
}

// operatorKey marks a context as the operator at the command line.
type operatorKey struct{}

// NewOperatorContext returns a copy of ctx that runs as the operator of the
// installation (the `sharefair admin` commands), who may create members and
// tokens for anyone. HTTP requests never carry it.
func NewOperatorContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, operatorKey{}, true)
}

// IsOperator reports whether ctx runs as the operator.
func IsOperator(ctx context.Context) bool {
	v, _ := ctx.Value(operatorKey{}).(bool)
	return v
}

// Services are everything the HTTP faces (web pages and JSON API) call.
type Services struct {
	Network       NetworkService
	Members       MemberService
	Hubs          HubService
	Invitations   InvitationService
	Threads       ThreadService
	Circles       CircleService
	Auth          AuthService
	Onboarding    OnboardingService
	Export        ExportService
	Moderation    ModerationService
	Audit         AuditService
	Jobs          JobService
	Notifications NotificationService
	Mail          MailService
}
