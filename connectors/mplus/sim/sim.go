// Package sim is a local simulator of the MplusKASSA MplusQAPI: SOAP 1.1
// document/literal in namespace urn:mplusqapi, POSTed to the root path with
// ?ident=…&secret=… in the query string (research/apis-shop-pos.md §2).
//
// It serves the operations the Koppel client uses — getApiVersion,
// getVatGroupList, getProducts, findOrder/createOrder, findInvoice/saveInvoice,
// findRelation/createRelation/updateRelation — with the WSDL's element names,
// the business result enums in 200 answers and SOAP Faults on HTTP 500
// (§2.8). It enforces what the real system enforces as far as it is known:
// unique extOrderId/extInvoiceId (§2.9), an existing employee (999999 is
// seeded), an existing branch (1 is seeded), existing articles and relations.
// Every request passes simkit.Faults first (latency, 5xx, drop the response
// after the commit). State is kept in memory with indexes on every natural
// key, guarded by one lock, and can be saved and restored as JSON.
package sim

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// Seeded VAT groups (the Dutch rates) and other defaults.
const (
	VatCodeHigh = 1 // 21 %
	VatCodeLow  = 2 // 9 %
	VatCodeZero = 3 // 0 %

	// DefaultEmployee is the employee APIcenter books webshop orders on
	// (research §2.9); the simulator seeds it.
	DefaultEmployee int64 = 999999
	// DefaultBranch is the seeded branch; orders without entryBranchNumber go there.
	DefaultBranch = 1

	// API version the simulator reports in getApiVersion.
	APIMajor, APIMinor, APIRevision = 1, 0, 0
)

// Options configure a simulator.
type Options struct {
	Ident, Secret string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// VATPercentageScale is how VatGroup.vatPercentage (and the article's and
	// line's vatPercentage) are written: 1 writes 21 for 21 % (the default),
	// 100 writes 2100. The real scale is not documented (research §2.4 [A]);
	// the client detects either.
	VATPercentageScale int
	// MaxBodyBytes bounds a request body; 0 means 8 MiB.
	MaxBodyBytes int64
}

// Product is one article (the simulator keeps one article per product).
type Product struct {
	// ArticleNumber is the article's key; 0 in AddProduct assigns the next.
	ArticleNumber int64  `json:"articleNumber"`
	PLU           string `json:"plu"`
	Description   string `json:"description"`
	// PriceInclCents is the article's price incl. VAT in cents.
	PriceInclCents int64 `json:"priceInclCents"`
	// VatCode is one of the VAT groups; 0 in AddProduct means VatCodeHigh.
	VatCode int `json:"vatCode"`
	// ProductNumber groups articles; 0 in AddProduct assigns the next.
	ProductNumber int64  `json:"productNumber"`
	Barcode       string `json:"barcode,omitempty"`
	// Inactive articles are returned with active=false.
	Inactive   bool  `json:"inactive,omitempty"`
	SyncMarker int64 `json:"syncMarker"`
}

// Relation is a customer (debtor). Its address is a single line.
type Relation struct {
	// Number is the relationNumber; 0 in AddRelation assigns the next.
	Number          int64  `json:"number"`
	ExtRelationID   string `json:"extRelationId,omitempty"`
	Email           string `json:"email,omitempty"`
	Name            string `json:"name,omitempty"`
	CompanyName     string `json:"companyName,omitempty"`
	ContactPerson   string `json:"contactPerson,omitempty"` // wire: contact
	Address         string `json:"address,omitempty"`
	Zipcode         string `json:"zipcode,omitempty"`
	City            string `json:"city,omitempty"`
	Country         string `json:"country,omitempty"`
	DeliveryAddress string `json:"deliveryAddress,omitempty"`
	DeliveryZipcode string `json:"deliveryZipcode,omitempty"`
	DeliveryCity    string `json:"deliveryCity,omitempty"`
	DeliveryCountry string `json:"deliveryCountry,omitempty"`
	Phone           string `json:"phone,omitempty"` // wire: telephone
	Mobile          string `json:"mobile,omitempty"`
	VatNumber       string `json:"vatNumber,omitempty"`
	CommerceNumber  string `json:"commerceNumber,omitempty"`
	RelationCode    string `json:"relationCode,omitempty"`
	// Inactive relations are returned with active=false.
	Inactive   bool      `json:"inactive,omitempty"`
	SyncMarker int64     `json:"syncMarker"`
	CreatedAt  time.Time `json:"createdAt"`
	ChangedAt  time.Time `json:"changedAt"`
}

// Line is one stored order or invoice line. Prices are per unit in cents, as
// on the wire; Quantity is converted from quantity + decimalPlaces.
type Line struct {
	ArticleNumber int64          `json:"articleNumber"`
	PLU           string         `json:"plu"`
	Text          string         `json:"text"`
	Quantity      model.Quantity `json:"quantity"`
	// PriceInclCents is the unit price incl. VAT (LineData.price), computed
	// from priceExcl when only that was sent.
	PriceInclCents int64 `json:"priceInclCents"`
	PriceExclCents int64 `json:"priceExclCents"`
	// DiscountCents is LineData.discountAmount as sent (0 when absent).
	DiscountCents      int64  `json:"discountCents"`
	DiscountType       string `json:"discountType,omitempty"`
	OriginalPriceCents *int64 `json:"originalPriceCents,omitempty"`
	VatCode            int    `json:"vatCode"`
	// VATRate is the VAT group's rate (hundredths of a percent).
	VATRate            model.VATRate `json:"vatRate"`
	LineTotalInclCents int64         `json:"lineTotalInclCents"`
	LineTotalExclCents int64         `json:"lineTotalExclCents"`
	// WireQuantity and DecimalPlaces are the quantity exactly as sent.
	WireQuantity  int64 `json:"wireQuantity"`
	DecimalPlaces int   `json:"decimalPlaces"`
}

// Address is an order's delivery or invoice address.
type Address struct {
	Name        string `json:"name,omitempty"`
	Contact     string `json:"contact,omitempty"`
	Address     string `json:"address,omitempty"`
	Zipcode     string `json:"zipcode,omitempty"`
	City        string `json:"city,omitempty"`
	Country     string `json:"country,omitempty"`
	CompanyName string `json:"companyName,omitempty"`
}

// Order is a stored order, or an invoice (then ID is the invoiceId and
// ExtOrderID the extInvoiceId).
type Order struct {
	ID             string `json:"id"`
	ExtOrderID     string `json:"extOrderId"`
	RelationNumber int64  `json:"relationNumber"`
	EmployeeNumber int64  `json:"employeeNumber"`
	BranchNumber   int64  `json:"branchNumber"`
	Lines          []Line `json:"lines"`
	TotalInclCents int64  `json:"totalInclCents"`
	Reference      string `json:"reference"`
	// CreatedAt is when the order (or invoice) was stored.
	CreatedAt time.Time `json:"createdAt"`

	TotalExclCents  int64    `json:"totalExclCents"`
	VatMethod       string   `json:"vatMethod"`
	Type            string   `json:"type"` // orderType or invoiceType
	Year            int      `json:"year"`
	Number          int64    `json:"number"`
	DeliveryAddress *Address `json:"deliveryAddress,omitempty"`
	InvoiceAddress  *Address `json:"invoiceAddress,omitempty"`
	SyncMarker      int64    `json:"syncMarker"`
}

// NumberString is the order's or invoice's number as year-number; the
// simulator returns it as orderString/invoiceString [A: the real format is
// not documented].
func (o Order) NumberString() string { return fmt.Sprintf("%d-%d", o.Year, o.Number) }

// Employee and Branch are the master data orders refer to.
type Employee struct {
	Number int64  `json:"number"`
	Name   string `json:"name"`
}

type Branch struct {
	Number int    `json:"number"`
	Name   string `json:"name"`
}

// VatGroup is one row of getVatGroupList. Rate is in hundredths of a percent;
// the wire value follows Options.VATPercentageScale.
type VatGroup struct {
	Code        int           `json:"code"`
	Rate        model.VATRate `json:"rate"`
	CountryIso3 string        `json:"countryIso3,omitempty"`
}

// Sim is the simulator; it is an http.Handler and safe for concurrent use.
type Sim struct {
	opts    Options
	now     func() time.Time
	faults  *simkit.Faults
	handler http.Handler

	mu sync.RWMutex
	st *state

	handlers map[string]opHandler

	callsMu sync.Mutex
	calls   map[string]int
}

// state is everything persisted, plus indexes rebuilt on restore.
type state struct {
	Version   int         `json:"version"`
	Products  []*Product  `json:"products"`
	Relations []*Relation `json:"relations"`
	Orders    []*Order    `json:"orders"`
	Invoices  []*Order    `json:"invoices"`
	Employees []Employee  `json:"employees"`
	Branches  []Branch    `json:"branches"`
	VatGroups []VatGroup  `json:"vatGroups"`

	NextArticle       int64 `json:"nextArticle"`
	NextProduct       int64 `json:"nextProduct"`
	NextRelation      int64 `json:"nextRelation"`
	NextOrderNumber   int64 `json:"nextOrderNumber"`
	NextInvoiceNumber int64 `json:"nextInvoiceNumber"`
	SyncMarker        int64 `json:"syncMarker"`

	byArticle    map[int64]*Product
	byPLU        map[string][]*Product
	byProductNo  map[int64][]*Product
	relByNumber  map[int64]*Relation
	relByEmail   map[string][]*Relation // lower-cased e-mail
	relByExt     map[string][]*Relation
	orderByExt   map[string]*Order
	orderByID    map[string]*Order
	invoiceByExt map[string]*Order
	invoiceByID  map[string]*Order
	employees    map[int64]string
	branches     map[int]bool
	vatByCode    map[int]VatGroup
}

const stateVersion = 1

// New builds a simulator seeded with employee 999999, branch 1 and the Dutch
// VAT groups 21 %, 9 % and 0 %.
func New(o Options) *Sim {
	if o.VATPercentageScale <= 0 {
		o.VATPercentageScale = 1
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 8 << 20
	}
	s := &Sim{opts: o, now: o.Now, faults: &simkit.Faults{}, calls: map[string]int{}}
	if s.now == nil {
		s.now = time.Now
	}
	s.st = &state{
		Version:   stateVersion,
		Employees: []Employee{{Number: DefaultEmployee, Name: "API"}},
		Branches:  []Branch{{Number: DefaultBranch, Name: "Winkel"}},
		VatGroups: []VatGroup{
			{Code: VatCodeHigh, Rate: model.VATPercent(21), CountryIso3: "NLD"},
			{Code: VatCodeLow, Rate: model.VATPercent(9), CountryIso3: "NLD"},
			{Code: VatCodeZero, Rate: 0, CountryIso3: "NLD"},
		},
		NextArticle: 1001, NextProduct: 101, NextRelation: 10001,
	}
	s.st.reindex()
	s.handlers = s.opHandlers()
	s.handler = s.faults.Middleware(opOfRequest(o.MaxBodyBytes), s.writeInjected, http.HandlerFunc(s.serve))
	return s
}

// Faults returns the fault rules; Op is the SOAP operation name, e.g. "createOrder".
func (s *Sim) Faults() *simkit.Faults { return s.faults }

// ServeHTTP serves one request.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ---- seeding ----

// AddProduct adds an article (as its own product) and returns its article number.
func (s *Sim) AddProduct(p Product) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if p.ArticleNumber == 0 {
		p.ArticleNumber = st.NextArticle
	}
	if p.ArticleNumber >= st.NextArticle {
		st.NextArticle = p.ArticleNumber + 1
	}
	if p.ProductNumber == 0 {
		p.ProductNumber = st.NextProduct
	}
	if p.ProductNumber >= st.NextProduct {
		st.NextProduct = p.ProductNumber + 1
	}
	if p.VatCode == 0 {
		p.VatCode = VatCodeHigh
	}
	p.SyncMarker = st.nextMarker()
	if old := st.byArticle[p.ArticleNumber]; old != nil {
		// Replace the article in place (same article number).
		st.unindexProduct(old)
		*old = p
		st.indexProduct(old)
		return p.ArticleNumber
	}
	st.Products = append(st.Products, &p)
	st.indexProduct(&p)
	return p.ArticleNumber
}

// AddRelation adds a relation and returns its relation number.
func (s *Sim) AddRelation(r Relation) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	now := s.now()
	if r.Number == 0 {
		r.Number = st.NextRelation
	}
	if r.Number >= st.NextRelation {
		st.NextRelation = r.Number + 1
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now
	}
	if r.ChangedAt.IsZero() {
		r.ChangedAt = r.CreatedAt
	}
	r.SyncMarker = st.nextMarker()
	if old := st.relByNumber[r.Number]; old != nil {
		st.unindexRelation(old)
		*old = r
		st.indexRelation(old)
		return r.Number
	}
	st.Relations = append(st.Relations, &r)
	st.indexRelation(&r)
	return r.Number
}

// AddEmployee adds (or renames) an employee orders may be booked on.
func (s *Sim) AddEmployee(number int64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.employees[number]; !ok {
		s.st.Employees = append(s.st.Employees, Employee{Number: number, Name: name})
	} else {
		for i := range s.st.Employees {
			if s.st.Employees[i].Number == number {
				s.st.Employees[i].Name = name
			}
		}
	}
	s.st.employees[number] = name
}

// AddBranch adds a branch.
func (s *Sim) AddBranch(number int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.st.branches[number] {
		s.st.Branches = append(s.st.Branches, Branch{Number: number, Name: name})
		s.st.branches[number] = true
	}
}

// AddVatGroup adds or replaces a VAT group.
func (s *Sim) AddVatGroup(g VatGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	replaced := false
	for i := range s.st.VatGroups {
		if s.st.VatGroups[i].Code == g.Code {
			s.st.VatGroups[i], replaced = g, true
		}
	}
	if !replaced {
		s.st.VatGroups = append(s.st.VatGroups, g)
	}
	s.st.vatByCode[g.Code] = g
}

// ---- inspection (copies, in creation order) ----

// Orders returns every stored order.
func (s *Sim) Orders() []Order {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return copyOrders(s.st.Orders)
}

// Invoices returns every stored invoice (ExtOrderID holds the extInvoiceId).
func (s *Sim) Invoices() []Order {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return copyOrders(s.st.Invoices)
}

// Relations returns every relation.
func (s *Sim) Relations() []Relation {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Relation, len(s.st.Relations))
	for i, r := range s.st.Relations {
		out[i] = *r
	}
	return out
}

// Products returns every article.
func (s *Sim) Products() []Product {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Product, len(s.st.Products))
	for i, p := range s.st.Products {
		out[i] = *p
	}
	return out
}

// Calls tells how many requests for one SOAP operation reached the
// simulator's handler (after fault injection; a request answered by an
// injected 5xx is not counted, a dropped-after-commit one is).
func (s *Sim) Calls(op string) int {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	return s.calls[op]
}

func (s *Sim) countCall(op string) {
	s.callsMu.Lock()
	s.calls[op]++
	s.callsMu.Unlock()
}

func copyOrders(in []*Order) []Order {
	out := make([]Order, len(in))
	for i, o := range in {
		out[i] = copyOrder(o)
	}
	return out
}

func copyOrder(o *Order) Order {
	c := *o
	c.Lines = append([]Line(nil), o.Lines...)
	for i := range c.Lines {
		if p := c.Lines[i].OriginalPriceCents; p != nil {
			v := *p
			c.Lines[i].OriginalPriceCents = &v
		}
	}
	if o.DeliveryAddress != nil {
		a := *o.DeliveryAddress
		c.DeliveryAddress = &a
	}
	if o.InvoiceAddress != nil {
		a := *o.InvoiceAddress
		c.InvoiceAddress = &a
	}
	return c
}

// ---- persistence ----

// Snapshot returns all state as JSON.
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return json.Marshal(s.st)
}

// Restore replaces all state with a Snapshot. Call counters and fault rules
// are not part of the state.
func (s *Sim) Restore(b []byte) error {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("mplus simulator state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("mplus simulator state has version %d, this simulator reads version %d", st.Version, stateVersion)
	}
	for _, list := range [][]*Order{st.Orders, st.Invoices} {
		for _, o := range list {
			if o == nil {
				return fmt.Errorf("mplus simulator state: an order is null")
			}
		}
	}
	for _, p := range st.Products {
		if p == nil {
			return fmt.Errorf("mplus simulator state: a product is null")
		}
	}
	for _, r := range st.Relations {
		if r == nil {
			return fmt.Errorf("mplus simulator state: a relation is null")
		}
	}
	st.reindex()
	s.mu.Lock()
	s.st = &st
	s.mu.Unlock()
	return nil
}

// ---- indexes ----

func (st *state) reindex() {
	st.byArticle = map[int64]*Product{}
	st.byPLU = map[string][]*Product{}
	st.byProductNo = map[int64][]*Product{}
	for _, p := range st.Products {
		st.indexProduct(p)
	}
	st.relByNumber = map[int64]*Relation{}
	st.relByEmail = map[string][]*Relation{}
	st.relByExt = map[string][]*Relation{}
	for _, r := range st.Relations {
		st.indexRelation(r)
	}
	st.orderByExt, st.orderByID = map[string]*Order{}, map[string]*Order{}
	for _, o := range st.Orders {
		st.orderByID[o.ID] = o
		if o.ExtOrderID != "" {
			st.orderByExt[o.ExtOrderID] = o
		}
	}
	st.invoiceByExt, st.invoiceByID = map[string]*Order{}, map[string]*Order{}
	for _, o := range st.Invoices {
		st.invoiceByID[o.ID] = o
		if o.ExtOrderID != "" {
			st.invoiceByExt[o.ExtOrderID] = o
		}
	}
	st.employees = map[int64]string{}
	for _, e := range st.Employees {
		st.employees[e.Number] = e.Name
	}
	st.branches = map[int]bool{}
	for _, b := range st.Branches {
		st.branches[b.Number] = true
	}
	st.vatByCode = map[int]VatGroup{}
	for _, g := range st.VatGroups {
		st.vatByCode[g.Code] = g
	}
}

func (st *state) nextMarker() int64 {
	st.SyncMarker++
	return st.SyncMarker
}

func (st *state) indexProduct(p *Product) {
	st.byArticle[p.ArticleNumber] = p
	if p.PLU != "" {
		st.byPLU[p.PLU] = append(st.byPLU[p.PLU], p)
	}
	st.byProductNo[p.ProductNumber] = append(st.byProductNo[p.ProductNumber], p)
}

func (st *state) unindexProduct(p *Product) {
	delete(st.byArticle, p.ArticleNumber)
	st.byPLU[p.PLU] = without(st.byPLU[p.PLU], p)
	st.byProductNo[p.ProductNumber] = without(st.byProductNo[p.ProductNumber], p)
}

func (st *state) indexRelation(r *Relation) {
	st.relByNumber[r.Number] = r
	if k := emailKey(r.Email); k != "" {
		st.relByEmail[k] = append(st.relByEmail[k], r)
	}
	if r.ExtRelationID != "" {
		st.relByExt[r.ExtRelationID] = append(st.relByExt[r.ExtRelationID], r)
	}
}

func (st *state) unindexRelation(r *Relation) {
	delete(st.relByNumber, r.Number)
	if k := emailKey(r.Email); k != "" {
		st.relByEmail[k] = without(st.relByEmail[k], r)
	}
	if r.ExtRelationID != "" {
		st.relByExt[r.ExtRelationID] = without(st.relByExt[r.ExtRelationID], r)
	}
}

func without[T comparable](list []T, v T) []T {
	for i, x := range list {
		if x == v {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

func emailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// vatWire renders a rate in the configured wire scale.
func (s *Sim) vatWire(r model.VATRate) int64 {
	return int64(r) * int64(s.opts.VATPercentageScale) / 100
}

// newUUID returns a random version 4 UUID, the shape of orderId/invoiceId.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sortedKeys is a helper for readable messages.
func sortedKeys[K int | int64](m map[K]string) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
