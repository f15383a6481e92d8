package ccvshop

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// Wire types of the CCV Shop REST API v1 (snake_case, as the API names them).
// Money and quantities are JSON numbers read as json.Number, never float64,
// so 19.99 stays 1999 cents.

type wireCollection[T any] struct {
	Start int     `json:"start"`
	Size  int     `json:"size"`
	Next  *string `json:"next"`
	Items []T     `json:"items"`
}

type wireOrder struct {
	ID                     int64        `json:"id"`
	OrdernumberPrefix      *string      `json:"ordernumber_prefix"`
	Ordernumber            *int64       `json:"ordernumber"`
	OrdernumberFull        *string      `json:"ordernumber_full"`
	CreateDate             string       `json:"create_date"`
	DeliverMethod          string       `json:"deliver_method"`
	Status                 *int         `json:"status"`
	IsCompleted            *bool        `json:"is_completed"` // false: an unfinished checkout
	Paid                   bool         `json:"paid"`
	Paymethod              string       `json:"paymethod"`
	PaymethodLabel         string       `json:"paymethod_label"`
	OrderRowTaxesIncluded  bool         `json:"order_row_taxes_included"`
	ShippingTaxesIncluded  *bool        `json:"shipping_taxes_included"`
	ShippingTaxPercentage  json.Number  `json:"shipping_tax_percentage"`
	TotalShipping          json.Number  `json:"total_shipping"`
	TotalPrice             json.Number  `json:"total_price"`
	Currency               string       `json:"currency"`
	User                   *wireUserRef `json:"user"`
	Customer               wireCustomer `json:"customer"`
	ReservationNumber      *string      `json:"reservationnumber"`
	IsIntraCommunityOrder  bool         `json:"is_intra_community_order"`
	TaxesIncluded          bool         `json:"taxes_included"`
	TotalOrderrowPrice     json.Number  `json:"total_orderrow_price"`
	TotalDiscounts         json.Number  `json:"total_discounts"`
	TotalTax               json.Number  `json:"total_tax"`
	ExtraCosts             json.Number  `json:"extra_costs"`
	ExtraCostsDescription  string       `json:"extra_costs_description"`
	PaymethodCosts         json.Number  `json:"paymethod_costs"`
	CreditPointDiscount    json.Number  `json:"credit_point_discount"`
	DeliverDate            *string      `json:"deliver_date"`
	TrackAndTraceCode      string       `json:"track_and_trace_code"`
	TrackAndTraceCarrier   string       `json:"track_and_trace_carrier"`
	Orderedinlng           string       `json:"orderedinlng"`
	IsPlatformSale         bool         `json:"is_platform_sale"`
	SafetyDepositReturned  bool         `json:"safety_deposit_returned"`
	TransactionID          *string      `json:"transaction_id"`
	Invoicenumber          *int64       `json:"invoicenumber"`
	DeliveryOption         *string      `json:"delivery_option"`
	PackingSlipDeeplink    *string      `json:"packing_slip_deeplink"`
	TotalWeight            json.Number  `json:"total_weight"`
	ExtraPrice             json.Number  `json:"extra_price"`
	ExtraPaymentOption     string       `json:"extra_payment_option"`
	ExtraPaymentOptionCost json.Number  `json:"extra_payment_option_price"`
}

type wireUserRef struct {
	ID *int64 `json:"id"`
}

// wireCustomer is Personalinfo, inline on the order.
type wireCustomer struct {
	BillingAddress  wireAddress `json:"billingaddress"`
	DeliveryAddress wireAddress `json:"deliveryaddress"`
	Email           string      `json:"email"`
	CustomerType    string      `json:"customertype"`
	BTW             string      `json:"btw"`
	KVK             string      `json:"kvk"`
}

type wireAddress struct {
	Gender            string          `json:"gender"`
	Initials          string          `json:"initials"`
	FirstName         string          `json:"first_name"`
	LastName          string          `json:"last_name"`
	FullName          string          `json:"full_name"`
	Company           string          `json:"company"`
	AddressLine1      string          `json:"address_line_1"`
	AddressLine2      string          `json:"address_line_2"`
	Street            string          `json:"street"`
	Housenumber       json.RawMessage `json:"housenumber"` // an int, sometimes a string or null
	HousenumberSuffix string          `json:"housenumber_suffix"`
	Zipcode           string          `json:"zipcode"`
	City              string          `json:"city"`
	Province          string          `json:"province"`
	Country           string          `json:"country"`
	CountryCode       string          `json:"country_code"`
	Telephone         string          `json:"telephone"`
	Mobile            string          `json:"mobile"`
}

type wireOrderRow struct {
	ID               int64       `json:"id"`
	ProductType      string      `json:"product_type"`
	ProductID        *int64      `json:"product_id"`
	ProductName      string      `json:"product_name"`
	ProductNumber    string      `json:"product_number"`
	SubProductNumber string      `json:"sub_product_number"`
	SubSKUNumber     string      `json:"sub_sku_number"`
	SubEANNumber     string      `json:"sub_ean_number"`
	Count            json.Number `json:"count"`
	Price            json.Number `json:"price"`
	Discount         json.Number `json:"discount"`
	Tax              json.Number `json:"tax"`
}

// number reads a JSON number as an exact decimal scaled by 10^decimals; an
// absent or null number is 0.
func number(n json.Number, decimals int, field string) (int64, error) {
	if n == "" {
		return 0, nil
	}
	v, err := model.ParseMinor(string(n), decimals)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number", field, n)
	}
	return v, nil
}

// parseTime reads an order's create_date.
func parseTime(s string) (time.Time, error) {
	t, err := ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("create_date: %w", err)
	}
	return t, nil
}

// ParseTime reads one of the API's datetimes (UTC), with or without a
// zone, for a flavour that reads resources of its own.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time", s)
}

func (o wireOrder) number() string {
	switch {
	case o.OrdernumberFull != nil && *o.OrdernumberFull != "":
		return *o.OrdernumberFull
	case o.Ordernumber != nil:
		return strconv.FormatInt(*o.Ordernumber, 10)
	default:
		return strconv.FormatInt(o.ID, 10)
	}
}

// Statuses is the shop's order status table (research §1.7), code 1..14,
// each with the name the integration file may use and the canonical status
// it maps to. Shops can rename the labels, never the codes.
var Statuses = []struct {
	Code      int
	Name      string
	Canonical model.OrderStatus
}{
	{1, "new", model.StatusPending},
	{2, "in_process", model.StatusProcessing},
	{3, "wait_for_manufacturer", model.StatusProcessing},
	{4, "wait_for_payment", model.StatusPending},
	{5, "sent", model.StatusShipped},
	{6, "delivered", model.StatusCompleted},
	{7, "completed", model.StatusCompleted},
	{8, "cancelled", model.StatusCancelled},
	{9, "wait_for_supplier", model.StatusProcessing},
	{10, "packaging", model.StatusProcessing},
	{11, "ready_for_pickup", model.StatusShipped},
	{12, "assembling", model.StatusProcessing},
	{13, "backorder", model.StatusProcessing},
	{14, "reserved", model.StatusProcessing},
}

// StatusNames maps the shop's status names to canonical statuses, so an
// integration file may name either.
func StatusNames() map[string]model.OrderStatus {
	out := make(map[string]model.OrderStatus, len(Statuses))
	for _, st := range Statuses {
		out[st.Name] = st.Canonical
	}
	return out
}

// StatusCode is the shop's code for a canonical status, for filtering a
// listing on the shop's side (the first code that maps to it), or 0.
func StatusCode(st model.OrderStatus) int {
	for _, s := range Statuses {
		if s.Canonical == st {
			return s.Code
		}
	}
	return 0
}

// status maps the API's status code (1..14) to the canonical status; an
// order with no status yet is pending.
func (o wireOrder) status() (model.OrderStatus, error) {
	if o.Status == nil {
		return model.StatusPending, nil
	}
	for _, st := range Statuses {
		if st.Code == *o.Status {
			return st.Canonical, nil
		}
	}
	return "", fmt.Errorf("status: %d is not a CCV Shop order status (1-%d)", *o.Status, len(Statuses))
}

func (a wireAddress) toModel() model.Address {
	out := model.Address{
		Name:              strings.TrimSpace(firstNonEmpty(a.FullName, strings.TrimSpace(a.FirstName+" "+a.LastName))),
		Company:           a.Company,
		Street:            a.Street,
		HouseNumber:       houseNumber(a.Housenumber),
		HouseNumberSuffix: a.HousenumberSuffix,
		PostalCode:        a.Zipcode,
		City:              a.City,
		Region:            a.Province,
		CountryCode:       strings.ToUpper(a.CountryCode),
		Phone:             a.Telephone,
	}
	if out.Street == "" {
		// Shops that keep free address lines fill these instead of street/housenumber.
		out.Street, out.Line2 = a.AddressLine1, a.AddressLine2
	}
	return out
}

func houseNumber(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
