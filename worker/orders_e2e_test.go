package worker_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/simkit"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// Finding 6: two orders of one new customer started at once make one
// relation, not two — the creates go through the customer's keeper. The
// till answers createRelation slowly, so without the keeper both orders
// would look the customer up before either had created it.
func TestTwoOrdersOfOneNewCustomerMakeOneRelation(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	s.seedCatalogue(coffee, mug)
	s.mplus.Faults().Add(simkit.Rule{Op: "createRelation", Kind: simkit.FaultLatency, Latency: 700 * time.Millisecond})
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	jan := person("Jan", "Visser", "Jan.Visser@Example.nl")
	first := s.ccv.AddOrder(order(jan, created, true, coffee.line(1)))
	jan.Email = "jan.visser@example.nl" // the same customer, typed otherwise
	second := s.ccv.AddOrder(order(jan, created.Add(time.Second), true, mug.line(2)))

	s.backfill(created.Add(-time.Minute), time.Now())
	r1, err := s.orderResult(first)
	require.NoError(t, err)
	r2, err := s.orderResult(second)
	require.NoError(t, err)

	rel, n := s.relationByEmail("jan.visser@example.nl")
	assert.Equal(t, 1, n, "one relation for the customer")
	assert.Equal(t, r1.Customer.CustomerID, r2.Customer.CustomerID, "both orders are booked on it")
	assert.Equal(t, "jan.visser@example.nl", rel.Email, "kept in lower case, so a case-sensitive lookup finds it")
	assert.ElementsMatch(t, []string{"created", "unchanged"}, []string{string(r1.Customer.Action), string(r2.Customer.Action)})

	keeper := activities.CustomerKeeperWorkflowID(nil, activities.TargetAccount(s.file.Integrations[0]),
		connectors.CustomerMatch{Field: "email", Value: "jan.visser@example.nl"})
	assert.NotContains(t, keeper, "jan", "no e-mail in a workflow id")
	s.recordHistory("customer_keeper", keeper, "")
}

// Finding 7: an order the connector cannot read fails on its own, naming
// the order and the field (and alerts); the orders beside it sync.
func TestUnreadableOrderFailsAloneNamingTheField(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	s.seedCatalogue(coffee, mug)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	bad := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)))
	good := s.ccv.AddOrder(order(person("Anna", "de Boer", "anna@example.nl"), created.Add(time.Second), true, mug.line(1)))
	require.NoError(t, s.ccv.SetStatusCode(bad, 99))

	stats := s.backfill(created.Add(-time.Minute), time.Now())
	assert.Equal(t, 1, stats.Unreadable)
	_, err := s.orderResult(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "order "+bad+" cannot be read: status: 99 is not a CCV Shop order status")
	_, err = s.orderResult(good)
	require.NoError(t, err)
	assert.Contains(t, s.tillOrders(), "shop-"+good)
	assert.NotContains(t, s.tillOrders(), "shop-"+bad)
}

// Finding 4: two shops whose order and customer ids overlap, into one till.
// Each integration's keys are scoped to it, so both shops' order 1001 and
// both customers 42 arrive, each on its own relation.
func TestTwoShopsWithTheSameIdsIntoOneTill(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	s.seedCatalogue(coffee, mug)
	env := map[string]string{}
	shopA, urlA, credsA := startStackSim(t, "ccvshop", "E2E_A_", true, env)
	shopB, urlB, credsB := startStackSim(t, "ccvshop", "E2E_B_", true, env)
	till := s.file.Integrations[0].Target
	var tillCreds []string
	for name := range till.Credentials {
		tillCreds = append(tillCreds, name+": TILL_"+strings.ToUpper(name))
		env["TILL_"+strings.ToUpper(name)] = e2eCredentials["mplus"][name]
	}
	sort.Strings(tillCreds)
	f, err := config.Parse("two.yaml", []byte(fmt.Sprintf(`
integrations:
  - name: shop-a
    source: {system: ccvshop, baseURL: %q, credentials: %s}
    target: {system: mplus, baseURL: %q, credentials: {%s}}
    flows:
      orders: {interval: 1h, customerMatch: externalId}
  - name: shop-b
    source: {system: ccvshop, baseURL: %q, credentials: %s}
    target: {system: mplus, baseURL: %q, credentials: {%s}}
    flows:
      orders: {interval: 1h, customerMatch: externalId}
`, urlA, credsA, till.BaseURL, strings.Join(tillCreds, ", "), urlB, credsB, till.BaseURL, strings.Join(tillCreds, ", "))))
	require.NoError(t, err)
	acts, err := activities.Build(f, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	require.NoError(t, err)
	acts.Temporal = s.client
	w := kworker.New(s.client, "two-shops", acts)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	anna, bert := person("Anna", "de Boer", "anna@example.nl"), person("Bert", "Smit", "bert@example.nl")
	anna.ID, bert.ID = "42", "42" // each shop's customer 42
	ids := map[string]string{
		"shop-a": shopA.(*ccvsim.Sim).AddOrder(order(anna, created, true, coffee.line(1))),
		"shop-b": shopB.(*ccvsim.Sim).AddOrder(order(bert, created, true, mug.line(2))),
	}
	require.Equal(t, ids["shop-a"], ids["shop-b"], "both shops' first order has the same id")
	ctx := context.Background()
	for name, id := range ids {
		run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: name + "-backfill", TaskQueue: "two-shops"},
			workflows.OrderSyncWorkflow, workflows.OrderSyncInput{Integration: name, Backfill: &workflows.Window{From: created.Add(-time.Minute), To: time.Now()}})
		require.NoError(t, err)
		require.NoError(t, run.Get(ctx, nil))
		var r workflows.OrderResult
		require.NoError(t, s.client.GetWorkflow(ctx, workflows.OrderWorkflowID(name, id), "").Get(ctx, &r))
		assert.Equal(t, workflows.OrderCreated, r.Outcome, "%s: %s", name, r.Message)
	}

	orders := s.tillOrders()
	require.Contains(t, orders, "shop-a-"+ids["shop-a"])
	require.Contains(t, orders, "shop-b-"+ids["shop-b"])
	relations := map[string]int64{}
	for _, r := range s.mplus.Relations() {
		relations[r.ExtRelationID] = r.Number
	}
	assert.Equal(t, relations["shop-a-42"], orders["shop-a-"+ids["shop-a"]].RelationNumber, "shop A's order on shop A's customer")
	assert.Equal(t, relations["shop-b-42"], orders["shop-b-"+ids["shop-b"]].RelationNumber, "shop B's order on shop B's customer")
	assert.NotEqual(t, relations["shop-a-42"], relations["shop-b-42"])
}

// A backfill asks for the next page before it starts the orders of this
// one, so at the source's rate limit the next page's read comes before
// those orders' own reads and the workers never wait for a page (listing
// after starting them left every worker idle between pages).
func TestBackfillListsTheNextPageBeforeStartingThisOnesOrders(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{flow: ", pageSize: 2"})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i := range 5 {
		s.ccv.AddOrder(order(person("Klant", fmt.Sprint(i), fmt.Sprintf("klant%d@example.nl", i)), created.Add(time.Duration(i)*time.Second), true, coffee.line(1)))
	}
	run := s.startBackfill("-ahead", created.Add(-time.Minute), time.Now())
	var cur workflows.OrderCursor
	require.NoError(t, run.Get(context.Background(), &cur))
	assert.Equal(t, 5, cur.LastRun.Started)
	s.recordHistory("order_sync_backfill_starts", run.GetID(), "")

	// In the run's history: each page's listing is scheduled before the
	// orders of the page before it start (one StartOrders per page).
	var events []string
	it := s.client.GetWorkflowHistory(context.Background(), run.GetID(), "", false, 0)
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(t, err)
		switch {
		case e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == "ListOrders":
			events = append(events, "list")
		case e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == "StartOrders":
			events = append(events, "start")
		case e.GetStartChildWorkflowExecutionInitiatedEventAttributes() != nil:
			events = append(events, "child")
		}
	}
	assert.Equal(t, []string{"list", "list", "start", "list", "start", "start"}, events, "pages of 2, 2 and 1 orders")
	require.Eventually(t, func() bool { return len(s.tillOrders()) == 5 }, time.Minute, 100*time.Millisecond, "every order once")
}

// An order step that finds this worker's rate limiter busy beyond what the
// step may wait goes to the task queue, for whichever worker takes it, and
// the order is written once. CCV Shop at three reads of /orders a minute
// (one at once, then one every 30 s): the listing takes the first, one
// order waits 30 s for the next, the other's turn is a minute off, past
// the 45 s an order step may wait of its minute.
func TestStepOfABusyLimiterGoesToTheTaskQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{sourceLimits: "{readsPerMinute: 3}"})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	ids := []string{
		s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1))),
		s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created.Add(time.Second), true, coffee.line(2))),
	}
	run := s.startBackfill("-busy", created.Add(-time.Minute), time.Now())
	require.NoError(t, run.Get(context.Background(), nil))

	var handedOff []string
	for _, id := range ids {
		r, err := s.orderResult(id)
		require.NoError(t, err)
		assert.Equal(t, workflows.OrderCreated, r.Outcome)
		it := s.client.GetWorkflowHistory(context.Background(), workflows.OrderWorkflowID("shop", id), "", false, 0)
		for it.HasNext() {
			e, err := it.Next()
			require.NoError(t, err)
			if e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == "FetchOrder" {
				handedOff = append(handedOff, id)
			}
		}
	}
	require.Len(t, handedOff, 1, "the order whose turn was past its deadline, and only it, went to the task queue")
	assert.Len(t, s.tillOrders(), 2, "both orders once")
	s.recordHistory("order_handed_off", workflows.OrderWorkflowID("shop", handedOff[0]), "")
}
