package eaccounting_test

import (
	"strings"
	"testing"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/model"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated eAccounting, with every API request the client sends and
// every answer the simulator gives checked against the vendor's OpenAPI
// file (shared/specs/eaccounting-v2.openapi.yaml) on the way.
//
// The client's access token comes from a consent, as in production:
// sim.Authorize approves it, OAuth.Exchange trades the code at the
// simulator's token endpoint (outside Setup.Wrap: the suite's faults are
// for the API). Bad credentials are an access token the simulator never
// issued.
//
// The order target writes the suite's sample orders on the seeded
// shipping, discount, cost and rounding articles (simEnv); PrepareDraft
// creates the order's customer in the simulator. What the target stored is
// read from the simulator by the key in YourReference (a quote's
// CustomerReference), its total incl. VAT as the simulator reports it:
// orders Amount + VatAmount, drafts and invoices TotalAmount, quotes
// TotalAmount + VatAmount (totals.go: a quote's TotalAmount is excl. VAT).
func TestConformance(t *testing.T) {
	conntest.Run(t, conntest.Harness{
		System: eaccounting.System,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			env := newSimEnv(t, sim.Options{Now: s.Now}, s.Wrap)
			token := env.token
			if s.BadCredentials {
				token = "not-an-access-token-the-simulator-issued"
			}
			c := env.client(t, eaccounting.StaticToken(token), func(c *eaccounting.Config) { c.Now = s.Now })
			return &conntest.Pair{
				Client: c,
				Faults: env.sim.Faults(),
				Ops: conntest.Ops{
					CreateOrder: map[connectors.OrderKind]string{
						connectors.KindOrder:        eaccounting.OpCreateOrder,
						connectors.KindInvoice:      eaccounting.OpCreateInvoiceDraft,
						connectors.KindSalesInvoice: eaccounting.OpCreateInvoice,
						connectors.KindQuote:        eaccounting.OpCreateQuote,
					},
					SetStock: eaccounting.OpUpdateArticle,
				},
				AddProduct: func(p model.Product) { env.addProduct(t, p) },
				PrepareDraft: func(t testing.TB, d *connectors.OrderDraft) {
					d.CustomerID = env.addCustomer(t, d.Order.Customer)
				},
				StoredOrders: env.storedOrders,
				StoredStock: func(sku string) (model.Quantity, bool) {
					a, ok := env.sim.Article(sku)
					if !ok {
						return 0, false
					}
					return model.QuantityFromScaled(a.StockBalance.V, 4), true
				},
				Secrets: []string{env.token, testSecret},
			}
		},
	})
}

// storedOrders reads the documents of a kind whose key is externalID, with
// the total incl. VAT the simulator computed.
func (e *simEnv) storedOrders(externalID string, kind connectors.OrderKind) []conntest.StoredOrder {
	var out []conntest.StoredOrder
	add := func(id, ref string, totalCents int64) {
		if ref == externalID {
			out = append(out, conntest.StoredOrder{ID: id, Total: model.NewMoney(totalCents, "EUR")})
		}
	}
	switch kind {
	case connectors.KindOrder, "":
		for _, o := range e.sim.Orders() {
			add(o.Id, o.YourReference, o.Amount.CentsValue()+o.VatAmount.CentsValue())
		}
	case connectors.KindInvoice:
		for _, d := range e.sim.InvoiceDrafts() {
			add(d.Id, d.YourReference, d.TotalAmount.CentsValue())
		}
	case connectors.KindSalesInvoice:
		for _, i := range e.sim.Invoices() {
			add(i.Id, i.YourReference, i.TotalAmount.CentsValue())
		}
	case connectors.KindQuote:
		for _, q := range e.sim.Quotes() {
			add(q.Id, q.CustomerReference, q.TotalAmount.CentsValue()+q.VatAmount.CentsValue())
		}
	default:
		panic("no such order kind: " + string(kind))
	}
	return out
}

// isCompany is whether a canonical customer is booked as a company.
func isCompany(c model.Customer) bool { return strings.TrimSpace(c.CompanyName) != "" }
