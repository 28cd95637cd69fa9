package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// handlerFunc is a page's handler. It writes the page (or a redirect), or
// returns an error for serve to answer: the error page, or the refused
// form shown again. Handlers never render errors themselves.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serve turns a handler into an http.HandlerFunc, answering the error it
// returns in this one place.
func (h *Handler) serve(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		var fe *formError
		if errors.As(err, &fe) {
			if err = h.showAgain(w, r, fe); err == nil {
				return
			}
		}
		h.fail(w, r, err)
	}
}

// formPage builds a form's page from the parts every page shares and the
// form as submitted, with the reasons it was refused.
type formPage func(p page, f form) (templ.Component, error)

// formError is a submission refused for reasons the form's page shows:
// beside its fields, or above them.
type formError struct {
	err   error
	title string
	show  formPage
}

func (e *formError) Error() string { return e.err.Error() }
func (e *formError) Unwrap() error { return e.err }

// refused hands a refusal back for the form's page to be shown again, when
// err concerns the form's fields or is a limit reached (posting too often,
// say: the text typed stays, with the reason and when to try again); any
// other error goes on as it is, to the error page. A handler refuses a form
// in one line:
//
//	return refused(err, "Edit the title", func(p page, f form) (templ.Component, error) { … })
func refused(err error, title string, show formPage) error {
	if !isFieldError(err) && sharefair.ErrorCode(err) != sharefair.ERATELIMITED {
		return err
	}
	return shownAgain(err, title, show)
}

// shownAgain hands err back for the form's page to be shown again,
// whatever it is about: for forms whose every expected refusal (a wrong
// password, say) is answered on the form itself.
func shownAgain(err error, title string, show formPage) error {
	return &formError{err: err, title: title, show: show}
}

// showAgain renders a refused form's page with the status of its error,
// keeping what was typed but never a password.
func (h *Handler) showAgain(w http.ResponseWriter, r *http.Request, fe *formError) error {
	values := r.PostForm
	if r.Method == http.MethodGet {
		values = r.URL.Query()
	}
	kept := url.Values{}
	for k, v := range values {
		if !strings.Contains(k, "password") {
			kept[k] = v
		}
	}
	c, err := fe.show(h.base(w, r, fe.title), newForm(kept, fe.err))
	if err != nil {
		return err
	}
	server.RetryAfter(w, fe.err)
	return h.render(w, r, server.Status(sharefair.ErrorCode(fe.err)), c)
}
