package worker_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
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
