package conntest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// The suite's own tests run it against a small fake system: a JSON API
// (fakeServer) with a client on httpkit (fakeClient) that is an order
// source, an order target and a stock target. Correct, it passes the whole
// suite; with one bug switched on, the check for that bug fails.

const fakeSystem = "conntestfake"

// bugs switch on one mistake each in the fake server or client.
type bugs struct {
	feedRelistsAll  bool // every poll lists from Since again
	feedSkipsAhead  bool // a caught-up poll continues a minute after its end
	pagingSkips     bool // a page token skips one order
	pagingEndless   bool // the last page still returns a page token
	moneyLosesCent  bool // GetOrder's total is a cent short
	acceptsDupes    bool // the server writes a second order with the same key
	findsNothing    bool // FindOrder never finds an order
	stockAddsDelta  bool // the server adds the written quantity to the stock
	untypedErrors   bool // the client returns plain errors
	panicsOnGarbage bool // the client panics on an answer it cannot read
	noRetryDefault  bool // a 429 without Retry-After has RetryAfter 0
	targetStoresOff bool // the server books the total a cent short
}

const fakeKey = "fake-key"

type fakeServer struct {
	bugs   bugs
	now    func() time.Time
	faults simkit.Faults
	mu     sync.Mutex
	orders []model.Order // source orders; ids are "1", "2", …
	booked map[string][]int64
	stock  map[string]model.Quantity
	skus   map[string]bool
	emails []string
}

func newFakeServer(b bugs, now func() time.Time) *fakeServer {
	return &fakeServer{bugs: b, now: now, booked: map[string][]int64{}, stock: map[string]model.Quantity{}, skus: map[string]bool{}}
}

func (f *fakeServer) addOrder(o model.Order) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	o.ID = strconv.Itoa(len(f.orders) + 1)
	o.CreatedAt = o.CreatedAt.UTC().Truncate(time.Second)
	f.orders = append(f.orders, o)
	return o.ID
}

func fakeOp(r *http.Request) string {
	p := r.URL.Path
	if strings.HasPrefix(p, "/orders/") {
		p = "/orders/{id}"
	}
	if strings.HasPrefix(p, "/stock/") {
		p = "/stock/{sku}"
	}
	return r.Method + " " + p
}

func (f *fakeServer) handler() http.Handler {
	writeErr := func(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration) {
		if retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
		}
		http.Error(w, http.StatusText(status), status)
	}
	return f.faults.Middleware(fakeOp, writeErr, http.HandlerFunc(f.serve))
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Key") != fakeKey {
		http.Error(w, `{"error":"bad key"}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	q := r.URL.Query()
	switch op := fakeOp(r); op {
	case "GET /orders":
		from, _ := time.Parse(time.RFC3339, q.Get("from"))
		to, _ := time.Parse(time.RFC3339, q.Get("to"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		size, _ := strconv.Atoi(q.Get("size"))
		var match []connectors.OrderSummary
		for _, o := range f.orders {
			if (from.IsZero() || !o.CreatedAt.Before(from)) && (to.IsZero() || o.CreatedAt.Before(to)) {
				match = append(match, connectors.OrderSummary{ID: o.ID, Number: o.Number, CreatedAt: o.CreatedAt, Status: o.Status, Paid: o.Paid})
			}
		}
		sort.SliceStable(match, func(i, j int) bool { return match[i].CreatedAt.Before(match[j].CreatedAt) })
		end := min(offset+size, len(match))
		page := []connectors.OrderSummary{}
		if offset < len(match) {
			page = match[offset:end]
		}
		reply(200, map[string]any{"orders": page, "more": end < len(match)})
	case "GET /orders/{id}":
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/orders/"))
		if n < 1 || n > len(f.orders) {
			reply(404, map[string]string{"error": "no such order"})
			return
		}
		reply(200, f.orders[n-1])
	case "GET /booked":
		if ids := f.booked[q.Get("ext")]; len(ids) > 0 {
			reply(200, map[string]string{"id": q.Get("ext")})
			return
		}
		reply(404, map[string]string{"error": "not booked"})
	case "POST /booked":
		var in struct {
			Ext   string `json:"ext"`
			Total int64  `json:"total"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			reply(400, map[string]string{"error": err.Error()})
			return
		}
		if len(f.booked[in.Ext]) > 0 && !f.bugs.acceptsDupes {
			reply(409, map[string]string{"error": "exists"})
			return
		}
		if f.bugs.targetStoresOff {
			in.Total--
		}
		f.booked[in.Ext] = append(f.booked[in.Ext], in.Total)
		reply(201, map[string]string{"id": in.Ext})
	case "GET /products", "GET /customers":
		var all []string
		if op == "GET /products" {
			for sku := range f.skus {
				all = append(all, sku)
			}
			sort.Strings(all)
		} else {
			all = f.emails
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		end := min(offset+2, len(all))
		page := []string{}
		if offset < len(all) {
			page = all[offset:end]
		}
		reply(200, map[string]any{"items": page, "more": end < len(all)})
	case "GET /stock":
		out := map[string]model.Quantity{}
		for _, sku := range q["sku"] {
			if f.skus[sku] {
				out[sku] = f.stock[sku]
			}
		}
		reply(200, out)
	case "PUT /stock/{sku}":
		sku := strings.TrimPrefix(r.URL.Path, "/stock/")
		var qty model.Quantity
		if err := json.NewDecoder(r.Body).Decode(&qty); err != nil || !f.skus[sku] {
			reply(400, map[string]string{"error": "bad stock write"})
			return
		}
		if f.bugs.stockAddsDelta {
			f.stock[sku] += qty
		} else {
			f.stock[sku] = qty
		}
		reply(200, map[string]string{})
	default:
		reply(404, map[string]string{"error": "no route " + op})
	}
}

// fakeClient is an order source (creation time with a look-back), an
// order target and a stock target of the fake server.
type fakeClient struct {
	bugs     bugs
	http     *httpkit.Client
	now      func() time.Time
	lookBack time.Duration
}

func (c *fakeClient) get(ctx context.Context, op, uri string, out any) error {
	_, err := c.do(ctx, op, http.MethodGet, uri, nil, out)
	return err
}

func (c *fakeClient) do(ctx context.Context, op, method, uri string, body, out any) (int, error) {
	var payload []byte
	if body != nil {
		payload, _ = json.Marshal(body)
	}
	resp, err := c.http.Do(ctx, httpkit.Request{Op: op, Method: method, URL: uri, Body: payload,
		Decode: func(r *httpkit.Response) error {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(r.Body, out); err != nil {
				if c.bugs.panicsOnGarbage {
					panic("fake client: cannot read " + string(r.Body))
				}
				return &connectors.Error{Kind: connectors.KindUnavailable, System: fakeSystem, Op: op, Status: r.Status,
					Message: "the answer is not JSON: " + err.Error()}
			}
			return nil
		}})
	if err != nil && c.bugs.untypedErrors {
		return 0, errors.New(err.Error())
	}
	if resp == nil {
		return 0, err
	}
	return resp.Status, err
}

type fakePage struct {
	Orders []connectors.OrderSummary `json:"orders"`
	More   bool                      `json:"more"`
}

func (c *fakeClient) list(ctx context.Context, from, to time.Time, offset, size int) (fakePage, error) {
	if size <= 0 {
		size = 100
	}
	v := url.Values{"offset": {strconv.Itoa(offset)}, "size": {strconv.Itoa(size)}}
	if !from.IsZero() {
		v.Set("from", from.Format(time.RFC3339))
	}
	if !to.IsZero() {
		v.Set("to", to.Format(time.RFC3339))
	}
	var p fakePage
	err := c.get(ctx, "list orders", "/orders?"+v.Encode(), &p)
	return p, err
}

func (c *fakeClient) ListOrders(ctx context.Context, q connectors.OrderQuery) (connectors.OrderPage, error) {
	offset, _ := strconv.Atoi(q.PageToken)
	size := max(q.PageSize, 1)
	p, err := c.list(ctx, q.CreatedFrom, q.CreatedTo, offset, size)
	if err != nil {
		return connectors.OrderPage{}, err
	}
	out := connectors.OrderPage{Orders: p.Orders}
	next := offset + size
	if c.bugs.pagingSkips {
		next++
	}
	if p.More || c.bugs.pagingEndless {
		out.NextPageToken = strconv.Itoa(next)
	}
	return out, nil
}

type fakeCursor struct {
	ListedTo time.Time `json:"listedTo"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Offset   int       `json:"offset"`
	InPass   bool      `json:"inPass"`
}

func (c *fakeClient) OrderFeed(ctx context.Context, q connectors.OrderFeedQuery) (connectors.OrderFeedPage, error) {
	cur := fakeCursor{ListedTo: q.Since}
	if q.Cursor != "" {
		if err := json.Unmarshal([]byte(q.Cursor), &cur); err != nil {
			return connectors.OrderFeedPage{}, &connectors.Error{Kind: connectors.KindValidation, System: fakeSystem, Op: "feed", Message: err.Error()}
		}
	}
	if !cur.InPass {
		cur.From, cur.To, cur.Offset, cur.InPass = cur.ListedTo.Add(-c.lookBack), c.now(), 0, true
		if c.bugs.feedRelistsAll {
			cur.From = q.Since
		}
	}
	page, err := c.ListOrders(ctx, connectors.OrderQuery{CreatedFrom: cur.From, CreatedTo: cur.To, PageSize: q.PageSize, PageToken: strconv.Itoa(cur.Offset)})
	if err != nil {
		return connectors.OrderFeedPage{}, err
	}
	out := connectors.OrderFeedPage{Orders: page.Orders, More: page.NextPageToken != ""}
	if out.More {
		cur.Offset, _ = strconv.Atoi(page.NextPageToken)
	} else {
		cur.ListedTo, cur.InPass = cur.To, false
		if c.bugs.feedSkipsAhead {
			cur.ListedTo = cur.To.Add(time.Minute + c.lookBack)
		}
	}
	b, _ := json.Marshal(cur)
	out.Cursor = string(b)
	return out, nil
}

func (c *fakeClient) GetOrderSummary(ctx context.Context, id string) (connectors.OrderSummary, error) {
	o, err := c.GetOrder(ctx, id)
	return connectors.OrderSummary{ID: o.ID, Number: o.Number, CreatedAt: o.CreatedAt, Status: o.Status, Paid: o.Paid}, err
}

func (c *fakeClient) GetOrder(ctx context.Context, id string) (model.Order, error) {
	var o model.Order
	if err := c.get(ctx, "get order", "/orders/"+url.PathEscape(id), &o); err != nil {
		return model.Order{}, err
	}
	if c.bugs.moneyLosesCent {
		o.Total.Amount--
	}
	return o, nil
}

func (c *fakeClient) FindOrder(ctx context.Context, ext string, kind connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	var ref struct {
		ID string `json:"id"`
	}
	err := c.get(ctx, "find order", "/booked?ext="+url.QueryEscape(ext), &ref)
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return connectors.TargetOrder{}, false, nil
	case err != nil:
		return connectors.TargetOrder{}, false, err
	case c.bugs.findsNothing:
		return connectors.TargetOrder{}, false, nil
	}
	return connectors.TargetOrder{ID: ref.ID, Kind: kind}, true, nil
}

func (c *fakeClient) CreateOrder(ctx context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	var ref struct {
		ID string `json:"id"`
	}
	_, err := c.do(ctx, "create order", http.MethodPost, "/booked", map[string]any{"ext": d.ExternalID, "total": d.Order.ComputedTotal().Amount}, &ref)
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	return connectors.TargetOrder{ID: ref.ID, Kind: d.Kind}, nil
}

// listNames pages through /products or /customers, two a page.
func (c *fakeClient) listNames(ctx context.Context, what, token string) (names []string, next string, err error) {
	offset, _ := strconv.Atoi(token)
	var p struct {
		Items []string `json:"items"`
		More  bool     `json:"more"`
	}
	if err := c.get(ctx, "list "+what, "/"+what+"?offset="+strconv.Itoa(offset), &p); err != nil {
		return nil, "", err
	}
	if p.More || c.bugs.pagingEndless {
		step := 2
		if c.bugs.pagingSkips {
			step++
		}
		next = strconv.Itoa(offset + step)
	}
	return p.Items, next, nil
}

func (c *fakeClient) ListChangedProducts(ctx context.Context, q connectors.ChangeQuery) (connectors.ProductPage, error) {
	skus, next, err := c.listNames(ctx, "products", q.PageToken)
	if err != nil {
		return connectors.ProductPage{}, err
	}
	out := connectors.ProductPage{NextPageToken: next}
	for _, sku := range skus {
		out.Products = append(out.Products, connectors.SourceProduct{Product: model.Product{SKU: sku}})
	}
	if next == "" {
		out.Cursor = "all"
	}
	return out, nil
}

func (c *fakeClient) ListCustomers(ctx context.Context, q connectors.ChangeQuery) (connectors.CustomerPage, error) {
	emails, next, err := c.listNames(ctx, "customers", q.PageToken)
	if err != nil {
		return connectors.CustomerPage{}, err
	}
	out := connectors.CustomerPage{NextPageToken: next}
	for _, e := range emails {
		out.Customers = append(out.Customers, connectors.SourceCustomer{Customer: model.Customer{Email: e}})
	}
	return out, nil
}

func (c *fakeClient) GetStock(ctx context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	var got map[string]model.Quantity
	if err := c.get(ctx, "get stock", "/stock?"+url.Values{"sku": skus}.Encode(), &got); err != nil {
		return nil, err
	}
	out := map[string]connectors.TargetStock{}
	for sku, q := range got {
		out[sku] = connectors.TargetStock{Quantity: q, Managed: true}
	}
	return out, nil
}

func (c *fakeClient) SetStock(ctx context.Context, sku string, qty model.Quantity, _ bool) error {
	_, err := c.do(ctx, "set stock", http.MethodPut, "/stock/"+url.PathEscape(sku), qty, nil)
	return err
}

// fakeHarness is the harness of the fake system with the given bugs.
func fakeHarness(b bugs) Harness {
	const lookBack = 2 * time.Hour
	return Harness{
		System:       fakeSystem,
		FeedLookBack: lookBack,
		New: func(t testing.TB, s Setup) *Pair {
			srv := newFakeServer(b, s.Now)
			hs := httptest.NewServer(s.Wrap(srv.handler()))
			t.Cleanup(hs.Close)
			key := fakeKey
			if s.BadCredentials {
				key = "wrong"
			}
			retry := time.Minute
			if b.noRetryDefault {
				retry = 0
			}
			c := &fakeClient{bugs: b, now: s.Now, lookBack: lookBack,
				http: httpkit.New(httpkit.Config{System: fakeSystem, BaseURL: hs.URL, Timeout: 5 * time.Second,
					Auth:              func(next http.RoundTripper) http.RoundTripper { return keyAuth{key, next} },
					DefaultRetryAfter: retry})}
			return &Pair{
				Client:     c,
				Faults:     &srv.faults,
				Ops:        Ops{CreateOrder: map[connectors.OrderKind]string{connectors.KindOrder: "POST /booked"}, SetStock: "PUT /stock/{sku}"},
				AddOrder:   srv.addOrder,
				AddProduct: func(p model.Product) { srv.mu.Lock(); srv.skus[p.SKU] = true; srv.mu.Unlock() },
				AddCustomer: func(c model.Customer) {
					srv.mu.Lock()
					srv.emails = append(srv.emails, c.Email)
					srv.mu.Unlock()
				},
				StoredOrders: func(ext string, _ connectors.OrderKind) []StoredOrder {
					srv.mu.Lock()
					defer srv.mu.Unlock()
					var out []StoredOrder
					for _, total := range srv.booked[ext] {
						out = append(out, StoredOrder{ID: ext, Total: model.NewMoney(total, "EUR")})
					}
					return out
				},
				StoredStock: func(sku string) (model.Quantity, bool) {
					srv.mu.Lock()
					defer srv.mu.Unlock()
					return srv.stock[sku], srv.skus[sku]
				},
				Secrets: []string{key},
			}
		},
	}
}

type keyAuth struct {
	key  string
	next http.RoundTripper
}

func (a keyAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Key", a.key)
	return a.next.RoundTrip(r)
}
