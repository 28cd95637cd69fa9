package web

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sharefair/sharefair"
)

// page is what every page shares.
type page struct {
	Title   string
	Network string
	CSS     string
	Path    string
	Flash   string
	Viewer  *sharefair.Member
	// About is the network's description; NetworkZone its time zone,
	// which times are shown in to a viewer who chose none.
	About       string
	NetworkZone string
	// Rights is what the viewer may do across the network, so that the
	// page offers only what will be allowed.
	Rights sharefair.NetworkRights
	// Unread counts the viewer's unread notifications, to
	// sharefair.MaxUnreadShown+1.
	Unread int
	// moderates is set on a thread's page for a viewer who may moderate
	// it, whose posts are then rendered for them alone, never shared.
	moderates bool
}

// section names the navigation entry the page belongs to.
func (p page) section() string {
	switch {
	case strings.HasPrefix(p.Path, "/threads"), strings.HasPrefix(p.Path, "/posts"):
		return "threads"
	case strings.HasPrefix(p.Path, "/hubs"):
		return "hubs"
	case strings.HasPrefix(p.Path, "/circles"):
		return "circles"
	case strings.HasPrefix(p.Path, "/members"):
		return "members"
	case strings.HasPrefix(p.Path, "/invitations"):
		return "invitations"
	case strings.HasPrefix(p.Path, "/moderation"), strings.HasPrefix(p.Path, "/admin/audit"):
		return "moderation"
	case strings.HasPrefix(p.Path, "/notifications"):
		return "notifications"
	case strings.HasPrefix(p.Path, "/settings"):
		return "settings"
	case p.Path == "/":
		return "home"
	}
	return ""
}

// locations keeps loaded time zones: loading one reads and parses a
// zoneinfo file, and a page shows dozens of times.
var locations sync.Map // zone name → *time.Location

// location returns the time zone named zone, UTC when empty or unknown.
func location(zone string) *time.Location {
	if zone == "" {
		return time.UTC
	}
	if loc, ok := locations.Load(zone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.UTC
	}
	locations.Store(zone, loc)
	return loc
}

// zone returns the time zone the page shows times in: the viewer's, or
// the network's for a viewer who chose none.
func (p page) zone() *time.Location {
	if p.Viewer != nil && p.Viewer.TimeZone != "" {
		return location(p.Viewer.TimeZone)
	}
	return location(p.NetworkZone)
}

// when formats a time in the page's time zone, saying which ("14:05 CET";
// a zone without a common abbreviation shows its offset, "+03").
func (p page) when(t time.Time) string {
	return t.In(p.zone()).Format("2 Jan 2006, 15:04 MST")
}

// machineTime formats a time for a <time datetime> attribute.
func machineTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// form holds what was submitted and what was wrong with it, so a refused
// form comes back with the input kept and a message beside each field.
type form struct {
	values  url.Values
	errs    map[string]string
	message string
}

func newForm(values url.Values, err error) form {
	f := form{values: values}
	if err != nil {
		f.errs = sharefair.ErrorFields(err)
		f.message = sharefair.ErrorMessage(err)
	}
	if f.values == nil {
		f.values = url.Values{}
	}
	return f
}

// Value returns the submitted value of a field.
func (f form) Value(name string) string { return f.values.Get(name) }

// Error returns the problem with a field, or "".
func (f form) Error(name string) string { return f.errs[name] }

// field describes one form control.
type field struct {
	Name     string
	Label    string
	Type     string // text, email, password, textarea, select, search
	Hint     string
	Required bool
	Auto     string // autocomplete
	Rows     int
	Options  []sharefair.Option
	// Groups, for a select, lists its options under headings instead.
	Groups   []optionGroup
	Multiple bool
	// Empty labels a single select's empty choice ("—" when unset);
	// NoEmpty leaves the choice out, for a select that always holds a value.
	Empty   string
	NoEmpty bool
}

// optionGroup is a heading of a select's options (an optgroup).
type optionGroup struct {
	Label   string
	Options []sharefair.Option
}

func (fl field) id() string { return "f-" + fl.Name }

// pager links the pages of a list.
type pager struct {
	Number int
	Pages  int
	Query  url.Values // other query parameters to keep
	Path   string
	// named links the first page by its number too: a thread's address
	// without one opens at the viewer's first unread post.
	named bool
}

func newPager(path string, q url.Values, number, total, size int) pager {
	keep := url.Values{}
	for k, v := range q {
		if k != "page" {
			keep[k] = v
		}
	}
	return pager{Number: number, Pages: sharefair.PageCount(total, size), Query: keep, Path: path}
}

// link returns the URL of page n.
func (p pager) link(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	if n > 1 || p.named {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return p.Path
	}
	return p.Path + "?" + q.Encode()
}

// window returns the page numbers to show around the current one; 0 marks
// a gap.
func (p pager) window() []int {
	var out []int
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n == 1 || n == p.Pages || (n >= p.Number-2 && n <= p.Number+2) {
			if last != 0 && n != last+1 {
				out = append(out, 0)
			}
			out = append(out, n)
			last = n
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func threadURL(id int64) string      { return "/threads/" + strconv.FormatInt(id, 10) }
func postURL(id int64) string        { return "/posts/" + strconv.FormatInt(id, 10) }
func memberURL(handle string) string { return "/members/" + handle }
func hubURL(slug string) string      { return "/hubs/" + slug }
func circleURL(key string) string    { return "/circles/" + key }
func postAnchor(id int64) string     { return "p" + strconv.FormatInt(id, 10) }
func idString(id int64) string       { return strconv.FormatInt(id, 10) }
func selected(values []string, v string) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}
