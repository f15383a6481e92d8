package sim

import (
	"fmt"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// DemoBelgianVATCode is the demo till's VAT code for 21 % Belgian VAT
// (countries.BE.vatCodes in the example integration file).
const DemoBelgianVATCode = 7

// SeedDemo fills a fresh till: the demo catalogue in article groups with
// stock (the products and stock flows take it to the shop), one photo, a
// T-shirt in three sizes, the articles shipping costs and discounts are
// booked on, Belgian VAT and the customers the till knows already.
func SeedDemo(till *Sim, _ simkit.DemoContext) {
	groups := map[string]int{}
	for _, name := range []string{"Koffie", "Thee", "Servies", "Kleding"} {
		groups[name] = till.AddGroup(0, name)
	}
	for i, p := range simkit.DemoProducts() {
		article := Product{PLU: p.SKU, Description: p.Name, PriceInclCents: p.PriceCents, VatCode: demoVATCode(p.VATPercent),
			Barcode: fmt.Sprintf("87123450%05d", i+1), StockArticle: true, Webshop: true}
		if p.SKU == "KOF-1000" {
			article.Images = []Image{{Name: "koffiebonen.png", Data: demoPhoto}}
		}
		till.AddProductWithArticles(CatalogProduct{Description: p.Name, Groups: []int{groups[p.Group]},
			Articles: []Product{article}})
		_ = till.SetStockLevel(p.SKU, model.Pieces(int64(20+7*i)), model.Pieces(int64(i%3)))
	}
	// A configurable product: one article per size.
	var sizes []Product
	for _, size := range []string{"S", "M", "L"} {
		sizes = append(sizes, Product{PLU: "SHIRT-" + size, Description: "T-shirt Koppel " + size, PriceInclCents: 2495,
			VatCode: demoVATCode(21), Size: size, Colour: "Wit", StockArticle: true, Webshop: true})
	}
	till.AddProductWithArticles(CatalogProduct{Description: "T-shirt Koppel", Groups: []int{groups["Kleding"]}, Articles: sizes})
	for i, size := range []string{"S", "M", "L"} {
		_ = till.SetStockLevel("SHIRT-"+size, model.Pieces(int64(4+i)), 0)
	}
	// The articles shipping costs and discounts are booked on (options
	// shippingPLU and discountPLU in the example file).
	till.AddProduct(Product{PLU: "VERZ", Description: "Verzendkosten", VatCode: demoVATCode(21)})
	till.AddProduct(Product{PLU: "KORT", Description: "Korting", VatCode: demoVATCode(21)})
	// Belgian VAT, for orders delivered in Belgium (countries.BE in the example file).
	till.AddVatGroup(VatGroup{Code: DemoBelgianVATCode, Rate: model.VATPercent(21), CountryIso3: "BEL"})
	for _, dc := range simkit.DemoCustomers() {
		if !dc.Known {
			continue
		}
		c := dc.Customer
		contact := ""
		if c.Kind == model.CustomerCompany {
			contact = c.Person.FullName()
		}
		till.AddRelation(Relation{Email: c.Email, Name: c.Person.FullName(), CompanyName: c.CompanyName,
			ContactPerson: contact, Address: c.Billing.StreetLine(), Zipcode: c.Billing.PostalCode,
			City: c.Billing.City, Country: c.Billing.CountryCode, Phone: c.Phone, VatNumber: c.VATNumber})
	}
}

// DemoActivity is a sale at the till: one piece of a demo article leaves the
// stock, and the stock flow takes the new level to the shop.
func DemoActivity(till *Sim, d simkit.DemoContext) {
	cat := simkit.DemoProducts()
	sold := cat[d.Rand.IntN(len(cat))]
	if level, ok := till.Stock(sold.SKU); ok && level.Free > model.Pieces(1) {
		_ = till.SetStockLevel(sold.SKU, level.Free-model.Pieces(1), level.Reserved)
	}
}

// demoVATCode is the seeded Dutch VAT group of a rate.
func demoVATCode(percent int64) int {
	switch percent {
	case 21:
		return VatCodeHigh
	case 9:
		return VatCodeLow
	default:
		return VatCodeZero
	}
}

// demoPhoto is a 1×1 PNG, the till's photo of the coffee beans.
var demoPhoto = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
