package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/shopware6/sim"
)

func productBody(id, number string) string {
	return fmt.Sprintf(`{"id":%q,"productNumber":%q,"name":"Mok","stock":3,"taxId":%q,
		"price":[{"currencyId":%q,"gross":8.50,"net":7.02,"linked":true}]}`, id, number, sim.DefaultTaxID, sim.DefaultCurrencyID)
}

func TestCreateAnswers204WithLocationOrTheRecord(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := strings.Repeat("a", 32)
	a := s.api("POST", "/api/product", productBody(id, "MOK-1"))
	require.Equal(t, 204, a.status, a.raw)
	assert.Equal(t, s.url+"/api/product/"+id, a.header.Get("Location"))

	b := s.api("POST", "/api/product?_response=basic", productBody(strings.Repeat("b", 32), "MOK-2"))
	require.Equal(t, 200, b.status, b.raw)
	data := b.body["data"].(map[string]any)
	assert.Equal(t, "MOK-2", data["productNumber"])
	assert.Equal(t, 8.5, data["price"].([]any)[0].(map[string]any)["gross"])

	again := s.api("POST", "/api/product", productBody(id, "MOK-3"))
	assert.Equal(t, 400, again.status, "the REST create inserts: an existing id is refused")
}

func TestProductValidation(t *testing.T) {
	s := newShop(t, sim.Options{})
	a := s.api("POST", "/api/product", `{"productNumber":"X"}`)
	require.Equal(t, 400, a.status, a.raw)
	var pointers []string
	for _, e := range a.body["errors"].([]any) {
		m := e.(map[string]any)
		assert.Equal(t, "c1051bb4-d103-4f74-8988-acbcafc7fdc3", m["code"])
		pointers = append(pointers, m["source"].(map[string]any)["pointer"].(string))
	}
	assert.ElementsMatch(t, []string{"/0/name", "/0/stock", "/0/taxId", "/0/price"}, pointers)

	require.Equal(t, 204, s.api("POST", "/api/product", productBody(strings.Repeat("c", 32), "MOK-1")).status)
	dup := s.api("POST", "/api/product", productBody(strings.Repeat("d", 32), "MOK-1"))
	require.Equal(t, 400, dup.status)
	e := firstError(dup)
	assert.Equal(t, "CONTENT__DUPLICATE_PRODUCT_NUMBER", e["code"])
	assert.Equal(t, `Product with number "MOK-1" already exists.`, e["detail"])
	assert.Equal(t, "MOK-1", e["meta"].(map[string]any)["parameters"].(map[string]any)["number"])

	// a variant needs only its number and stock
	v := fmt.Sprintf(`{"id":%q,"parentId":%q,"productNumber":"MOK-1-W","stock":1}`, strings.Repeat("e", 32), strings.Repeat("c", 32))
	assert.Equal(t, 204, s.api("POST", "/api/product", v).status)
}

func TestPatchIsPartialAndAddsOnly(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := strings.Repeat("a", 32)
	require.Equal(t, 204, s.api("POST", "/api/product", productBody(id, "MOK-1")).status)
	a := s.api("PATCH", "/api/product/"+id, fmt.Sprintf(`{"stock":9,"visibilities":[{"salesChannelId":%q,"visibility":30}]}`, sim.DefaultSalesChannelID))
	require.Equal(t, 204, a.status, a.raw)
	got, _ := s.sim.Product("MOK-1")
	assert.Equal(t, "Mok", got["name"])
	assert.Len(t, got["visibilities"], 1)
	n, _ := s.sim.Stock("MOK-1")
	assert.Equal(t, int64(9), n)
	assert.Equal(t, 404, s.api("PATCH", "/api/product/"+strings.Repeat("f", 32), `{"stock":1}`).status)
}

func TestSyncIsAllOrNothingFrom65(t *testing.T) {
	s := newShop(t, sim.Options{})
	body := fmt.Sprintf(`[{"action":"upsert","entity":"product","payload":[%s,{"id":%q,"productNumber":"B"}]}]`,
		productBody(strings.Repeat("a", 32), "A"), strings.Repeat("b", 32))
	a := s.api("POST", "/api/_action/sync", body)
	require.Equal(t, 400, a.status, a.raw)
	assert.Equal(t, "/0/1/name", firstError(a)["source"].(map[string]any)["pointer"])
	assert.Equal(t, 0, s.sim.Count("product"), "rolled back")

	ok := s.api("POST", "/api/_action/sync", fmt.Sprintf(`{"write-product":{"action":"upsert","entity":"product","payload":[%s]}}`, productBody(strings.Repeat("a", 32), "A")))
	require.Equal(t, 200, ok.status, ok.raw)
	assert.Equal(t, []any{strings.Repeat("a", 32)}, ok.body["data"].(map[string]any)["product"])
	// an upsert of the same id updates it
	again := s.api("POST", "/api/_action/sync", fmt.Sprintf(`[{"action":"upsert","entity":"product","payload":[{"id":%q,"stock":4}]}]`, strings.Repeat("a", 32)))
	require.Equal(t, 200, again.status, again.raw)
	assert.Equal(t, 1, s.sim.Count("product"))

	del := s.api("POST", "/api/_action/sync", fmt.Sprintf(`[{"action":"delete","entity":"product","payload":[{"id":%q}]}]`, strings.Repeat("a", 32)))
	require.Equal(t, 200, del.status, del.raw)
	assert.Equal(t, 0, s.sim.Count("product"))
}

func TestSync64AnswersPerOperation(t *testing.T) {
	s := newShop(t, sim.Options{Version: "6.4"})
	body := fmt.Sprintf(`[{"action":"upsert","entity":"product","payload":[%s]},{"action":"upsert","entity":"product","payload":[{"id":%q,"productNumber":"B"}]}]`,
		productBody(strings.Repeat("a", 32), "A"), strings.Repeat("b", 32))
	a := s.do("POST", "/api/_action/sync", "application/json", body, map[string]string{"Authorization": "Bearer " + s.login(), "Accept": "application/json", "fail-on-error": "false"})
	require.Equal(t, 400, a.status, a.raw)
	assert.Equal(t, false, a.body["success"])
	assert.Equal(t, 1, s.sim.Count("product"), "without fail-on-error the good operation stays")
}

func TestMediaUpload(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := strings.Repeat("a", 32)
	require.Equal(t, 200, s.api("POST", "/api/_action/sync", fmt.Sprintf(`[{"action":"upsert","entity":"media","payload":[{"id":%q}]}]`, id)).status)
	a := s.do("POST", "/api/_action/media/"+id+"/upload?extension=png&fileName=mok", "application/octet-stream", "\x89PNG....",
		map[string]string{"Authorization": "Bearer " + s.login(), "Accept": "application/json"})
	require.Equal(t, 204, a.status, a.raw)
	assert.Contains(t, a.header.Get("Location"), "/media/mok.png")
	m := s.sim.Records("media")[0]
	assert.Equal(t, "mok", m["fileName"])
	assert.Equal(t, true, m["hasFile"])
	missing := s.do("POST", "/api/_action/media/"+id+"/upload", "application/octet-stream", "x", map[string]string{"Authorization": "Bearer " + s.token, "Accept": "application/json"})
	assert.Equal(t, 400, missing.status, "the extension is required")
}

// A restored shop keeps its catalogue and takes writes on it.
func TestCatalogSurvivesSnapshotAndRestore(t *testing.T) {
	s := newShop(t, sim.Options{})
	s.sim.SeedCatalog()
	snap, err := s.sim.Snapshot()
	require.NoError(t, err)
	other := newShop(t, sim.Options{})
	require.NoError(t, other.sim.Restore(snap))
	n, ok := other.sim.Stock("KOF-1000")
	require.True(t, ok)
	assert.Equal(t, int64(10), n)
	rec, _ := other.sim.Product("KOF-1000")
	a := other.api("POST", "/api/_action/sync", fmt.Sprintf(`[{"action":"upsert","entity":"product","payload":[{"id":%q,"stock":11}]}]`, rec["id"]))
	require.Equal(t, 200, a.status, a.raw)
	n, _ = other.sim.Stock("KOF-1000")
	assert.Equal(t, int64(11), n)
}
