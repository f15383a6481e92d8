package mplus_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

const (
	ident  = "test-ident"
	secret = "Top&Secret/42+="
)

// fixture is a simulator on a loopback port with a small catalogue, and a
// client pointed at it.
type fixture struct {
	sim  *sim.Sim
	url  string
	c    *mplus.Client
	arts map[string]int64 // PLU → articleNumber
}

type fixtureOpt func(*sim.Options, *mplus.Config)

func newFixture(t *testing.T, opts ...fixtureOpt) *fixture {
	t.Helper()
	so := sim.Options{Ident: ident, Secret: secret}
	cfg := mplus.Config{Ident: ident, Secret: secret, Timeout: 5 * time.Second,
		ProductCacheTTL: mplus.DefaultProductCacheTTL, ShippingPLU: "VERZEND"}
	for _, o := range opts {
		o(&so, &cfg)
	}
	f := &fixture{sim: sim.New(so), arts: map[string]int64{}}
	for _, p := range []sim.Product{
		{PLU: "KOF-1", Description: "Koffiebonen 1 kg", PriceInclCents: 1999, VatCode: sim.VatCodeHigh},
		{PLU: "MOK-1", Description: "Mok", PriceInclCents: 850, VatCode: sim.VatCodeHigh},
		{PLU: "THE-1", Description: "Thee", PriceInclCents: 449, VatCode: sim.VatCodeLow},
		{PLU: "KAAS", Description: "Kaas per kg", PriceInclCents: 1200, VatCode: sim.VatCodeLow},
		{PLU: "BON", Description: "Cadeaubon", PriceInclCents: 2500, VatCode: sim.VatCodeZero},
		{PLU: "VERZEND", Description: "Verzendkosten", PriceInclCents: 0, VatCode: sim.VatCodeHigh},
	} {
		f.arts[p.PLU] = f.sim.AddProduct(p)
	}
	srv, err := simkit.Start("127.0.0.1:0", f.sim)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	f.url = srv.URL
	cfg.BaseURL = srv.URL
	f.c, err = mplus.New(cfg)
	require.NoError(t, err)
	return f
}

func line(sku string, qty model.Quantity, unit int64, vat int64) model.OrderLine {
	return model.OrderLine{SKU: sku, Name: "item " + sku, Quantity: qty, UnitPrice: model.NewMoney(unit, "EUR"), VAT: model.VATPercent(vat)}
}

func order(id string, incl bool, lines ...model.OrderLine) model.Order {
	o := model.Order{ID: id, Number: "N" + id, Currency: "EUR", PricesIncludeVAT: incl, Paid: true,
		Customer: model.Customer{Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"},
			Billing: model.Address{Street: "Kerkweg", HouseNumber: "3", PostalCode: "2345 BC", City: "Nergensdam", CountryCode: "NL"}},
		Lines: lines}
	for _, l := range lines {
		o.Total = o.Total.Add(l.LineTotal())
	}
	return o
}

// draft resolves the order's SKUs the way the flow does, then builds the draft.
func (f *fixture) draft(t *testing.T, ext string, kind connectors.OrderKind, o model.Order) connectors.OrderDraft {
	t.Helper()
	ids, err := f.c.LookupProducts(context.Background(), o.SKUs())
	require.NoError(t, err)
	return connectors.OrderDraft{Order: o, ExternalID: ext, Kind: kind, ProductIDs: ids}
}

func kindOf(t *testing.T, err error) connectors.ErrorKind {
	t.Helper()
	require.Error(t, err)
	var ce *connectors.Error
	require.True(t, errors.As(err, &ce), "%T %v is a *connectors.Error", err, err)
	assert.Equal(t, mplus.System, ce.System)
	return ce.Kind
}

func TestPing(t *testing.T) {
	f := newFixture(t)
	v, err := f.c.Ping(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "1.0.0", v)
}

func TestOrderAndInvoiceLifecycle(t *testing.T) {
	for _, kind := range []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice} {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			stored := f.sim.Orders
			other := connectors.KindInvoice
			if kind == connectors.KindInvoice {
				stored, other = f.sim.Invoices, connectors.KindOrder
			}
			d := f.draft(t, "ccv-1001", kind, order("1001", true, line("KOF-1", model.Pieces(1), 1999, 21)))

			_, found, err := f.c.FindOrder(ctx, "ccv-1001", kind)
			require.NoError(t, err)
			assert.False(t, found)

			ref, err := f.c.CreateOrder(ctx, d)
			require.NoError(t, err)
			assert.Equal(t, kind, ref.Kind)
			assert.NotEmpty(t, ref.ID)
			assert.NotEmpty(t, ref.Number)

			got, found, err := f.c.FindOrder(ctx, "ccv-1001", kind)
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, ref, got, "find returns what create returned")

			_, err = f.c.CreateOrder(ctx, d)
			assert.Equal(t, connectors.KindConflict, kindOf(t, err))
			assert.Contains(t, err.Error(), "ALREADY-EXISTS")

			_, found, err = f.c.FindOrder(ctx, "ccv-1001", other)
			require.NoError(t, err)
			assert.False(t, found, "orders and invoices are separate")

			all := stored()
			require.Len(t, all, 1)
			assert.Equal(t, "ccv-1001", all[0].ExtOrderID)
			assert.Equal(t, sim.DefaultEmployee, all[0].EmployeeNumber)
			assert.Equal(t, "N1001", all[0].Reference)
		})
	}
}

// expLine is what a stored line must hold, to the cent.
type expLine struct {
	plu      string
	text     string
	qty      model.Quantity
	price    int64 // per unit, as on the wire (incl. VAT)
	discount int64
	vatCode  int
	total    int64
}

func TestMoneyToTheCent(t *testing.T) {
	shipping := func(o model.Order, cents int64, vat int64) model.Order {
		o.ShippingCost, o.ShippingVAT, o.ShippingMethod = model.NewMoney(cents, "EUR"), model.VATPercent(vat), "PostNL"
		o.Total = o.Total.Add(o.ShippingCost)
		return o
	}
	discounted := line("MOK-1", model.Pieces(2), 850, 21)
	discounted.UnitDiscount = model.NewMoney(150, "EUR")
	cases := []struct {
		name        string
		o           model.Order
		noShipping  bool // client without a shipping article
		lines       []expLine
		total       int64
		sameAsModel bool // the stored total equals the order's own total
	}{
		{
			name: "incl. VAT: 3 × 19.99 at 21 %, a discount, a 9 % line, shipping",
			o: shipping(order("1", true,
				line("KOF-1", model.Pieces(3), 1999, 21), discounted, line("THE-1", model.Pieces(1), 449, 9)), 495, 21),
			lines: []expLine{
				{"KOF-1", "item KOF-1", model.Pieces(3), 1999, 0, sim.VatCodeHigh, 5997},
				{"MOK-1", "item MOK-1", model.Pieces(2), 700, 300, sim.VatCodeHigh, 1400},
				{"THE-1", "item THE-1", model.Pieces(1), 449, 0, sim.VatCodeLow, 449},
				{"VERZEND", "PostNL", model.Pieces(1), 495, 0, sim.VatCodeHigh, 495},
			},
			total: 8341, sameAsModel: true,
		},
		{
			name:       "no shipping article configured: shipping is not written",
			o:          shipping(order("2", true, line("KOF-1", model.Pieces(1), 1999, 21)), 495, 21),
			noShipping: true,
			lines:      []expLine{{"KOF-1", "item KOF-1", model.Pieces(1), 1999, 0, sim.VatCodeHigh, 1999}},
			total:      1999,
		},
		{
			name: "fractional quantities round half away from zero per line",
			o: order("3", true, line("KAAS", 1250, 1200, 9), line("KAAS", 333, 300, 9),
				line("BON", model.Pieces(1), 2500, 0)),
			lines: []expLine{
				{"KAAS", "item KAAS", 1250, 1200, 0, sim.VatCodeLow, 1500},
				{"KAAS", "item KAAS", 333, 300, 0, sim.VatCodeLow, 100}, // 0.333 × 3.00 = 0.999
				{"BON", "item BON", model.Pieces(1), 2500, 0, sim.VatCodeZero, 2500},
			},
			total: 4100, sameAsModel: true,
		},
		{
			name: "excl. VAT: the simulator adds the VAT per line",
			o:    order("4", false, line("KOF-1", model.Pieces(3), 1652, 21), line("THE-1", model.Pieces(2), 412, 9)),
			lines: []expLine{
				{"KOF-1", "item KOF-1", model.Pieces(3), 1999, 0, sim.VatCodeHigh, 5997}, // 49.56 + 10.41
				{"THE-1", "item THE-1", model.Pieces(2), 449, 0, sim.VatCodeLow, 898},    // 8.24 + 0.74
			},
			total: 6895,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(_ *sim.Options, c *mplus.Config) {
				if tc.noShipping {
					c.ShippingPLU = ""
				}
			})
			_, err := f.c.CreateOrder(context.Background(), f.draft(t, "ext-"+tc.o.ID, connectors.KindOrder, tc.o))
			require.NoError(t, err)
			orders := f.sim.Orders()
			require.Len(t, orders, 1)
			var got []expLine
			for _, l := range orders[0].Lines {
				got = append(got, expLine{l.PLU, l.Text, l.Quantity, l.PriceInclCents, l.DiscountCents, l.VatCode, l.LineTotalInclCents})
				assert.Equal(t, f.arts[l.PLU], l.ArticleNumber, "article of %s", l.PLU)
			}
			assert.Equal(t, tc.lines, got)
			assert.Equal(t, tc.total, orders[0].TotalInclCents)
			if tc.sameAsModel {
				assert.Equal(t, tc.o.Total.Amount, orders[0].TotalInclCents)
			}
		})
	}
}

func TestRequiredFieldsAndOwnChecks(t *testing.T) {
	cases := []struct {
		name    string
		opt     fixtureOpt
		edit    func(*connectors.OrderDraft)
		kind    connectors.ErrorKind
		mention string
		served  bool // the request reached createOrder
	}{
		{"unknown employee", func(_ *sim.Options, c *mplus.Config) { c.OrderEmployee = 12345 }, nil, connectors.KindValidation, "employeeNumber 12345", true},
		{"unknown branch", func(_ *sim.Options, c *mplus.Config) { c.OrderBranch = 7 }, nil, connectors.KindValidation, "entryBranchNumber 7", true},
		{"unknown relation", nil, func(d *connectors.OrderDraft) { d.CustomerID = "4242" }, connectors.KindValidation, "relationNumber 4242", true},
		{"SKU not looked up", nil, func(d *connectors.OrderDraft) { d.ProductIDs = nil }, connectors.KindValidation, "KOF-1", false},
		{"VAT rate without a group", nil, func(d *connectors.OrderDraft) { d.Order.Lines[0].VAT = model.VATPercent(6) }, connectors.KindValidation, "6% (it has 21%, 9%, 0%)", false},
		{"no external id", nil, func(d *connectors.OrderDraft) { d.ExternalID = "" }, connectors.KindValidation, "extOrderId", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []fixtureOpt
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			f := newFixture(t, opts...)
			d := f.draft(t, "ext-1", connectors.KindOrder, order("1", true, line("KOF-1", model.Pieces(1), 1999, 21)))
			if tc.edit != nil {
				tc.edit(&d)
			}
			_, err := f.c.CreateOrder(context.Background(), d)
			assert.Equal(t, tc.kind, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.mention)
			if tc.served {
				assert.Contains(t, err.Error(), "CREATE-ORDER-RESULT-FAILED")
			}
			assert.Equal(t, tc.served, f.sim.Calls("createOrder") == 1)
			assert.Empty(t, f.sim.Orders())
		})
	}
}

func TestShippingArticleMissing(t *testing.T) {
	f := newFixture(t, func(_ *sim.Options, c *mplus.Config) { c.ShippingPLU = "NO-SUCH" })
	o := order("1", true, line("KOF-1", model.Pieces(1), 1999, 21))
	o.ShippingCost = model.NewMoney(495, "EUR")
	_, err := f.c.CreateOrder(context.Background(), f.draft(t, "ext-1", connectors.KindOrder, o))
	assert.Equal(t, connectors.KindValidation, kindOf(t, err))
	assert.Contains(t, err.Error(), "NO-SUCH")
	assert.Equal(t, 0, f.sim.Calls("createOrder"))
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name    string
		rule    *simkit.Rule
		secret  string
		timeout time.Duration
		kind    connectors.ErrorKind
		code    string
		status  int
	}{
		{name: "injected Server fault", rule: &simkit.Rule{Op: "createOrder", Kind: simkit.FaultStatus, Status: 500}, kind: connectors.KindUnavailable, code: "Server", status: 500},
		{name: "proxy 503", rule: &simkit.Rule{Op: "createOrder", Kind: simkit.FaultStatus, Status: 503}, kind: connectors.KindUnavailable, status: 503},
		{name: "429", rule: &simkit.Rule{Op: "createOrder", Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second}, kind: connectors.KindRateLimited, status: 429},
		{name: "slower than the timeout", rule: &simkit.Rule{Op: "createOrder", Kind: simkit.FaultLatency, Latency: 2 * time.Second}, timeout: 150 * time.Millisecond, kind: connectors.KindUnavailable},
		{name: "bad secret", secret: "wrong-Secret&42", kind: connectors.KindAuth, code: "Client.Authentication", status: 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			d := f.draft(t, "ext-1", connectors.KindOrder, order("1", true, line("KOF-1", model.Pieces(1), 1999, 21)))
			c := f.c
			usedSecret := secret
			if tc.secret != "" || tc.timeout != 0 {
				cfg := mplus.Config{BaseURL: f.url, Ident: ident, Secret: secret, Timeout: tc.timeout}
				if tc.secret != "" {
					cfg.Secret, usedSecret = tc.secret, tc.secret
				}
				var err error
				c, err = mplus.New(cfg)
				require.NoError(t, err)
			}
			if tc.rule != nil {
				f.sim.Faults().Add(*tc.rule)
			}
			_, err := c.CreateOrder(context.Background(), d)
			assert.Equal(t, tc.kind, kindOf(t, err), err.Error())
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.code, ce.Code)
			assert.Equal(t, tc.status, ce.Status)
			if tc.kind == connectors.KindRateLimited {
				assert.Equal(t, 7*time.Second, ce.RetryAfter)
			}
			assert.NotContains(t, err.Error(), usedSecret, "the error text never holds the secret")
			assert.NotContains(t, ce.Message, usedSecret)
			assert.Empty(t, f.sim.Orders())
		})
	}
}

func TestConnectionErrorsHideTheSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c, err := mplus.New(mplus.Config{BaseURL: "http://" + addr, Ident: ident, Secret: secret, Timeout: time.Second})
	require.NoError(t, err)
	_, _, err = c.FindOrder(context.Background(), "x", connectors.KindOrder)
	assert.Equal(t, connectors.KindUnavailable, kindOf(t, err))
	assert.NotContains(t, err.Error(), secret)
	assert.Contains(t, err.Error(), "secret=REDACTED")
}

func TestWrongBaseURL(t *testing.T) {
	f := newFixture(t)
	_ = f
	for _, tc := range []struct {
		name string
		cfg  mplus.Config
		kind connectors.ErrorKind
	}{
		{"no URL", mplus.Config{Ident: ident, Secret: secret}, connectors.KindConfig},
		{"query in URL", mplus.Config{BaseURL: f.url + "/?secret=" + secret, Ident: ident, Secret: secret}, connectors.KindConfig},
		{"no secret", mplus.Config{BaseURL: f.url, Ident: ident}, connectors.KindConfig},
		{"bad VAT country", mplus.Config{BaseURL: f.url, Ident: ident, Secret: secret, VATCountry: "nl"}, connectors.KindConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mplus.New(tc.cfg)
			assert.Equal(t, tc.kind, kindOf(t, err))
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

// TestDropAfterCommit: the answer to createOrder is lost after the order was
// stored. The client reports an outage; a lookup then finds the one order,
// and a retry is a conflict rather than a second order.
func TestDropAfterCommit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := f.draft(t, "ext-drop", connectors.KindOrder, order("1", true, line("KOF-1", model.Pieces(2), 1999, 21)))
	f.sim.Faults().Add(simkit.Rule{Op: "createOrder", Kind: simkit.FaultDropAfterCommit, Times: 1})

	_, err := f.c.CreateOrder(ctx, d)
	assert.Equal(t, connectors.KindUnavailable, kindOf(t, err))
	assert.Equal(t, 1, f.sim.Faults().Hits(simkit.FaultDropAfterCommit))

	ref, found, err := f.c.FindOrder(ctx, "ext-drop", connectors.KindOrder)
	require.NoError(t, err)
	require.True(t, found)
	_, err = f.c.CreateOrder(ctx, d)
	assert.Equal(t, connectors.KindConflict, kindOf(t, err))

	orders := f.sim.Orders()
	require.Len(t, orders, 1, "exactly one order is stored")
	assert.Equal(t, ref.ID, orders[0].ID)
	assert.Equal(t, int64(3998), orders[0].TotalInclCents)
}

func TestRelations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	addr := model.Address{Street: "Marktplein", HouseNumber: "7", HouseNumberSuffix: "a", PostalCode: "3456 CD", City: "Ergenshuizen", CountryCode: "NL"}
	person := model.Customer{ID: "c-1", Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"},
		Phone: "020-5550101", Billing: addr}
	company := model.Customer{ID: "c-2", Kind: model.CustomerCompany, Email: "inkoop@bakkerij.example", CompanyName: "Bakkerij Smit",
		VATNumber: "NL001234567B01", CoCNumber: "12345678", Person: model.Person{FirstName: "Petra", LastName: "Smit"}, Billing: addr,
		Shipping: model.Address{Street: "Achterom", HouseNumber: "1", PostalCode: "3456 CE", City: "Ergenshuizen", CountryCode: "NL"}}

	cases := []struct {
		name string
		c    model.Customer
		want sim.Relation // the fields checked
	}{
		{"person", person, sim.Relation{ExtRelationID: "c-1", Email: "jan@example.nl", Name: "Jan Visser",
			Address: "Marktplein 7 a", Zipcode: "3456 CD", City: "Ergenshuizen", Country: "NL", Phone: "020-5550101"}},
		{"company with contact", company, sim.Relation{ExtRelationID: "c-2", Email: "inkoop@bakkerij.example", Name: "Bakkerij Smit",
			CompanyName: "Bakkerij Smit", ContactPerson: "Petra Smit", Address: "Marktplein 7 a", Zipcode: "3456 CD", City: "Ergenshuizen",
			Country: "NL", VatNumber: "NL001234567B01", CommerceNumber: "12345678",
			DeliveryAddress: "Achterom 1", DeliveryZipcode: "3456 CE", DeliveryCity: "Ergenshuizen", DeliveryCountry: "NL"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := f.c.CreateCustomer(ctx, tc.c)
			require.NoError(t, err)
			n, err := strconv.ParseInt(id, 10, 64)
			require.NoError(t, err)
			var got *sim.Relation
			for _, r := range f.sim.Relations() {
				if r.Number == n {
					got = &r
				}
			}
			require.NotNil(t, got)
			want := tc.want
			want.Number, want.SyncMarker, want.CreatedAt, want.ChangedAt = got.Number, got.SyncMarker, got.CreatedAt, got.ChangedAt
			assert.Equal(t, want, *got)

			for _, m := range []connectors.CustomerMatch{{Field: "email", Value: tc.c.Email}, {Field: "externalId", Value: tc.c.ID}} {
				rec, err := f.c.FindCustomer(ctx, m)
				require.NoError(t, err)
				require.NotNil(t, rec, m.Field)
				assert.Equal(t, id, rec.ID)
				assert.Equal(t, tc.c.Kind, rec.Customer.Kind)
				assert.Equal(t, tc.c.Person, rec.Customer.Person)
				assert.Equal(t, tc.c.CompanyName, rec.Customer.CompanyName)
				assert.Equal(t, tc.c.Billing.StreetLine(), rec.Customer.Billing.StreetLine())
			}
		})
	}

	t.Run("not found", func(t *testing.T) {
		rec, err := f.c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "nobody@example.nl"})
		require.NoError(t, err)
		assert.Nil(t, rec)
	})

	t.Run("update", func(t *testing.T) {
		rec, err := f.c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "inkoop@bakkerij.example"})
		require.NoError(t, err)
		require.NotNil(t, rec)
		// The company is now a private person with a new phone and address.
		changed := company
		changed.Kind, changed.CompanyName, changed.Phone = model.CustomerPerson, "", "06-12345678"
		changed.Billing = model.Address{Street: "Nieuweweg", HouseNumber: "2", PostalCode: "9999 ZZ", City: "Elders", CountryCode: "NL"}
		require.NoError(t, f.c.UpdateCustomer(ctx, rec.ID, changed))

		rec, err = f.c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "inkoop@bakkerij.example"})
		require.NoError(t, err)
		require.NotNil(t, rec)
		assert.Equal(t, model.CustomerPerson, rec.Customer.Kind)
		assert.Equal(t, "Petra Smit", rec.Customer.Person.FullName())
		assert.Equal(t, "06-12345678", rec.Customer.Phone)
		assert.Equal(t, "Nieuweweg 2", rec.Customer.Billing.StreetLine())
		for _, r := range f.sim.Relations() {
			if strconv.FormatInt(r.Number, 10) == rec.ID {
				assert.Empty(t, r.CompanyName)
				assert.Empty(t, r.ContactPerson)
				assert.Equal(t, "NL001234567B01", r.VatNumber, "fields not sent are kept")
			}
		}

		err = f.c.UpdateCustomer(ctx, "99999", changed)
		assert.Equal(t, connectors.KindNotFound, kindOf(t, err))
	})
	assert.Len(t, f.sim.Relations(), 2)
}

func TestProductLookupCache(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// Two articles share a PLU: the active one wins, even with a higher number.
	f.sim.AddProduct(sim.Product{ArticleNumber: 90, PLU: "DUP", Description: "old", Inactive: true})
	f.sim.AddProduct(sim.Product{ArticleNumber: 91, PLU: "DUP", Description: "new"})

	steps := []struct {
		skus  []string
		want  map[string]string
		calls int // getProducts calls so far
	}{
		{[]string{"KOF-1", "MOK-1", "NOPE", "KOF-1"}, map[string]string{"KOF-1": id(f, "KOF-1"), "MOK-1": id(f, "MOK-1")}, 1},
		{[]string{"MOK-1", "KOF-1"}, map[string]string{"KOF-1": id(f, "KOF-1"), "MOK-1": id(f, "MOK-1")}, 1}, // cached
		{[]string{"NOPE"}, map[string]string{}, 2}, // misses are not cached
		{[]string{"DUP", "KOF-1"}, map[string]string{"DUP": "91", "KOF-1": id(f, "KOF-1")}, 3},
		{nil, map[string]string{}, 3},
	}
	for i, s := range steps {
		got, err := f.c.LookupProducts(ctx, s.skus)
		require.NoError(t, err)
		assert.Equal(t, s.want, got, "step %d", i)
		_, hasNope := got["NOPE"]
		assert.False(t, hasNope)
		assert.Equal(t, s.calls, f.sim.Calls("getProducts"), "step %d", i)
	}
}

func id(f *fixture, plu string) string { return strconv.FormatInt(f.arts[plu], 10) }

func TestVATTable(t *testing.T) {
	cases := []struct {
		name  string
		scale int
		extra *sim.VatGroup
		cfg   string // VATCountry
		want  int
	}{
		{"scale 1 (21)", 1, nil, "", sim.VatCodeHigh},
		{"scale 100 (2100)", 100, nil, "", sim.VatCodeHigh},
		{"foreign group with a lower code loses", 1, &sim.VatGroup{Code: 0, Rate: model.VATPercent(21), CountryIso3: "BEL"}, "", sim.VatCodeHigh},
		{"configured country wins", 1, &sim.VatGroup{Code: 7, Rate: model.VATPercent(21), CountryIso3: "BEL"}, "BEL", 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(o *sim.Options, c *mplus.Config) {
				o.VATPercentageScale = tc.scale
				c.VATCountry = tc.cfg
			})
			if tc.extra != nil {
				f.sim.AddVatGroup(*tc.extra)
			}
			_, err := f.c.CreateOrder(context.Background(), f.draft(t, "ext-1", connectors.KindOrder,
				order("1", true, line("KOF-1", model.Pieces(1), 1999, 21), line("THE-1", model.Pieces(1), 449, 9))))
			require.NoError(t, err)
			lines := f.sim.Orders()[0].Lines
			assert.Equal(t, tc.want, lines[0].VatCode)
			assert.Equal(t, sim.VatCodeLow, lines[1].VatCode)
			assert.Equal(t, 1, f.sim.Calls("getVatGroupList"))
		})
	}
}
