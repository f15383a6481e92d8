package sim

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// The simulator's own records: what Shopware keeps per entity (research
// §1.9), amounts in cents and tax rates in hundredths of a percent, so that
// what it serves is exact. They are its state (Snapshot) and are rendered
// into the API's JSON by render.go.

// Well-known default ids (research §1.1).
const (
	DefaultCurrencyID = "b7d2554b0ce847cd82f3ac9bd1c0dfca" // EUR
	SystemLanguageID  = "2fbb5fe2e29a4d70aa5854ce7ce3e20b"
	LiveVersionID     = "0fa91ce3e96a4bc2be4bd9ce752c3425"
)

// Fixture ids the simulator derives (any 32-hex id does; Shopware does not
// check UUID version bits).
var (
	DefaultSalesChannelID = fixtureID("sales_channel", "Storefront")
	defaultCustomerGroup  = fixtureID("customer_group", "Standard customer group")
	defaultDeliveryTime   = fixtureID("delivery_time", "1-3 days")
)

// fixtureID derives a stable id for a fixture record, so snapshots and
// tests see the same ids in every run.
func fixtureID(entity, key string) string {
	sum := md5.Sum([]byte("shopware6-sim/" + entity + "/" + key))
	return hex.EncodeToString(sum[:])
}

// state is everything Snapshot saves.
type state struct {
	Seq             int64           `json:"seq"`
	NextOrderNumber int64           `json:"nextOrderNumber"`
	NextCustomerNo  int64           `json:"nextCustomerNumber"`
	Orders          []*order        `json:"orders"`
	Customers       []*customer     `json:"customers"`
	Currencies      []*currency     `json:"currencies"`
	Countries       []*country      `json:"countries"`
	CountryStates   []*countryState `json:"countryStates"`
	PaymentMethods  []*method       `json:"paymentMethods"`
	ShippingMethods []*method       `json:"shippingMethods"`
	// States are the state machine states, the default ones and any a
	// test added (a shop's own order state).
	States []*machineState `json:"states"`
	// Catalog holds the catalogue's records per entity (catalog.go).
	Catalog map[string][]record `json:"catalog"`
}

// tax is one calculated tax: the tax at Rate on Price (gross or net, as
// the order's tax status is).
type tax struct {
	Tax   int64         `json:"tax"`
	Rate  model.VATRate `json:"rate"`
	Price int64         `json:"price"`
}

// calcPrice is a CalculatedPrice.
type calcPrice struct {
	Unit     int64 `json:"unit"`
	Total    int64 `json:"total"`
	Quantity int64 `json:"quantity"`
	Taxes    []tax `json:"taxes"`
}

// cartPrice is order.price.
type cartPrice struct {
	Net      int64 `json:"net"`
	Total    int64 `json:"total"`
	Position int64 `json:"position"`
	Raw      int64 `json:"raw"`
	Taxes    []tax `json:"taxes"`
}

type order struct {
	ID              string     `json:"id"`
	AutoIncrement   int64      `json:"autoIncrement"`
	OrderNumber     string     `json:"orderNumber"`
	SalesChannelID  string     `json:"salesChannelId"`
	CurrencyID      string     `json:"currencyId"`
	OrderDateTime   time.Time  `json:"orderDateTime"`
	CreatedAt       time.Time  `json:"createdAt"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
	StateID         string     `json:"stateId"`
	TaxStatus       string     `json:"taxStatus"`
	Price           cartPrice  `json:"price"`
	ShippingCosts   calcPrice  `json:"shippingCosts"`
	CustomerComment string     `json:"customerComment,omitempty"`
	DeepLinkCode    string     `json:"deepLinkCode"`

	Customer         orderCustomer `json:"orderCustomer"`
	BillingAddressID string        `json:"billingAddressId"`
	Addresses        []*address    `json:"addresses"`
	LineItems        []*lineItem   `json:"lineItems"`
	Deliveries       []*delivery   `json:"deliveries"`
	Transactions     []*payment    `json:"transactions"`

	// Override replaces top-level fields of the rendered order with raw
	// JSON: how a test makes an order the client cannot read.
	Override map[string]json.RawMessage `json:"override,omitempty"`
}

type orderCustomer struct {
	ID             string   `json:"id"`
	CustomerID     string   `json:"customerId,omitempty"` // "" when the order has no customer account
	Email          string   `json:"email"`
	FirstName      string   `json:"firstName"`
	LastName       string   `json:"lastName"`
	Company        string   `json:"company,omitempty"`
	CustomerNumber string   `json:"customerNumber,omitempty"`
	VatIDs         []string `json:"vatIds,omitempty"`
}

type address struct {
	ID             string `json:"id"`
	CountryID      string `json:"countryId"`
	CountryStateID string `json:"countryStateId,omitempty"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	Street         string `json:"street"`
	Zipcode        string `json:"zipcode,omitempty"`
	City           string `json:"city"`
	Company        string `json:"company,omitempty"`
	Department     string `json:"department,omitempty"`
	PhoneNumber    string `json:"phoneNumber,omitempty"`
	Line1          string `json:"additionalAddressLine1,omitempty"`
	VatID          string `json:"vatId,omitempty"`
}

type lineItem struct {
	ID            string    `json:"id"`
	ParentID      string    `json:"parentId,omitempty"`
	Type          string    `json:"type"`
	Label         string    `json:"label"`
	Quantity      int64     `json:"quantity"`
	Price         calcPrice `json:"price"`
	Position      int       `json:"position"`
	ProductNumber string    `json:"productNumber,omitempty"`
	ReferencedID  string    `json:"referencedId,omitempty"`
	PromotionCode string    `json:"promotionCode,omitempty"`
}

type delivery struct {
	ID                string     `json:"id"`
	ShippingAddressID string     `json:"shippingOrderAddressId"`
	ShippingMethodID  string     `json:"shippingMethodId"`
	StateID           string     `json:"stateId"`
	Costs             calcPrice  `json:"shippingCosts"`
	Earliest          time.Time  `json:"shippingDateEarliest"`
	Latest            time.Time  `json:"shippingDateLatest"`
	TrackingCodes     []string   `json:"trackingCodes,omitempty"`
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         *time.Time `json:"updatedAt,omitempty"`
}

// payment is an order_transaction.
type payment struct {
	ID              string     `json:"id"`
	PaymentMethodID string     `json:"paymentMethodId"`
	StateID         string     `json:"stateId"`
	Amount          calcPrice  `json:"amount"`
	CreatedAt       time.Time  `json:"createdAt"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
}

type customer struct {
	ID             string    `json:"id"`
	CustomerNumber string    `json:"customerNumber"`
	Email          string    `json:"email"`
	FirstName      string    `json:"firstName"`
	LastName       string    `json:"lastName"`
	Company        string    `json:"company,omitempty"`
	Guest          bool      `json:"guest"`
	CreatedAt      time.Time `json:"createdAt"`
}

type currency struct {
	ID       string `json:"id"`
	IsoCode  string `json:"isoCode"`
	Symbol   string `json:"symbol"`
	Name     string `json:"name"`
	Decimals int    `json:"decimals"`
}

type country struct {
	ID   string `json:"id"`
	Iso  string `json:"iso"`
	Iso3 string `json:"iso3"`
	Name string `json:"name"`
	EU   bool   `json:"eu"`
}

type countryState struct {
	ID        string `json:"id"`
	CountryID string `json:"countryId"`
	ShortCode string `json:"shortCode"`
	Name      string `json:"name"`
}

// method is a payment_method or shipping_method.
type method struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	TechnicalName string `json:"technicalName"`
}

// machineState is a state_machine_state.
type machineState struct {
	ID            string `json:"id"`
	Machine       string `json:"machine"`
	TechnicalName string `json:"technicalName"`
	Name          string `json:"name"`
}

// knownCountries names the countries the simulator creates on demand.
var knownCountries = map[string]country{
	"NL": {Iso: "NL", Iso3: "NLD", Name: "Netherlands", EU: true},
	"BE": {Iso: "BE", Iso3: "BEL", Name: "Belgium", EU: true},
	"DE": {Iso: "DE", Iso3: "DEU", Name: "Germany", EU: true},
	"FR": {Iso: "FR", Iso3: "FRA", Name: "France", EU: true},
	"LU": {Iso: "LU", Iso3: "LUX", Name: "Luxembourg", EU: true},
	"AT": {Iso: "AT", Iso3: "AUT", Name: "Austria", EU: true},
	"GB": {Iso: "GB", Iso3: "GBR", Name: "United Kingdom"},
	"CH": {Iso: "CH", Iso3: "CHE", Name: "Switzerland"},
	"US": {Iso: "US", Iso3: "USA", Name: "United States of America"},
}

var knownCurrencies = map[string]currency{
	"EUR": {ID: DefaultCurrencyID, IsoCode: "EUR", Symbol: "€", Name: "Euro", Decimals: 2},
	"GBP": {IsoCode: "GBP", Symbol: "£", Name: "Pound", Decimals: 2},
	"CHF": {IsoCode: "CHF", Symbol: "Fr", Name: "Swiss francs", Decimals: 2},
	"USD": {IsoCode: "USD", Symbol: "$", Name: "US-Dollar", Decimals: 2},
}

// slug makes a technical name from a display name ("iDEAL" → "ideal").
func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		case !under && b.Len() > 0:
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
