package model

import "strings"

// Address is a postal address. Street, house number and suffix are kept apart
// where the source splits them; a source that only has free lines puts the
// first line in Street and leaves HouseNumber empty.
type Address struct {
	Name              string `json:"name,omitempty"`
	Company           string `json:"company,omitempty"`
	Street            string `json:"street,omitempty"`
	HouseNumber       string `json:"houseNumber,omitempty"`
	HouseNumberSuffix string `json:"houseNumberSuffix,omitempty"`
	Line2             string `json:"line2,omitempty"`
	PostalCode        string `json:"postalCode,omitempty"`
	City              string `json:"city,omitempty"`
	Region            string `json:"region,omitempty"`
	// CountryCode is ISO 3166-1 alpha-2, upper case (NL, BE, DE).
	CountryCode string `json:"countryCode,omitempty"`
	Phone       string `json:"phone,omitempty"`
}

// StreetLine renders street, number and suffix as one line ("Dorpsstraat 12 A"),
// for systems that keep the address in a single field.
func (a Address) StreetLine() string {
	parts := []string{}
	for _, s := range []string{a.Street, a.HouseNumber, a.HouseNumberSuffix} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// IsZero reports whether no field is set.
func (a Address) IsZero() bool { return a == Address{} }

func (a Address) validate(p *problems, path string) {
	if a.IsZero() {
		return
	}
	if a.CountryCode != "" && (len(a.CountryCode) != 2 || strings.ToUpper(a.CountryCode) != a.CountryCode) {
		p.add(path+".countryCode", "%q is not an upper-case ISO 3166-1 alpha-2 code", a.CountryCode)
	}
}
