package connectors

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fakes embed the interfaces, so that they keep implementing them while
// the interfaces grow; only the method set matters here.

// fakeTill is an order, customer and stock target that resolves SKUs: the
// shape of a POS.
type fakeTill struct {
	OrderTarget
	CustomerTarget
	ProductLookup
	StockTarget
}

// fakeShop is an order and product source only.
type fakeShop struct {
	OrderSource
	ProductSource
}

type tillOptions struct {
	Branch int    `yaml:"branch" default:"1" min:"1" desc:"the branch"`
	Text   string `yaml:"text" desc:"a text"`
}

func TestCapabilitiesComeFromTheClientType(t *testing.T) {
	till := Registration{Name: "till", Client: (*fakeTill)(nil), OrderKinds: []OrderKind{KindOrder}, LinesNeedProducts: true,
		OptionSpec: tillOptions{}}.complete()
	assert.Equal(t, []Capability{CapOrderTarget, CapCustomerTarget, CapProductLookup, CapStockTarget}, till.Capabilities)
	assert.True(t, till.Has(CapStockTarget))
	assert.False(t, till.Has(CapStockSource))
	assert.False(t, till.Has(CapCustomerDetails), "CustomerTarget alone keeps no details")
	assert.True(t, till.WritesKind(KindOrder))
	assert.False(t, till.WritesKind(KindInvoice))
	assert.True(t, till.HasAll(FlowRoles[0].Target), "the till can be the order flow's target")

	shop := Registration{Name: "shop", Client: (*fakeShop)(nil)}.complete()
	assert.Equal(t, []Capability{CapOrderSource, CapProductSource}, shop.Capabilities)
	assert.False(t, shop.HasAll(FlowRoles[0].Target))
	assert.False(t, shop.WritesKind(KindOrder))
}

func TestDeclaredOptionsAreDerivedAndChecked(t *testing.T) {
	till := Registration{Name: "till", Client: (*fakeTill)(nil), OrderKinds: []OrderKind{KindOrder}, OptionSpec: tillOptions{}}.complete()
	assert.Equal(t, map[string]string{"branch": "the branch", "text": "a text"}, till.Options)
	assert.Equal(t, []string{"branch", "text"}, till.OptionNames())
	assert.Equal(t, "branch", till.DescribeOptions()[0].Name)

	assert.Empty(t, till.CheckOptions(map[string]string{"branch": "2", "text": "x"}))
	assert.Equal(t, []Problem{
		{Path: "options.branch", Message: `"main" is not a whole number`},
		{Path: "options.colour", Message: `till takes no option "colour" (it takes branch, text)`},
	}, till.CheckOptions(map[string]string{"branch": "main", "colour": "red"}))

	// A pointer prototype works the same; a system without options takes none.
	till.OptionSpec = &tillOptions{}
	assert.Len(t, till.CheckOptions(map[string]string{"branch": "0"}), 1)
	shop := Registration{Name: "shop", Client: (*fakeShop)(nil)}.complete()
	assert.Empty(t, shop.Options)
	assert.Equal(t, []Problem{{Path: "options.x", Message: `shop takes no option "x" (it takes none)`}},
		shop.CheckOptions(map[string]string{"x": "1"}))
}

func TestDeclaredCapabilitiesMustRefineAnInterfaceCapability(t *testing.T) {
	type productTarget struct {
		ProductSource
		ProductTarget
	}
	r := Registration{Name: "pt", Client: (*productTarget)(nil), DeclaredCapabilities: []Capability{CapProductImages}}.complete()
	assert.True(t, r.Has(CapProductImages))
	assert.True(t, r.Has(CapProductTarget))
}

// Every way of declaring a registration wrongly fails at init.
func TestBadRegistrationsPanic(t *testing.T) {
	for name, r := range map[string]Registration{
		"no client":             {Name: "x"},
		"hand-written list":     {Name: "x", Client: (*fakeShop)(nil), Capabilities: []Capability{CapOrderSource}},
		"hand-written options":  {Name: "x", Client: (*fakeShop)(nil), Options: map[string]string{"a": "b"}},
		"interface declared":    {Name: "x", Client: (*fakeShop)(nil), DeclaredCapabilities: []Capability{CapStockTarget}},
		"images without target": {Name: "x", Client: (*fakeShop)(nil), DeclaredCapabilities: []Capability{CapProductImages}},
		"target without kinds":  {Name: "x", Client: (*fakeTill)(nil)},
		"kinds without target":  {Name: "x", Client: (*fakeShop)(nil), OrderKinds: []OrderKind{KindOrder}},
		"lines without target":  {Name: "x", Client: (*fakeShop)(nil), LinesNeedProducts: true},
		"unknown kind":          {Name: "x", Client: (*fakeTill)(nil), OrderKinds: []OrderKind{"bill"}},
		"options not a struct":  {Name: "x", Client: (*fakeShop)(nil), OptionSpec: "packageId"},
		"options with bad field": {Name: "x", Client: (*fakeShop)(nil), OptionSpec: struct {
			F float64 `yaml:"f"`
		}{}},
	} {
		assert.Panics(t, func() { r.complete() }, name)
	}
}

func TestRegisterKeepsTheDerivedRegistration(t *testing.T) {
	Register(Registration{Name: "test-till", Client: (*fakeTill)(nil), OrderKinds: []OrderKind{KindOrder, KindQuote},
		OptionSpec: tillOptions{}})
	t.Cleanup(func() {
		regMu.Lock()
		delete(registry, "test-till")
		regMu.Unlock()
	})
	r, ok := Lookup("test-till")
	require.True(t, ok)
	assert.True(t, r.Has(CapOrderTarget))
	assert.True(t, r.WritesKind(KindQuote))
	assert.Contains(t, r.Options, "branch")
	assert.Panics(t, func() { Register(Registration{Name: "test-till", Client: (*fakeShop)(nil)}) })
}
