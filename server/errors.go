package server

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/sharefair/sharefair"
)

// Status maps an error code to its HTTP status. This is the only place the
// mapping is made.
func Status(code string) int {
	switch code {
	case sharefair.EINVALID:
		return http.StatusUnprocessableEntity
	case sharefair.EBADREQUEST:
		return http.StatusBadRequest
	case sharefair.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case sharefair.EFORBIDDEN:
		return http.StatusForbidden
	case sharefair.ENOTFOUND:
		return http.StatusNotFound
	case sharefair.ECONFLICT:
		return http.StatusConflict
	case sharefair.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case sharefair.ERATELIMITED:
		return http.StatusTooManyRequests
	case "method_not_allowed":
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// ErrorBody is the one shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes what went wrong. Field names the first field at
// fault (alphabetically); Fields has a message for each.
type ErrorDetail struct {
	Status  int               `json:"status" description:"The HTTP status, repeated."`
	Code    string            `json:"code" enum:"invalid,bad_request,unauthorized,forbidden,not_found,conflict,too_large,rate_limited,method_not_allowed,internal"`
	Message string            `json:"message" description:"Safe to show to a person."`
	Field   string            `json:"field,omitempty" description:"The first field at fault, alphabetically."`
	Fields  map[string]string `json:"fields,omitempty" description:"A message for each field at fault."`
}

// ErrorDetailOf describes err for a client, logging internal errors.
func ErrorDetailOf(r *http.Request, err error) ErrorDetail {
	code := sharefair.ErrorCode(err)
	if code == sharefair.EINTERNAL {
		if ClientGone(r, err) {
			// Not a fault of Sharefair's: the client stopped waiting, and
			// whatever was running for it was cancelled.
			LoggerFrom(r.Context()).Info("client went away", "err", err, "method", r.Method, "path", r.URL.Path)
		} else {
			LoggerFrom(r.Context()).Error("internal error", "err", err, "method", r.Method, "path", r.URL.Path)
		}
	}
	d := ErrorDetail{Status: Status(code), Code: code, Message: sharefair.ErrorMessage(err),
		Fields: sharefair.ErrorFields(err)}
	if len(d.Fields) > 0 {
		d.Field = (&sharefair.Error{Fields: d.Fields}).FieldNames()[0]
	}
	return d
}

// ClientGone reports whether err came from the client going away: the
// request's context is done (the connection closed), or err is a
// cancellation. Drivers do not always wrap the context's error (SQLite
// reports "interrupted"), so the context is asked too.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil || errors.Is(err, context.Canceled)
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// WriteError answers with err: JSON for the API, a plain page otherwise
// (the web package renders its own, richer error pages).
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	d := ErrorDetailOf(r, err)
	if e, ok := asRateLimited(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(e))
	}
	if IsAPI(r) || !strings.Contains(r.Header.Get("Accept"), "text/html") {
		WriteJSON(w, d.Status, ErrorBody{Error: d})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.Status)
	_, _ = w.Write([]byte(`<!doctype html><html lang="en"><meta charset="utf-8"><title>` + http.StatusText(d.Status) +
		` — Sharefair</title><meta name="viewport" content="width=device-width, initial-scale=1"><main><h1>` +
		http.StatusText(d.Status) + `</h1><p>` + html.EscapeString(d.Message) + `</p><p><a href="/">Home</a></p></main></html>`))
}

func asRateLimited(err error) (int, bool) {
	var e *sharefair.Error
	if errors.As(err, &e) && e.Code == sharefair.ERATELIMITED && e.RetryAfterSeconds > 0 {
		return e.RetryAfterSeconds, true
	}
	return 0, false
}

// RetryAfter sets the Retry-After header when err is a rate-limit error.
func RetryAfter(w http.ResponseWriter, err error) {
	if s, ok := asRateLimited(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(s))
	}
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
