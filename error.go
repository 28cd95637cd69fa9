package sharefair

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes. The HTTP layer maps each code to one status in one place.
const (
	EINVALID      = "invalid"      // input failed validation (422)
	EBADREQUEST   = "bad_request"  // malformed request, e.g. broken JSON (400)
	EUNAUTHORIZED = "unauthorized" // not signed in, or bad credentials (401)
	EFORBIDDEN    = "forbidden"    // signed in but not allowed (403)
	ENOTFOUND     = "not_found"    // no such thing, or not visible to the viewer (404)
	ECONFLICT     = "conflict"     // clashes with existing state (409)
	ETOOLARGE     = "too_large"    // request body over the limit (413)
	ERATELIMITED  = "rate_limited" // too many attempts; retry later (429)
	EINTERNAL     = "internal"     // our fault (500)
)

// Error is an error a member or a script may be shown. Message is safe to
// display; anything internal stays in the wrapped chain and the log.
type Error struct {
	Code    string
	Message string
	// Fields maps a field name to the problem with it, for validation errors.
	Fields map[string]string
	// RetryAfterSeconds is set on rate-limited errors.
	RetryAfterSeconds int
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("sharefair: %s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("sharefair: %s: %s %v", e.Code, e.Message, e.Fields)
}

// FieldNames returns the names of the fields at fault, sorted.
func (e *Error) FieldNames() []string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the displayable message of err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. It has been logged; please try again."
}

// ErrorFields returns the per-field messages carried by err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects validation messages field by field. The first message
// recorded for a field wins.
type Problems map[string]string

// Add records msg for field unless the field already has a message.
func (p Problems) Add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

// Err returns nil when there are no problems, otherwise an EINVALID *Error.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: p}
}

// ErrNotFound is the error returned for anything missing or not visible.
func ErrNotFound(what string) *Error {
	return Errorf(ENOTFOUND, "%s not found.", what)
}
