package activities

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// summarySource answers GetOrderSummary from a table; an id mapped to an
// error returns it.
type summarySource struct {
	fakeSource
	summaries map[string]connectors.OrderSummary
	errs      map[string]error
	asked     []string
}

func (s *summarySource) GetOrderSummary(_ context.Context, id string) (connectors.OrderSummary, error) {
	s.asked = append(s.asked, id)
	if err := s.errs[id]; err != nil {
		return connectors.OrderSummary{}, err
	}
	return s.summaries[id], nil
}

func recheckActs(src connectors.OrderSource) *Activities {
	acts := actsWith(newFakeTarget(), config.OrderFlow{Statuses: []string{"processing"}})
	acts.Integrations["demo"].Source = src
	return acts
}

// Finding 10: a 429 in the middle of the rechecks keeps what was done; the
// rest waits for the next run instead of the activity starting over.
func TestRechecksStopAtARateLimitKeepingTheirWork(t *testing.T) {
	src := &summarySource{
		summaries: map[string]connectors.OrderSummary{
			"1": {ID: "1", Paid: true, Status: model.StatusShipped}, // moved past "processing": eligible
			"2": {ID: "2", Paid: false, Status: model.StatusPending},
			"4": {ID: "4", Paid: true, Status: model.StatusProcessing},
		},
		errs: map[string]error{"3": &connectors.Error{Kind: connectors.KindRateLimited, System: "ccvshop", RetryAfter: time.Minute}},
	}
	refs := []OrderRef{{ID: "1"}, {ID: "2"}, {ID: "3"}, {ID: "4"}}
	res, err := recheckActs(src).RecheckOrders(context.Background(), RecheckOrdersInput{Integration: "demo", Orders: refs})
	require.NoError(t, err, "a rate limit never fails the rechecks")
	assert.Equal(t, 2, res.Checked)
	assert.Equal(t, "rate_limited", res.Stopped)
	assert.Equal(t, []OrderRef{{ID: "1"}}, res.Eligible)
	assert.Equal(t, []OrderRef{{ID: "2"}}, res.NotYet)
	assert.Equal(t, []string{"1", "2", "3"}, src.asked, "nothing after the 429 is asked")
}

// Rechecks sort what they find: deleted and cancelled orders leave the
// waiting list, an unreadable one is started to be reported.
func TestRechecksSortGoneAndUnreadableOrders(t *testing.T) {
	src := &summarySource{
		summaries: map[string]connectors.OrderSummary{
			"c": {ID: "c", Status: model.StatusCancelled},
			"u": {ID: "u", Unreadable: "status: 99 is not a CCV Shop order status"},
		},
		errs: map[string]error{"gone": &connectors.Error{Kind: connectors.KindNotFound, System: "ccvshop"}},
	}
	res, err := recheckActs(src).RecheckOrders(context.Background(), RecheckOrdersInput{Integration: "demo",
		Orders: []OrderRef{{ID: "c"}, {ID: "u"}, {ID: "gone"}}})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Checked)
	assert.Equal(t, []OrderRef{{ID: "c"}}, res.Closed)
	assert.Equal(t, []OrderRef{{ID: "u"}}, res.Eligible)
	assert.Equal(t, 1, res.Unreadable)
	assert.Equal(t, []OrderRef{{ID: "gone"}}, res.Dropped)
}

// Rechecks are paced to their share of the read quota.
func TestRechecksArePaced(t *testing.T) {
	src := &summarySource{summaries: map[string]connectors.OrderSummary{}}
	refs := []OrderRef{{ID: "1"}, {ID: "2"}, {ID: "3"}}
	start := time.Now()
	res, err := recheckActs(src).RecheckOrders(context.Background(), RecheckOrdersInput{Integration: "demo", Orders: refs, PerMinute: 300})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Checked)
	assert.GreaterOrEqual(t, time.Since(start), 350*time.Millisecond, "300 a minute: 200 ms apart")
}
