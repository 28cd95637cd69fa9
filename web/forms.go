package web

import (
	"strings"

	"github.com/sharefair/sharefair/server"
)

type errorDetail = server.ErrorDetail

// describedBy links a control to its hint and error for screen readers.
func describedBy(f form, fl field) string {
	var ids []string
	if fl.Hint != "" {
		ids = append(ids, fl.id()+"-hint")
	}
	if f.Error(fl.Name) != "" {
		ids = append(ids, fl.id()+"-error")
	}
	return strings.Join(ids, " ")
}

func autocomplete(fl field) string {
	if fl.Auto != "" {
		return fl.Auto
	}
	return "off"
}
