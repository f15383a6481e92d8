package sim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// appendJSON writes exactly what encoding/json writes.
func TestAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	same := func(v any, name string) {
		t.Helper()
		want, wantErr := json.Marshal(v)
		got, err := appendJSON(nil, v)
		if wantErr != nil {
			assert.Error(t, err, name)
			return
		}
		require.NoError(t, err, name)
		assert.Equal(t, string(want), string(got), name)
	}
	var nilMap node
	var nilList []any
	var nilStrings []string
	same(node{
		"plain": "text", "empty": "", "html": "<b>&</b>", "quote": `"q" \ back`, "control": "a\tb\nc\x01", "unicode": "Crème brûlée € \u2028",
		"invalid utf8": "a\xffb", "int": 42, "int64": int64(-7), "float": 0.1, "big float": 1e21, "bool": true, "null": nil,
		"numbers": []any{json.Number("1"), json.Number("-0.50"), json.Number("2.5e-3"), json.Number("0"), json.Number("")},
		"nil map": nilMap, "nil list": nilList, "nil strings": nilStrings, "strings": []string{"a", "<"}, "empty list": []any{},
		"nested": node{"z": 1, "a": node{"b": []any{node{}, "x"}}}, "raw": json.RawMessage(`{"b": 1, "a": [ 2 ]}`),
		"other": map[string]int{"b": 2, "a": 1}, "time": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}, "a tree of every kind")
	for _, bad := range []json.Number{"01", "1.", ".5", "1e", "--1", "+1", "0x10", "NaN"} {
		same(node{"n": bad}, "json.Number "+string(bad))
	}
	same(json.RawMessage(`{"broken"`), "broken raw JSON")

	// and every answer the simulator renders
	for _, o := range []Options{{}, {Version: "6.4"}, {TaxListsAsArrays: true}} {
		o.AccessKeyID, o.SecretAccessKey = "k", "s"
		s := New(o)
		for i, c := range simkit.DemoCustomers() {
			mo := model.Order{CreatedAt: time.Date(2026, 3, 2, 12, i, 0, 0, time.UTC), Status: model.StatusPending, Paid: i%2 == 0,
				Currency: "EUR", PricesIncludeVAT: i%3 != 0, Customer: c.Customer, ShippingCost: model.NewMoney(495, "EUR"),
				ShippingVAT: model.VATPercent(21), Note: "Graag <na> 17:00 & \"snel\"",
				Lines: []model.OrderLine{simkit.DemoProducts()[i%len(simkit.DemoProducts())].Line(int64(i + 1))}}
			mo.Total = mo.ComputedTotal()
			id := s.AddOrderWith(mo, OrderOptions{Guest: i%2 == 1, PromotionCode: map[bool]string{true: "WELKOM"}[i == 1]})
			if i == 2 {
				require.NoError(t, s.Corrupt(id, "orderDateTime", `"gisteren"`))
			}
			whole, _ := s.Order(id)
			same(node{"total": 1, "data": []any{whole}, "aggregations": []any{}}, "an order")
		}
		s.mu.Lock()
		for _, entity := range searchable {
			if entity == "order" {
				continue
			}
			for _, n := range s.records(entity, false) {
				same(n, entity)
			}
		}
		s.mu.Unlock()
		same(errorsBody(apiError{Status: 400, Code: "X", Detail: `"a" <b>`, Pointer: "/0/name", Params: map[string]any{"seconds": 3}}), "an error")
	}
}
