package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid/sim"
)

const token = "secret_test_token_7f3a"

// store is a simulator behind a real HTTP server, with a clock the test
// moves.
type store struct {
	t     *testing.T
	sim   *sim.Sim
	base  string // …/api/v3/{storeId}
	token string

	mu  sync.Mutex
	now time.Time
}

func newStore(t *testing.T, o sim.Options) *store {
	t.Helper()
	st := &store{t: t, token: token, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	if o.Now == nil {
		o.Now = st.clock
	}
	if o.Tokens == nil {
		o.Tokens = map[string][]string{token: sim.AllScopes}
	}
	st.sim = sim.New(o)
	t.Cleanup(st.sim.Close)
	srv := httptest.NewServer(st.sim)
	t.Cleanup(srv.Close)
	st.base = srv.URL + sim.APIPrefix + "1003"
	if o.StoreID != 0 {
		st.base = srv.URL + sim.APIPrefix + jsonText(o.StoreID)
	}
	return st
}

func (st *store) clock() time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.now
}

func (st *store) advance(d time.Duration) time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.now = st.now.Add(d)
	return st.now
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// fields decodes an object answer generically, numbers kept as written.
func (r reply) fields(t *testing.T) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m), string(r.body))
	return m
}

// apiErr is the API's error body.
type apiErr struct{ ErrorMessage, ErrorCode string }

func (r reply) apiError(t *testing.T, status int) apiErr {
	t.Helper()
	require.Equal(t, status, r.status, string(r.body))
	var e apiErr
	r.decode(t, &e)
	require.NotEmpty(t, e.ErrorCode, string(r.body))
	require.NotEmpty(t, e.ErrorMessage, string(r.body))
	return e
}

// do sends a request to a path below the store with the test's token;
// hdr pairs override headers ("Authorization", "" sends none). A body
// that is a string is sent as it is, anything else as JSON.
func (st *store) do(method, path string, body any, hdr ...string) reply {
	st.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		rd = strings.NewReader(jsonText(b))
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = st.base + path
	}
	req, err := http.NewRequest(method, target, rd)
	require.NoError(st.t, err)
	req.Header.Set("Authorization", "Bearer "+st.token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(st.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(st.t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// ok sends a request that must answer 200 and decodes the answer.
func (st *store) ok(method, path string, body any, v any) reply {
	st.t.Helper()
	r := st.do(method, path, body)
	require.Equal(st.t, http.StatusOK, r.status, "%s %s: %s", method, path, r.body)
	if v != nil {
		r.decode(st.t, v)
	}
	return r
}

// create POSTs and returns the new record's id.
func (st *store) create(path string, body any) int64 {
	st.t.Helper()
	var out struct{ ID int64 }
	st.ok(http.MethodPost, path, body, &out)
	require.NotZero(st.t, out.ID)
	return out.ID
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type obj = map[string]any

// searchPage is a search answer with items kept raw.
type searchPage struct {
	Total, Count, Offset, Limit int
	Items                       []json.RawMessage
}

// wireOrder is the part of an order answer the tests read.
type wireOrder struct {
	ID                       string
	InternalID               int64
	Email                    string
	PaymentStatus            string
	FulfillmentStatus        string
	Total, Subtotal, Tax     json.Number
	PricesIncludeTax         bool
	CreateTimestamp          int64
	UpdateTimestamp          int64
	ExternalOrderID          string
	PrivateAdminNotes        string
	BillingPerson            struct{ Name, Street, CountryCode, CompanyName string }
	ShippingOption           *struct{ ShippingRate json.Number }
	Discount, CouponDiscount json.Number
	Items                    []wireItem
}

type wireItem struct {
	SKU             string
	ProductID       int64
	CombinationID   int64
	Quantity        int64
	Price, Tax      json.Number
	PriceWithoutTax json.Number
	Taxes           []struct {
		Name         string
		Value, Total json.Number
	}
}

type wireProduct struct {
	ID          int64
	SKU, Name   string
	Price       json.Number
	Quantity    *int64
	Unlimited   bool
	InStock     bool
	Enabled     bool
	CategoryIDs []int64
	Attributes  []struct{ Name, Value, Type string }
	Options     []struct {
		Type, Name string
		Choices    []struct{ Text string }
	}
	Combinations    []wireCombination
	UpdateTimestamp int64
}

type wireCombination struct {
	ID        int64
	SKU       string
	Quantity  *int64
	Unlimited bool
	InStock   bool
	Price     json.Number
	Options   []struct{ Name, Value string }
}
