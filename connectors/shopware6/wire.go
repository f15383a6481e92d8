package shopware6

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The Admin API's shapes as the client sends and reads them (Accept:
// application/json, research §1.1), named as the API names them. Where the
// contract (shared/specs/shopware-adminapi.json) and the research differ,
// the contract decides what is sent and both are read: see taxList.
//
// Every amount is a json.Number, read into minor units from its decimal
// text (model.ParseMinor), never through a float. Fields the API may send
// as null or leave out are pointers or slices; a missing one is reported
// by the mapping, naming it.

// criteria is the body of POST /api/search/{entity} (research §1.5).
type criteria struct {
	IDs          []string             `json:"ids,omitempty"`
	Page         int                  `json:"page,omitempty"`
	Limit        int                  `json:"limit,omitempty"`
	Filter       []filter             `json:"filter,omitempty"`
	Sort         []sorting            `json:"sort,omitempty"`
	Associations map[string]*criteria `json:"associations,omitempty"`
	// TotalCountMode is sent as the contract's words (none, exact,
	// next-pages); research §1.5 also names the numbers 0-2.
	TotalCountMode string `json:"total-count-mode,omitempty"`
}

// filter is one filter of a criteria (research §1.5): equals, equalsAny,
// contains, range, multi and not are the ones the client sends.
type filter struct {
	Type  string `json:"type"`
	Field string `json:"field,omitempty"`
	// Value is left out when nil: an equals filter on null (IS NULL) needs
	// its own shape, which the order source does not send.
	Value      any               `json:"value,omitempty"`
	Operator   string            `json:"operator,omitempty"`
	Queries    []filter          `json:"queries,omitempty"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

type sorting struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

func equalsAny(field string, values []string) filter {
	return filter{Type: "equalsAny", Field: field, Value: values}
}

func rangeFilter(field string, params map[string]string) filter {
	return filter{Type: "range", Field: field, Parameters: params}
}

func anyOf(queries ...filter) filter {
	return filter{Type: "multi", Operator: "or", Queries: queries}
}

// association builds the associations map of a criteria from dotted paths
// ("deliveries.shippingOrderAddress.country"), each level an empty criteria.
func association(paths ...string) map[string]*criteria {
	root := map[string]*criteria{}
	for _, p := range paths {
		level := root
		for _, name := range splitPath(p) {
			c := level[name]
			if c == nil {
				c = &criteria{}
				level[name] = c
			}
			if c.Associations == nil {
				c.Associations = map[string]*criteria{}
			}
			level = c.Associations
		}
	}
	prune(root)
	return root
}

// prune drops the empty association maps association leaves at the leaves,
// so a leaf is sent as {}.
func prune(m map[string]*criteria) {
	for _, c := range m {
		if len(c.Associations) == 0 {
			c.Associations = nil
		} else {
			prune(c.Associations)
		}
	}
}

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '.' })
}

// searchResult is the answer of a search: {"total", "data", "aggregations"}.
// The orders stay raw until each is read on its own, so one that does not
// match the schema is reported alone.
type searchResult struct {
	Total *int              `json:"total"`
	Data  []json.RawMessage `json:"data"`
}

// errorsBody is every error answer (research §1.10).
type errorsBody struct {
	Errors []wireError `json:"errors"`
}

type wireError struct {
	Status      string `json:"status"`
	Code        string `json:"code"`
	Title       string `json:"title"`
	Detail      string `json:"detail"`
	Description string `json:"description"`
	Source      *struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
	} `json:"source"`
	Meta map[string]any `json:"meta"`
}

// tokenAnswer is the token endpoint's 200 (research §1.2).
type tokenAnswer struct {
	TokenType   string      `json:"token_type"`
	ExpiresIn   json.Number `json:"expires_in"`
	AccessToken string      `json:"access_token"`
}

// wireOrder is the order entity (research §1.9 "order") with the
// associations the client asks for.
type wireOrder struct {
	ID            string  `json:"id"`
	OrderNumber   *string `json:"orderNumber"`
	OrderDateTime string  `json:"orderDateTime"`
	CreatedAt     string  `json:"createdAt"`
	UpdatedAt     *string `json:"updatedAt"`

	SalesChannelID   string      `json:"salesChannelId"`
	StateMachine     *wireState  `json:"stateMachineState"`
	Price            *wireCart   `json:"price"`
	AmountTotal      json.Number `json:"amountTotal"`
	AmountNet        json.Number `json:"amountNet"`
	TaxStatus        string      `json:"taxStatus"`
	ShippingCosts    *wirePrice  `json:"shippingCosts"`
	Currency         *wireCurr   `json:"currency"`
	CustomerComment  *string     `json:"customerComment"`
	BillingAddressID string      `json:"billingAddressId"`
	BillingAddress   *wireAddr   `json:"billingAddress"`
	Addresses        []wireAddr  `json:"addresses"`
	OrderCustomer    *wireOrdCus `json:"orderCustomer"`

	LineItems    []wireLineItem    `json:"lineItems"`
	Deliveries   []wireDelivery    `json:"deliveries"`
	Transactions []wireTransaction `json:"transactions"`
	// Primary…ID name the main delivery and payment (6.7 and later); older
	// versions leave them out and the client picks as the Administration does.
	PrimaryOrderDeliveryID    *string `json:"primaryOrderDeliveryId"`
	PrimaryOrderTransactionID *string `json:"primaryOrderTransactionId"`
}

func (o wireOrder) number() string {
	if o.OrderNumber != nil {
		return *o.OrderNumber
	}
	return ""
}

// wireState is a state_machine_state.
type wireState struct {
	ID            string `json:"id"`
	TechnicalName string `json:"technicalName"`
	Name          string `json:"name"`
}

// wireCart is order.price, a CartPrice.
type wireCart struct {
	NetPrice        json.Number `json:"netPrice"`
	TotalPrice      json.Number `json:"totalPrice"`
	PositionPrice   json.Number `json:"positionPrice"`
	RawTotal        json.Number `json:"rawTotal"`
	TaxStatus       string      `json:"taxStatus"`
	CalculatedTaxes taxList     `json:"calculatedTaxes"`
}

// wirePrice is a CalculatedPrice (a line item's price, shipping costs, a
// transaction's amount).
type wirePrice struct {
	UnitPrice       json.Number `json:"unitPrice"`
	TotalPrice      json.Number `json:"totalPrice"`
	Quantity        json.Number `json:"quantity"`
	CalculatedTaxes taxList     `json:"calculatedTaxes"`
	TaxRules        ruleList    `json:"taxRules"`
}

// wireTax is one CalculatedTax: the tax at one rate on the part of the price
// taxed at it (price: gross or net, as the order's tax status is).
type wireTax struct {
	Tax     json.Number `json:"tax"`
	TaxRate json.Number `json:"taxRate"`
	Price   json.Number `json:"price"`
}

type wireRule struct {
	TaxRate    json.Number `json:"taxRate"`
	Percentage json.Number `json:"percentage"`
}

// taxList reads calculatedTaxes in either shape: the contract declares an
// object (the PHP collection keyed by rate, {"21": {…}}), the research and
// the stored orders show a list. Entries come out by rate, highest first, so
// an object's key order does not matter.
type taxList []wireTax

func (l *taxList) UnmarshalJSON(b []byte) error {
	out, err := listOrObject[wireTax](b)
	sort.SliceStable(out, func(i, j int) bool { return numberGreater(out[i].TaxRate, out[j].TaxRate) })
	*l = out
	return err
}

// ruleList reads taxRules in either shape, as taxList does.
type ruleList []wireRule

func (l *ruleList) UnmarshalJSON(b []byte) error {
	out, err := listOrObject[wireRule](b)
	sort.SliceStable(out, func(i, j int) bool { return numberGreater(out[i].TaxRate, out[j].TaxRate) })
	*l = out
	return err
}

func listOrObject[T any](b []byte) ([]T, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil, nil
	case b[0] == '[':
		var out []T
		err := json.Unmarshal(b, &out)
		return out, err
	case b[0] == '{':
		var m map[string]T
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]T, 0, len(m))
		for _, k := range keys {
			out = append(out, m[k])
		}
		return out, nil
	}
	return nil, fmt.Errorf("neither a list nor an object: %.20s", b)
}

// numberGreater orders two JSON numbers; an unreadable one sorts last.
func numberGreater(a, b json.Number) bool {
	x, errA := a.Float64()
	y, errB := b.Float64()
	if errA != nil || errB != nil {
		return errA == nil
	}
	return x > y
}

type wireCurr struct {
	ID      string `json:"id"`
	IsoCode string `json:"isoCode"`
}

// wireOrdCus is the order_customer: the customer as they were when ordering.
type wireOrdCus struct {
	CustomerID     *string  `json:"customerId"`
	Email          string   `json:"email"`
	FirstName      string   `json:"firstName"`
	LastName       string   `json:"lastName"`
	Company        *string  `json:"company"`
	CustomerNumber *string  `json:"customerNumber"`
	VatIDs         []string `json:"vatIds"`
	Customer       *struct {
		ID    string `json:"id"`
		Guest *bool  `json:"guest"`
	} `json:"customer"`
}

// wireAddr is an order_address.
type wireAddr struct {
	ID                     string  `json:"id"`
	FirstName              string  `json:"firstName"`
	LastName               string  `json:"lastName"`
	Company                *string `json:"company"`
	Department             *string `json:"department"`
	Street                 string  `json:"street"`
	AdditionalAddressLine1 *string `json:"additionalAddressLine1"`
	AdditionalAddressLine2 *string `json:"additionalAddressLine2"`
	Zipcode                *string `json:"zipcode"`
	City                   string  `json:"city"`
	PhoneNumber            *string `json:"phoneNumber"`
	VatID                  *string `json:"vatId"`
	CountryID              string  `json:"countryId"`
	Country                *struct {
		Iso string `json:"iso"`
	} `json:"country"`
	CountryState *struct {
		ShortCode string `json:"shortCode"`
		Name      string `json:"name"`
	} `json:"countryState"`
}

// wireLineItem is an order_line_item (research §1.9).
type wireLineItem struct {
	ID         string          `json:"id"`
	ParentID   *string         `json:"parentId"`
	Type       string          `json:"type"`
	Label      string          `json:"label"`
	Quantity   json.Number     `json:"quantity"`
	UnitPrice  json.Number     `json:"unitPrice"`
	TotalPrice json.Number     `json:"totalPrice"`
	Price      *wirePrice      `json:"price"`
	Payload    json.RawMessage `json:"payload"`
	Position   *int            `json:"position"`
}

// productNumber reads payload.productNumber, the SKU a product line was
// sold under (research §1.9 [L]); "" when the payload has none.
func (li wireLineItem) productNumber() string {
	var p struct {
		ProductNumber string `json:"productNumber"`
	}
	if len(li.Payload) > 0 && li.Payload[0] == '{' {
		_ = json.Unmarshal(li.Payload, &p)
	}
	return p.ProductNumber
}

type wireDelivery struct {
	ID                   string     `json:"id"`
	StateMachine         *wireState `json:"stateMachineState"`
	ShippingCosts        *wirePrice `json:"shippingCosts"`
	ShippingOrderAddress *wireAddr  `json:"shippingOrderAddress"`
	ShippingMethod       *wireMeth  `json:"shippingMethod"`
}

type wireTransaction struct {
	ID            string     `json:"id"`
	CreatedAt     string     `json:"createdAt"`
	StateMachine  *wireState `json:"stateMachineState"`
	Amount        *wirePrice `json:"amount"`
	PaymentMethod *wireMeth  `json:"paymentMethod"`
}

// wireMeth is a payment_method or shipping_method. technicalName is
// required from 6.7 on; older shops may send none.
type wireMeth struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	TechnicalName *string `json:"technicalName"`
	Translated    *struct {
		Name string `json:"name"`
	} `json:"translated"`
}

// label is the method's technical name, else its name: the technical name
// stays the same in every language, so mapping rules keep working.
func (m *wireMeth) label() string {
	switch {
	case m == nil:
		return ""
	case m.TechnicalName != nil && *m.TechnicalName != "":
		return *m.TechnicalName
	case m.Name != "":
		return m.Name
	case m.Translated != nil:
		return m.Translated.Name
	}
	return ""
}
