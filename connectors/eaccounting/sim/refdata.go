package sim

import (
	"net/http"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// seedTime stamps the reference data: it is older than anything a test makes.
var seedTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Fixed ids of the reference data every simulated company has, so an
// integration file can name them and they survive a fresh start.
const (
	TermsDirectID = "7e000000-0000-4000-8000-000000000000" // 0 days
	Terms14ID     = "7e000000-0000-4000-8000-000000000014" // 14 days
	Terms30ID     = "7e000000-0000-4000-8000-000000000030" // 30 days, the company default
	TermsCashID   = "7e000000-0000-4000-8000-0000000000ca" // cash

	UnitPiecesID = "0a170000-0000-4000-8000-000000000001" // "st"
	UnitKiloID   = "0a170000-0000-4000-8000-000000000002" // "kg"

	Coding21ID         = "c0d10000-0000-4000-8000-000000000021" // goods, 21 %
	Coding9ID          = "c0d10000-0000-4000-8000-000000000009" // goods, 9 %
	Coding0ID          = "c0d10000-0000-4000-8000-000000000000" // goods, 0 %
	CodingServices21ID = "c0d10000-0000-4000-8000-000000005e21" // services, 21 %

	DeliveryPostNLID = "de100000-0000-4000-8000-000000000001"
	DeliveryPickupID = "de100000-0000-4000-8000-000000000002"
)

// addReferenceData gives a fresh company its settings and the lists a
// Dutch eAccounting company starts with.
func (st *state) addReferenceData() {
	st.Company = CompanySettings{Name: "Koppel Demo BV", Email: "administratie@koppel-demo.example", Phone: "0201234567",
		Address1: "Stationsplein 1", PostalCode: "1012 AB", City: "Amsterdam", CountryCode: "NL",
		CurrencyCode: "EUR", TermsOfPaymentId: Terms30ID, VatCode: "NL001234567B01", ProductVariant: ptr(5),
		CompanyStatus: 1, DomesticCurrencyRounding: 1, CompanyIdentifier: "koppel-demo"}
	terms := func(id, name, english string, days, kind int, text string) TermsOfPayment {
		return TermsOfPayment{Id: id, Name: name, NameEnglish: english, NumberOfDays: days, TermsOfPaymentTypeId: kind,
			TermsOfPaymentTypeText: text, AvailableForSales: true, AvailableForPurchase: true}
	}
	st.TermsOfPayments = []TermsOfPayment{
		terms(Terms30ID, "30 dagen netto", "30 days net", 30, 0, "Normal"),
		terms(Terms14ID, "14 dagen netto", "14 days net", 14, 0, "Normal"),
		terms(TermsDirectID, "Direct", "Immediate", 0, 0, "Normal"),
		terms(TermsCashID, "Contant", "Cash", 0, 2, "Cash"),
	}
	st.Units = []Unit{
		{Id: UnitPiecesID, Name: "Stuks", Code: "st", Abbreviation: "st", AbbreviationEnglish: "pcs"},
		{Id: UnitKiloID, Name: "Kilogram", Code: "kg", Abbreviation: "kg", AbbreviationEnglish: "kg"},
	}
	coding := func(id, name, english, kind, rate string, percent Dec, account int) ArticleAccountCoding {
		return ArticleAccountCoding{Id: id, Name: name, NameEnglish: english, Type: kind, VatRate: rate, VatRatePercent: percent,
			IsActive: true, DomesticSalesSubjectToVatAccountNumber: ptr(account), ChangedUtc: At(seedTime)}
	}
	st.Codings = []ArticleAccountCoding{
		coding(Coding21ID, "Verkoop goederen 21%", "Sales goods 21%", "Goods", "21%", MustDec("0.21"), 8000),
		coding(Coding9ID, "Verkoop goederen 9%", "Sales goods 9%", "Goods", "9%", MustDec("0.09"), 8010),
		coding(Coding0ID, "Verkoop goederen 0%", "Sales goods 0%", "Goods", "0%", MustDec("0"), 8020),
		coding(CodingServices21ID, "Verkoop diensten 21%", "Sales services 21%", "Services", "21%", MustDec("0.21"), 8100),
	}
	vat := func(n, code, desc string, rate Dec, account int) VatCode {
		return VatCode{Id: "7a700000-0000-4000-8000-0000000000" + n, Code: code, Description: desc, VatRate: rate,
			RelatedAccounts: &RelatedAccounts{AccountNumber1: ptr(account)}}
	}
	st.VatCodes = []VatCode{
		vat("21", "1a", "Leveringen/diensten belast met hoog tarief", MustDec("0.21"), 1500),
		vat("09", "1b", "Leveringen/diensten belast met laag tarief", MustDec("0.09"), 1510),
		vat("00", "1e", "Leveringen/diensten belast met 0% of niet bij u belast", MustDec("0"), 1520),
		vat("3b", "3b", "Leveringen naar landen binnen de EU", MustDec("0"), 1530),
	}
	country := func(code, name, english string, eu bool) Country {
		return Country{Code: code, Name: name, NameEnglish: english, IsEuMember: eu}
	}
	st.Countries = []Country{
		country("NL", "Nederland", "Netherlands", true), country("BE", "België", "Belgium", true),
		country("DE", "Duitsland", "Germany", true), country("FR", "Frankrijk", "France", true),
		country("LU", "Luxemburg", "Luxembourg", true), country("SE", "Zweden", "Sweden", true),
		country("GB", "Verenigd Koninkrijk", "United Kingdom", false), country("NO", "Noorwegen", "Norway", false),
		country("US", "Verenigde Staten", "United States", false),
	}
	st.Currencies = []Currency{{Code: "EUR"}, {Code: "SEK"}}
	st.DeliveryMethods = []DeliveryMethod{
		{Id: DeliveryPostNLID, Name: "PostNL", NameEnglish: "PostNL", Code: "POSTNL"},
		{Id: DeliveryPickupID, Name: "Afhalen", NameEnglish: "Pick-up", Code: "AFHALEN"},
	}
}

func ptr[T any](v T) *T { return &v }

// findByID finds a record by its GUID, which the API compares without case.
func findByID[T any](items []T, id string, idOf func(*T) string) *T {
	for i := range items {
		if strings.EqualFold(idOf(&items[i]), id) {
			return &items[i]
		}
	}
	return nil
}

func (st *state) terms(id string) *TermsOfPayment {
	return findByID(st.TermsOfPayments, id, func(t *TermsOfPayment) string { return t.Id })
}
func (st *state) unit(id string) *Unit {
	return findByID(st.Units, id, func(u *Unit) string { return u.Id })
}
func (st *state) coding(id string) *ArticleAccountCoding {
	return findByID(st.Codings, id, func(c *ArticleAccountCoding) string { return c.Id })
}
func (st *state) customer(id string) *Customer {
	return findByID(st.Customers, id, func(c *Customer) string { return c.Id })
}
func (st *state) article(id string) *Article {
	return findByID(st.Articles, id, func(a *Article) string { return a.Id })
}

// The reference data's routes: reads only.
func (s *Sim) referenceRoutes(rt *simkit.Router) {
	sales := salesRead
	salesOrPurchase := []string{eaccounting.ScopeSales, eaccounting.ScopeSalesReadOnly, "ea:purchase", "ea:purchase_readonly"}
	accounting := []string{eaccounting.ScopeAccounting, eaccounting.ScopeAccountingReadOnly}
	countries := []string{eaccounting.ScopeSales, eaccounting.ScopeSalesReadOnly, "vls:api"}

	s.handle(rt, http.MethodGet, "/termsofpayments", salesOrPurchase, listOf(s, func(st *state) []TermsOfPayment { return st.TermsOfPayments }))
	s.handle(rt, http.MethodGet, "/termsofpayments/{id}", salesOrPurchase, oneOf(s, "id", true,
		func(st *state, id string) *TermsOfPayment { return st.terms(id) }))
	s.handle(rt, http.MethodGet, "/units", sales, listOf(s, func(st *state) []Unit { return st.Units }))
	s.handle(rt, http.MethodGet, "/units/{id}", sales, oneOf(s, "id", true, func(st *state, id string) *Unit { return st.unit(id) }))
	s.handle(rt, http.MethodGet, "/articleaccountcodings", sales, listOf(s, func(st *state) []ArticleAccountCoding { return st.Codings }))
	s.handle(rt, http.MethodGet, "/articleaccountcodings/{articleAccountCodingId}", sales, oneOf(s, "articleAccountCodingId", true,
		func(st *state, id string) *ArticleAccountCoding { return st.coding(id) }))
	s.handle(rt, http.MethodGet, "/vatcodes", accounting, listOf(s, func(st *state) []VatCode { return st.VatCodes }))
	s.handle(rt, http.MethodGet, "/vatcodes/{id}", accounting, oneOf(s, "id", true, func(st *state, id string) *VatCode {
		return findByID(st.VatCodes, id, func(v *VatCode) string { return v.Id })
	}))
	s.handle(rt, http.MethodGet, "/countries", countries, listOf(s, func(st *state) []Country { return st.Countries }))
	s.handle(rt, http.MethodGet, "/countries/{countrycode}", countries, oneOf(s, "countrycode", false, func(st *state, code string) *Country {
		return findByID(st.Countries, code, func(c *Country) string { return c.Code })
	}))
	s.handle(rt, http.MethodGet, "/currencies", salesOrPurchase, listOf(s, func(st *state) []Currency { return st.Currencies }))
	s.handle(rt, http.MethodGet, "/deliverymethods", sales, listOf(s, func(st *state) []DeliveryMethod { return st.DeliveryMethods }))
	s.handle(rt, http.MethodGet, "/deliverymethods/{deliveryMethodId}", sales, oneOf(s, "deliveryMethodId", true,
		func(st *state, id string) *DeliveryMethod {
			return findByID(st.DeliveryMethods, id, func(d *DeliveryMethod) string { return d.Id })
		}))
}
