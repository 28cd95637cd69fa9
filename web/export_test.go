package web

// StylesheetURL is the stylesheet's address, with its version.
func StylesheetURL() string { return stylesheetURL }

// AssetURL is a static file's address under its content hash.
func AssetURL(name string) string { return assetURL(name) }

// Icon renders the icon component.
var Icon = icon
