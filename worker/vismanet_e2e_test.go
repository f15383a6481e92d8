package worker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
	vnsim "github.com/koppel/koppel/connectors/vismanet/sim"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/workflows"
)

// CCV Shop → Visma.net: the fourth pair's flows on a real dev server, the
// company the simulator's demo company (its items, VAT categories, GL
// accounts), the shop's prices including VAT as a Dutch shop shows them.

// vnTargetOptions write shipping, coupons and costs on the demo company's
// non-stock items, and book journal transactions on its accounts.
const vnTargetOptions = `{pricesIncludeVat: "true", shippingItem: VERZENDKOSTEN, discountItem: KORTING, costItem: KOSTEN,
  receivableAccount: "1300", vatAccounts: "1=1500, 2=1510, 4=1500", revenueAccount: "8000", shippingAccount: "8050", discountAccount: "8090",
  stockWarehouse: MAIN}`

// vnCountries: VAT codes are Visma.net VAT categories; Belgian sales on
// their own category and revenue account.
const vnCountries = `{NL: {vatCodes: {"21": "1", "9": "2", "0": "3"}, revenueAccount: "8000", paymentTermDays: 14},
  BE: {vatCodes: {"21": "4"}, revenueAccount: "8010", paymentTermDays: 30}}`

func newVismaNetStack(t *testing.T, o stackOptions) (*stack, *vnsim.Sim) {
	t.Helper()
	o.source, o.target = "ccvshop", "vismanet"
	if o.targetOptions == "" {
		o.targetOptions = vnTargetOptions
	}
	if o.countries == "" {
		o.countries = vnCountries
	}
	s := newStack(t, o)
	vn, ok := s.target.(*vnsim.Sim)
	require.True(t, ok, "the target is the Visma.net simulator")
	vnsim.SeedDemo(vn, simkit.DemoContext{Now: time.Now(), Instance: 1})
	vn.SetPricesIncludeVAT(true)
	return s, vn
}

// vnDoc is one document as the simulated company holds it.
type vnDoc struct {
	number   string
	customer string
	total    int64 // incl. VAT, cents
	items    []string
	accounts []string // invoice lines' and journal lines' accounts
	balanced bool
	released bool
}

// vnDocs reads the documents of a kind by the order's key.
func vnDocs(vn *vnsim.Sim, kind connectors.OrderKind) map[string][]vnDoc {
	out := map[string][]vnDoc{}
	switch kind {
	case connectors.KindOrder:
		for _, o := range vn.SalesOrders() {
			d := vnDoc{number: o.OrderNumber, customer: o.CustomerNumber, total: o.OrderTotal(), balanced: true, released: true}
			for _, l := range o.Lines {
				d.items = append(d.items, l.InventoryNumber)
			}
			out[o.CustomerRefNo] = append(out[o.CustomerRefNo], d)
		}
	case connectors.KindInvoice:
		for _, i := range vn.Invoices() {
			d := vnDoc{number: i.ReferenceNumber, customer: i.CustomerNumber, total: i.Total(), balanced: true, released: i.Released}
			for _, l := range i.Lines {
				d.items = append(d.items, l.InventoryNumber)
				d.accounts = append(d.accounts, l.AccountNumber)
			}
			out[i.CustomerRefNumber] = append(out[i.CustomerRefNumber], d)
		}
	case connectors.KindFinancialMutation:
		for _, j := range vn.JournalTransactions() {
			d := vnDoc{number: j.BatchNumber, balanced: j.DebitCents() == j.CreditCents(), released: j.Released}
			key := ""
			for _, l := range j.Lines {
				key = l.ReferenceNumber
				d.accounts = append(d.accounts, l.AccountNumber)
				if l.AccountNumber == vnsim.AccountReceivable {
					d.total += l.Debit.CentsValue() - l.Credit.CentsValue()
				}
			}
			out[key] = append(out[key], d)
		}
	}
	return out
}

// vnCreateOp is the simulator's op of the write of a kind.
func vnCreateOp(kind connectors.OrderKind) string {
	return map[connectors.OrderKind]string{connectors.KindOrder: vismanet.OpCreateSalesOrder,
		connectors.KindInvoice: vismanet.OpCreateCustomerInvoice, connectors.KindFinancialMutation: vismanet.OpCreateJournalTransaction}[kind]
}

// vnCustomerByEmail finds the company's customers with an e-mail.
func vnCustomerByEmail(vn *vnsim.Sim, email string) (vnsim.Customer, int) {
	var found vnsim.Customer
	n := 0
	for _, c := range vn.Customers() {
		if strings.EqualFold(c.MainContact.Email, email) {
			found = c
			n++
		}
	}
	return found, n
}

// Each order kind: a sales order, a released customer invoice, a released
// journal transaction that books the sale; to the cent with shipping and a
// coupon, a company with odd cents, a Belgian order on its own VAT
// category and revenue account; a lost answer still one document; the
// same window again writes nothing.
func TestVismaNetOrdersEachKindEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	for _, kind := range []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice, connectors.KindFinancialMutation} {
		t.Run(string(kind), func(t *testing.T) {
			s, vn := newVismaNetStack(t, stackOptions{flow: ", orderType: " + string(kind)})
			base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)

			withShip := order(person("Jan", "Visser", "Jan.Visser@example.nl"), base.Add(time.Minute), true, coffee.line(2), mug.line(1))
			withShip.ShippingMethod, withShip.ShippingCost = "PostNL", eurCents(495)
			withShip.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eurCents(-500), VAT: model.VATPercent(21)}}
			withShip.Total = eurCents(withShip.Total.Amount + 495 - 500)

			oddCents := order(company("Bakkerij Smit", "Petra", "Smit", "inkoop@smit.example"), base.Add(2*time.Minute), true,
				product{sku: "MOK-0001", name: "Mok wit", cents: 1005, vat: 21}.line(3), withDiscount(coffee.line(1), 33))

			fromBelgium := order(inBelgium(person("An", "Peeters", "an@example.be")), base.Add(3*time.Minute), true, filter.line(4))

			ids := map[string]string{}
			orders := map[string]model.Order{"shipping and coupon": withShip, "company odd cents": oddCents, "belgian": fromBelgium}
			for name, o := range orders {
				ids[name] = s.ccv.AddOrder(o)
			}
			lost := order(person("Sophie", "Jansen", "sophie@example.nl"), base.Add(4*time.Minute), true, mug.line(2))
			vn.Faults().Add(simkit.Rule{Op: vnCreateOp(kind), Kind: simkit.FaultDropAfterCommit, Times: 1})
			ids["lost answer"] = s.ccv.AddOrder(lost)
			orders["lost answer"] = lost

			stats := s.backfill(base, time.Now())
			require.Equal(t, 4, stats.Started)
			for name := range orders {
				r, err := s.orderResult(ids[name])
				require.NoError(t, err, name)
				assert.Contains(t, []workflows.OrderOutcome{workflows.OrderCreated, workflows.OrderRecovered}, r.Outcome, "%s: %s", name, r.Message)
			}
			assert.Equal(t, 1, vn.Faults().Hits(simkit.FaultDropAfterCommit), "the answer of one write was lost")

			docs := vnDocs(vn, kind)
			require.Len(t, docs, 4, "one document per order: %v", docs)
			for name, o := range orders {
				got := docs["shop-"+ids[name]]
				require.Len(t, got, 1, "%s: exactly one %s", name, kind)
				total := o.Total.Amount
				if name != "shipping and coupon" {
					total = linesTotal(o)
				}
				assert.Equal(t, total, got[0].total, "%s: the %s's total is the shop's, to the cent", name, kind)
				assert.True(t, got[0].balanced, "%s: the journal balances", name)
				assert.True(t, got[0].released, "%s: released", name)
			}

			ship := docs["shop-"+ids["shipping and coupon"]][0]
			be := docs["shop-"+ids["belgian"]][0]
			switch kind {
			case connectors.KindOrder:
				assert.Equal(t, []string{"KOF-1000", "MOK-0001", vnsim.DemoShippingItem, vnsim.DemoDiscountItem}, ship.items)
				so := salesOrderByKey(t, vn, "shop-"+ids["belgian"])
				require.NotEmpty(t, so.Lines)
				assert.Equal(t, vnsim.VatCatBEHigh, so.Lines[0].TaxCategory, "a Belgian order's lines on the Belgian VAT category")
			case connectors.KindInvoice:
				assert.Equal(t, []string{"KOF-1000", "MOK-0001", vnsim.DemoShippingItem, vnsim.DemoDiscountItem}, ship.items)
				assert.Equal(t, []string{vnsim.AccountRevenueBE}, be.accounts, "a Belgian order's revenue on the Belgian account")
			case connectors.KindFinancialMutation:
				assert.Contains(t, ship.accounts, vnsim.AccountShipping)
				assert.Contains(t, ship.accounts, vnsim.AccountDiscounts)
				assert.Contains(t, ship.accounts, vnsim.AccountVATHigh)
				assert.Contains(t, ship.accounts, vnsim.AccountVATLow)
				assert.Contains(t, be.accounts, vnsim.AccountRevenueBE, "a Belgian order's revenue on the Belgian account")
			}

			if kind != connectors.KindFinancialMutation { // a journal has no customer
				jan, n := vnCustomerByEmail(vn, "jan.visser@example.nl")
				require.Equal(t, 1, n, "Jan is one customer")
				assert.Equal(t, jan.Number, ship.customer)
				smit, n := vnCustomerByEmail(vn, "inkoop@smit.example")
				require.Equal(t, 1, n)
				assert.Equal(t, "Bakkerij Smit", smit.Name)
				an, n := vnCustomerByEmail(vn, "an@example.be")
				require.Equal(t, 1, n)
				assert.Equal(t, "BE", an.MainAddress.CountryID)
			}

			// The same window again writes nothing.
			writes := vn.Calls().Count(vnCreateOp(kind))
			again := s.backfill(base, time.Now())
			assert.Equal(t, 4, again.AlreadyKnown)
			assert.Equal(t, writes, vn.Calls().Count(vnCreateOp(kind)), "a second sync writes nothing")
			assert.Len(t, vnDocs(vn, kind), 4)
		})
	}
}

func salesOrderByKey(t *testing.T, vn *vnsim.Sim, key string) vnsim.SalesOrder {
	t.Helper()
	for _, o := range vn.SalesOrders() {
		if o.CustomerRefNo == key {
			return o
		}
	}
	t.Fatalf("no sales order with customerRefNo %s", key)
	return vnsim.SalesOrder{}
}
