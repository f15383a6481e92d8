package worker_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/koppel/koppel/worker/codec"
	"github.com/koppel/koppel/workflows"
)

// What Temporal stores holds no customer data in plain text: a history read
// without the keys shows only sealed payloads, also in failure messages; the
// same history read with the keys decodes.
func TestHistoriesHoldNoPersonalDataInPlainText(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	key, err := codec.NewKey("e2e")
	require.NoError(t, err)
	s := newStack(t, stackOptions{seal: true, keys: key})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	cust := person("Gerrit", "Zwartjes", "g.zwartjes@example.nl")
	cust.Billing.Street, cust.Shipping.Street = "Hoogstraat", "Hoogstraat"
	okID := s.ccv.AddOrder(order(cust, created, true, coffee.line(3)))
	failID := s.ccv.AddOrder(order(cust, created.Add(time.Minute), true, product{sku: "SECRET-SKU-77", name: "Cadeaubon", cents: 7331, vat: 0}.line(1)))
	s.backfill(created.Add(-time.Minute), time.Now())

	r, err := s.orderResult(okID)
	require.NoError(t, err, "with the keys the result decodes")
	assert.Equal(t, workflows.OrderCreated, r.Outcome)
	_, err = s.orderResult(failID)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SECRET-SKU-77", "with the keys the failure message decodes")

	plain := s.server.Client() // no keys
	for _, id := range []string{okID, failID} {
		raw := historyJSON(t, plain, workflows.OrderWorkflowID("shop", id))
		for _, secret := range []string{"Zwartjes", "g.zwartjes@example.nl", "Hoogstraat", "SECRET-SKU-77", "73.31"} {
			assert.NotContains(t, raw, secret, "order %s history", id)
		}
		assert.NotContains(t, raw, b64("json/plain"), "no payload is stored unsealed")
		assert.Contains(t, raw, b64(codec.EncodingEncrypted))
	}
}

// historyJSON is a workflow's whole history as JSON, read through c.
func historyJSON(t *testing.T, c client.Client, id string) string {
	it := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(t, err)
		// Search attributes stay readable by design (the server indexes
		// them); they hold ids and numbers only.
		if a := e.GetWorkflowExecutionStartedEventAttributes(); a != nil {
			a.SearchAttributes = nil
		}
		if a := e.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil {
			a.SearchAttributes = nil
		}
		if a := e.GetUpsertWorkflowSearchAttributesEventAttributes(); a != nil {
			a.SearchAttributes = nil
		}
		h.Events = append(h.Events, e)
	}
	b, err := protojson.Marshal(&h)
	require.NoError(t, err)
	return string(b)
}

// b64 is how protojson writes metadata bytes.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
