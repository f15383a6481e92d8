package mplus_test

import (
	"net/http/httptest"
	"testing"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated till, with every SOAP request the client sends and every
// answer the simulator gives checked against mplusqapi.wsdl on the way.
func TestConformance(t *testing.T) {
	wsdl := contract.WSDLForTest(t, contract.MplusWSDL)
	const ident, secret = "conformance-ident", "Conformance&Secret/7="
	// The articles an order's shipping and adjustments are booked on.
	const shippingPLU, discountPLU, costsPLU = "CT-VERZEND", "CT-KORTING", "CT-KOSTEN"
	conntest.Run(t, conntest.Harness{
		System: mplus.System,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			till := sim.New(sim.Options{Ident: ident, Secret: secret, Now: s.Now})
			for _, plu := range []string{shippingPLU, discountPLU, costsPLU} {
				till.AddProduct(sim.Product{PLU: plu, Description: plu, VatCode: sim.VatCodeHigh})
			}
			srv := httptest.NewServer(s.Wrap(wsdl.SOAPHandler(t, till)))
			t.Cleanup(srv.Close)
			key := secret
			if s.BadCredentials {
				key = "not-the-secret"
			}
			c, err := mplus.New(mplus.Config{BaseURL: srv.URL, Ident: ident, Secret: key,
				ShippingPLU: shippingPLU, DiscountPLU: discountPLU, CostsPLU: costsPLU})
			if err != nil {
				t.Fatal(err)
			}
			return &conntest.Pair{
				Client: c,
				Faults: till.Faults(),
				Ops: conntest.Ops{
					CreateOrder: map[connectors.OrderKind]string{connectors.KindOrder: "createOrder", connectors.KindInvoice: "saveInvoice"},
					SetStock:    "setStock",
				},
				AddProduct: func(p model.Product) {
					till.AddProduct(sim.Product{PLU: p.SKU, Description: p.Name, PriceInclCents: p.Price.Amount,
						VatCode: vatCode(t, p.VAT), StockArticle: p.ManageStock})
				},
				PrepareDraft: func(t testing.TB, d *connectors.OrderDraft) {
					c := d.Order.Customer
					n := till.AddRelation(sim.Relation{Email: c.Email, Name: c.DisplayName(), CompanyName: c.CompanyName})
					d.CustomerID = model.FormatMinor(n, 0)
				},
				StoredOrders: func(ext string, kind connectors.OrderKind) []conntest.StoredOrder {
					docs := till.Orders()
					if kind == connectors.KindInvoice {
						docs = till.Invoices()
					}
					var out []conntest.StoredOrder
					for _, o := range docs {
						if o.ExtOrderID == ext {
							out = append(out, conntest.StoredOrder{ID: o.ID, Total: model.NewMoney(o.TotalInclCents, "EUR")})
						}
					}
					return out
				},
				StoredStock: func(sku string) (model.Quantity, bool) {
					l, ok := till.Stock(sku)
					return l.Free, ok
				},
				Secrets: []string{key},
			}
		},
	})
}

// vatCode is the simulator's seeded VAT group of a rate.
func vatCode(t testing.TB, rate model.VATRate) int {
	switch rate {
	case model.VATPercent(21):
		return sim.VatCodeHigh
	case model.VATPercent(9):
		return sim.VatCodeLow
	case 0:
		return sim.VatCodeZero
	}
	t.Fatalf("the simulator seeds no VAT group of %s", rate)
	return 0
}
