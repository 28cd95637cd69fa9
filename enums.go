package sharefair

//go:generate go run ./internal/enumgen

// Option is one choice of an enumerated field: a code and its display name.
type Option struct {
	Code string
	Name string
}

var (
	countryNames  = optionIndex(Countries)
	languageNames = optionIndex(Languages)
	timeZoneSet   = func() map[string]bool {
		m := make(map[string]bool, len(TimeZones))
		for _, z := range TimeZones {
			m[z] = true
		}
		return m
	}()
)

func optionIndex(opts []Option) map[string]string {
	m := make(map[string]string, len(opts))
	for _, o := range opts {
		m[o.Code] = o.Name
	}
	return m
}

// CountryName returns the English name of an ISO 3166-1 alpha-2 code.
func CountryName(code string) (string, bool) {
	n, ok := countryNames[code]
	return n, ok
}

// LanguageName returns the display name of an ISO 639-1 code.
func LanguageName(code string) (string, bool) {
	n, ok := languageNames[code]
	return n, ok
}

// ValidTimeZone reports whether z is one of TimeZones.
func ValidTimeZone(z string) bool { return timeZoneSet[z] }
