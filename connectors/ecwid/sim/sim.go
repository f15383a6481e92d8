// Package sim is a local Ecwid store (research apis-shop-pos.md §3; Ecwid
// publishes no machine-readable contract, so the research and the typed
// Java client's DTOs are the contract) for tests, the demo and benchmarks:
// one http.Handler serving the REST API v3 of one store under
// /api/v3/{storeId}/… (and under /{storeId}/…, for a client whose base
// URL is the simulator's bare address: APIPrefix), with its own wire
// types (wire.go), never the client's.
//
// Served (paths below the store, the Op… constants name them): orders
// (search, get, the last order, create, partial update, delete);
// customers (search, get, create, update, delete); products (search, get,
// create with ?saveCombinations=true, partial update, delete, the
// quantityDelta inventory endpoint, the main image upload); combinations
// (list, get, create, update, delete, their inventory endpoint);
// categories (search, get, create, update, delete); the store profile.
//
// Auth (§3.1): Authorization: Bearer <token>, or the older ?token=
// parameter, per store: another store id is 404 STORE_NOT_FOUND, a
// missing or unknown token 403 INVALID_API_TOKEN, a call outside the
// token's scopes 403 INSUFFICIENT_APP_SCOPE naming the scope; a public_
// token reads the profile and enabled products, their combinations and
// enabled categories only (the 2020 docs let it create orders "with
// limitations" too; the simulator does not); a store without API access on its plan is 402
// NOT_AVAILABLE_ON_CURRENT_PLAN (Options.NoAPIAccess). Every error body is
// {"errorMessage","errorCode"} (§3.7).
//
// Searches page with offset and limit (default and maximum 100) and
// answer {total, count, offset, limit, items}; responseFields trims an
// answer (total,items(id,email)). Money is a JSON number in store
// currency units and exact inside (Money, minor units). Every change
// stamps the record from Options.Now, to the second. Webhooks (webhooks.go)
// are signed and retried as §3.9 says when Options.Webhooks is set.
//
// Where research marks a fact unknown ([A], [?]) the simulator picks:
//   - Bad token: 403 INVALID_API_TOKEN, the status the current error-code
//     table gives (a client must read it as an auth failure, not a 401);
//     the store id is checked before the token, the plan after it.
//   - Rate limit: a token bucket of Options.RequestsPerMinute (600, §3.6)
//     per token, refilled evenly over the minute and as deep as a minute's
//     allowance; a request the bucket refuses is 429 RATE_LIMITED with
//     Retry-After in whole seconds (at least 1) until the next request
//     fits. Unknown tokens are not counted; the blocking of tokens that
//     keep failing is not simulated.
//   - Paging: a limit above 100 is cut to 100 (the answer's limit says
//     so), a limit below 1 or a negative offset is 400 WRONG_PARAMETER.
//   - Order search: newest first (createTimestamp, then internal id;
//     research §3.4 [A]); unfinished orders (paymentStatus INCOMPLETE) are
//     left out unless paymentStatus asks for INCOMPLETE; date bounds are
//     inclusive at the second; keywords match (case-insensitively, a
//     part) the order id, e-mail, addresses, tracking number, external
//     transaction id, item SKUs, names and options, and private admin
//     notes; email matches the whole address ignoring case; refererId,
//     paymentMethod, shippingMethod and couponCode match whole values
//     ignoring case. There is no externalOrderId filter (neither the docs
//     nor the Java client's search request has one): a client finds an
//     order it wrote by refererId, by keywords on privateAdminNotes or by
//     paging. hidden is kept as written and filters nothing.
//   - externalOrderId is not unique: a second order with the same one is
//     stored (Ecwid's uniqueness is unconfirmed, §3.8); nor is a
//     customer's e-mail.
//   - Order create: subtotal, total, email, paymentStatus and
//     fulfillmentStatus are required (the docs mark them so); the amounts
//     are kept as written, never recomputed (the docs say tax is not
//     recalculated); priceWithoutTax, subtotalWithoutTax and
//     totalWithoutTax are derived when not written. Items need a quantity
//     of at least 1; an item's productId and combinationId are kept as
//     written (an order line is a snapshot). An API order does not move
//     stock. createDate may be written. A value with more decimals than
//     the currency has (EUR: 2) is 400 naming the field.
//   - Order update: written fields replace stored ones; a person is
//     merged field by field; items replace all items; nothing is
//     recomputed. The order id in a path may be the id with or without the
//     store's prefix and suffix, or the internal id.
//   - Products: a product created without quantity and unlimited has
//     unlimited stock; writing quantity alone does not end unlimited
//     stock (write unlimited:false too); an absolute quantity may be
//     negative; unique SKUs over products and
//     combinations (409 SKU_ALREADY_EXISTS) unless
//     Options.AllowDuplicateSKUs; externalReferenceId unique (409
//     EXTERNAL_ID_ALREADY_USED); unknown categoryIds 404
//     CATEGORIES_NOT_FOUND; an inventory delta on unlimited stock changes
//     nothing (updateCount 0); a delta taking stock below zero is applied
//     with a warning. Default sortBy (RELEVANCE) is the order of creation;
//     keyword matches a part of name, description, SKUs, option values,
//     category names and attribute values, ignoring case and a trailing
//     *; sku matches exactly (with case). productId beats sku, and sku
//     beats every other filter, as the docs say. category=0 finds products
//     without a category.
//   - Combinations: the option values identify a combination (409
//     COMBINATION_DUPLICATED for a second with the same values); options
//     not on the product are added as SELECT options; a combination whose
//     SKU equals the product's must have the product's stock (400
//     DIFFERENT_COMBINATION_STOCK); its price defaults to the product's
//     with the options' modifiers.
//   - Images: POST /products/{productId}/image takes a binary body (or
//     ?externalUrl=) up to 20 MB and answers {"id"}; the product then
//     shows imageUrl. Nothing else about media is served.
//   - Unknown JSON properties are ignored (the docs' own examples send
//     read-only and misspelt fields); a value of the wrong JSON type is
//     400 WRONG_PARAMETER naming the field.
//   - Deleting a category deletes its subcategories and takes them off
//     their products. Customer search: email matches a part unless
//     useExactEmailMatch=true (then the whole address, ignoring case);
//     default order by id. Deletes that have no own scope need the update
//     scope.
//   - Webhooks: entityId is the order's internal id (-1 for an unfinished
//     order) or the product's id;
//     data carries orderId and the old and new statuses; unfinished orders
//     send unfinished_order.* and completing one sends order.created.
//     Customers and categories send none.
//   - An unknown path is 404 with errorCode RESOURCE_NOT_FOUND, a method a
//     path does not have 405 METHOD_NOT_ALLOWED; injected 5xx other than
//     500 come from the proxy in front as plain text.
//   - Seeding (seed.go): AddOrder keeps amounts as given and moves no
//     stock; PlaceOrder prices an order as the checkout does and takes
//     its quantities off tracked stock, as a storefront sale does.
//     Snapshot keeps the store's records, not the rate-limit buckets or
//     webhook deliveries in flight.
package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/simkit"
)

// Defaults.
const (
	// DemoStoreID is the store id of the demo and of Options without one.
	DemoStoreID = 1003
	// DemoToken is the demo app's token; it has AllScopes.
	DemoToken = "secret_koppel_demo_token"
	// DefaultRequestsPerMinute is the published limit per token (§3.6).
	DefaultRequestsPerMinute = 600
	// MaxLimit is the largest and the default page (§3.4).
	MaxLimit = 100
	// MaxImageSize is the largest image the API takes (INCORRECT_IMAGE_SIZE).
	MaxImageSize = 20 << 20
)

// AllScopes are the scopes the connector knows (connectors/ecwid).
var AllScopes = []string{
	ecwid.ScopeReadOrders, ecwid.ScopeUpdateOrders, ecwid.ScopeCreateOrders,
	ecwid.ScopeReadCatalog, ecwid.ScopeUpdateCatalog, ecwid.ScopeCreateCatalog,
	ecwid.ScopeReadCustomers, ecwid.ScopeUpdateCustomers, ecwid.ScopeCreateCustomers,
	ecwid.ScopeReadProfile,
}

// Options configure a simulator.
type Options struct {
	// StoreID is the store's id in paths; 0 means DemoStoreID.
	StoreID int64
	// Tokens are the tokens of the store's apps, each with the scopes it
	// was given; a token starting with "public_" is a public token
	// whatever it lists. nil means DemoToken with AllScopes.
	Tokens map[string][]string
	// Now is the store's clock; nil means time.Now.
	Now func() time.Time
	// RequestsPerMinute per token: 0 means DefaultRequestsPerMinute,
	// negative means unlimited.
	RequestsPerMinute int
	// NoAPIAccess is a store on a plan without the API: every call is 402.
	NoAPIAccess bool
	// AllowDuplicateSKUs is the "non-unique SKUs" store setting; off, a
	// taken SKU is 409 SKU_ALREADY_EXISTS.
	AllowDuplicateSKUs bool
	// Webhooks, when set, delivers events to an app's webhook URL.
	Webhooks *WebhookOptions
}

// Sim is the simulated store; an http.Handler, safe for concurrent use.
type Sim struct {
	o       Options
	store   string // the store id as paths carry it
	faults  simkit.Faults
	calls   simkit.CallCounter
	router  *simkit.Router
	handler http.Handler
	out     simkit.JSONWriter
	limiter *limiter
	hooks   *webhooks // nil without Options.Webhooks

	mu sync.Mutex
	st state
}

// state is everything Snapshot saves.
type state struct {
	// Next are the last ids handed out, by kind (ids.go).
	Next       map[string]int64 `json:"next"`
	Profile    Profile          `json:"profile"`
	Orders     []*Order         `json:"orders"`
	Products   []*Product       `json:"products"`
	Categories []*Category      `json:"categories"`
	Customers  []*Customer      `json:"customers"`
}

// DefaultProfile is a new store's profile: a Dutch store in euros with
// gross prices and the two Dutch VAT rates as manual taxes.
func DefaultProfile() Profile {
	return Profile{StoreName: "Koppel Testwinkel", Email: "winkel@example.nl", CompanyName: "Koppel Testwinkel B.V.",
		CountryCode: "NL", Currency: "EUR", CurrencyPrecision: 2, Timezone: "Europe/Amsterdam", PricesIncludeTax: true,
		Taxes: []TaxRate{
			{ID: TaxHigh, Name: "BTW 21%", Percent: "21", Shipping: true, Default: true},
			{ID: TaxLow, Name: "BTW 9%", Percent: "9"},
		}}
}

// The ids of DefaultProfile's taxes.
const (
	TaxHigh int64 = 947976181
	TaxLow  int64 = 947976182
)

// New builds a store with DefaultProfile and no catalogue, customers or
// orders (SeedDemo adds the demo's).
func New(o Options) *Sim {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.StoreID == 0 {
		o.StoreID = DemoStoreID
	}
	if o.RequestsPerMinute == 0 {
		o.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if o.Tokens == nil {
		o.Tokens = map[string][]string{DemoToken: AllScopes}
	}
	tokens := make(map[string][]string, len(o.Tokens))
	for t, sc := range o.Tokens {
		tokens[t] = slices.Clone(sc)
	}
	o.Tokens = tokens
	s := &Sim{o: o, store: strconv.FormatInt(o.StoreID, 10), st: newState()}
	s.limiter = newLimiter(o.RequestsPerMinute, o.Now)
	s.out = simkit.JSONWriter{ContentType: "application/json;charset=utf-8", ErrorBody: func(_ *http.Request, _ int, code, msg string) any {
		return errorBody{ErrorMessage: msg, ErrorCode: code}
	}}
	s.router = s.newRouter()
	s.handler = s.faults.Middleware(s.op, s.writeFault, http.HandlerFunc(s.serve))
	if o.Webhooks != nil {
		s.hooks = newWebhooks(*o.Webhooks, o.StoreID)
	}
	return s
}

func newState() state {
	return state{Next: map[string]int64{}, Profile: DefaultProfile()}
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults are the injected faults; rules name ops such as OpCreateOrder.
func (s *Sim) Faults() *simkit.Faults { return &s.faults }

// Calls counts the requests served, by op.
func (s *Sim) Calls() *simkit.CallCounter { return &s.calls }

// StoreID is the store's id.
func (s *Sim) StoreID() int64 { return s.o.StoreID }

// SetRateLimit changes the requests per minute per token from now on (0:
// the default, negative: unlimited).
func (s *Sim) SetRateLimit(perMinute int) {
	if perMinute == 0 {
		perMinute = DefaultRequestsPerMinute
	}
	s.limiter.setLimit(perMinute)
}

// Close stops webhook deliveries still waiting for a retry.
func (s *Sim) Close() {
	if s.hooks != nil {
		s.hooks.close()
	}
}

// now is the store's clock at the second its timestamps keep.
func (s *Sim) now() time.Time { return s.o.Now().UTC().Truncate(time.Second) }

// prec is the number of decimals of the store's currency.
func (s *Sim) prec() int { return s.st.Profile.CurrencyPrecision }

// Snapshot saves the whole state as JSON.
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.st)
}

// Restore replaces the state with a snapshot.
func (s *Sim) Restore(b []byte) error {
	st := newState()
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("not an Ecwid simulator snapshot: %w", err)
	}
	if st.Next == nil {
		st.Next = map[string]int64{}
	}
	if err := st.check(); err != nil {
		return fmt.Errorf("not a consistent Ecwid simulator snapshot: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = st
	return nil
}

// check refuses a snapshot with duplicate ids, and moves the id counters
// past every id it holds.
func (st *state) check() error {
	seen := map[string]bool{}
	dup := func(kind string, id int64) bool {
		k := kind + "/" + strconv.FormatInt(id, 10)
		if seen[k] || id <= 0 {
			return true
		}
		seen[k] = true
		st.Next[kind] = max(st.Next[kind], id)
		return false
	}
	for _, o := range st.Orders {
		if dup(kindOrder, o.InternalID) || seen["code/"+o.ID] {
			return fmt.Errorf("order %s is duplicated", o.ID)
		}
		seen["code/"+o.ID] = true
		for _, it := range o.Items {
			st.Next[kindItem] = max(st.Next[kindItem], it.ID)
		}
	}
	for _, p := range st.Products {
		if dup(kindProduct, p.ID) {
			return fmt.Errorf("product %d is duplicated", p.ID)
		}
		for _, c := range p.Combinations {
			if dup(kindCombination, c.ID) {
				return fmt.Errorf("combination %d is duplicated", c.ID)
			}
		}
	}
	for _, c := range st.Categories {
		if dup(kindCategory, c.ID) {
			return fmt.Errorf("category %d is duplicated", c.ID)
		}
	}
	for _, c := range st.Customers {
		if dup(kindCustomer, c.ID) {
			return fmt.Errorf("customer %d is duplicated", c.ID)
		}
	}
	return nil
}

// clone copies a record deeply through its JSON, so no caller shares
// slices or pointers with the state.
func clone[T any](v T) T { return simkit.Clone(v) }
