package sim

import (
	"fmt"

	"github.com/koppel/koppel/connectors/simkit"
)

// Article numbers the demo seeds beside the shop's catalogue, for the
// order lines that are not products: shipping, discounts and costs.
const (
	DemoShippingArticle   = "VERZEND-21"
	DemoDiscount21Article = "KORTING-21"
	DemoDiscount9Article  = "KORTING-9"
	DemoCostsArticle      = "KOSTEN-21"
	DemoRoundingArticle   = "AFRONDING-0"
)

// demoStock is every demo article's stock at the start.
const demoStock = 100

// SeedDemo fills a fresh company with the demo's articles (the shared demo
// catalogue, prices including VAT as the shop sells them) and the
// customers the shop's known customers are here already, so the order
// flow finds some by e-mail and creates the others.
func SeedDemo(s *Sim, _ simkit.DemoContext) {
	codingOf := map[int64]string{21: Coding21ID, 9: Coding9ID, 0: Coding0ID}
	for _, p := range simkit.DemoProducts() {
		must(s.AddArticle(Article{Number: p.SKU, Name: p.Name, IsActive: true, CodingId: codingOf[p.VATPercent], UnitId: UnitPiecesID,
			GrossPrice: Cents(p.PriceCents), StockBalance: DecOf(demoStock * decScale), SendToWebshop: true}))
	}
	for _, a := range []Article{
		{Number: DemoShippingArticle, Name: "Verzendkosten", CodingId: CodingServices21ID},
		{Number: DemoDiscount21Article, Name: "Korting 21% btw", CodingId: Coding21ID},
		{Number: DemoDiscount9Article, Name: "Korting 9% btw", CodingId: Coding9ID},
		{Number: DemoCostsArticle, Name: "Overige kosten", CodingId: CodingServices21ID},
		// A cent no VAT rate can take (a net document) is booked without VAT.
		{Number: DemoRoundingArticle, Name: "Afronding", CodingId: Coding0ID},
	} {
		a.IsActive, a.UnitId = true, UnitPiecesID
		must(s.AddArticle(a))
	}
	for _, c := range simkit.DemoCustomers() {
		if !c.Known {
			continue
		}
		b := c.Billing
		cust := Customer{Name: c.DisplayName(), IsPrivatePerson: c.CompanyName == "", IsActive: true, TermsOfPaymentId: Terms14ID,
			InvoiceAddress1: b.Street + " " + b.HouseNumber, InvoicePostalCode: b.PostalCode, InvoiceCity: b.City,
			InvoiceCountryCode: b.CountryCode, EmailAddress: c.Email, Telephone: c.Phone, VatNumber: c.VATNumber}
		if c.CompanyName != "" {
			cust.ContactPersonName = c.Person.FirstName + " " + c.Person.LastName
			cust.ContactPersonEmail = c.Email
		}
		must(s.PutCustomer(cust))
	}
}

// DemoActivity is a stock count now and then: one article's balance
// changes, so a stock flow reading eAccounting has news.
func DemoActivity(s *Sim, d simkit.DemoContext) {
	cat := simkit.DemoProducts()
	p := cat[d.Rand.IntN(len(cat))]
	_ = s.SetStockBalance(p.SKU, DecOf(int64(50+d.Rand.IntN(100))*decScale))
}

func must(_ string, err error) {
	if err != nil {
		panic(fmt.Sprintf("sim: the demo seed does not fit: %v", err))
	}
}
