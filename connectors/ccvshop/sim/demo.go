package sim

import (
	"strconv"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// DemoUnknownSKU is sold in the demo shop but missing in the demo till, so
// the order holding it fails with its reason.
const DemoUnknownSKU = "CAD-0001"

// SeedDemo fills a fresh shop with the demo's customer accounts (the
// customers flow takes them to the till) and orders that cover every branch
// of the order flow. The n-th shop of a demo numbers its orders from
// n*1000+1, so the orders of two shops stay apart wherever they meet.
func SeedDemo(shop *Sim, d simkit.DemoContext) {
	custs := simkit.DemoCustomers()
	for _, c := range custs {
		shop.AddUser(c.Customer)
	}
	cat := simkit.DemoProducts()
	ago := func(m int) time.Time { return d.Now.Add(-time.Duration(m) * time.Minute) }
	orders := []model.Order{
		demoOrder(custs[0].Customer, ago(50), true, cat[0].Line(2), cat[4].Line(1)),                // known person
		demoOrder(custs[1].Customer, ago(45), true, cat[1].Line(3), cat[3].Line(2)),                // new person
		demoOrder(custs[2].Customer, ago(40), true, cat[0].Line(10), cat[2].Line(4)),               // known company
		demoOrder(custs[3].Customer, ago(35), true, cat[5].Line(1), cat[3].Line(6)),                // new company
		demoOrder(custs[4].Customer, ago(30), false, cat[2].Line(1)),                               // unpaid: waits, paid later
		demoOrder(custs[1].Customer, ago(25), true, cat[0].Line(1), shopOnlyLine()),                // unknown SKU: fails
		demoOrder(custs[0].Customer, ago(20), true, cat[3].Line(1), cat[1].Line(1)),                // known again
		demoOrder(custs[2].Customer, ago(10), true, cat[4].Line(2), cat[5].Line(1)),                // company again
		demoOrder(custs[4].Customer, ago(5), false, cat[1].Line(2), cat[4].Line(1)),                // unpaid
		demoOrder(custs[3].Customer, ago(2), true, cat[0].Line(1), cat[1].Line(1), cat[2].Line(1)), // new company again
		belgianOrderWithCoupon(custs[5].Customer, ago(1), cat),                                     // BE VAT code, discount line
	}
	first := 1000*max(d.Instance, 1) + 1
	for i, o := range orders {
		o.ID = strconv.Itoa(first + i)
		shop.AddOrder(o)
	}
}

// DemoActivity keeps the demo alive: waiting orders get paid and a customer
// places a new order, mostly paid, so the schedule has something to pick up.
func DemoActivity(shop *Sim, d simkit.DemoContext) {
	for _, id := range shop.Unpaid() {
		_ = shop.SetPaid(id, true)
	}
	cat, custs := simkit.DemoProducts(), simkit.DemoCustomers()
	n := 1 + d.Rand.IntN(3)
	lines := make([]model.OrderLine, 0, n)
	for _, i := range d.Rand.Perm(len(cat))[:n] {
		lines = append(lines, cat[i].Line(int64(1+d.Rand.IntN(4))))
	}
	shop.AddOrder(demoOrder(custs[d.Rand.IntN(len(custs))].Customer, d.Now, d.Rand.IntN(4) != 0, lines...))
}

// demoOrder assembles a paid or unpaid order created at the given time.
func demoOrder(cust model.Customer, created time.Time, paid bool, lines ...model.OrderLine) model.Order {
	o := model.Order{CreatedAt: created, Status: model.StatusPending, Paid: paid, Currency: "EUR", PricesIncludeVAT: true,
		Customer: cust, Lines: lines, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21),
		ShippingMethod: "PostNL", PaymentMethod: "iDEAL"}
	total := o.ShippingCost
	for _, l := range lines {
		total = total.Add(l.LineTotal())
	}
	o.Total = total
	return o
}

// belgianOrderWithCoupon is delivered in Belgium (its lines get the Belgian
// VAT code and revenue account) and has a coupon (a discount line).
func belgianOrderWithCoupon(c model.Customer, created time.Time, cat []simkit.DemoProduct) model.Order {
	o := demoOrder(c, created, true, cat[3].Line(4), cat[5].Line(1))
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM",
		Amount: model.NewMoney(-750, "EUR"), VAT: model.VATPercent(21)}}
	o.Total = o.Total.Add(o.Adjustments[0].Amount)
	return o
}

func shopOnlyLine() model.OrderLine {
	return model.OrderLine{SKU: DemoUnknownSKU, Name: "Cadeaubon (alleen in de webshop)", Quantity: model.Pieces(1),
		UnitPrice: model.NewMoney(2500, "EUR"), VAT: model.VATPercent(0)}
}
