package ecwid_test

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/model"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated store.
//
// Ecwid publishes no machine-readable contract (shared/specs has none), so
// this run checks no exchange against a contract; research/apis-shop-pos.md
// §3 is the contract the simulator follows.
func TestConformance(t *testing.T) {
	const token = "secret_conformance_token"
	conntest.Run(t, conntest.Harness{
		System: ecwid.System,
		// The feed lists an unchanged order once (updatedFrom with the
		// highest update time and the ids seen at it).
		FeedLookBack: 0,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			store := sim.New(sim.Options{Now: s.Now, Tokens: map[string][]string{token: sim.AllScopes}, RequestsPerMinute: -1})
			t.Cleanup(store.Close)
			srv := httptest.NewServer(s.Wrap(store))
			t.Cleanup(srv.Close)
			key := token
			if s.BadCredentials {
				key = "secret_someone_else"
			}
			c, err := ecwid.New(ecwid.Config{BaseURL: srv.URL + "/api/v3", StoreID: strconv.FormatInt(sim.DemoStoreID, 10), Token: key,
				RequestsPerMinute: -1, Now: s.Now})
			if err != nil {
				t.Fatal(err)
			}
			return &conntest.Pair{
				Client: c,
				Faults: store.Faults(),
				Ops: conntest.Ops{
					CreateOrder: map[connectors.OrderKind]string{connectors.KindOrder: ecwid.OpCreateOrder},
					// a simple product's quantity is PUT on the product
					SetStock: ecwid.OpUpdateProduct,
				},
				AddOrder: func(o model.Order) string {
					id, err := store.AddOrder(simOrder(o))
					if err != nil {
						t.Fatal(err)
					}
					return id
				},
				AddProduct: func(p model.Product) {
					sp := sim.Product{SKU: p.SKU, Name: p.Name, Price: sim.Money(p.Price.Amount), Enabled: p.Active, Unlimited: !p.ManageStock}
					if _, err := store.AddProduct(sp); err != nil {
						t.Fatal(err)
					}
				},
				AddCustomer: func(c model.Customer) {
					if _, err := store.AddCustomer(sim.Customer{Email: c.Email, BillingPerson: simPerson(c, c.Billing), TaxID: c.VATNumber}); err != nil {
						t.Fatal(err)
					}
				},
				StoredOrders: func(key string, _ connectors.OrderKind) []conntest.StoredOrder {
					var out []conntest.StoredOrder
					for _, o := range store.Orders() {
						if o.ExternalOrderID == key || strings.Contains(o.PrivateAdminNotes, ecwid.NotesKeyPrefix+key) {
							out = append(out, conntest.StoredOrder{ID: o.ID, Total: model.NewMoney(int64(o.Total), "EUR")})
						}
					}
					return out
				},
				StoredStock: func(sku string) (model.Quantity, bool) {
					qty, unlimited, ok := store.Stock(sku)
					return model.Pieces(qty), ok && !unlimited
				},
				Secrets: []string{key},
			}
		},
	})
}

// simOrder is a canonical order as a store that took it at its checkout
// keeps it: a line's discount as the item's couponAmount (and in the
// order's couponDiscount), order discounts in discount, taxes per line
// and on shipping as amounts, costs as custom surcharges with their tax.
func simOrder(o model.Order) sim.Order {
	gross := o.PricesIncludeVAT
	tax := func(amount int64, r model.VATRate) sim.Money {
		if gross {
			return sim.Money(divRound(amount*int64(r), 10000+int64(r)))
		}
		return sim.Money(divRound(amount*int64(r), 10000))
	}
	rate := func(r model.VATRate) string { return strings.TrimSuffix(r.String(), "%") }
	so := sim.Order{
		Email: o.Customer.Email, PaymentStatus: "AWAITING_PAYMENT", FulfillmentStatus: "PROCESSING",
		PaymentMethod: o.PaymentMethod, PricesIncludeTax: gross, Total: sim.Money(o.Total.Amount),
		BillingPerson: ptr(simPerson(o.Customer, o.Customer.Billing)), Created: o.CreatedAt,
	}
	if o.Paid {
		so.PaymentStatus = "PAID"
	}
	var lineTax sim.Money
	for _, l := range o.Lines {
		qty := int64(l.Quantity) / model.QuantityScale
		amount := l.LineTotal().Amount
		t := tax(amount, l.VAT)
		lineTax += t
		coupon := l.UnitDiscount.Mul(l.Quantity).Amount
		so.Items = append(so.Items, sim.OrderItem{SKU: l.SKU, Name: l.Name, Quantity: qty, Price: sim.Money(l.UnitPrice.Amount),
			CouponAmount: sim.Money(coupon), Tax: t, Taxes: []sim.Tax{{Name: "BTW", Value: jsonNumber(rate(l.VAT)), Total: t}}})
		so.Subtotal += sim.Money(l.UnitPrice.Mul(l.Quantity).Amount)
		so.CouponDiscount += sim.Money(coupon)
	}
	so.Tax = lineTax
	if o.ShippingCost.Amount != 0 {
		t := tax(o.ShippingCost.Amount, o.ShippingVAT)
		so.ShippingOption = &sim.ShippingOption{MethodName: o.ShippingMethod, Rate: sim.Money(o.ShippingCost.Amount)}
		so.TaxesOnShipping = []sim.Tax{{Name: "BTW", Value: jsonNumber(rate(o.ShippingVAT)), Total: t}}
		so.Tax += t
	}
	for _, a := range o.Adjustments {
		switch {
		case a.Amount.Amount < 0:
			so.Discount += sim.Money(-a.Amount.Amount)
			so.Tax -= tax(-a.Amount.Amount, a.VAT)
		case a.Kind == model.AdjustmentCost:
			t := tax(a.Amount.Amount, a.VAT)
			without := a.Amount.Amount
			if gross {
				without -= int64(t)
			}
			so.Surcharges = append(so.Surcharges, sim.Surcharge{Description: a.Description, Type: "ABSOLUTE", Taxable: a.VAT != 0,
				Total: sim.Money(a.Amount.Amount), TotalWithoutTax: sim.Money(without),
				Taxes: []sim.Tax{{Name: "BTW", Value: jsonNumber(rate(a.VAT)), Total: t}}})
			so.Tax += t
		}
	}
	return so
}

func simPerson(c model.Customer, a model.Address) sim.Person {
	street := a.StreetLine()
	if a.Line2 != "" {
		street += "\n" + a.Line2
	}
	return sim.Person{Name: c.Person.FullName(), CompanyName: c.CompanyName, Street: street, City: a.City,
		CountryCode: a.CountryCode, PostalCode: a.PostalCode, Phone: c.Phone}
}

func ptr[T any](v T) *T { return &v }

func divRound(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}

func jsonNumber(s string) json.Number { return json.Number(s) }
