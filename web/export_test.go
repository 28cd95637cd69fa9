package web

// StylesheetURL is the stylesheet's address, with its version.
func StylesheetURL() string { return stylesheetURL }
