package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet/sim"
)

type listed struct {
	Number          string
	InventoryNumber string
	Metadata        struct{ TotalCount, MaxPageSize int }
}

func TestPagingIsCappedSilently(t *testing.T) {
	c := newCompany(t, sim.Options{})
	for i := range sim.MaxPageSize {
		_, err := c.sim.AddCustomer(sim.Customer{Name: fmt.Sprintf("Klant %d", i)})
		require.NoError(t, err)
	}
	var page []listed
	c.do(http.MethodGet, "/v1/customer?pageSize=5000", "").decode(t, &page)
	require.Len(t, page, sim.MaxPageSize, "a page is cut to the maximum")
	assert.Equal(t, sim.MaxPageSize+2, page[0].Metadata.TotalCount)
	assert.Equal(t, sim.MaxPageSize, page[0].Metadata.MaxPageSize)
	c.do(http.MethodGet, "/v1/customer?pageSize=5000&pageNumber=2", "").decode(t, &page)
	assert.Len(t, page, 2, "the second page holds the rest")
	c.do(http.MethodGet, "/v1/customer", "").decode(t, &page)
	assert.Len(t, page, sim.MaxPageSize, "no pageSize is the maximum")
	r := c.bad(http.MethodGet, "/v1/customer?pageNumber=0", "")
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "pageNumber")
}

// Inventory's maximum is 5000; the listing is read without the contract
// checker, which would take long over 5000 records.
func TestInventoryPageMaximum(t *testing.T) {
	s := sim.New(sim.Options{ClientID: clientID, ClientSecret: clientSecret, TenantID: tenantID})
	for i := range sim.MaxPageSizeInventory + 1 {
		require.NoError(t, s.AddItem(sim.Item{Number: "ITEM-" + strconv.Itoa(i), Description: "Item", ClassID: sim.ItemClassService}))
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/inventory?pageSize=100000", nil)
	req.Header.Set("Authorization", "Bearer "+s.IssueToken())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page []listed
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	require.Len(t, page, sim.MaxPageSizeInventory)
	assert.Equal(t, sim.MaxPageSizeInventory+1, page[0].Metadata.TotalCount)
	assert.Equal(t, sim.MaxPageSizeInventory, page[0].Metadata.MaxPageSize)
}

func TestChangeFilters(t *testing.T) {
	c := newCompany(t, sim.Options{TokenLifetime: 3 * time.Hour})
	t0 := c.now
	c.now = t0.Add(time.Hour)
	require.NoError(t, c.sim.SetItemPrice("THE-0100", sim.MustDec("4.50")))
	at := func(t time.Time) string { return url.QueryEscape(t.Format("2006-01-02 15:04:05")) }
	query := func(q string) []string {
		var page []listed
		c.do(http.MethodGet, "/v1/inventory?"+q, "").decode(t, &page)
		var out []string
		for _, p := range page {
			out = append(out, p.InventoryNumber)
		}
		return out
	}
	enc := map[string]string{">": "%3E", ">=": "%3E%3D", "<": "%3C", "<=": "%3C%3D"}
	changed := func(cond string, t time.Time) []string {
		return query("lastModifiedDateTime=" + at(t) + "&lastModifiedDateTimeCondition=" + enc[cond])
	}
	assert.Equal(t, []string{"THE-0100"}, changed(">", t0))
	assert.Equal(t, []string{"THE-0100"}, changed(">=", c.now))
	assert.Empty(t, changed(">", c.now))
	assert.Len(t, changed("<", c.now), 8, "the others, stamped at the seed")
	assert.Len(t, changed("<=", t0), 8)
	assert.Len(t, query("createdDateTime="+t0.Format("2006-01-02")+"&createdDateTimeCondition=%3E%3D"), 9)

	for _, q := range []string{
		"lastModifiedDateTime=2026-03-02",                                     // no condition
		"lastModifiedDateTimeCondition=%3E",                                   // no date
		"lastModifiedDateTime=2026-03-02&lastModifiedDateTimeCondition=after", // no such condition
		"lastModifiedDateTime=yesterday&lastModifiedDateTimeCondition=%3E",    // no date
		"availabilityLastModifiedDateTime=2026-03-02T10:00:00",                // no condition
	} {
		r := c.do(http.MethodGet, "/v1/inventory?"+q, "")
		assert.Equal(t, http.StatusBadRequest, r.status, q)
		r.ipp(t)
	}
}

func TestRateLimit(t *testing.T) {
	c := newCompany(t, sim.Options{RequestsPerHour: 3, TokenLifetime: 3 * time.Hour})
	r := c.do(http.MethodGet, "/v1/customer", "")
	assert.Equal(t, "3", r.header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "2", r.header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, "3600", r.header.Get("X-RateLimit-Reset"))
	assert.Equal(t, sim.RateLimitPolicy, r.header.Get("X-RateLimit-Policy"))
	assert.NotEmpty(t, r.header.Get("Ipp-Request-Id"))

	c.now = c.now.Add(10 * time.Minute)
	r = c.do(http.MethodGet, "/v1/customer/99999", "")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "1", r.header.Get("X-RateLimit-Remaining"), "a 404 counts and reports")
	assert.Equal(t, "3000", r.header.Get("X-RateLimit-Reset"))
	var msg struct{ Message string }
	r.decode(t, &msg)
	assert.Contains(t, msg.Message, "99999")
	assert.Equal(t, "0", c.do(http.MethodGet, "/v1/vat", "").header.Get("X-RateLimit-Remaining"))

	r = c.do(http.MethodGet, "/v1/customer", "")
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "3000", r.header.Get("Retry-After"))
	assert.Equal(t, "0", r.header.Get("X-RateLimit-Remaining"))
	var gw struct {
		StatusCode int
		Message    string
	}
	r.decode(t, &gw)
	assert.Equal(t, 429, gw.StatusCode)
	assert.Contains(t, gw.Message, "3000 seconds")

	// The window turns: calls go through again.
	c.now = c.now.Add(50 * time.Minute)
	r = c.do(http.MethodGet, "/v1/customer", "")
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "2", r.header.Get("X-RateLimit-Remaining"))

	// SetRateLimit lifts it.
	c.sim.SetRateLimit(-1)
	for range 5 {
		r = c.do(http.MethodGet, "/v1/customer", "")
		require.Equal(t, http.StatusOK, r.status)
	}
	assert.Empty(t, r.header.Get("X-RateLimit-Limit"), "unlimited reports no limit")
}

func TestFaults(t *testing.T) {
	c := newCompany(t, sim.Options{})
	c.sim.Faults().Add(simkit.Rule{Op: sim.OpCreateSalesOrder, Kind: simkit.FaultStatus, Status: 500, Times: 1})
	r := c.do(http.MethodPost, "/v1/salesorder", orderBody(t, nil))
	require.Equal(t, http.StatusInternalServerError, r.status)
	var msg struct{ Message string }
	r.decode(t, &msg)
	assert.NotEmpty(t, msg.Message)
	assert.Empty(t, c.sim.SalesOrders(), "an injected error changes nothing")

	c.sim.Faults().Add(simkit.Rule{Op: sim.OpListInventory, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second, Times: 1})
	r = c.do(http.MethodGet, "/v1/inventory", "")
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "7", r.header.Get("Retry-After"))

	// Dropped after the commit: the client sees no answer, the order exists.
	srv := httptest.NewServer(c.sim) // no checker between: the connection must reach the simulator
	t.Cleanup(srv.Close)
	c.sim.Faults().Add(simkit.Rule{Op: sim.OpCreateSalesOrder, Kind: simkit.FaultDropAfterCommit, Times: 1})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/salesorder", bytes.NewReader([]byte(orderBody(t, nil))))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	_, err := http.DefaultClient.Do(req)
	require.Error(t, err, "the answer is dropped")
	assert.Len(t, c.sim.SalesOrders(), 1, "the order was committed")
	assert.Equal(t, 1, c.sim.Faults().Hits(simkit.FaultDropAfterCommit))
	assert.Equal(t, 1, c.sim.Calls().Count(sim.OpCreateSalesOrder), "the dropped create was served; the injected 500 was not")
}

func TestSnapshotRestore(t *testing.T) {
	c := newCompany(t, sim.Options{})
	c.create("/v1/salesorder", orderBody(t, nil))
	_, err := c.sim.AdjustStock("KOF-1000", "MAIN", sim.Units(-4), "breuk")
	require.NoError(t, err)
	snap, err := c.sim.Snapshot()
	require.NoError(t, err)

	other := sim.New(sim.Options{ClientID: clientID, ClientSecret: clientSecret, TenantID: tenantID, Now: func() time.Time { return c.now }})
	require.NoError(t, other.Restore(snap))
	again, err := other.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(snap), string(again))
	assert.Equal(t, sim.Units(96), other.OnHand("KOF-1000", "MAIN"))
	assert.Len(t, other.SalesOrders(), 1)

	// The restored company serves the same records to the same token, and
	// its number series goes on.
	srv := httptest.NewServer(other)
	t.Cleanup(srv.Close)
	c.url = srv.URL
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v1/salesorder/SO/000001", "").status)
	assert.Equal(t, "000002", c.create("/v1/salesorder", orderBody(t, nil)))
	assert.Len(t, c.sim.SalesOrders(), 1, "the original is untouched")
	assert.Error(t, other.Restore([]byte("{not json")))
}

func TestBackgroundJobs(t *testing.T) {
	c := newCompany(t, sim.Options{})
	r := c.do(http.MethodPost, "/v1/customer", `{"name":{"value":"Achtergrond B.V."}}`, sim.HeaderBackground, "none")
	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	var accepted struct{ ID, StateLocation string }
	r.decode(t, &accepted)
	require.NotEmpty(t, accepted.ID)
	assert.Contains(t, accepted.StateLocation, "/v1/background/"+accepted.ID)

	var state struct {
		Status             string
		StatusCode         int
		HasResponseContent bool
		ErrorMessage       string
		ResponseHeaders    map[string]string
	}
	c.do(http.MethodGet, "/v1/background/"+accepted.ID, "").decode(t, &state)
	assert.Equal(t, "Finished", state.Status)
	assert.Equal(t, http.StatusCreated, state.StatusCode)
	assert.Contains(t, state.ResponseHeaders["Location"], "/v1/customer/10003")
	assert.False(t, state.HasResponseContent)
	_, ok := c.sim.Customer("10003")
	assert.True(t, ok)

	// A job whose call fails keeps the error; a held job waits.
	c.sim.HoldBackgroundJobs(true)
	r = c.do(http.MethodPost, "/v1/customer", `{"name":"unwrapped"}`, sim.HeaderBackground, "subscription:x=1", breaksContract, "yes")
	require.Equal(t, http.StatusAccepted, r.status)
	r.decode(t, &accepted)
	c.do(http.MethodGet, "/v1/background/"+accepted.ID, "").decode(t, &state)
	assert.Equal(t, "Started", state.Status)
	assert.Equal(t, 0, state.StatusCode)
	c.sim.HoldBackgroundJobs(false)
	c.do(http.MethodGet, "/v1/background/"+accepted.ID, "").decode(t, &state)
	assert.Equal(t, "Failed", state.Status)
	assert.Equal(t, http.StatusBadRequest, state.StatusCode)
	assert.Contains(t, state.ErrorMessage, "'name' must be wrapped")
	content := c.do(http.MethodGet, "/v1/background/"+accepted.ID+"/content", "")
	require.Equal(t, http.StatusOK, content.status)
	assert.Equal(t, "IPPException", content.ipp(t).ExceptionType)

	// A GET in the background keeps its answer as content.
	c.do(http.MethodGet, "/v1/inventory/KOF-1000", "", sim.HeaderBackground, "https://hooks.example/visma").decode(t, &accepted)
	content = c.do(http.MethodGet, "/v1/background/"+accepted.ID+"/content", "")
	var item struct{ InventoryNumber string }
	content.decode(t, &item)
	assert.Equal(t, "KOF-1000", item.InventoryNumber)

	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodGet, "/v1/vat", "", sim.HeaderBackground, "later").status)
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, "/v1/background/5a1b0000-0000-4000-8000-00000000ffff", "").status)
}

func TestItemAttachments(t *testing.T) {
	c := newCompany(t, sim.Options{})
	upload := func(name string, data []byte) reply {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, err := mw.CreateFormFile("v", name)
		require.NoError(t, err)
		_, _ = part.Write(data)
		require.NoError(t, mw.Close())
		req, _ := http.NewRequest(http.MethodPost, c.url+"/v1/inventory/KOF-1000/attachment", &body)
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return c.send(req)
	}
	r := upload("bonen.jpg", []byte("first"))
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.Equal(t, http.StatusCreated, upload("bonen.jpg", []byte("second")).status)

	var item struct {
		Attachments []struct {
			Name, ID string
			Revision int
		}
	}
	c.do(http.MethodGet, "/v1/inventory/KOF-1000", "").decode(t, &item)
	require.Len(t, item.Attachments, 1, "the same name is a new revision")
	assert.Equal(t, 2, item.Attachments[0].Revision)
	file := c.do(http.MethodGet, "/v1/attachment/"+item.Attachments[0].ID, "")
	require.Equal(t, http.StatusOK, file.status)
	assert.Equal(t, "second", string(file.body))
	assert.Equal(t, "image/jpeg", file.header.Get("Content-Type"))

	// The demo image, in a listing that asks for attachments.
	var page []struct {
		Attachments []struct{ ID string }
		Attributes  []struct{ ID, Value, Description string }
	}
	c.do(http.MethodGet, "/v1/inventory?inventoryNumber="+sim.DemoImageItem+"&expandAttachment=true&expandAttribute=true", "").decode(t, &page)
	require.Len(t, page, 1)
	require.Len(t, page[0].Attachments, 1)
	img := c.do(http.MethodGet, "/v1/attachment/"+page[0].Attachments[0].ID, "")
	assert.Equal(t, "image/png", img.header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(img.body, []byte("\x89PNG")))
	assert.Contains(t, page[0].Attributes, struct{ ID, Value, Description string }{sim.AttributeColour, "WHITE", "Kleur"})

	r = c.bad(http.MethodPost, "/v1/inventory/KOF-1000/attachment", `{"file":"no multipart"}`)
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestDemoActivityMovesStock(t *testing.T) {
	s := sim.New(sim.Options{ClientID: clientID, ClientSecret: clientSecret, TenantID: tenantID})
	sim.SeedDemo(s, simkit.DemoContext{Now: time.Now(), Instance: 1})
	total := func() (n int64) {
		for _, p := range simkit.DemoProducts() {
			n += s.OnHand(p.SKU, sim.WarehouseMain).CentsValue()
		}
		return n
	}
	before := total()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		sim.DemoActivity(s, simkit.DemoContext{Now: time.Now(), Instance: 1, Rand: rng})
	}
	assert.NotEqual(t, before, total())
	adjustments := s.Adjustments()
	require.Len(t, adjustments, 5)
	var moved int64
	for _, a := range adjustments {
		assert.Equal(t, "Released", a.Status)
		moved += a.TotalQuantity.CentsValue()
	}
	assert.Equal(t, before+moved, total(), "the stock moved by exactly the released adjustments")
}

func TestDecimal(t *testing.T) {
	for in, want := range map[string]string{"19.95": "19.95", "2": "2", "-0.5": "-0.5", "1e3": "1000", "0.000001": "0.000001", "12.300": "12.3"} {
		d, err := sim.ParseDec(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, d.String(), in)
	}
	for _, in := range []string{"0.0000001", "abc", "1/2", `"3"`} {
		_, err := sim.ParseDec(in)
		assert.Error(t, err, in)
	}
	assert.Equal(t, int64(1999), sim.MustDec("19.985").CentsValue(), "half away from zero")
	assert.Equal(t, int64(-1999), sim.MustDec("-19.985").CentsValue())
	assert.Equal(t, sim.MustDec("0.19"), sim.MustDec("0.9").Percent(sim.MustDec("21")))
	var b bytes.Buffer
	require.NoError(t, json.NewEncoder(&b).Encode(sim.MustDec("1.10")))
	assert.Equal(t, "1.1\n", b.String())
}
