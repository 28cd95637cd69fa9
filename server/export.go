package server

import (
	"net/http"
	"strings"

	"github.com/sharefair/sharefair"
)

// ExportFileName is the name a member's export is saved under: their
// handle and the day (UTC) it was made.
func ExportFileName(handle string, now sharefair.Clock) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, strings.ToLower(handle))
	return "sharefair-" + safe + "-" + now.Now().Format("2006-01-02") + ".json"
}

// WriteExport answers with the viewer's export (sharefair.ExportService)
// as a JSON file to save, for the web page and the API alike. The headers
// are sent with the first bytes, so an error found before them (signed
// out) is answered as any other; one after them can no longer change the
// status, so the answer is cut off rather than ended as if complete.
func WriteExport(w http.ResponseWriter, r *http.Request, svc sharefair.ExportService, now sharefair.Clock) error {
	v := sharefair.ViewerFromContext(r.Context())
	if v == nil {
		return sharefair.Errorf(sharefair.EUNAUTHORIZED, "Please sign in.")
	}
	ew := &exportResponse{w: w, name: ExportFileName(v.Handle, now)}
	err := svc.ExportMember(r.Context(), ew)
	if err == nil || !ew.started {
		return err
	}
	if !ClientGone(r, err) {
		LoggerFrom(r.Context()).Error("export cut off", "error", err)
	}
	panic(http.ErrAbortHandler)
}

// exportResponse sends the export's headers with its first bytes.
type exportResponse struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (e *exportResponse) Write(p []byte) (int, error) {
	if !e.started {
		e.started = true
		h := e.w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Disposition", `attachment; filename="`+e.name+`"`)
		h.Set("Cache-Control", "no-store")
		e.w.WriteHeader(http.StatusOK)
	}
	return e.w.Write(p)
}
