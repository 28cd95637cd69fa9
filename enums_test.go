package sharefair

import (
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

func TestCountries(t *testing.T) {
	index := map[string]int{}
	for i, c := range Countries {
		index[c.Name] = i
	}
	for _, name := range []string{"Eswatini", "North Macedonia", "Türkiye", "Czechia", "Åland Islands", "Côte d’Ivoire"} {
		if _, ok := index[name]; !ok {
			t.Errorf("%s is not in the list", name)
		}
	}
	for _, name := range []string{"Eurozone", "United Nations", "European Union", "Swaziland", "Macedonia", "Turkey", "Ascension Island"} {
		if _, ok := index[name]; ok {
			t.Errorf("%s is in the list", name)
		}
	}
	for _, code := range []string{"EZ", "UN", "EU", "QO", "XK", "AC"} {
		if _, ok := CountryName(code); ok {
			t.Errorf("code %s is accepted", code)
		}
	}
	if len(Countries) != 249 {
		t.Errorf("%d countries, want ISO 3166-1's 249", len(Countries))
	}
	// By collation: Åland among the As, Côte d'Ivoire between Costa Rica
	// and Croatia; by bytes both would come after Zimbabwe or Czechia.
	before := func(a, b string) {
		t.Helper()
		if index[a] >= index[b] {
			t.Errorf("%s sorts after %s", a, b)
		}
	}
	before("Afghanistan", "Åland Islands")
	before("Åland Islands", "Albania")
	before("Costa Rica", "Côte d’Ivoire")
	before("Côte d’Ivoire", "Croatia")
	c := collate.New(language.English)
	for _, list := range [][]Option{Countries, Languages} {
		for i := 1; i < len(list); i++ {
			if c.CompareString(list[i-1].Name, list[i].Name) > 0 {
				t.Errorf("%q sorts before %q", list[i-1].Name, list[i].Name)
			}
		}
	}
}

func TestBioErrorSaysItsLabel(t *testing.T) {
	long := make([]byte, MaxBioLen+1)
	for i := range long {
		long[i] = 'a'
	}
	bio := string(long)
	err := (&MemberUpdate{Bio: &bio}).Validate()
	if got := ErrorFields(err)["bio"]; got == "" || !strings.Contains(got, "Ask me about…") {
		t.Errorf("bio error %q does not name the field as labelled", got)
	}
}
