package simkit

import "github.com/koppel/koppel/model"

// DemoProduct is one article of the demo catalogue that every demo
// simulator shares, so the till knows the SKUs the shop sells. Prices
// include VAT, as they do in a Dutch webshop.
type DemoProduct struct {
	SKU, Name  string
	PriceCents int64
	VATPercent int64
	Group      string // the article group (category) it is kept in
}

// DemoProducts is the demo catalogue, in a fixed order: seeders refer to
// its entries by position.
func DemoProducts() []DemoProduct {
	return []DemoProduct{
		{"KOF-1000", "Koffiebonen huismelange 1 kg", 1995, 9, "Koffie"},
		{"KOF-0250", "Espressobonen 250 g", 695, 9, "Koffie"},
		{"THE-0100", "Groene thee 100 g", 449, 9, "Thee"},
		{"MOK-0001", "Mok Koppel, wit", 850, 21, "Servies"},
		{"FLT-0102", "Koffiefilters nr. 4 (100 st.)", 325, 21, "Koffie"},
		{"MLK-0001", "Melkopschuimer", 3495, 21, "Servies"},
	}
}

// Line is an order line of qty pieces of the product.
func (p DemoProduct) Line(qty int64) model.OrderLine {
	return model.OrderLine{SKU: p.SKU, Name: p.Name, Quantity: model.Pieces(qty),
		UnitPrice: model.NewMoney(p.PriceCents, "EUR"), VAT: model.VATPercent(p.VATPercent)}
}

// DemoCustomer is a customer of the demo: a shop account, and for some a
// relation the till knows already.
type DemoCustomer struct {
	model.Customer
	// Known customers are relations in the till before the first order
	// arrives, so the order flow finds them instead of creating them.
	Known bool
}

// DemoCustomers are the demo's customers, in a fixed order: persons and
// companies, known and new, one in Belgium.
func DemoCustomers() []DemoCustomer {
	addr := func(street, no, pc, city string) model.Address {
		return model.Address{Street: street, HouseNumber: no, PostalCode: pc, City: city, CountryCode: "NL"}
	}
	person := func(first, last, email string, a model.Address) model.Customer {
		a.Name = first + " " + last
		return model.Customer{Kind: model.CustomerPerson, Email: email, Person: model.Person{FirstName: first, LastName: last},
			Phone: "020-5550101", Billing: a, Shipping: a}
	}
	beAddr := func(street, no, pc, city string) model.Address {
		a := addr(street, no, pc, city)
		a.CountryCode = "BE"
		return a
	}
	company := func(name, first, last, email, vat string, a model.Address) model.Customer {
		a.Company, a.Name = name, first+" "+last
		return model.Customer{Kind: model.CustomerCompany, Email: email, CompanyName: name, VATNumber: vat,
			Person: model.Person{FirstName: first, LastName: last}, Phone: "030-5550202", Billing: a, Shipping: a}
	}
	return []DemoCustomer{
		{Customer: person("Anna", "de Boer", "anna.deboer@example.nl", addr("Dorpsstraat", "12", "1234 AB", "Ergenshuizen")), Known: true},
		{Customer: person("Jan", "Visser", "jan.visser@example.nl", addr("Kerkweg", "3", "2345 BC", "Nergensdam"))},
		{Customer: company("Bakkerij Smit", "Petra", "Smit", "inkoop@bakkerijsmit.example", "NL001234567B01", addr("Marktplein", "7", "3456 CD", "Ergenshuizen")), Known: true},
		{Customer: company("Kantoor Noord B.V.", "Ahmed", "El Amrani", "facilitair@kantoornoord.example", "NL009876543B01", addr("Stationsweg", "101", "4567 DE", "Nergensdam"))},
		{Customer: person("Sophie", "Jansen", "sophie.jansen@example.nl", addr("Laan van Nu", "45", "5678 EF", "Ergenshuizen"))},
		{Customer: company("Brasserie Zuid", "An", "Peeters", "inkoop@brasseriezuid.example", "BE0123456789", beAddr("Meir", "20", "2000", "Antwerpen"))},
	}
}
