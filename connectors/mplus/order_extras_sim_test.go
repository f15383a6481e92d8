package mplus_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
)

// Belgian VAT groups, for orders booked in a foreign VAT code (OSS).
const (
	vatCodeBEHigh = 7 // 21 %
	vatCodeBELow  = 8 // 6 %
)

// extrasFixture has articles for discounts and costs, configured, and the
// Belgian VAT groups.
func extrasFixture(t *testing.T, opts ...fixtureOpt) *fixture {
	t.Helper()
	opts = append([]fixtureOpt{func(_ *sim.Options, c *mplus.Config) { c.DiscountPLU, c.CostsPLU = "KORTING", "KOSTEN" }}, opts...)
	f := newFixture(t, opts...)
	f.arts["KORTING"] = f.sim.AddProduct(sim.Product{PLU: "KORTING", Description: "Korting"})
	f.arts["KOSTEN"] = f.sim.AddProduct(sim.Product{PLU: "KOSTEN", Description: "Kosten"})
	f.sim.AddVatGroup(sim.VatGroup{Code: vatCodeBEHigh, Rate: model.VATPercent(21), CountryIso3: "BEL"})
	f.sim.AddVatGroup(sim.VatGroup{Code: vatCodeBELow, Rate: model.VATPercent(6), CountryIso3: "BEL"})
	return f
}

// fullOrder has two product lines, shipping, a discount and a cost.
func fullOrder(lowVAT int64) model.Order {
	o := order("2001", true, line("KOF-1", model.Pieces(2), 1999, 21), line("THE-1", model.Pieces(1), 449, lowVAT))
	o.ShippingCost, o.ShippingVAT, o.ShippingMethod = eur(495), model.VATPercent(21), "PostNL"
	o.PaymentMethod = "ideal"
	o.Adjustments = []model.Adjustment{
		{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eur(-500), VAT: model.VATPercent(21)},
		{Kind: model.AdjustmentCost, Description: "Betaalkosten", Amount: eur(150), VAT: model.VATPercent(21)},
		{Kind: model.AdjustmentCost, Amount: eur(0), VAT: model.VATPercent(21)}, // no money, no line
	}
	o.Total = eur(3998 + 449 + 495 - 500 + 150)
	return o
}

type storedLine struct {
	plu      string
	text     string
	price    int64
	vatCode  int
	turnover int
	total    int64
}

func TestOrderExtrasToTheCent(t *testing.T) {
	cases := []struct {
		name       string
		lowVAT     int64
		accounting connectors.LineAccounting
		lines      []storedLine
		vatTable   int // getVatGroupList calls
	}{
		{
			name: "Belgian customer: every line in a Belgian VAT code, booked on turnover group 8010", lowVAT: 6,
			accounting: connectors.LineAccounting{VATCodes: map[string]string{"21%": "7", "6%": "8"}, RevenueAccount: "8010"},
			lines: []storedLine{
				{"KOF-1", "item KOF-1", 1999, vatCodeBEHigh, 8010, 3998},
				{"THE-1", "item THE-1", 449, vatCodeBELow, 8010, 449},
				{"VERZEND", "PostNL", 495, vatCodeBEHigh, 8010, 495},
				{"KORTING", "Kortingscode WELKOM", -500, vatCodeBEHigh, 8010, -500},
				{"KOSTEN", "Betaalkosten", 150, vatCodeBEHigh, 8010, 150},
			},
		},
		{
			name: "a rate the accounting does not name takes the VAT group of its rate", lowVAT: 9,
			accounting: connectors.LineAccounting{VATCodes: map[string]string{"21%": "7"}},
			lines: []storedLine{
				{"KOF-1", "item KOF-1", 1999, vatCodeBEHigh, 0, 3998},
				{"THE-1", "item THE-1", 449, sim.VatCodeLow, 0, 449},
				{"VERZEND", "PostNL", 495, vatCodeBEHigh, 0, 495},
				{"KORTING", "Kortingscode WELKOM", -500, vatCodeBEHigh, 0, -500},
				{"KOSTEN", "Betaalkosten", 150, vatCodeBEHigh, 0, 150},
			},
			vatTable: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := extrasFixture(t)
			o := fullOrder(tc.lowVAT)
			d := f.draft(t, "web-2001", connectors.KindOrder, o)
			d.Accounting, d.PaymentMethod, d.ShippingMethod = tc.accounting, "IDEAL", "POSTNL"
			d.Extra = map[string]string{"reference": "WEB-2001"}
			_, err := f.c.CreateOrder(context.Background(), d)
			require.NoError(t, err)

			orders := f.sim.Orders()
			require.Len(t, orders, 1)
			got := orders[0]
			var lines []storedLine
			var sum int64
			for _, l := range got.Lines {
				lines = append(lines, storedLine{l.PLU, l.Text, l.PriceInclCents, l.VatCode, l.TurnoverGroup, l.LineTotalInclCents})
				assert.Equal(t, f.arts[l.PLU], l.ArticleNumber)
				sum += l.LineTotalInclCents
			}
			assert.Equal(t, tc.lines, lines)
			assert.Equal(t, o.Total.Amount, got.TotalInclCents, "the till's total is the shop's, to the cent")
			assert.Equal(t, o.Total.Amount, sum)
			assert.Equal(t, "IDEAL", got.PaymentMethod)
			assert.Equal(t, "POSTNL", got.DeliveryMethod)
			assert.Equal(t, "WEB-2001", got.Reference)
			assert.Equal(t, tc.vatTable, f.sim.Calls("getVatGroupList"))
		})
	}
}

func TestInvoiceDueDate(t *testing.T) {
	f := extrasFixture(t)
	d := f.draft(t, "inv-1", connectors.KindInvoice, order("3001", true, line("KOF-1", model.Pieces(1), 1999, 21)))
	d.PaymentTermDays, d.PaymentMethod = 14, "IDEAL"
	ams, err := time.LoadLocation("Europe/Amsterdam")
	require.NoError(t, err)
	before := time.Now().In(ams).AddDate(0, 0, 14).Format(time.DateOnly)
	_, err = f.c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	after := time.Now().In(ams).AddDate(0, 0, 14).Format(time.DateOnly)

	invoices := f.sim.Invoices()
	require.Len(t, invoices, 1)
	assert.Contains(t, []string{before, after}, invoices[0].DueDate, "financial date (today) + 14 days")
	assert.Empty(t, invoices[0].PaymentMethod, "an invoice has no paymentMethod element")

	d = f.draft(t, "inv-2", connectors.KindInvoice, order("3002", true, line("KOF-1", model.Pieces(1), 1999, 21)))
	_, err = f.c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	assert.Empty(t, f.sim.Invoices()[1].DueDate, "no payment term, no due date")
}

func TestOrderExtrasChecks(t *testing.T) {
	cases := []struct {
		name    string
		cfg     func(*mplus.Config)
		edit    func(*connectors.OrderDraft)
		kind    connectors.ErrorKind
		mention string
	}{
		{"discount without discountPLU", func(c *mplus.Config) { c.DiscountPLU = "" }, nil, connectors.KindConfig, "discountPLU"},
		{"cost without costsPLU", func(c *mplus.Config) { c.CostsPLU = "" }, nil, connectors.KindConfig, "costsPLU"},
		{"discount article missing", func(c *mplus.Config) { c.DiscountPLU = "GEEN" }, nil, connectors.KindValidation, "GEEN"},
		{"unknown adjustment kind", nil, func(d *connectors.OrderDraft) { d.Order.Adjustments[0].Kind = "voucher" }, connectors.KindValidation, "voucher"},
		{"VAT code not a number", nil, func(d *connectors.OrderDraft) { d.Accounting.VATCode = "BE21" }, connectors.KindConfig, "BE21"},
		{"revenue account not a number", nil, func(d *connectors.OrderDraft) { d.Accounting.RevenueAccount = "8010-BE" }, connectors.KindConfig, "8010-BE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := extrasFixture(t, func(_ *sim.Options, c *mplus.Config) {
				if tc.cfg != nil {
					tc.cfg(c)
				}
			})
			d := f.draft(t, "web-1", connectors.KindOrder, fullOrder(9))
			if tc.edit != nil {
				tc.edit(&d)
			}
			_, err := f.c.CreateOrder(context.Background(), d)
			assert.Equal(t, tc.kind, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.mention)
			assert.Equal(t, 0, f.sim.Calls("createOrder"), "nothing is written, no money is left out")
		})
	}
}
