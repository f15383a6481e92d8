package sim

import (
	"strconv"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// DemoPromotionCode is the code of the demo's promotion.
const DemoPromotionCode = "WELKOM"

// SeedDemo fills a fresh shop with the demo catalogue (SeedCatalog) and orders that cover every branch of the
// order flow, on the demo catalogue the MplusKASSA demo till holds
// (simkit.DemoProducts): paid and unpaid, with and without a customer
// account, persons and companies, one company buying at net prices, and a
// Belgian customer with a promotion. The n-th shop of a demo numbers its
// orders from n*10000, so the orders of two shops stay apart wherever they
// meet.
func SeedDemo(shop *Sim, d simkit.DemoContext) {
	custs := simkit.DemoCustomers()
	cat := simkit.DemoProducts()
	ago := func(m int) time.Time { return d.Now.Add(-time.Duration(m) * time.Minute) }
	type demo struct {
		order model.Order
		opt   OrderOptions
	}
	orders := []demo{
		{demoOrder(custs[0].Customer, ago(50), true, cat[0].Line(2), cat[4].Line(1)), OrderOptions{}},            // known person
		{demoOrder(custs[1].Customer, ago(45), true, cat[1].Line(3), cat[3].Line(2)), OrderOptions{Guest: true}}, // a guest
		{netOrder(custs[2].Customer, ago(40), cat[0].Line(10), cat[2].Line(4)), OrderOptions{}},                  // known company, net prices
		{demoOrder(custs[3].Customer, ago(35), true, cat[5].Line(1), cat[3].Line(6)), OrderOptions{}},            // new company
		{demoOrder(custs[4].Customer, ago(30), false, cat[2].Line(1)), OrderOptions{}},                           // unpaid: waits, paid later
		{demoOrder(custs[0].Customer, ago(20), true, cat[3].Line(1), cat[1].Line(1)), OrderOptions{}},            // known again
		{demoOrder(custs[4].Customer, ago(5), false, cat[1].Line(2), cat[4].Line(1)), OrderOptions{Guest: true}}, // unpaid guest
		{belgianOrderWithPromotion(custs[5].Customer, ago(1), cat), OrderOptions{PromotionCode: DemoPromotionCode}},
	}
	shop.SeedCatalog()
	first := 10000 * max(d.Instance, 1)
	for i, o := range orders {
		o.order.Number = strconv.Itoa(first + i)
		shop.AddOrderWith(o.order, o.opt)
	}
}

// DemoActivity keeps the demo alive: waiting orders get paid and a customer
// places a new order, mostly paid, so the schedule has something to pick up.
func DemoActivity(shop *Sim, d simkit.DemoContext) {
	for _, id := range shop.Unpaid() {
		_ = shop.SetPaid(id)
	}
	cat, custs := simkit.DemoProducts(), simkit.DemoCustomers()
	n := 1 + d.Rand.IntN(3)
	lines := make([]model.OrderLine, 0, n)
	for _, i := range d.Rand.Perm(len(cat))[:n] {
		lines = append(lines, cat[i].Line(int64(1+d.Rand.IntN(4))))
	}
	shop.AddOrderWith(demoOrder(custs[d.Rand.IntN(len(custs))].Customer, d.Now, d.Rand.IntN(4) != 0, lines...),
		OrderOptions{Guest: d.Rand.IntN(3) == 0})
}

// demoOrder assembles a paid or unpaid order at prices incl. VAT.
func demoOrder(cust model.Customer, created time.Time, paid bool, lines ...model.OrderLine) model.Order {
	o := model.Order{CreatedAt: created, Status: model.StatusPending, Paid: paid, Currency: "EUR", PricesIncludeVAT: true,
		Customer: cust, Lines: lines, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21),
		ShippingMethod: "PostNL", PaymentMethod: "iDEAL"}
	o.Total = o.ComputedTotal()
	return o
}

// netOrder is a business customer's order at prices without VAT: the demo
// catalogue's prices less VAT, rounded to the cent.
func netOrder(cust model.Customer, created time.Time, lines ...model.OrderLine) model.Order {
	o := demoOrder(cust, created, true, lines...)
	o.PricesIncludeVAT = false
	for i, l := range o.Lines {
		o.Lines[i].UnitPrice = model.NewMoney(divRound(l.UnitPrice.Amount*10000, 10000+int64(l.VAT)), "EUR")
	}
	o.ShippingCost = model.NewMoney(409, "EUR")
	o.PaymentMethod = "Invoice"
	o.Total = o.ComputedTotal()
	return o
}

// belgianOrderWithPromotion is delivered in Belgium and has a promotion (a
// discount line item).
func belgianOrderWithPromotion(c model.Customer, created time.Time, cat []simkit.DemoProduct) model.Order {
	o := demoOrder(c, created, true, cat[3].Line(4), cat[5].Line(1))
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode " + DemoPromotionCode,
		Amount: model.NewMoney(-750, "EUR"), VAT: model.VATPercent(21)}}
	o.Total = o.ComputedTotal()
	return o
}
