package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// The demo's own catalogue beside the shared one: an apron in sizes, a
// product with combinations.
const (
	DemoSizedSKU = "SCH-KOPPEL"
	demoSizedCat = "Kleding"
)

// The demo's walk-in customer: the store account that a till's sales
// without a customer are booked on (flows.orders.walkInDebtor). The seed
// makes it first, so the first store of a demo always gives it this id.
const (
	DemoWalkInCustomerID = idBaseCustomer + 1
	DemoWalkInEmail      = "kassa@koppel-demo.example"
)

// DemoSizes are the SKUs of the apron's combinations and their stock.
var DemoSizes = []struct {
	Size, SKU string
	Stock     int64
}{{"S", DemoSizedSKU + "-S", 5}, {"M", DemoSizedSKU + "-M", 8}, {"L", DemoSizedSKU + "-L", 3}}

// demoStock is the stock of every shared demo product at the start.
const demoStock = 100

// SeedDemo fills a fresh store with the demo: the shared catalogue
// (simkit.DemoProducts) as tracked products with an EAN in a UPC
// attribute and their VAT as manual taxes, in categories; an apron with
// combinations in sizes; the shop's customers (simkit.DemoCustomers) as
// accounts; and web orders as the checkout places them: paid and unpaid,
// one of a company, one from Belgium, one with a coupon, one unfinished.
func SeedDemo(s *Sim, d simkit.DemoContext) {
	s.mu.Lock()
	s.shiftIDsLocked(d.Instance)
	s.mu.Unlock()
	p := DefaultProfile()
	p.StoreName = "Koppel Demo Webwinkel"
	if d.Instance > 1 {
		p.StoreName += fmt.Sprintf(" %d", d.Instance)
	}
	s.SetProfile(p)

	cats := map[string]int64{}
	for _, name := range []string{"Koffie", "Thee", "Servies", demoSizedCat} {
		id, err := s.AddCategory(Category{Name: name, Enabled: true})
		must(err)
		cats[name] = id
	}
	taxOf := map[int64]int64{21: TaxHigh, 9: TaxLow}
	for i, dp := range simkit.DemoProducts() {
		_, err := s.AddProduct(Product{SKU: dp.SKU, Name: dp.Name, Price: Money(dp.PriceCents), Quantity: demoStock,
			Enabled: true, ShippingNeeded: true, CategoryIDs: []int64{cats[dp.Group]}, Weight: "0.5",
			Attributes: []Attribute{{Name: "UPC", Type: "UPC", Value: demoEAN(i), Show: "DESCR"}},
			Tax:        ProductTax{Taxable: true, EnabledManualTaxes: []int64{taxOf[dp.VATPercent]}}})
		must(err)
	}
	sized := Product{SKU: DemoSizedSKU, Name: "Schort Koppel, katoen", Price: 2495, Enabled: true, ShippingNeeded: true,
		CategoryIDs: []int64{cats[demoSizedCat]}, Tax: ProductTax{Taxable: true, EnabledManualTaxes: []int64{TaxHigh}},
		Options: []Option{{Type: "SIZE", Name: "Maat", Required: true}}}
	for _, sz := range DemoSizes {
		sized.Combinations = append(sized.Combinations, Combination{Options: []OptionValue{{Name: "Maat", Value: sz.Size}},
			SKU: sz.SKU, Quantity: sz.Stock})
	}
	_, err := s.AddProduct(sized)
	must(err)

	_, err = s.AddCustomer(Customer{Email: DemoWalkInEmail, B2BB2C: "b2c",
		BillingPerson: Person{Name: "Kassa winkel", City: "Utrecht", CountryCode: "NL"}})
	must(err)
	var customers []Customer
	for _, dc := range simkit.DemoCustomers() {
		c := demoCustomer(dc.Customer)
		id, err := s.AddCustomer(c)
		must(err)
		c.ID = id
		customers = append(customers, c)
	}
	at := func(hoursAgo int) time.Time { return d.Now.Add(-time.Duration(hoursAgo) * time.Hour) }
	cat := simkit.DemoProducts()
	for _, o := range []struct {
		customer      int
		lines         map[int]int64 // catalogue index → quantity
		shipping      Money
		pay, ful, how string
		coupon        Money
		hoursAgo      int
	}{
		{0, map[int]int64{0: 2, 3: 1}, 495, "PAID", "AWAITING_PROCESSING", "iDEAL", 0, 30},
		{1, map[int]int64{2: 1, 1: 2}, 495, "AWAITING_PAYMENT", "AWAITING_PROCESSING", "Bankoverschrijving", 0, 26},
		{2, map[int]int64{0: 3, 5: 1}, 0, "PAID", "AWAITING_PROCESSING", "Op rekening", 0, 20},
		{5, map[int]int64{4: 2, 3: 1}, 995, "PAID", "AWAITING_PROCESSING", "Bancontact", 0, 12},
		{4, map[int]int64{5: 1}, 495, "PAID", "SHIPPED", "iDEAL", 500, 6},
		{3, map[int]int64{1: 1}, 495, Unfinished, "AWAITING_PROCESSING", "iDEAL", 0, 2},
	} {
		c := customers[o.customer]
		order := webOrder(c, at(o.hoursAgo), o.pay, o.ful, o.how, o.shipping)
		for i := range cat { // in catalogue order, so the seed is the same every run
			if q, ok := o.lines[i]; ok {
				order.Items = append(order.Items, OrderItem{SKU: cat[i].SKU, Quantity: q})
			}
		}
		if o.coupon > 0 {
			order.CouponDiscount = o.coupon
			order.DiscountCoupon = &Coupon{Name: "Welkomstkorting", Code: "WELKOM", DiscountType: "ABS", Discount: o.coupon}
		}
		_, err := s.PlaceOrder(order)
		must(err)
	}
}

// demoCustomer is a demo customer as a store account: street and house
// number on one line, a company's name and VAT number.
func demoCustomer(c model.Customer) Customer {
	b := c.Billing
	person := Person{Name: b.Name, CompanyName: b.Company, Street: strings.TrimSpace(b.Street + " " + b.HouseNumber),
		City: b.City, CountryCode: b.CountryCode, PostalCode: b.PostalCode, Phone: c.Phone}
	out := Customer{Email: c.Email, BillingPerson: person, B2BB2C: "b2c",
		ShippingAddresses: []ShippingAddress{{Person: person, Default: true}}}
	if c.Kind == model.CustomerCompany {
		out.B2BB2C, out.TaxID, out.TaxIDValid = "b2b", c.VATNumber, c.VATNumber != ""
	}
	return out
}

// webOrder is an order a customer places at the storefront.
func webOrder(c Customer, at time.Time, pay, ful, method string, shipping Money) Order {
	bp := c.BillingPerson
	o := Order{Email: c.Email, CustomerID: c.ID, PaymentStatus: pay, FulfillmentStatus: ful, PaymentMethod: method,
		BillingPerson: &bp, ShippingPerson: &bp, B2BB2C: c.B2BB2C, CustomerTaxID: c.TaxID, CustomerTaxIDValid: c.TaxIDValid,
		Created: at, IPAddress: "192.0.2.10", Lang: "nl"}
	if shipping > 0 {
		o.ShippingOption = &ShippingOption{MethodName: "PostNL pakket", MethodID: "postnl-1", CarrierName: "PostNL",
			Rate: shipping, FulfillmentType: "SHIPPING"}
	} else {
		o.ShippingOption = &ShippingOption{MethodName: "Afhalen in de winkel", MethodID: "pickup-1", IsPickup: true,
			FulfillmentType: "PICKUP"}
	}
	return o
}

// demoEAN is a valid EAN-13 for the catalogue's i-th product.
func demoEAN(i int) string {
	digits := fmt.Sprintf("871234%06d", 100+i)
	sum := 0
	for j, ch := range digits {
		n := int(ch - '0')
		if j%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return digits + fmt.Sprint((10-sum%10)%10)
}

// DemoActivity changes the store a little, so polling has news: mostly a
// new web order, sometimes an unpaid order paid or a paid order shipped.
func DemoActivity(s *Sim, d simkit.DemoContext) {
	orders := s.Orders()
	var unpaid, toShip []string
	for _, o := range orders {
		switch {
		case o.PaymentStatus == "AWAITING_PAYMENT":
			unpaid = append(unpaid, o.ID)
		case o.PaymentStatus == "PAID" && o.FulfillmentStatus == "AWAITING_PROCESSING":
			toShip = append(toShip, o.ID)
		}
	}
	switch n := d.Rand.IntN(10); {
	case n == 0 && len(unpaid) > 0:
		must(s.SetOrderStatus(unpaid[d.Rand.IntN(len(unpaid))], "PAID", ""))
		return
	case n == 1 && len(toShip) > 0:
		must(s.SetOrderStatus(toShip[d.Rand.IntN(len(toShip))], "", "SHIPPED"))
		return
	}
	customers := slices.DeleteFunc(s.Customers(), func(c Customer) bool { return c.Email == DemoWalkInEmail })
	if len(customers) == 0 {
		return // not a seeded store
	}
	c := customers[d.Rand.IntN(len(customers))]
	pay := "PAID"
	if d.Rand.IntN(4) == 0 {
		pay = "AWAITING_PAYMENT"
	}
	o := webOrder(c, d.Now, pay, "AWAITING_PROCESSING", "iDEAL", 495)
	cat := simkit.DemoProducts()
	for _, i := range d.Rand.Perm(len(cat))[:1+d.Rand.IntN(3)] {
		o.Items = append(o.Items, OrderItem{SKU: cat[i].SKU, Quantity: int64(1 + d.Rand.IntN(3))})
	}
	_, err := s.PlaceOrder(o)
	must(err)
}

func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("sim: the demo seed does not fit: %v", err))
	}
}
