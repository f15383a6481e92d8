// Package sim is a local simulator of the MplusKASSA MplusQAPI: SOAP 1.1
// document/literal in namespace urn:mplusqapi, POSTed to the root path with
// ?ident=…&secret=… in the query string (research/apis-shop-pos.md §2).
//
// It serves the operations the Koppel client uses — getApiVersion,
// getVatGroupList, getCurrentSyncMarkers, getProducts, createProduct,
// updateProduct, getArticleGroups, newArticleGroup, getStock,
// getStockHistoryV2, setStock, updateStock, findOrder/createOrder,
// findInvoice/saveInvoice, getRelation, findRelation/createRelation/
// updateRelation — with the WSDL's element names and list wrappers, the
// business result enums in 200 answers and SOAP Faults on HTTP 500 (§2.8).
// It enforces what the real system enforces as far as it is known: unique
// extOrderId/extInvoiceId (§2.9), unique product and article numbers, an
// existing employee (999999 is seeded), an existing branch (1 is seeded),
// existing articles, groups and relations, stock only for stock articles.
//
// Change tracking (§2.7): articles, article groups, relations, orders and
// invoices each have their own syncMarker counter, bumped on every change
// (an updateProduct or updateRelation that changes nothing bumps nothing,
// so writing back what was read starts no ping-pong); a change to a
// product's own fields bumps all its articles. Stock has its own counter,
// the stockId of the history: every change of an amount is a history row
// with the next stockId, and a stock change leaves the article's
// syncMarker alone.
//
// Every request passes simkit.Faults first (latency, 5xx, drop the response
// after the commit). State is kept in memory with indexes on every natural
// key, guarded by one lock, and can be saved and restored as JSON.
package sim

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
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

// Product is one article. Articles with the same ProductNumber form one
// product (AddProduct makes a product of one article; AddProductWithArticles
// one of several).
type Product struct {
	// ArticleNumber is the article's key; 0 in AddProduct assigns the next.
	ArticleNumber int64  `json:"articleNumber"`
	PLU           string `json:"plu"`
	Description   string `json:"description"`
	// PriceInclCents is the article's price incl. VAT in cents; priceExcl
	// is computed from it.
	PriceInclCents int64 `json:"priceInclCents"`
	// VatCode is one of the VAT groups; 0 in AddProduct means VatCodeHigh.
	VatCode int `json:"vatCode"`
	// ProductNumber groups articles; 0 in AddProduct assigns the next.
	ProductNumber int64  `json:"productNumber"`
	Barcode       string `json:"barcode,omitempty"`
	// Inactive articles are returned with active=false.
	Inactive      bool   `json:"inactive,omitempty"`
	Colour        string `json:"colour,omitempty"`
	Size          string `json:"size,omitempty"`
	InvoiceText   string `json:"invoiceText,omitempty"`
	ExtraText     string `json:"extraText,omitempty"`
	TurnoverGroup int    `json:"turnoverGroup,omitempty"`
	Webshop       bool   `json:"webshop,omitempty"`
	// StockArticle: stock is kept for the article; setStock and updateStock
	// refuse others (…-NO-STOCK-ARTICLE).
	StockArticle bool              `json:"stockArticle,omitempty"`
	Images       []Image           `json:"images,omitempty"`
	CustomFields map[string]string `json:"customFields,omitempty"`
	SyncMarker   int64             `json:"syncMarker"`
}

// Image is an article photo; Data is sent as imageData (base64) when set.
type Image struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	Data []byte `json:"data,omitempty"`
}

// CatalogProduct is a product with its articles: the seed of
// AddProductWithArticles and what ProductByNumber returns.
type CatalogProduct struct {
	// Number is the productNumber; 0 in AddProductWithArticles assigns the next.
	Number      int64  `json:"number"`
	Description string `json:"description"`
	ExtraText   string `json:"extraText,omitempty"`
	// Groups are the numbers of the product's article groups.
	Groups   []int     `json:"groups,omitempty"`
	Articles []Product `json:"articles"`
}

// productHead is what a product holds beside its articles.
type productHead struct {
	Number      int64  `json:"number"`
	Description string `json:"description"`
	ExtraText   string `json:"extraText,omitempty"`
	Groups      []int  `json:"groups,omitempty"`
}

// Group is an article group (a category); Parent 0 is the top level.
type Group struct {
	Number     int    `json:"number"`
	Parent     int    `json:"parent,omitempty"`
	Name       string `json:"name"`
	Text       string `json:"text,omitempty"`
	SortOrder  int    `json:"sortOrder,omitempty"`
	SyncMarker int64  `json:"syncMarker"`
}

// StockLevel is an article's stock in one branch.
type StockLevel struct {
	Branch        int            `json:"branch"`
	ArticleNumber int64          `json:"articleNumber"`
	Free          model.Quantity `json:"free"`
	Reserved      model.Quantity `json:"reserved"`
	// StockID is the stockId of the last change.
	StockID   int64     `json:"stockId"`
	ChangedAt time.Time `json:"changedAt"`
}

// StockChange is one row of the stock history.
type StockChange struct {
	StockID        int64          `json:"stockId"`
	Time           time.Time      `json:"time"`
	Branch         int            `json:"branch"`
	ArticleNumber  int64          `json:"articleNumber"`
	Change         model.Quantity `json:"change"`
	Type           string         `json:"type"` // STOCK-HISTORY-TYPE-…
	EmployeeNumber int64          `json:"employeeNumber,omitempty"`
	Reference      string         `json:"reference,omitempty"`
}

// Markers are the current sync markers per entity (getCurrentSyncMarkers);
// Stock is the last stockId.
type Markers struct {
	Article      int64 `json:"article"`
	ArticleGroup int64 `json:"articleGroup"`
	Relation     int64 `json:"relation"`
	Order        int64 `json:"order"`
	Invoice      int64 `json:"invoice"`
	Stock        int64 `json:"stock"`
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
	// PaymentWithinDays is the payment term (0: none).
	PaymentWithinDays int `json:"paymentWithinDays,omitempty"`
	// CustomFields are the relation's custom fields, as text.
	CustomFields map[string]string `json:"customFields,omitempty"`
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
	// TurnoverGroup is LineData.turnoverGroup as sent (0 when absent).
	TurnoverGroup int `json:"turnoverGroup,omitempty"`
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
	// PaymentMethod and DeliveryMethod are the order's codes as sent.
	PaymentMethod  string `json:"paymentMethod,omitempty"`
	DeliveryMethod string `json:"deliveryMethod,omitempty"`
	// DueDate is an invoice's dueDate as sent, "2006-01-02" ("" when absent).
	DueDate string `json:"dueDate,omitempty"`
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

	calls simkit.CallCounter
}

// state is everything persisted, plus indexes rebuilt on restore.
type state struct {
	Version      int            `json:"version"`
	Products     []*Product     `json:"products"`
	ProductHeads []*productHead `json:"productHeads"`
	Groups       []*Group       `json:"groups"`
	Stock        []*StockLevel  `json:"stock"`
	History      []StockChange  `json:"stockHistory"`
	Relations    []*Relation    `json:"relations"`
	Orders       []*Order       `json:"orders"`
	Invoices     []*Order       `json:"invoices"`
	Employees    []Employee     `json:"employees"`
	Branches     []Branch       `json:"branches"`
	VatGroups    []VatGroup     `json:"vatGroups"`

	NextArticle       int64   `json:"nextArticle"`
	NextProduct       int64   `json:"nextProduct"`
	NextGroup         int     `json:"nextGroup"`
	NextRelation      int64   `json:"nextRelation"`
	NextOrderNumber   int64   `json:"nextOrderNumber"`
	NextInvoiceNumber int64   `json:"nextInvoiceNumber"`
	Markers           Markers `json:"markers"`
	// SyncMarker is the one counter of version 1 states, read on restore.
	SyncMarker int64 `json:"syncMarker,omitempty"`

	byArticle    map[int64]*Product
	byPLU        map[string][]*Product
	byProductNo  map[int64][]*Product
	headByNo     map[int64]*productHead
	groupByNo    map[int]*Group
	stockByKey   map[stockKey]*StockLevel
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

// stateVersion 2 added product heads, groups, stock and per-entity
// markers; Restore still reads version 1.
const stateVersion = 2

type stockKey struct {
	branch  int
	article int64
}

// New builds a simulator seeded with employee 999999, branch 1 and the Dutch
// VAT groups 21 %, 9 % and 0 %.
func New(o Options) *Sim {
	if o.VATPercentageScale <= 0 {
		o.VATPercentageScale = 1
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 8 << 20
	}
	s := &Sim{opts: o, now: o.Now, faults: &simkit.Faults{}}
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
		NextArticle: 1001, NextProduct: 101, NextGroup: 1, NextRelation: 10001,
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

// AddProduct adds an article and returns its article number. Without a
// ProductNumber it becomes a product of its own (named after the article);
// with the number of an existing product it joins that product. An article
// with an existing ArticleNumber is replaced.
func (s *Sim) AddProduct(p Product) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.putArticle(p)
}

// AddProductWithArticles adds a product with its articles (each as in
// AddProduct) and returns the productNumber and the articleNumbers.
func (s *Sim) AddProductWithArticles(p CatalogProduct) (int64, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if p.Number == 0 {
		p.Number = st.NextProduct
	}
	st.NextProduct = max(st.NextProduct, p.Number+1)
	head := st.headByNo[p.Number]
	if head == nil {
		head = &productHead{Number: p.Number}
		st.ProductHeads = append(st.ProductHeads, head)
		st.headByNo[p.Number] = head
	}
	head.Description, head.ExtraText, head.Groups = p.Description, p.ExtraText, append([]int(nil), p.Groups...)
	numbers := make([]int64, len(p.Articles))
	for i, a := range p.Articles {
		a.ProductNumber = p.Number
		numbers[i] = st.putArticle(a)
	}
	return p.Number, numbers
}

// putArticle stores an article with the next sync marker. Callers hold s.mu.
func (st *state) putArticle(p Product) int64 {
	if p.ArticleNumber == 0 {
		p.ArticleNumber = st.NextArticle
	}
	st.NextArticle = max(st.NextArticle, p.ArticleNumber+1)
	if p.ProductNumber == 0 {
		p.ProductNumber = st.NextProduct
	}
	st.NextProduct = max(st.NextProduct, p.ProductNumber+1)
	if p.VatCode == 0 {
		p.VatCode = VatCodeHigh
	}
	p.Images = append([]Image(nil), p.Images...)
	for i := range p.Images {
		if p.Images[i].ID == 0 {
			p.Images[i].ID = p.ArticleNumber*100 + int64(i) + 1
		}
	}
	p.CustomFields = maps.Clone(p.CustomFields)
	p.SyncMarker = st.nextArticleMarker()
	if st.headByNo[p.ProductNumber] == nil {
		head := &productHead{Number: p.ProductNumber, Description: p.Description}
		st.ProductHeads = append(st.ProductHeads, head)
		st.headByNo[p.ProductNumber] = head
	}
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

// AddGroup adds an article group under parent (0: the top level) and
// returns its number.
func (s *Sim) AddGroup(parent int, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.newGroup(parent, name, name)
}

func (st *state) newGroup(parent int, name, text string) int {
	g := &Group{Number: st.NextGroup, Parent: parent, Name: name, Text: text, SyncMarker: st.nextGroupMarker()}
	st.NextGroup++
	st.Groups = append(st.Groups, g)
	st.groupByNo[g.Number] = g
	return g.Number
}

// SetStockLevel sets the free and reserved stock of the article with this
// PLU in DefaultBranch, as a change in the back office would: a change of
// the free amount is a history row (STOCK-HISTORY-TYPE-MANUAL) with the next
// stockId. The article's stockArticle flag is left as it is.
func (s *Sim) SetStockLevel(plu string, free, reserved model.Quantity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.articleByPLU(plu)
	if p == nil {
		return fmt.Errorf("mplus simulator: no article has PLU %q", plu)
	}
	lvl := s.st.setStock(DefaultBranch, p.ArticleNumber, free, stockHistoryManual, 0, "", s.now())
	lvl.Reserved = reserved
	return nil
}

// setStock sets the free amount and records the change. Callers hold s.mu.
func (st *state) setStock(branch int, article int64, free model.Quantity, kind string, employee int64, reference string, now time.Time) *StockLevel {
	key := stockKey{branch, article}
	lvl := st.stockByKey[key]
	if lvl == nil {
		lvl = &StockLevel{Branch: branch, ArticleNumber: article}
		st.Stock = append(st.Stock, lvl)
		st.stockByKey[key] = lvl
	}
	if change := free - lvl.Free; change != 0 {
		st.Markers.Stock++
		lvl.Free, lvl.StockID, lvl.ChangedAt = free, st.Markers.Stock, now
		st.History = append(st.History, StockChange{StockID: lvl.StockID, Time: now, Branch: branch, ArticleNumber: article,
			Change: change, Type: kind, EmployeeNumber: employee, Reference: reference})
	}
	return lvl
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
	r.CustomFields = maps.Clone(r.CustomFields)
	r.SyncMarker = st.nextRelationMarker()
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
		out[i] = copyRelation(r)
	}
	return out
}

// Relation returns the relation with this relationNumber.
func (s *Sim) Relation(number int64) (Relation, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.st.relByNumber[number]
	if r == nil {
		return Relation{}, false
	}
	return copyRelation(r), true
}

func copyRelation(r *Relation) Relation {
	c := *r
	c.CustomFields = maps.Clone(r.CustomFields)
	return c
}

// Products returns every article.
func (s *Sim) Products() []Product {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Product, len(s.st.Products))
	for i, p := range s.st.Products {
		out[i] = copyArticle(p)
	}
	return out
}

// Product returns the article with this PLU (an active one first, then the
// lowest article number).
func (s *Sim) Product(plu string) (Product, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.st.articleByPLU(plu)
	if p == nil {
		return Product{}, false
	}
	return copyArticle(p), true
}

// ProductByNumber returns a product with its articles (in article number
// order) and groups.
func (s *Sim) ProductByNumber(number int64) (CatalogProduct, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := s.st.headByNo[number]
	if h == nil {
		return CatalogProduct{}, false
	}
	out := CatalogProduct{Number: h.Number, Description: h.Description, ExtraText: h.ExtraText, Groups: append([]int(nil), h.Groups...)}
	for _, p := range s.st.articlesOf(number) {
		out.Articles = append(out.Articles, copyArticle(p))
	}
	return out, true
}

func copyArticle(p *Product) Product {
	c := *p
	c.Images = append([]Image(nil), p.Images...)
	c.CustomFields = maps.Clone(p.CustomFields)
	return c
}

// Groups returns every article group, in creation order.
func (s *Sim) Groups() []Group {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Group, len(s.st.Groups))
	for i, g := range s.st.Groups {
		out[i] = *g
	}
	return out
}

// Stock returns the stock of the article with this PLU in DefaultBranch
// (zero when none was ever set); false when no article has the PLU.
func (s *Sim) Stock(plu string) (StockLevel, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.st.articleByPLU(plu)
	if p == nil {
		return StockLevel{}, false
	}
	if lvl := s.st.stockByKey[stockKey{DefaultBranch, p.ArticleNumber}]; lvl != nil {
		return *lvl, true
	}
	return StockLevel{Branch: DefaultBranch, ArticleNumber: p.ArticleNumber}, true
}

// StockHistory returns every stock change, oldest first.
func (s *Sim) StockHistory() []StockChange {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]StockChange(nil), s.st.History...)
}

// SyncMarkers returns the current marker of every entity.
func (s *Sim) SyncMarkers() Markers {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.Markers
}

// Calls tells how many requests for one SOAP operation reached the
// simulator's handler (after fault injection; a request answered by an
// injected 5xx is not counted, a dropped-after-commit one is).
func (s *Sim) Calls(op string) int { return s.calls.Count(op) }

func (s *Sim) countCall(op string) { s.calls.Add(op) }

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
	switch st.Version {
	case 1:
		// One counter for everything: every entity's markers go on from it.
		m := st.SyncMarker
		st.Markers = Markers{Article: m, ArticleGroup: m, Relation: m, Order: m, Invoice: m}
		st.NextGroup, st.SyncMarker, st.Version = 1, 0, stateVersion
	case stateVersion:
	default:
		return fmt.Errorf("mplus simulator state has version %d, this simulator reads versions 1 and %d", st.Version, stateVersion)
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
	for _, h := range st.ProductHeads {
		if h == nil {
			return fmt.Errorf("mplus simulator state: a product is null")
		}
	}
	for _, g := range st.Groups {
		if g == nil {
			return fmt.Errorf("mplus simulator state: a group is null")
		}
	}
	for _, l := range st.Stock {
		if l == nil {
			return fmt.Errorf("mplus simulator state: a stock level is null")
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
	st.headByNo = map[int64]*productHead{}
	for _, h := range st.ProductHeads {
		st.headByNo[h.Number] = h
	}
	for _, p := range st.Products { // version 1 kept no heads
		if st.headByNo[p.ProductNumber] == nil {
			h := &productHead{Number: p.ProductNumber, Description: p.Description}
			st.ProductHeads = append(st.ProductHeads, h)
			st.headByNo[h.Number] = h
		}
	}
	st.groupByNo = map[int]*Group{}
	for _, g := range st.Groups {
		st.groupByNo[g.Number] = g
	}
	st.stockByKey = map[stockKey]*StockLevel{}
	for _, l := range st.Stock {
		st.stockByKey[stockKey{l.Branch, l.ArticleNumber}] = l
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

func (st *state) nextArticleMarker() int64  { st.Markers.Article++; return st.Markers.Article }
func (st *state) nextGroupMarker() int64    { st.Markers.ArticleGroup++; return st.Markers.ArticleGroup }
func (st *state) nextRelationMarker() int64 { st.Markers.Relation++; return st.Markers.Relation }
func (st *state) nextOrderMarker() int64    { st.Markers.Order++; return st.Markers.Order }
func (st *state) nextInvoiceMarker() int64  { st.Markers.Invoice++; return st.Markers.Invoice }

// articleByPLU is the article a PLU names: an active one first, then the
// lowest article number.
func (st *state) articleByPLU(plu string) *Product {
	var best *Product
	for _, p := range st.byPLU[plu] {
		if best == nil || (best.Inactive && !p.Inactive) || (best.Inactive == p.Inactive && p.ArticleNumber < best.ArticleNumber) {
			best = p
		}
	}
	return best
}

// articlesOf lists a product's articles by article number.
func (st *state) articlesOf(product int64) []*Product {
	out := append([]*Product(nil), st.byProductNo[product]...)
	sort.Slice(out, func(i, j int) bool { return out[i].ArticleNumber < out[j].ArticleNumber })
	return out
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
