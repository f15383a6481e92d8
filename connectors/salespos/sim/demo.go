package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// The demo till: one store with two registers, paid in cash or by card.
const (
	DemoStoreID         = 1
	DemoRegisterCounter = 1
	DemoRegisterTerrace = 2
	// DemoCash and DemoCard are the payment methods as the till names them.
	DemoCash = "Contant"
	DemoCard = "PIN"
	// DemoStock is every demo article's stock after the seed.
	DemoStock = 24
	// DemoShirtSKU is the article the till sells in sizes (attribute
	// DemoSizeAttribute): DemoShirtSKU-S, -M and -L, stock 4, 5 and 6.
	DemoShirtSKU      = "SHIRT"
	DemoSizeAttribute = "Maat"
)

// DemoSizes are the sizes of the demo T-shirt, smallest first.
var DemoSizes = []string{"S", "M", "L"}

// SeedDemo fills a fresh SalesPOS with the demo catalogue (stock kept per
// article) and a T-shirt in sizes (stock per size), the demo customers the till knows as accounts, and a day of
// till activity, compressed into the hour before d.Now so that a demo's
// first poll sees all of it:
//
//	+5  min  walk-in, cash, counter                 (no customer)
//	+10 min  known customer, card                   (an account)
//	+15 min  walk-in, card, terrace, a row discount
//	+20 min  known company, card, an order discount
//	+25 min  walk-in, cash, terrace
//	+30 min  new customer, card                     (e-mail only, no account)
//	+40 min  refund of a mug, cash, terrace         (negative total: refunded)
//	+50 min  walk-in, card, counter
//
// Every card payment has its terminal receipt; yesterday's cash-up is
// closed, today's is open. The n-th SalesPOS of a demo numbers its sales
// from n*1000+501, apart from a CCV Shop's orders.
func SeedDemo(pos *Sim, d simkit.DemoContext) {
	cat := simkit.DemoProducts()
	for _, p := range cat {
		pos.AddProduct(ccvsim.Product{SKU: p.SKU, Name: p.Name, Price: eur(p.PriceCents), VAT: model.VATPercent(p.VATPercent),
			Active: true, StockEnabled: true, Stock: model.Pieces(DemoStock), Categories: []string{p.Group}})
	}
	shirt := ccvsim.Product{SKU: DemoShirtSKU, Name: "T-shirt Koppel", Price: eur(2495), VAT: model.VATPercent(21),
		Active: true, StockEnabled: true, Categories: []string{"Kleding"}}
	for i, size := range DemoSizes {
		shirt.Variants = append(shirt.Variants, ccvsim.Variant{SKU: DemoShirtSKU + "-" + size, Active: true,
			Attributes: map[string]string{DemoSizeAttribute: size}, Stock: model.Pieces(int64(4 + i))})
	}
	pos.AddProduct(shirt)
	custs := simkit.DemoCustomers()
	account := func(i int) model.Customer {
		c := custs[i].Customer
		c.ID = pos.AddUser(c)
		return c
	}
	anna, smit := account(0), account(2) // the known ones (DemoCustomer.Known)
	jan := custs[1].Customer             // gave an e-mail address for a digital receipt

	opening := d.Now.Add(-time.Hour).UTC().Truncate(time.Second)
	at := func(min int) time.Time { return opening.Add(time.Duration(min) * time.Minute) }
	mugs := cat[3].Line(2)
	mugs.UnitDiscount = eur(100) // two mugs, a euro off each
	bulk := sale(smit, at(20), DemoCard, cat[0].Line(10))
	bulk.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Discount", Amount: eur(-1995), VAT: model.VATPercent(9)}}
	bulk.Total = bulk.ComputedTotal()
	refund := cat[3].Line(-1)

	sales := []ccvsim.Sale{
		{Order: sale(model.Customer{}, at(5), DemoCash, cat[1].Line(1)), RegisterID: DemoRegisterCounter},
		{Order: sale(anna, at(10), DemoCard, cat[0].Line(2), cat[4].Line(1)), RegisterID: DemoRegisterCounter},
		{Order: sale(model.Customer{}, at(15), DemoCard, mugs), RegisterID: DemoRegisterTerrace},
		{Order: bulk, RegisterID: DemoRegisterCounter},
		{Order: sale(model.Customer{}, at(25), DemoCash, cat[2].Line(3)), RegisterID: DemoRegisterTerrace},
		{Order: sale(jan, at(30), DemoCard, cat[5].Line(1)), RegisterID: DemoRegisterCounter},
		{Order: sale(model.Customer{}, at(40), DemoCash, refund), RegisterID: DemoRegisterTerrace},
		{Order: sale(model.Customer{}, at(50), DemoCard, cat[0].Line(1), cat[3].Line(1)), RegisterID: DemoRegisterCounter},
	}
	first := 1000*max(d.Instance, 1) + 501
	for i, s := range sales {
		s.Order.ID = strconv.Itoa(first + i)
		s.StoreID = DemoStoreID
		ring(pos, s)
	}

	pos.AddCashup(ccvsim.Cashup{CreatedAt: opening.Add(-14 * time.Hour), Start: opening.Add(-24 * time.Hour), End: opening.Add(-14 * time.Hour),
		Status: salespos.CashupClosed,
		Balances: []ccvsim.CashupBalance{
			{PaymentMethod: DemoCash, Expected: eur(21240), Counted: ptr(eur(21240))},
			{PaymentMethod: DemoCard, Expected: eur(48615), Counted: ptr(eur(48615))},
		},
		VATTotals: []ccvsim.CashupVAT{
			{VAT: model.VATPercent(9), Total: eur(40120), Tax: eur(3313)},
			{VAT: model.VATPercent(21), Total: eur(29735), Tax: eur(5161)},
		}})
	pos.AddCashup(openCashup(opening, sales))
}

// DemoActivity keeps the demo alive: the till rings up a sale now, for a
// walk-in customer mostly, else for one of its accounts, paid in cash or
// by card (with a terminal receipt).
func DemoActivity(pos *Sim, d simkit.DemoContext) {
	cat := simkit.DemoProducts()
	n := 1 + d.Rand.IntN(3)
	lines := make([]model.OrderLine, 0, n)
	for _, i := range d.Rand.Perm(len(cat))[:n] {
		lines = append(lines, cat[i].Line(int64(1+d.Rand.IntN(3))))
	}
	cust := model.Customer{}
	if accounts := pos.Users(); len(accounts) > 0 && d.Rand.IntN(3) == 0 {
		cust = accounts[d.Rand.IntN(len(accounts))]
	}
	pay := DemoCash
	if d.Rand.IntN(3) != 0 {
		pay = DemoCard
	}
	ring(pos, ccvsim.Sale{Order: sale(cust, d.Now, pay, lines...), RegisterID: int64(DemoRegisterCounter + d.Rand.IntN(2)), StoreID: DemoStoreID})
}

// sale is a paid, completed sale at the till: no shipping, prices incl. VAT.
func sale(cust model.Customer, at time.Time, pay string, lines ...model.OrderLine) model.Order {
	o := model.Order{CreatedAt: at, Status: model.StatusCompleted, Paid: true, Currency: "EUR", PricesIncludeVAT: true,
		Customer: cust, Lines: lines, ShippingCost: eur(0), ShippingVAT: model.VATPercent(21), PaymentMethod: pay}
	o.Total = o.ComputedTotal()
	return o
}

// ring adds a sale, with the terminal's receipt when it was paid by card.
func ring(pos *Sim, s ccvsim.Sale) {
	id := pos.AddSale(s)
	if s.Order.PaymentMethod != DemoCard {
		return
	}
	amount := s.Order.Total
	text := fmt.Sprintf("CCV\nBETALING\nMaestro\nEUR %s\nAKKOORD", strings.Replace(model.FormatMinor(amount.Amount, 2), ".", ",", 1))
	_, _ = pos.AddTerminalReceipt(ccvsim.TerminalReceipt{OrderID: id, Amount: amount, Brand: "Maestro", Status: "SUCCESS", Text: text})
}

// openCashup is today's cash-up so far: what each payment method should
// hold and the turnover per VAT rate of the seeded sales, nothing counted.
func openCashup(opening time.Time, sales []ccvsim.Sale) ccvsim.Cashup {
	c := ccvsim.Cashup{CreatedAt: opening, Start: opening, Status: salespos.CashupOpen}
	expected := map[string]int64{}
	turnover := map[model.VATRate]int64{}
	for _, s := range sales {
		expected[s.Order.PaymentMethod] += s.Order.Total.Amount
		for _, l := range s.Order.ChargeLines() {
			turnover[l.VAT] += l.LineTotal().Amount
		}
	}
	for _, pay := range []string{DemoCash, DemoCard} {
		c.Balances = append(c.Balances, ccvsim.CashupBalance{PaymentMethod: pay, Expected: eur(expected[pay])})
	}
	for _, rate := range []model.VATRate{model.VATPercent(9), model.VATPercent(21)} {
		total := turnover[rate]
		c.VATTotals = append(c.VATTotals, ccvsim.CashupVAT{VAT: rate, Total: eur(total), Tax: eur(vatIn(total, rate))})
	}
	return c
}

// vatIn is the VAT inside an amount that includes it, rounded half away
// from zero.
func vatIn(amount int64, rate model.VATRate) int64 {
	num, den := amount*int64(rate), 10000+int64(rate)
	if num < 0 {
		return -((-num + den/2) / den)
	}
	return (num + den/2) / den
}

func eur(cents int64) model.Money { return model.NewMoney(cents, "EUR") }

func ptr[T any](v T) *T { return &v }
