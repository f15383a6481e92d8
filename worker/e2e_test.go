package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/activities"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
	"google.golang.org/protobuf/encoding/protojson"
)

// The shop's catalogue in these tests; prices incl. 9 % or 21 % VAT.
var (
	coffee = product{sku: "KOF-1000", name: "Koffiebonen 1 kg", cents: 1995, vat: 9}
	mug    = product{sku: "MOK-0001", name: "Mok wit", cents: 850, vat: 21}
	filter = product{sku: "FLT-0102", name: "Filters nr. 4", cents: 325, vat: 21}
)

type product struct {
	sku, name string
	cents     int64
	vat       int64
}

func (p product) line(qty int64) model.OrderLine {
	return model.OrderLine{SKU: p.sku, Name: p.name, Quantity: model.Pieces(qty),
		UnitPrice: model.NewMoney(p.cents, "EUR"), VAT: model.VATPercent(p.vat)}
}

func nlAddress(street, no, pc, city string) model.Address {
	return model.Address{Street: street, HouseNumber: no, PostalCode: pc, City: city, CountryCode: "NL"}
}

func person(first, last, email string) model.Customer {
	a := nlAddress("Dorpsstraat", "12", "1234 AB", "Ergenshuizen")
	a.Name = first + " " + last
	return model.Customer{Kind: model.CustomerPerson, Email: email, Person: model.Person{FirstName: first, LastName: last},
		Phone: "020-5550101", Billing: a, Shipping: a}
}

func company(name, first, last, email string) model.Customer {
	a := nlAddress("Marktplein", "7", "3456 CD", "Nergensdam")
	a.Company, a.Name = name, first+" "+last
	return model.Customer{Kind: model.CustomerCompany, Email: email, CompanyName: name, VATNumber: "NL001234567B01",
		Person: model.Person{FirstName: first, LastName: last}, Phone: "030-5550202", Billing: a, Shipping: a}
}

func order(c model.Customer, created time.Time, paid bool, lines ...model.OrderLine) model.Order {
	o := model.Order{CreatedAt: created, Status: model.StatusPending, Paid: paid, Currency: "EUR", PricesIncludeVAT: true,
		Customer: c, Lines: lines, ShippingVAT: model.VATPercent(21)}
	o.Total = model.NewMoney(0, "EUR")
	for _, l := range lines {
		o.Total = o.Total.Add(l.LineTotal())
	}
	return o
}

// linesTotal is what the lines of an order add up to.
func linesTotal(o model.Order) int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.LineTotal().Amount
	}
	return t
}

// seedCatalogue puts the test products in the till and returns SKU → article.
func (s *stack) seedCatalogue(ps ...product) map[string]int64 {
	out := map[string]int64{}
	for i, p := range ps {
		article := int64(1001 + i)
		s.mplus.AddProduct(mplussim.Product{ArticleNumber: article, PLU: p.sku, Description: p.name, PriceInclCents: p.cents})
		out[p.sku] = article
	}
	return out
}

// tillOrders indexes the till's orders by extOrderId.
func (s *stack) tillOrders() map[string]mplussim.Order {
	out := map[string]mplussim.Order{}
	for _, o := range s.mplus.Orders() {
		_, dup := out[o.ExtOrderID]
		require.False(s.t, dup, "extOrderId %s stored twice", o.ExtOrderID)
		out[o.ExtOrderID] = o
	}
	return out
}

func (s *stack) relationByEmail(email string) (mplussim.Relation, int) {
	var found mplussim.Relation
	n := 0
	for _, r := range s.mplus.Relations() {
		if r.Email == email {
			found, n = r, n+1
		}
	}
	return found, n
}

// assertTillOrder checks one written order line by line, to the cent.
func assertTillOrder(t *testing.T, got mplussim.Order, want model.Order, articles map[string]int64, relation int64) {
	t.Helper()
	assert.Equal(t, relation, got.RelationNumber, "relation")
	assert.Equal(t, int64(999999), got.EmployeeNumber, "employee")
	assert.Equal(t, int64(1), got.BranchNumber, "branch")
	require.Len(t, got.Lines, len(want.Lines))
	for i, l := range want.Lines {
		g := got.Lines[i]
		assert.Equal(t, articles[l.SKU], g.ArticleNumber, "line %d article", i+1)
		assert.Equal(t, l.Quantity, g.Quantity, "line %d quantity", i+1)
		assert.Equal(t, l.NetUnitPrice().Amount, g.PriceInclCents, "line %d price", i+1)
		assert.Equal(t, l.LineTotal().Amount, g.LineTotalInclCents, "line %d total", i+1)
	}
	assert.Equal(t, linesTotal(want), got.TotalInclCents, "order total")
}

func TestOrdersEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	articles := s.seedCatalogue(coffee, mug, filter)
	known := person("Anna", "de Boer", "anna@example.nl")
	knownNo := s.mplus.AddRelation(mplussim.Relation{Email: known.Email, Name: "Anna de Boer (oud)", City: "Oudeplaats"})

	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	orders := map[string]model.Order{
		"known person":  order(known, base.Add(1*time.Minute), true, coffee.line(2), mug.line(1)),
		"new person":    order(person("Jan", "Visser", "jan@example.nl"), base.Add(2*time.Minute), true, filter.line(3)),
		"new company":   order(company("Bakkerij Smit", "Petra", "Smit", "inkoop@smit.example"), base.Add(3*time.Minute), true, coffee.line(10), filter.line(4)),
		"unpaid":        order(person("Sophie", "Jansen", "sophie@example.nl"), base.Add(4*time.Minute), false, mug.line(2)),
		"unknown SKU":   order(person("Jan", "Visser", "jan@example.nl"), base.Add(5*time.Minute), true, coffee.line(1), product{sku: "CAD-0001", name: "Cadeaubon", cents: 2500}.line(1)),
		"with discount": order(known, base.Add(6*time.Minute), true, withDiscount(mug.line(3), 100)),
	}
	ids := map[string]string{}
	for name, o := range orders {
		ids[name] = s.ccv.AddOrder(o)
	}

	stats := s.backfill(base, time.Now())
	assert.Equal(t, 5, stats.Listed, "a backfill asks the shop for paid orders only")
	assert.Equal(t, 5, stats.Started, "every paid order starts its workflow")

	for _, name := range []string{"known person", "new person", "new company", "with discount"} {
		r, err := s.orderResult(ids[name])
		require.NoError(t, err, name)
		assert.Equal(t, workflows.OrderCreated, r.Outcome, name)
	}
	_, err := s.orderResult(ids["unknown SKU"])
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "the unknown-SKU order fails with an application error, got %v", err)
	assert.Equal(t, activities.ErrTypeUnknownProducts, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	assert.Contains(t, appErr.Error(), "CAD-0001")

	till := s.tillOrders()
	require.Len(t, till, 4, "exactly the four paid, complete orders are in the till")
	_, written := till["shop-"+ids["unknown SKU"]]
	assert.False(t, written, "nothing is written for an order with an unknown SKU")

	assertTillOrder(t, till["shop-"+ids["known person"]], orders["known person"], articles, knownNo)
	assertTillOrder(t, till["shop-"+ids["with discount"]], orders["with discount"], articles, knownNo)
	updated, n := s.relationByEmail(known.Email)
	assert.Equal(t, 1, n)
	assert.Equal(t, "Ergenshuizen", updated.City, "a known relation is updated from the order")

	jan, n := s.relationByEmail("jan@example.nl")
	require.Equal(t, 1, n, "a new person becomes one relation, even with two orders")
	assert.Empty(t, jan.CompanyName)
	assertTillOrder(t, till["shop-"+ids["new person"]], orders["new person"], articles, jan.Number)

	smit, n := s.relationByEmail("inkoop@smit.example")
	require.Equal(t, 1, n)
	assert.Equal(t, "Bakkerij Smit", smit.CompanyName)
	assert.Equal(t, "Petra Smit", smit.ContactPerson, "a company relation has the person as contact")
	assertTillOrder(t, till["shop-"+ids["new company"]], orders["new company"], articles, smit.Number)

	s.recordHistory("order_created_company", workflows.OrderWorkflowID("shop", ids["new company"]), "")
	s.recordHistory("order_unknown_products", workflows.OrderWorkflowID("shop", ids["unknown SKU"]), "")

	// The same window again: synced orders are known by their workflow id and
	// not started; only the failed one is tried again (and fails again).
	creates := s.mplus.Calls("createOrder")
	again := s.backfill(base, time.Now())
	assert.Equal(t, 4, again.AlreadyKnown)
	assert.Equal(t, 1, again.Started, "the failed order is retried")
	_, err = s.orderResult(ids["unknown SKU"])
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, activities.ErrTypeUnknownProducts, appErr.Type())
	assert.Len(t, s.tillOrders(), 4)
	assert.Equal(t, creates, s.mplus.Calls("createOrder"), "a second sync writes nothing")
}

func withDiscount(l model.OrderLine, cents int64) model.OrderLine {
	l.UnitDiscount = model.NewMoney(cents, "EUR")
	return l
}

// A lost answer after the till committed the order: the retry finds the order
// and the till still holds exactly one.
func TestOrderWrittenOnceWhenTheAnswerIsLost(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	s.seedCatalogue(coffee)
	s.mplus.Faults().Add(simkit.Rule{Op: "createOrder", Kind: simkit.FaultDropAfterCommit, Times: 1})
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	id := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)))

	s.backfill(created.Add(-time.Minute), time.Now())
	r, err := s.orderResult(id)
	require.NoError(t, err)
	assert.Equal(t, workflows.OrderRecovered, r.Outcome, "the retry found the order the lost answer had created")
	assert.Equal(t, 1, s.mplus.Faults().Hits(simkit.FaultDropAfterCommit))
	assert.Len(t, s.tillOrders(), 1)
	s.recordHistory("order_recovered", workflows.OrderWorkflowID("shop", id), "")
}

// The schedule's runs carry the cursor: an unpaid order waits, and once paid
// a later run picks it up; orders created meanwhile follow; nothing twice.
func TestScheduledRunsFollowTheCursor(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	s.seedCatalogue(coffee, mug)
	created := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
	paidID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)))
	unpaidID := s.ccv.AddOrder(order(person("Sophie", "Jansen", "sophie@example.nl"), created.Add(time.Minute), false, mug.line(1)))

	ctx := context.Background()
	_, err := kworker.ApplySchedules(ctx, s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	sched := s.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("shop", workflows.FlowOrders))
	t.Cleanup(func() { _ = sched.Delete(context.Background()) })

	s.waitTill(t, []string{"shop-" + paidID})

	require.NoError(t, s.ccv.SetPaid(unpaidID, true))
	laterID := s.ccv.AddOrder(order(person("Anna", "de Boer", "anna@example.nl"), time.Time{}, true, coffee.line(2)))
	time.Sleep(1500 * time.Millisecond) // past the settle delay, so this run lists it
	s.triggerAfterLastRun(t, sched)
	s.waitTill(t, []string{"shop-" + paidID, "shop-" + unpaidID, "shop-" + laterID})

	d, err := sched.Describe(ctx)
	require.NoError(t, err)
	last := d.Info.RecentActions[len(d.Info.RecentActions)-1].StartWorkflowResult
	s.recordHistory("order_sync_feed_starts", last.WorkflowID, last.FirstExecutionRunID)

	s.triggerAfterLastRun(t, sched)
	s.waitForRuns(t, sched, 3)
	assert.Len(t, s.tillOrders(), 3, "a run with nothing new writes nothing")
}

// waitTill waits until the till holds exactly these extOrderIds.
func (s *stack) waitTill(t *testing.T, want []string) {
	t.Helper()
	sort.Strings(want)
	got := func() []string {
		var ids []string
		for id := range s.tillOrders() {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return ids
	}
	if !assert.Eventually(t, func() bool { return assert.ObjectsAreEqual(want, got()) }, time.Minute, 200*time.Millisecond) {
		t.Fatalf("till orders: want %v, got %v", want, got())
	}
}

// triggerAfterLastRun triggers the schedule once its running action is done
// (overlap SKIP would drop a trigger during a run).
func (s *stack) triggerAfterLastRun(t *testing.T, h client.ScheduleHandle) {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		d, err := h.Describe(ctx)
		return err == nil && len(d.Info.RunningWorkflows) == 0
	}, time.Minute, 100*time.Millisecond)
	d, err := h.Describe(ctx)
	require.NoError(t, err)
	before := d.Info.NumActions
	require.NoError(t, h.Trigger(ctx, client.ScheduleTriggerOptions{}))
	s.waitForRuns(t, h, before+1)
}

// waitForRuns waits until the schedule has completed n runs.
func (s *stack) waitForRuns(t *testing.T, h client.ScheduleHandle, n int) {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		d, err := h.Describe(ctx)
		return err == nil && d.Info.NumActions >= n && len(d.Info.RunningWorkflows) == 0
	}, time.Minute, 100*time.Millisecond)
}

// recordHistory saves a workflow's history as JSON for the replay tests in
// workflows/, when KOPPEL_RECORD_HISTORIES names the folder to write to. Run
// it after a change of workflow shape: make record-histories.
func (s *stack) recordHistory(name, workflowID, runID string) {
	dir := os.Getenv("KOPPEL_RECORD_HISTORIES")
	if dir == "" {
		return
	}
	ctx := context.Background()
	it := s.client.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(s.t, err)
		h.Events = append(h.Events, e)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
	require.NoError(s.t, err)
	require.NoError(s.t, os.WriteFile(filepath.Join(dir, name+".json"), b, 0o644))
}

// Replaying: a failed order runs again once its product exists; replaying a
// synced one skips it. The till never holds an order twice.
func TestReplayFailedAndSyncedOrders(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	start := time.Now().Add(-time.Minute)
	okID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)))
	failID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created.Add(time.Minute), true, mug.line(2)))
	s.backfill(created.Add(-time.Minute), time.Now())
	_, err := s.orderResult(failID)
	require.Error(t, err)

	ctx := context.Background()
	in, _ := s.file.Integration("shop")
	var failed []kworker.OrderRef
	require.Eventually(t, func() bool { // visibility follows the close a moment later
		failed, err = kworker.FailedOrders(ctx, s.client, "shop", start)
		return err == nil && len(failed) == 1
	}, 10*time.Second, 100*time.Millisecond)
	assert.Equal(t, failID, failed[0].ID)
	assert.Equal(t, "2026-2", failed[0].Number)

	s.mplus.AddProduct(mplussim.Product{ArticleNumber: 1099, PLU: mug.sku, Description: mug.name, PriceInclCents: mug.cents})
	run, err := kworker.ReplayOrder(ctx, s.client, s.taskQueue, *in, failed[0])
	require.NoError(t, err)
	var r workflows.OrderResult
	require.NoError(t, run.Get(ctx, &r))
	assert.Equal(t, workflows.OrderCreated, r.Outcome)

	run, err = kworker.ReplayOrder(ctx, s.client, s.taskQueue, *in, kworker.OrderRef{ID: okID})
	require.NoError(t, err)
	require.NoError(t, run.Get(ctx, &r))
	assert.Equal(t, workflows.OrderSkipped, r.Outcome, "a synced order is found in the till and skipped")
	assert.Len(t, s.tillOrders(), 2)

	require.Eventually(t, func() bool {
		failed, err = kworker.FailedOrders(ctx, s.client, "shop", start)
		return err == nil && len(failed) == 0
	}, 10*time.Second, 100*time.Millisecond, "a replayed order no longer counts as failed")
}

// A failed order sends one alert with its reason and a link; a synced order
// sends none.
func TestFailedOrderAlertsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	hook := newWebhook(t)
	s := newStack(t, stackOptions{webhook: hook.url})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	okID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)))
	failID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created.Add(time.Minute), true, mug.line(1)))
	s.backfill(created.Add(-time.Minute), time.Now())
	_, err := s.orderResult(okID)
	require.NoError(t, err)
	_, err = s.orderResult(failID)
	require.Error(t, err)

	require.Eventually(t, func() bool { return len(hook.texts()) >= 1 }, 30*time.Second, 100*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // room for a wrong second alert to show up
	alerts := hook.texts()
	require.Len(t, alerts, 1)
	assert.Contains(t, alerts[0], "order 2026-2")
	assert.Contains(t, alerts[0], mug.sku)
	assert.Contains(t, alerts[0], "/namespaces/default/workflows/shop%2Forder%2F"+failID+"/")
}

// The daily digest counts the day's orders by outcome and lists the failed
// ones; it arrives over the integration's alert channel.
func TestDailyDigestCountsAndListsFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	hook := newWebhook(t)
	s := newStack(t, stackOptions{webhook: hook.url})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	var ids []string
	for i := range 3 {
		ids = append(ids, s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created.Add(time.Duration(i)*time.Minute), true, coffee.line(1))))
	}
	failID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created.Add(5*time.Minute), true, mug.line(1)))
	s.backfill(created.Add(-time.Minute), time.Now())
	for _, id := range ids {
		_, err := s.orderResult(id)
		require.NoError(t, err)
	}
	_, err := s.orderResult(failID)
	require.Error(t, err)
	// One order replayed: it is in the till already, so it counts as skipped.
	in, _ := s.file.Integration("shop")
	run, err := kworker.ReplayOrder(context.Background(), s.client, s.taskQueue, *in, kworker.OrderRef{ID: ids[0]})
	require.NoError(t, err)
	require.NoError(t, run.Get(context.Background(), nil))

	ctx := context.Background()
	var d activities.Digest
	require.Eventually(t, func() bool { // visibility catches up a moment after each close
		r, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: s.taskQueue}, workflows.DigestWorkflow,
			workflows.DigestWorkflowInput{Integration: "shop"})
		require.NoError(t, err)
		require.NoError(t, r.Get(ctx, &d))
		return d.Created == 3 && d.Skipped == 1 && d.Failed == 1
	}, 20*time.Second, 500*time.Millisecond, "digest: %+v", d)
	require.Len(t, d.Failures, 1)
	assert.Equal(t, "order 2026-4", d.Failures[0].Record)

	texts := hook.texts()
	require.NotEmpty(t, texts)
	last := texts[len(texts)-1]
	assert.Contains(t, last, "Synced: 3")
	assert.Contains(t, last, "Skipped (already in the target): 1")
	assert.Contains(t, last, "Failed: 1")
	assert.Contains(t, last, "order 2026-4")
}

func TestDigestScheduleFollowsTheAlertSettings(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{webhook: "http://127.0.0.1:9/unused"})
	ctx := context.Background()
	changes, err := kworker.ApplySchedules(ctx, s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	require.Len(t, changes, 2)
	assert.Equal(t, "shop-digest", changes[1].ID)
	d, err := s.client.ScheduleClient().GetHandle(ctx, "shop-digest").Describe(ctx)
	require.NoError(t, err)
	require.Len(t, d.Schedule.Spec.Calendars, 1)
	assert.Equal(t, 7, d.Schedule.Spec.Calendars[0].Hour[0].Start)
	assert.Equal(t, "Europe/Amsterdam", d.Schedule.Spec.TimeZoneName)
	assert.False(t, d.Schedule.State.Paused)
	for _, id := range []string{"shop-digest", "shop-orders"} {
		_ = s.client.ScheduleClient().GetHandle(ctx, id).Delete(ctx)
	}
}

// webhook records the texts of Slack-style webhook calls.
type webhook struct {
	url  string
	mu   sync.Mutex
	seen []string
}

func newWebhook(t *testing.T) *webhook {
	w := &webhook{}
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.mu.Lock()
		w.seen = append(w.seen, body["text"])
		w.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

func (w *webhook) texts() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

// With a shipping article configured, shipping costs arrive as their own
// line and the till's total is the shop's total to the cent.
func TestShippingCostsArriveAsALine(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{targetOptions: "{shippingPLU: VERZ}"})
	articles := s.seedCatalogue(coffee, mug, product{sku: "VERZ", name: "Verzendkosten"})
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	o := order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(2), mug.line(1))
	o.ShippingMethod, o.ShippingCost = "PostNL", model.NewMoney(495, "EUR")
	o.Total = o.Total.Add(o.ShippingCost)
	id := s.ccv.AddOrder(o)
	s.backfill(created.Add(-time.Minute), time.Now())
	_, err := s.orderResult(id)
	require.NoError(t, err)

	got := s.tillOrders()["shop-"+id]
	require.Len(t, got.Lines, 3)
	ship := got.Lines[2]
	assert.Equal(t, articles["VERZ"], ship.ArticleNumber)
	assert.Equal(t, int64(495), ship.PriceInclCents)
	assert.Equal(t, model.VATPercent(21), ship.VATRate)
	assert.Equal(t, o.Total.Amount, got.TotalInclCents, "the till's total is the shop's total")
}
