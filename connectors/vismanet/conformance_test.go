package vismanet_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/connectors/vismanet/sim"
	"github.com/koppel/koppel/model"
)

// Items the conformance company keeps for what is not a product.
const (
	confShipping = "VERZENDKOSTEN"
	confDiscount = "KORTING"
	confCosts    = "KOSTEN"
	confRounding = "AFRONDING"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated Visma.net, with every API request the client sends and
// every answer the simulator gives checked against Visma's OpenAPI file
// (shared/specs/vismanet-erp-api.openapi.json) on the way; the token
// endpoint (Visma Connect) is not in that contract.
//
// Every fresh client's first call is its token request, so the suite's
// error probes (bad credentials, a proxy's 401 and 429, 5xx, a spoiled
// answer) meet the token endpoint; client_test.go probes the same failures
// on the API's own calls.
//
// The order target writes the suite's sample orders with the simulator's
// VAT categories per rate (1 high, 2 low, 3 zero), shipping, discounts,
// costs and rounding on non-stock items, and journal transactions on the
// simulator's accounts. PrepareDraft creates the order's customer (VAT
// zone 01, domestic). What the target stored is read from the simulator by
// the key: a sales order's and an invoice's total, and the debit of a
// journal transaction's receivable line.
func TestConformance(t *testing.T) {
	api := contract.OpenAPIForTest(t, contract.VismaNetOpenAPI)
	conntest.Run(t, conntest.Harness{
		System: vismanet.System,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			company := sim.New(sim.Options{ClientID: testClientID, ClientSecret: testSecret, TenantID: testTenant, Now: s.Now})
			for _, it := range []string{confShipping, confDiscount, confCosts, confRounding} {
				must(t, company.AddItem(sim.Item{Number: it, Description: it, ClassID: sim.ItemClassService, Type: "NonStockItem", VatCategoryID: sim.VatCatHigh}))
			}
			srv := httptest.NewServer(s.Wrap(checkedAgainst(t, api, company)))
			t.Cleanup(srv.Close)
			secret := testSecret
			if s.BadCredentials {
				secret = "not-the-secret"
			}
			c, err := vismanet.New(vismanet.Config{BaseURL: srv.URL, ClientID: testClientID, ClientSecret: secret, TenantID: testTenant,
				Now: s.Now, RequestsPerHour: -1,
				Options: vismanet.Options{TokenURL: srv.URL + vismanet.TokenPath,
					ShippingItem: confShipping, DiscountItem: confDiscount, CostItem: confCosts, RoundingItem: confRounding,
					RevenueAccount: sim.AccountRevenueNL, ReceivableAccount: sim.AccountReceivable,
					VATAccounts: map[string]string{"21%": sim.AccountVATHigh, "9%": sim.AccountVATLow}}})
			must(t, err)
			return &conntest.Pair{
				Client: c,
				Faults: company.Faults(),
				Ops: conntest.Ops{CreateOrder: map[connectors.OrderKind]string{
					connectors.KindOrder:             vismanet.OpCreateSalesOrder,
					connectors.KindInvoice:           vismanet.OpCreateCustomerInvoice,
					connectors.KindFinancialMutation: vismanet.OpCreateJournalTransaction,
				},
					// a stock write is an adjustment, released: the release moves the stock
					SetStock: vismanet.OpReleaseInventoryAdjustment,
				},
				StoredStock: func(sku string) (model.Quantity, bool) {
					if _, ok := company.Item(sku); !ok {
						return 0, false
					}
					return model.Quantity(divRound(company.OnHand(sku, sim.WarehouseMain).V, 1000)), true // millionths → thousandths
				},
				AddProduct: func(p model.Product) {
					category := map[model.VATRate]string{model.VATPercent(21): sim.VatCatHigh, model.VATPercent(9): sim.VatCatLow}[p.VAT]
					must(t, company.AddItem(sim.Item{Number: p.SKU, Description: p.Name, ClassID: sim.ItemClassStock, VatCategoryID: category}))
				},
				PrepareDraft: func(t testing.TB, d *connectors.OrderDraft) {
					cu := d.Order.Customer
					number, err := company.AddCustomer(sim.Customer{Name: cu.DisplayName(), ClassID: sim.CustomerClassNL, VatZoneID: sim.VatZoneNL,
						MainContact: sim.Contact{Name: cu.DisplayName(), Email: cu.Email}})
					must(t, err)
					d.CustomerID = number
					d.Accounting = connectors.LineAccounting{VATCodes: map[string]string{"21%": sim.VatCatHigh, "9%": sim.VatCatLow, "0%": sim.VatCatZero}}
				},
				StoredOrders: func(key string, kind connectors.OrderKind) []conntest.StoredOrder {
					var out []conntest.StoredOrder
					switch kind {
					case connectors.KindOrder:
						for _, o := range company.SalesOrders() {
							if o.CustomerRefNo == key {
								out = append(out, conntest.StoredOrder{ID: o.OrderNumber, Total: model.NewMoney(o.OrderTotal(), "EUR")})
							}
						}
					case connectors.KindInvoice:
						for _, i := range company.Invoices() {
							if i.CustomerRefNumber == key {
								out = append(out, conntest.StoredOrder{ID: i.ReferenceNumber, Total: model.NewMoney(i.Total(), "EUR")})
							}
						}
					case connectors.KindFinancialMutation:
						for _, j := range company.JournalTransactions() {
							var ours bool
							var debit int64
							for _, l := range j.Lines {
								ours = ours || l.ReferenceNumber == key
								if l.AccountNumber == sim.AccountReceivable {
									debit += l.Debit.CentsValue() - l.Credit.CentsValue()
								}
							}
							if ours {
								out = append(out, conntest.StoredOrder{ID: j.BatchNumber, Total: model.NewMoney(debit, "EUR")})
							}
						}
					}
					return out
				},
				Secrets: []string{testSecret},
			}
		},
	})
}

// checkedAgainst checks every API exchange that passes on the way to next
// against the contract; the token endpoint (Visma Connect) is not in it.
func checkedAgainst(t testing.TB, api *contract.OpenAPI, next http.Handler) http.Handler {
	checked := api.Handler(t, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == vismanet.TokenPath {
			next.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
