package worker_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	swsim "github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// Shopware 6 → MplusKASSA: the orders flow of the second pair, on a real dev
// server, with the till set up as in the example file (shipping and
// discounts on their own articles, Belgian VAT through countries).

// The till's articles for shipping costs and discounts.
var (
	shipping = product{sku: "VERZ", name: "Verzendkosten"}
	discount = product{sku: "KORT", name: "Korting"}
)

// belgianVATCode is the till's VAT group for 21 % Belgian VAT.
const belgianVATCode = 7

func newShopwareStack(t *testing.T, o stackOptions) (*stack, *swsim.Sim, map[string]int64) {
	return newShopwareStackOf(t, "", o)
}

// shopwareVersions are the versions the simulator serves, oldest first
// ("" is the newest, 6.7): the order flow runs end to end on each.
var shopwareVersions = []string{"6.4", "6.5", "6.6", ""}

// shopwareOf builds the Shopware simulator of a version as its
// registration would.
func shopwareOf(version string) func(simkit.Config) simkit.Instance {
	return func(c simkit.Config) simkit.Instance {
		return swsim.New(swsim.Options{AccessKeyID: c.Credentials["accessKeyId"], SecretAccessKey: c.Credentials["secretAccessKey"],
			NoLoginLimiter: c.Unlimited, Version: version})
	}
}

// newShopwareStackOf is newShopwareStack against a Shopware of the given
// version ("" the newest).
func newShopwareStackOf(t *testing.T, version string, o stackOptions) (*stack, *swsim.Sim, map[string]int64) {
	t.Helper()
	o.source, o.target = "shopware6", "mplus"
	o.sourceSim = shopwareOf(version)
	o.targetOptions = "{shippingPLU: VERZ, discountPLU: KORT}"
	o.countries = `{NL: {revenueAccount: "8000"}, BE: {vatCodes: {"21": "7"}, revenueAccount: "8010"}}`
	// Shopware names methods by their technical names, before 6.6 by their
	// names (docs/shopware6.md).
	if version == "6.4" || version == "6.5" {
		o.flow += `, paymentMethods: {iDEAL: IDEAL}, shippingMethods: {PostNL: VERZENDEN}`
	} else {
		o.flow += `, paymentMethods: {payment_ideal: IDEAL}, shippingMethods: {shipping_postnl: VERZENDEN}`
	}
	s := newStack(t, o)
	shop, ok := s.source.(*swsim.Sim)
	require.True(t, ok, "the source is the Shopware simulator")
	s.mplus.AddVatGroup(mplussim.VatGroup{Code: belgianVATCode, Rate: model.VATPercent(21), CountryIso3: "BEL"})
	return s, shop, s.seedCatalogue(coffee, mug, filter, shipping, discount)
}

// withShipping adds PostNL shipping at 21 % and lets the shop compute the
// total: what the till books is compared with the shop's own amountTotal.
func withShipping(o model.Order, cents int64) model.Order {
	o.ShippingMethod, o.PaymentMethod = "PostNL", "iDEAL"
	o.ShippingCost, o.ShippingVAT = eurCents(cents), model.VATPercent(21)
	o.Total = eurCents(0)
	return o
}

// netPrices turns a gross order into a business customer's order at prices
// without VAT (the catalogue's prices less VAT, rounded to the cent).
func netPrices(o model.Order) model.Order {
	o.PricesIncludeVAT = false
	for i, l := range o.Lines {
		net := (l.UnitPrice.Amount*10000 + (10000+int64(l.VAT))/2) / (10000 + int64(l.VAT))
		o.Lines[i].UnitPrice = eurCents(net)
	}
	return o
}

func inBelgium(c model.Customer) model.Customer {
	for _, a := range []*model.Address{&c.Billing, &c.Shipping} {
		a.Street, a.HouseNumber, a.PostalCode, a.City, a.CountryCode = "Meir", "20", "2000", "Antwerpen", "BE"
	}
	return c
}

// shopTotal is the order's amountTotal as the shop serves it, in cents.
func shopTotal(t *testing.T, shop *swsim.Sim, id string) int64 {
	t.Helper()
	o, ok := shop.Order(id)
	require.True(t, ok, "order %s in the shop", id)
	n, ok := o["amountTotal"].(json.Number)
	require.True(t, ok, "amountTotal of %s is a number: %#v", id, o["amountTotal"])
	cents, err := model.ParseMinor(n.String(), 2)
	require.NoError(t, err)
	return cents
}

func shopNumber(t *testing.T, shop *swsim.Sim, id string) string {
	t.Helper()
	o, ok := shop.Order(id)
	require.True(t, ok)
	n, _ := o["orderNumber"].(string)
	require.NotEmpty(t, n)
	return n
}

// shopCustomerID is the id of the customer account an order was placed with.
func shopCustomerID(t *testing.T, shop *swsim.Sim, id string) string {
	t.Helper()
	o, ok := shop.Order(id)
	require.True(t, ok)
	oc, _ := o["orderCustomer"].(map[string]any)
	c, _ := oc["customerId"].(string)
	require.NotEmpty(t, c, "order %s has a customer account: %#v", id, o["orderCustomer"])
	return c
}

// tillLine is what one line of a till order must be.
type tillLine struct {
	sku      string
	qty      int64
	total    int64 // incl. VAT, cents
	vatCode  int   // 0: not checked
	turnover int   // 0: not checked
}

func assertTillLines(t *testing.T, got mplussim.Order, articles map[string]int64, want ...tillLine) {
	t.Helper()
	require.Len(t, got.Lines, len(want), "%+v", got.Lines)
	for i, w := range want {
		g := got.Lines[i]
		assert.Equal(t, articles[w.sku], g.ArticleNumber, "line %d (%s) article", i+1, w.sku)
		assert.Equal(t, model.Pieces(w.qty), g.Quantity, "line %d (%s) quantity", i+1, w.sku)
		assert.Equal(t, w.total, g.LineTotalInclCents, "line %d (%s) total", i+1, w.sku)
		if w.vatCode != 0 {
			assert.Equal(t, w.vatCode, g.VatCode, "line %d (%s) VAT code", i+1, w.sku)
		}
		if w.turnover != 0 {
			assert.Equal(t, w.turnover, g.TurnoverGroup, "line %d (%s) turnover group", i+1, w.sku)
		}
	}
}

// A Shopware order's id is a 32-hex uuid: nothing personal in the IDs.
var shopwareOrderWorkflowID = regexp.MustCompile(`^shop/order/[0-9a-f]{32}$`)

func TestShopwareOrdersEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	eachShopwareVersion(t, shopwareOrdersEndToEnd)
}

// shopwareOrdersEndToEnd is the order flow against one Shopware version:
// before 6.6 a search loads states and the delivery address unasked, 6.7
// alone has the primary transaction and delivery, technical names of
// methods came with 6.5.7 (docs/shopware6.md "Versions"); the till must
// hold the same on each.
func shopwareOrdersEndToEnd(t *testing.T, version string) {
	s, shop, articles := newShopwareStackOf(t, version, stackOptions{})
	anna := person("Anna", "de Boer", "anna@example.nl")
	annaNo := s.mplus.AddRelation(mplussim.Relation{Email: anna.Email, Name: "Anna de Boer (oud)", City: "Oudeplaats"})

	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }

	gross := withShipping(order(anna, at(1), true, coffee.line(2), mug.line(1)), 495)
	gross.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM",
		Amount: eurCents(-500), VAT: model.VATPercent(21)}}
	guest := withShipping(order(person("Jan", "Visser", "jan@example.nl"), at(2), true, filter.line(3)), 495)
	net := withShipping(netPrices(order(company("Bakkerij Smit", "Petra", "Smit", "inkoop@smit.example"), at(3), true,
		coffee.line(10), filter.line(4))), 409)
	belgian := withShipping(order(inBelgium(company("Brasserie Zuid", "An", "Peeters", "inkoop@brasseriezuid.example")), at(4), true,
		mug.line(4)), 495)
	unpaid := withShipping(order(person("Sophie", "Jansen", "sophie@example.nl"), at(5), false, mug.line(2)), 495)

	ids := map[string]string{
		"gross":   shop.AddOrderWith(gross, swsim.OrderOptions{PromotionCode: "WELKOM"}),
		"guest":   shop.AddOrderWith(guest, swsim.OrderOptions{Guest: true}),
		"net":     shop.AddOrder(net),
		"belgian": shop.AddOrder(belgian),
		"unpaid":  shop.AddOrder(unpaid),
	}
	paid := []string{"gross", "guest", "net", "belgian"}

	stats := s.backfill(base, time.Now())
	assert.Equal(t, 4, stats.Listed, "a backfill asks the shop for paid orders only")
	assert.Equal(t, 4, stats.Started)
	for _, name := range paid {
		id := workflows.OrderWorkflowID("shop", ids[name])
		assert.Regexp(t, shopwareOrderWorkflowID, id, name)
		r, err := s.orderResult(ids[name])
		require.NoError(t, err, name)
		assert.Equal(t, workflows.OrderCreated, r.Outcome, "%s: %s", name, r.Message)
	}
	till := s.tillOrders()
	require.Len(t, till, 4, "exactly the paid orders are in the till")
	_, written := till["shop-"+ids["unpaid"]]
	assert.False(t, written, "an unpaid order waits")

	// Every order: the till's total is the shop's amountTotal, to the cent;
	// its reference is the shop's order number; employee and branch are the
	// defaults.
	for _, name := range paid {
		got := till["shop-"+ids[name]]
		assert.Equal(t, shopTotal(t, shop, ids[name]), got.TotalInclCents, "%s: the till's total is the shop's", name)
		assert.Equal(t, shopNumber(t, shop, ids[name]), got.Reference, name)
		assert.Equal(t, int64(999999), got.EmployeeNumber, name)
		assert.Equal(t, int64(mplussim.DefaultBranch), got.BranchNumber, name)
	}

	// Gross, with a promotion and shipping: the lines as sold, shipping on
	// VERZ and the promotion a discount line on KORT.
	g := till["shop-"+ids["gross"]]
	assertTillLines(t, g, articles,
		tillLine{sku: coffee.sku, qty: 2, total: 3990, turnover: 8000},
		tillLine{sku: mug.sku, qty: 1, total: 850, turnover: 8000},
		tillLine{sku: shipping.sku, qty: 1, total: 495},
		tillLine{sku: discount.sku, qty: 1, total: -500})
	assert.Equal(t, int64(4835), g.TotalInclCents)
	assert.Equal(t, "Kortingscode WELKOM", g.Lines[3].Text)
	assert.Equal(t, "IDEAL", g.PaymentMethod, "the shop's payment method, mapped")
	assert.Equal(t, "VERZENDEN", g.DeliveryMethod, "the shop's shipping method, mapped")
	assert.Equal(t, annaNo, g.RelationNumber, "a known customer's order is booked on her relation")
	updated, n := s.relationByEmail(anna.Email)
	assert.Equal(t, 1, n)
	assert.Equal(t, "Ergenshuizen", updated.City, "a known relation is updated from the order")

	// A guest (no customer account): a new person relation, found by e-mail.
	jan, n := s.relationByEmail("jan@example.nl")
	require.Equal(t, 1, n, "a guest becomes one relation")
	assert.Empty(t, jan.CompanyName, "a person, not a company")
	assert.Empty(t, jan.ExtRelationID, "a guest has no customer account to key the relation by")
	assert.Equal(t, jan.Number, till["shop-"+ids["guest"]].RelationNumber)
	assertTillLines(t, till["shop-"+ids["guest"]], articles,
		tillLine{sku: filter.sku, qty: 3, total: 975},
		tillLine{sku: shipping.sku, qty: 1, total: 495})

	// Net prices: the till adds VAT per line as the shop did; 10 × 18.30 +
	// 9 % is 199.47, 4 × 2.69 + 21 % is 13.02, shipping 4.09 + 21 % is 4.95.
	nt := till["shop-"+ids["net"]]
	assert.Equal(t, "VAT-METHOD-EXCLUSIVE", nt.VatMethod)
	assertTillLines(t, nt, articles,
		tillLine{sku: coffee.sku, qty: 10, total: 19947},
		tillLine{sku: filter.sku, qty: 4, total: 1302},
		tillLine{sku: shipping.sku, qty: 1, total: 495})
	assert.Equal(t, int64(21744), nt.TotalInclCents)
	smit, n := s.relationByEmail("inkoop@smit.example")
	require.Equal(t, 1, n)
	assert.Equal(t, "Bakkerij Smit", smit.CompanyName)
	assert.Equal(t, "Petra Smit", smit.ContactPerson, "a company relation has the person as contact")
	assert.Equal(t, "NL001234567B01", smit.VatNumber, "the order customer's VAT id")
	assert.Equal(t, "030-5550202", smit.Phone, "Shopware keeps the phone on the address")
	assert.Equal(t, "Marktplein 7", smit.Address, "street and number are one line in Shopware")
	assert.Equal(t, smit.Number, nt.RelationNumber)
	assert.Equal(t, "shop-"+shopCustomerID(t, shop, ids["net"]), smit.ExtRelationID, "the account's id, scoped to the integration")

	// Delivered in Belgium: every line, shipping included, gets the Belgian
	// VAT code and revenue account.
	be := till["shop-"+ids["belgian"]]
	assertTillLines(t, be, articles,
		tillLine{sku: mug.sku, qty: 4, total: 3400, vatCode: belgianVATCode, turnover: 8010},
		tillLine{sku: shipping.sku, qty: 1, total: 495, vatCode: belgianVATCode})
	zuid, n := s.relationByEmail("inkoop@brasseriezuid.example")
	require.Equal(t, 1, n)
	assert.Equal(t, "Brasserie Zuid", zuid.CompanyName)
	assert.Equal(t, zuid.Number, be.RelationNumber)

	if version == "" {
		s.recordHistory("shopware_order_created", workflows.OrderWorkflowID("shop", ids["gross"]), "")
	}

	// The same window again: every order is known by its workflow id and
	// nothing is written.
	creates := s.mplus.Calls("createOrder")
	again := s.backfill(base, time.Now())
	assert.Equal(t, 4, again.AlreadyKnown)
	assert.Equal(t, 0, again.Started)
	assert.Equal(t, creates, s.mplus.Calls("createOrder"), "a second sync writes nothing")

	// Paid later: the next sync takes it, once.
	require.NoError(t, shop.SetPaid(ids["unpaid"]))
	later := s.backfill(base, time.Now())
	assert.Equal(t, 1, later.Started, "only the order paid since")
	r, err := s.orderResult(ids["unpaid"])
	require.NoError(t, err)
	assert.Equal(t, workflows.OrderCreated, r.Outcome)
	till = s.tillOrders()
	require.Len(t, till, 5)
	assert.Equal(t, creates+1, s.mplus.Calls("createOrder"))

	// The till's totals are the shop's, to the cent.
	var shopSum, tillSum int64
	for _, id := range ids {
		shopSum += shopTotal(t, shop, id)
		tillSum += till["shop-"+id].TotalInclCents
	}
	assert.Equal(t, shopSum, tillSum, "the till holds what the shop sold, to the cent")
	assert.Len(t, s.mplus.Relations(), 5, "Anna, Jan, Bakkerij Smit, Brasserie Zuid, Sophie: one relation each")
}

// A lost answer after the till committed the order: the retry finds it and
// the till holds exactly one.
func TestShopwareOrderWrittenOnceWhenTheAnswerIsLost(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, shop, _ := newShopwareStack(t, stackOptions{})
	s.mplus.Faults().Add(simkit.Rule{Op: "createOrder", Kind: simkit.FaultDropAfterCommit, Times: 1})
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	id := shop.AddOrder(withShipping(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)), 495))

	s.backfill(created.Add(-time.Minute), time.Now())
	r, err := s.orderResult(id)
	require.NoError(t, err)
	assert.Equal(t, workflows.OrderRecovered, r.Outcome, "the retry found the order the lost answer had created")
	assert.Equal(t, 1, s.mplus.Faults().Hits(simkit.FaultDropAfterCommit))
	till := s.tillOrders()
	require.Len(t, till, 1)
	assert.Equal(t, shopTotal(t, shop, id), till["shop-"+id].TotalInclCents)
}

// The schedule follows the shop's change feed: an unpaid order waits in the
// cursor and arrives once the shop's payment is paid; an order placed
// meanwhile follows; a run with nothing new writes nothing.
func TestShopwareScheduledRunsTakeAnOrderOncePaid(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, shop, _ := newShopwareStack(t, stackOptions{})
	created := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
	paidID := shop.AddOrder(withShipping(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)), 495))
	unpaidID := shop.AddOrder(withShipping(order(person("Sophie", "Jansen", "sophie@example.nl"), created.Add(time.Minute), false, mug.line(1)), 495))

	ctx := context.Background()
	_, err := kworker.ApplySchedules(ctx, s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	sched := s.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("shop", workflows.FlowOrders))
	t.Cleanup(func() { _ = sched.Delete(context.Background()) })

	s.waitTill(t, []string{"shop-" + paidID})
	s.waitForRuns(t, sched, 1)
	first := s.lastOrderRun(t, sched)
	assert.Equal(t, 1, first.Started, "%+v", first)
	assert.Equal(t, 1, first.Waiting, "the unpaid order waits in the cursor: %+v", first)

	// Still unpaid: a run leaves it waiting.
	s.triggerAfterLastRun(t, sched)
	assert.Len(t, s.tillOrders(), 1, "an unpaid order is not written")

	require.NoError(t, shop.SetPaid(unpaidID))
	laterID := shop.AddOrder(withShipping(order(person("Anna", "de Boer", "anna@example.nl"), time.Time{}, true, coffee.line(2)), 495))
	time.Sleep(1500 * time.Millisecond) // past the settle delay, so this run lists it
	s.triggerAfterLastRun(t, sched)
	s.waitTill(t, []string{"shop-" + paidID, "shop-" + unpaidID, "shop-" + laterID})

	creates := s.mplus.Calls("createOrder")
	s.triggerAfterLastRun(t, sched)
	assert.Len(t, s.tillOrders(), 3, "a run with nothing new writes nothing")
	assert.Equal(t, creates, s.mplus.Calls("createOrder"))
	for _, id := range []string{paidID, unpaidID, laterID} {
		assert.Equal(t, shopTotal(t, shop, id), s.tillOrders()["shop-"+id].TotalInclCents)
	}
}

// What happens to a waiting order in the shop decides its fate: a failed
// payment the customer pays again with a new payment arrives once; an order
// cancelled while it waits is dropped and never written; an authorised
// payment is not paid (paidStates: paid) and keeps waiting.
func TestShopwareWaitingOrdersFollowTheShopsStates(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, shop, _ := newShopwareStack(t, stackOptions{})
	created := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
	retried := shop.AddOrder(withShipping(order(person("Jan", "Visser", "jan@example.nl"), created, false, coffee.line(1)), 495))
	require.NoError(t, shop.Transition(swsim.PaymentMachine, retried, "fail"))
	cancelled := shop.AddOrder(withShipping(order(person("Sophie", "Jansen", "sophie@example.nl"), created.Add(time.Minute), false, mug.line(1)), 495))
	authorized := shop.AddOrder(withShipping(order(person("Anna", "de Boer", "anna@example.nl"), created.Add(2*time.Minute), false, filter.line(2)), 495))

	ctx := context.Background()
	_, err := kworker.ApplySchedules(ctx, s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	sched := s.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("shop", workflows.FlowOrders))
	t.Cleanup(func() { _ = sched.Delete(context.Background()) })
	s.waitForRuns(t, sched, 1)
	assert.Equal(t, 3, s.lastOrderRun(t, sched).Waiting, "nothing is paid yet")

	require.NoError(t, shop.AddPayment(retried, "iDEAL", "paid"))
	require.NoError(t, shop.Transition(swsim.OrderMachine, cancelled, "cancel"))
	require.NoError(t, shop.Transition(swsim.PaymentMachine, authorized, "authorize"))
	s.triggerAfterLastRun(t, sched)
	s.waitTill(t, []string{"shop-" + retried})
	run := s.lastOrderRun(t, sched)
	assert.Equal(t, 1, run.Dropped, "the cancelled order is given up: %+v", run)
	assert.Equal(t, 1, run.Waiting, "the authorised one waits: %+v", run)

	s.triggerAfterLastRun(t, sched)
	assert.Len(t, s.tillOrders(), 1, "the cancelled and the authorised orders are never written")
	assert.Equal(t, shopTotal(t, shop, retried), s.tillOrders()["shop-"+retried].TotalInclCents)
}

// lastOrderRun is what the schedule's latest completed run did.
func (s *stack) lastOrderRun(t *testing.T, h client.ScheduleHandle) workflows.RunStats {
	t.Helper()
	ctx := context.Background()
	d, err := h.Describe(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, d.Info.RecentActions)
	last := d.Info.RecentActions[len(d.Info.RecentActions)-1].StartWorkflowResult
	var cur workflows.OrderCursor
	require.NoError(t, s.client.GetWorkflow(ctx, last.WorkflowID, last.FirstExecutionRunID).Get(ctx, &cur))
	return cur.LastRun
}
