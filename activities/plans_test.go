package activities

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

func shopProduct() model.Product {
	return model.Product{SKU: "BEANS", Name: "Bonen 1kg (shop)", ShortDescription: "kort", Description: "lang",
		EAN: "8711111111111", Price: eur(1995), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true,
		Categories: []string{"Koffie"}, Images: []model.Image{{Name: "beans.jpg"}}}
}

func TestPlanProductUpdateInfoSetting(t *testing.T) {
	have := shopProduct()
	incoming := shopProduct()
	incoming.Name, incoming.Description, incoming.Categories = "Bonen 1kg (till)", "other text", []string{"Dranken"}
	incoming.Price, incoming.EAN = eur(2195), "8722222222222"
	always := config.DefaultAlwaysSync

	cases := []struct {
		name       string
		updateInfo bool
		want       func(p *model.Product)
	}{
		{"off: descriptive fields stay, price and EAN move", false, func(p *model.Product) {
			p.Price, p.EAN = eur(2195), "8722222222222"
		}},
		{"on: every mapped field overwrites", true, func(p *model.Product) {
			*p = incoming
			p.Images = have.Images // the target takes no photos here
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := PlanProduct(incoming, &connectors.TargetProduct{ID: "7", Product: have},
				ProductRules{UpdateInfo: c.updateInfo, AlwaysSync: always})
			want := have
			c.want(&want)
			require.Equal(t, OutcomeUpdated, plan.Outcome)
			assert.Equal(t, want, plan.Write)
		})
	}
}

func TestPlanProductCreatesUnknownAndSkipsUnchanged(t *testing.T) {
	p := shopProduct()
	created := PlanProduct(p, nil, ProductRules{AlwaysSync: config.DefaultAlwaysSync, Images: true})
	assert.Equal(t, OutcomeCreated, created.Outcome)
	assert.Equal(t, p, created.Write)

	noImages := PlanProduct(p, nil, ProductRules{AlwaysSync: config.DefaultAlwaysSync})
	assert.Empty(t, noImages.Write.Images, "a target without photos is never sent any")

	excl := p
	excl.Price, excl.PriceIncludesVAT = eur(1830), false // 18.30 + 9% = 19.95
	same := PlanProduct(excl, &connectors.TargetProduct{ID: "7", Product: p}, ProductRules{UpdateInfo: true})
	assert.Equal(t, OutcomeUnchanged, same.Outcome, "prices compare incl. VAT")
}

func TestPlanProductAlwaysSyncIsConfigurable(t *testing.T) {
	have := shopProduct()
	incoming := shopProduct()
	incoming.Price, incoming.Name = eur(999), "new name"
	plan := PlanProduct(incoming, &connectors.TargetProduct{Product: have}, ProductRules{AlwaysSync: []string{"name"}})
	require.Equal(t, OutcomeUpdated, plan.Outcome)
	assert.Equal(t, "new name", plan.Write.Name)
	assert.Equal(t, eur(1995), plan.Write.Price, "price is not in alwaysSync here")
}

func TestPlanProductVariants(t *testing.T) {
	variant := func(sku, size string, price int64) model.Product {
		return model.Product{SKU: sku, Name: "Shirt " + size, Price: eur(price), PriceIncludesVAT: true, VAT: model.VATPercent(21),
			Active: true, Attributes: map[string]string{"size": size}}
	}
	have := model.Product{SKU: "SHIRT", Name: "Shirt", Price: eur(2500), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
		Variants: []model.Product{variant("SHIRT-S", "S", 2500), variant("SHIRT-XXL", "XXL", 2700)}}
	incoming := have
	incoming.Variants = []model.Product{variant("SHIRT-S", "S", 2600), variant("SHIRT-M", "M", 2500)}
	incoming.Variants[0].Name = "renamed"

	plan := PlanProduct(incoming, &connectors.TargetProduct{ID: "1", Product: have}, ProductRules{AlwaysSync: config.DefaultAlwaysSync})
	require.Equal(t, OutcomeUpdated, plan.Outcome)
	require.Len(t, plan.Write.Variants, 3)
	assert.Equal(t, eur(2600), plan.Write.Variants[0].Price, "a known variant's price moves")
	assert.Equal(t, "Shirt S", plan.Write.Variants[0].Name, "and keeps its name with updateProductInfo off")
	assert.Equal(t, incoming.Variants[1], plan.Write.Variants[1], "a new variant is added whole")
	assert.Equal(t, "SHIRT-XXL", plan.Write.Variants[2].SKU, "a variant only the target has is left alone")
}

func TestRenameAttributes(t *testing.T) {
	p := model.Product{SKU: "SHIRT", Variants: []model.Product{{SKU: "SHIRT-S", Attributes: map[string]string{"Maat": "S", "Stof": "katoen"}}}}
	out := RenameAttributes(p, map[string]string{"Maat": "size", "Kleur": "colour"})
	assert.Equal(t, map[string]string{"size": "S", "Stof": "katoen"}, out.Variants[0].Attributes)
	assert.Equal(t, map[string]string{"Maat": "S", "Stof": "katoen"}, p.Variants[0].Attributes, "the input is not changed")
}

func TestStockToShowPerCalculationAndBuffer(t *testing.T) {
	level := model.StockLevel{SKU: "BEANS", Physical: model.Pieces(12), Available: model.Pieces(10), Reserved: model.Pieces(3)}
	cases := []struct {
		calc   string
		buffer int64
		want   model.Quantity
	}{
		{config.CalcAvailableMinusReserved, 0, model.Pieces(7)},
		{config.CalcPhysical, 0, model.Pieces(12)},
		{config.CalcAvailable, 0, model.Pieces(10)},
		{config.CalcAvailableMinusReserved, 2, model.Pieces(5)},
		{config.CalcAvailableMinusReserved, 9, 0},
		{"", 0, model.Pieces(7)},
	}
	for _, c := range cases {
		t.Run(c.calc, func(t *testing.T) {
			assert.Equal(t, c.want, StockToShow(level, StockRules{Calculation: c.calc, Buffer: model.Pieces(c.buffer)}))
		})
	}
}

func TestPlanStockWritesOnlyChanges(t *testing.T) {
	cases := []struct {
		name   string
		have   *connectors.TargetStock
		manage bool
		want   Outcome
	}{
		{"same quantity", &connectors.TargetStock{Quantity: model.Pieces(7), Managed: true}, false, OutcomeUnchanged},
		{"drifted", &connectors.TargetStock{Quantity: model.Pieces(9)}, false, OutcomeUpdated},
		{"same but stock keeping off", &connectors.TargetStock{Quantity: model.Pieces(7)}, true, OutcomeUpdated},
		{"unknown in the target", nil, false, OutcomeMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PlanStock(model.Pieces(7), c.have, c.manage)
			assert.Equal(t, c.want, p.Outcome)
			if c.want == OutcomeUpdated {
				assert.Equal(t, model.Pieces(7), p.Set)
			}
		})
	}
}

func TestLatestStockPerSKUWins(t *testing.T) {
	levels := []model.StockLevel{{SKU: "A", Available: 1}, {SKU: "B", Available: 5}, {SKU: "A", Available: 3}}
	assert.Equal(t, []model.StockLevel{{SKU: "A", Available: 3}, {SKU: "B", Available: 5}}, latestPerSKU(levels))
}

func TestCustomerDetailsPerCountry(t *testing.T) {
	in := config.Integration{Countries: map[string]config.CountrySettings{
		"NL":      {VATCode: "1", RevenueAccount: "8000", PaymentTermDays: 14},
		"default": {VATCode: "9", RevenueAccount: "8099"},
		"BE":      {VATCodes: map[string]string{"21": "7"}, CustomerVATCode: "7", RevenueAccount: "8010"},
	}}
	be := model.Customer{Billing: model.Address{CountryCode: "BE"}}
	assert.Equal(t, "7", CustomerDetailsFor(in, be, nil).VATCode, "customerVatCode wins")
	nl := model.Customer{Billing: model.Address{CountryCode: "NL"}}
	de := model.Customer{Billing: model.Address{CountryCode: "DE"}}
	assert.Equal(t, connectors.CustomerDetails{VATCode: "1", RevenueAccount: "8000", PaymentTermDays: 14, Extra: map[string]string{"x": "y"}},
		CustomerDetailsFor(in, nl, map[string]string{"x": "y"}))
	assert.Equal(t, connectors.CustomerDetails{VATCode: "9", RevenueAccount: "8099"}, CustomerDetailsFor(in, de, nil))

	have := connectors.CustomerDetails{VATCode: "1", RevenueAccount: "8000", Extra: map[string]string{"x": "y", "z": "kept"}}
	assert.False(t, DetailsNeedUpdate(have, connectors.CustomerDetails{VATCode: "1", RevenueAccount: "8000", Extra: map[string]string{"x": "y"}}))
	assert.True(t, DetailsNeedUpdate(have, connectors.CustomerDetails{VATCode: "5", RevenueAccount: "8000"}))
	assert.True(t, DetailsNeedUpdate(have, connectors.CustomerDetails{Extra: map[string]string{"x": "new"}}))
}

// A target deletes nothing: a category or photo of the target's own is no
// change, one of the source's it lacks is.
func TestSameProductAsksWhetherTheTargetHasWhatTheSourceHas(t *testing.T) {
	w := model.Product{SKU: "KOF-1", Categories: []string{"Koffie"}, Images: []model.Image{{Name: "kof.jpg"}}}
	have := w
	have.Categories = []string{"Aanbiedingen", "Koffie"}
	have.Images = []model.Image{{Name: "kof.jpg"}, {Name: "sfeer.jpg"}}
	assert.True(t, SameProduct(w, have))
	have.Categories = []string{"Aanbiedingen"}
	assert.False(t, SameProduct(w, have))
}

// A target that keeps no descriptions or categories (eAccounting's articles)
// reads them back empty; with updateProductInfo on they must not count as a
// change on every run, while a field it keeps still does.
func TestFieldsTheTargetDoesNotKeepAreNoChange(t *testing.T) {
	in := model.Product{SKU: "KOF-1", Name: "Koffie", Description: "Lang verhaal", Categories: []string{"Koffie"},
		Price: model.NewMoney(1995, "EUR"), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true}
	have := in
	have.Description, have.Categories = "", nil
	keeps := []string{"name", "ean", "price", "vat", "active", "manageStock"}
	plan := PlanProduct(in, &connectors.TargetProduct{ID: "a", Product: have}, ProductRules{UpdateInfo: true, TargetKeeps: keeps})
	assert.Equal(t, OutcomeUnchanged, plan.Outcome)
	all := PlanProduct(in, &connectors.TargetProduct{ID: "a", Product: have}, ProductRules{UpdateInfo: true})
	assert.Equal(t, OutcomeUpdated, all.Outcome, "a target that keeps every field gets the description")
	in.Price = model.NewMoney(2095, "EUR")
	plan = PlanProduct(in, &connectors.TargetProduct{ID: "a", Product: have}, ProductRules{UpdateInfo: true, TargetKeeps: keeps})
	assert.Equal(t, OutcomeUpdated, plan.Outcome, "a kept field still moves")
}
