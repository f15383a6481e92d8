// Package sim is a local CCV Shop: the REST API v1 order endpoints with the
// real request signing, 5-minute clock-skew check, signed responses,
// start/size paging with `next` links, per-key rate limits with 429 and the
// shop's error bodies. Tests and the local demo seed it with orders.
package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// Options configure a simulator.
type Options struct {
	PublicKey, SecretKey string
	// Now is the shop's clock; nil means time.Now.
	Now func() time.Time
	// ReadsPerMinute and WritesPerMinute per resource: 0 means the published
	// 150/100, negative means unlimited. TotalPerMinute per key: 0 means none.
	ReadsPerMinute, WritesPerMinute, TotalPerMinute int
	// DefaultPageSize is `size` when a request gives none (100); MaxPageSize caps it (250).
	DefaultPageSize, MaxPageSize int
}

// Sim is the simulated shop; it is an http.Handler and safe for concurrent use.
type Sim struct {
	o       Options
	faults  simkit.Faults
	limiter *simkit.WindowLimiter
	handler http.Handler

	mu     sync.Mutex
	state  state
	byID   map[int64]int // order id → index in state.Orders
	served map[string]int
}

// state is what Snapshot saves.
type state struct {
	NextID     int64         `json:"nextId"`
	NextNumber int64         `json:"nextNumber"`
	NextRowID  int64         `json:"nextRowId"`
	Orders     []storedOrder `json:"orders"`
}

type storedOrder struct {
	ID     int64       `json:"id"`
	Number int64       `json:"number"`
	RowIDs []int64     `json:"rowIds"`
	Order  model.Order `json:"order"`
}

// New builds a simulator with no orders.
func New(o Options) *Sim {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ReadsPerMinute == 0 {
		o.ReadsPerMinute = ccvshop.DefaultReadsPerMinute
	}
	if o.WritesPerMinute == 0 {
		o.WritesPerMinute = ccvshop.DefaultWritesPerMinute
	}
	if o.DefaultPageSize <= 0 {
		o.DefaultPageSize = 100
	}
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = ccvshop.MaxPageSize
	}
	s := &Sim{o: o, limiter: simkit.NewWindowLimiter(time.Minute, o.Now), byID: map[int64]int{}, served: map[string]int{},
		state: state{NextID: 1001, NextNumber: 1, NextRowID: 1}}
	s.handler = s.faults.Middleware(opOf, s.writeStatus, http.HandlerFunc(s.serve))
	return s
}

// Faults lets a test inject latency, errors and 429s; ops are the client's
// operation names (ccvshop.OpListOrders …).
func (s *Sim) Faults() *simkit.Faults { return &s.faults }

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Served counts the requests answered per operation (faults excluded).
func (s *Sim) Served(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[op]
}

// AddOrder seeds an order and returns its id. An empty Number gets the next
// shop number; a zero CreatedAt is now.
func (s *Sim) AddOrder(o model.Order) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.state
	so := storedOrder{ID: st.NextID, Number: st.NextNumber, Order: o}
	st.NextID++
	st.NextNumber++
	if so.Order.CreatedAt.IsZero() {
		so.Order.CreatedAt = s.o.Now()
	}
	so.Order.CreatedAt = so.Order.CreatedAt.UTC().Truncate(time.Second)
	so.Order.ID = strconv.FormatInt(so.ID, 10)
	if so.Order.Number == "" {
		so.Order.Number = fmt.Sprintf("%d-%d", so.Order.CreatedAt.Year(), so.Number)
	}
	for range o.Lines {
		so.RowIDs = append(so.RowIDs, st.NextRowID)
		st.NextRowID++
	}
	s.byID[so.ID] = len(st.Orders)
	st.Orders = append(st.Orders, so)
	return so.Order.ID
}

// SetPaid marks an order paid or unpaid, as a payment provider would.
func (s *Sim) SetPaid(id string, paid bool) error {
	return s.update(id, func(o *model.Order) { o.Paid = paid })
}

// SetStatus changes an order's status.
func (s *Sim) SetStatus(id string, st model.OrderStatus) error {
	if !slices.Contains(model.OrderStatuses, st) {
		return fmt.Errorf("unknown status %q", st)
	}
	return s.update(id, func(o *model.Order) { o.Status = st })
}

func (s *Sim) update(id string, f func(*model.Order)) error {
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.byID[n]
	if !ok {
		return fmt.Errorf("no order %s", id)
	}
	f(&s.state.Orders[i].Order)
	return nil
}

// Unpaid lists the ids of orders not paid yet.
func (s *Sim) Unpaid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.state.Orders {
		if !o.Order.Paid {
			out = append(out, o.Order.ID)
		}
	}
	return out
}

// Len is the number of orders.
func (s *Sim) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.Orders)
}

// Snapshot returns all state as JSON; Restore loads it back.
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.state)
}

func (s *Sim) Restore(b []byte) error {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("not a CCV Shop simulator snapshot: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = st
	s.byID = make(map[int64]int, len(st.Orders))
	for i, o := range st.Orders {
		s.byID[o.ID] = i
	}
	return nil
}

// opOf names a request the way the client's Observe hook does.
func opOf(r *http.Request) string {
	switch ccvshop.Resource(r.URL.RequestURI()) {
	case "orders":
		if strings.Trim(strings.TrimPrefix(r.URL.Path, ccvshop.APIPath+"/orders"), "/") == "" {
			return ccvshop.OpListOrders
		}
		return ccvshop.OpGetOrder
	case "orderrows":
		return ccvshop.OpListOrderRows
	}
	return r.Method + " " + r.URL.Path
}

func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "400.10", "the request body cannot be read")
		return
	}
	if !s.authenticate(w, r, body) || !s.admit(w, r) {
		return
	}
	if !strings.HasPrefix(r.URL.Path, ccvshop.APIPath+"/") {
		s.writeError(w, r, http.StatusNotFound, "404.20", "invalid resource name")
		return
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, ccvshop.APIPath), "/"), "/")
	if segs[0] != "orders" || len(segs) > 3 || (len(segs) == 3 && segs[2] != "orderrows") {
		s.writeError(w, r, http.StatusNotFound, "404.20", fmt.Sprintf("invalid resource name %q (this simulator serves orders and orderrows)", r.URL.Path))
		return
	}
	if r.Method != http.MethodGet {
		s.writeError(w, r, http.StatusMethodNotAllowed, "405.10", "method not allowed")
		return
	}
	s.count(opOf(r))
	switch len(segs) {
	case 1:
		s.listOrders(w, r)
	case 2:
		s.getOrder(w, r, segs[1])
	default:
		s.listRows(w, r, segs[1])
	}
}

func (s *Sim) count(op string) {
	s.mu.Lock()
	s.served[op]++
	s.mu.Unlock()
}

// authenticate checks the three x- headers, the clock skew and the hash over
// the raw method, URI and body, as the shop does.
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request, body []byte) bool {
	pub, date, hash := r.Header.Get("x-public"), r.Header.Get("x-date"), r.Header.Get("x-hash")
	if pub == "" || date == "" || hash == "" {
		s.writeError(w, r, http.StatusUnauthorized, "401.10", "missing authentication headers x-public, x-date and x-hash")
		return false
	}
	t, err := ccvshop.ParseDate(date)
	if err != nil {
		s.writeError(w, r, http.StatusUnauthorized, "401.11", "x-date is not an ISO 8601 date")
		return false
	}
	if skew := s.o.Now().Sub(t); skew > ccvshop.MaxClockSkew || skew < -ccvshop.MaxClockSkew {
		s.writeError(w, r, http.StatusUnauthorized, "401.11", "x-date differs more than 5 minutes from the server time")
		return false
	}
	want := ccvshop.Sign(s.o.PublicKey, s.o.SecretKey, r.Method, r.RequestURI, string(body), date)
	if pub != s.o.PublicKey || !ccvshop.ValidSignature(hash, want) {
		s.writeError(w, r, http.StatusUnauthorized, "401.10", "invalid hash or public key")
		return false
	}
	return true
}

// admit applies the per-resource-per-method and total limits of the key.
func (s *Sim) admit(w http.ResponseWriter, r *http.Request) bool {
	class, limit := "read", s.o.ReadsPerMinute
	if r.Method != http.MethodGet {
		class, limit = "write", s.o.WritesPerMinute
	}
	res := ccvshop.Resource(r.URL.RequestURI())
	if limit > 0 {
		if ok, wait := s.limiter.Allow(s.o.PublicKey+"|"+class+"|"+res, limit); !ok {
			s.writeRateLimited(w, r, "429.10", wait)
			return false
		}
	}
	if s.o.TotalPerMinute > 0 {
		if ok, wait := s.limiter.Allow(s.o.PublicKey+"|total", s.o.TotalPerMinute); !ok {
			s.writeRateLimited(w, r, "429.11", wait)
			return false
		}
	}
	return true
}

func (s *Sim) writeRateLimited(w http.ResponseWriter, r *http.Request, code string, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	s.writeError(w, r, http.StatusTooManyRequests, code, "rate limit exceeded")
}

// writeStatus renders an injected fault as the shop would.
func (s *Sim) writeStatus(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	if status == http.StatusTooManyRequests {
		s.writeRateLimited(w, r, "429.10", retryAfter)
		return
	}
	// An outage answers from the load balancer: no JSON, no signature.
	http.Error(w, http.StatusText(status), status)
}

func (s *Sim) writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	s.write(w, r, status, map[string]any{"status": status, "code": code, "developermessage": msg})
}

// write sends JSON with the response's own x-date and x-hash.
func (s *Sim) write(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	date := s.o.Now().UTC().Format(ccvshop.DateFormat)
	w.Header().Set("Content-Type", "application/vnd.verto.webshop+json; charset=utf-8")
	w.Header().Set("x-date", date)
	w.Header().Set("x-hash", ccvshop.Sign(s.o.PublicKey, s.o.SecretKey, r.Method, r.RequestURI, string(b), date))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// paging reads start and size, clamped as the shop does.
func (s *Sim) paging(q url.Values) (start, size int, ok bool) {
	start, size = 0, s.o.DefaultPageSize
	if v := q.Get("start"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		start = n
	}
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		size = min(n, s.o.MaxPageSize)
	}
	return start, size, true
}

// collection wraps a page of items with absolute first/previous/next links.
func collection(r *http.Request, start, size, total int, items []any) map[string]any {
	link := func(at int) string {
		q := r.URL.Query()
		q.Set("start", strconv.Itoa(at))
		q.Set("size", strconv.Itoa(size))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	out := map[string]any{"href": link(start), "start": start, "size": size, "first": link(0),
		"previous": nil, "next": nil, "items": items}
	if start > 0 {
		out["previous"] = link(max(0, start-size))
	}
	if start+size < total {
		out["next"] = link(start + size)
	}
	return out
}

func (s *Sim) listOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, size, ok := s.paging(q)
	if !ok {
		s.writeError(w, r, http.StatusBadRequest, "400.10", "start and size must be whole numbers, size at least 1")
		return
	}
	minDate, err1 := parseBound(q.Get("min_create_date"), false)
	maxDate, err2 := parseBound(q.Get("max_create_date"), true)
	if err1 != nil || err2 != nil {
		s.writeError(w, r, http.StatusBadRequest, "400.10", "min_create_date and max_create_date must be dates like 2026-01-31 or ISO 8601 times")
		return
	}
	status, hasStatus := 0, q.Get("status") != ""
	if hasStatus {
		n, err := strconv.Atoi(q.Get("status"))
		if err != nil {
			s.writeError(w, r, http.StatusBadRequest, "400.10", "status must be a number 1-14")
			return
		}
		status = n
	}
	paid, hasPaid := parseBool(q.Get("is_paid"))
	desc := q.Get("orderby") == "id_desc"

	s.mu.Lock()
	var match []storedOrder
	for _, o := range s.state.Orders {
		c := o.Order.CreatedAt
		switch {
		case !minDate.IsZero() && c.Before(minDate),
			!maxDate.IsZero() && c.After(maxDate),
			hasStatus && statusCode(o.Order.Status) != status,
			hasPaid && o.Order.Paid != paid:
			continue
		}
		match = append(match, o)
	}
	s.mu.Unlock()
	if desc {
		slices.Reverse(match)
	}
	items := []any{}
	for i := start; i < len(match) && i < start+size; i++ {
		items = append(items, orderJSON(r, match[i]))
	}
	s.write(w, r, http.StatusOK, collection(r, start, size, len(match), items))
}

func (s *Sim) find(id string) (storedOrder, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return storedOrder{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.byID[n]
	if !ok {
		return storedOrder{}, false
	}
	return s.state.Orders[i], true
}

func (s *Sim) getOrder(w http.ResponseWriter, r *http.Request, id string) {
	o, ok := s.find(id)
	if !ok {
		s.writeError(w, r, http.StatusNotFound, "404.30", fmt.Sprintf("order %s does not exist", id))
		return
	}
	s.write(w, r, http.StatusOK, orderJSON(r, o))
}

func (s *Sim) listRows(w http.ResponseWriter, r *http.Request, id string) {
	o, ok := s.find(id)
	if !ok {
		s.writeError(w, r, http.StatusNotFound, "404.30", fmt.Sprintf("order %s does not exist", id))
		return
	}
	start, size, ok := s.paging(r.URL.Query())
	if !ok {
		s.writeError(w, r, http.StatusBadRequest, "400.10", "start and size must be whole numbers, size at least 1")
		return
	}
	items := []any{}
	for i := start; i < len(o.Order.Lines) && i < start+size; i++ {
		items = append(items, rowJSON(r, o, i))
	}
	s.write(w, r, http.StatusOK, collection(r, start, size, len(o.Order.Lines), items))
}

// parseBound reads a date filter: a date alone covers its whole day.
func parseBound(v string, upper bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if upper {
			return t.Add(24*time.Hour - time.Nanosecond), nil
		}
		return t, nil
	}
	return ccvshop.ParseDate(v)
}

func parseBool(v string) (value, set bool) {
	switch strings.ToLower(v) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}
