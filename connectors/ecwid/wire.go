package ecwid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// The API's shapes (§3.5), named as the API names them. Money fields are
// json.Number: decimal JSON numbers in the store's currency units (§3.2),
// read into minor units from their text and written from minor units as
// exact decimals, never through a float.

// Page is a listing's envelope (§3.4).
type Page struct {
	Total  int               `json:"total"`
	Count  int               `json:"count"`
	Offset int               `json:"offset"`
	Limit  int               `json:"limit"`
	Items  []json.RawMessage `json:"items"`
}

// ID is an id the API sends as a number or a string (an order's id is a
// string like "XJ12H"; old stores and some answers send numbers).
type ID string

// UnmarshalJSON reads a JSON string or number.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*id = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("an id is neither a string nor a number")
		}
		*id = ID(n.String())
	}
	return nil
}

// Order is an order as the API returns it (GET /orders, /orders/{id}).
type Order struct {
	ID                              ID                `json:"id"`
	InternalID                      json.Number       `json:"internalId,omitempty"`
	OrderNumber                     json.Number       `json:"orderNumber,omitempty"`
	VendorOrderNumber               string            `json:"vendorOrderNumber,omitempty"`
	Subtotal                        json.Number       `json:"subtotal,omitempty"`
	Total                           json.Number       `json:"total,omitempty"`
	Tax                             json.Number       `json:"tax,omitempty"`
	Discount                        json.Number       `json:"discount,omitempty"`
	CouponDiscount                  json.Number       `json:"couponDiscount,omitempty"`
	GiftCardRedemption              json.Number       `json:"giftCardRedemption,omitempty"`
	Email                           string            `json:"email,omitempty"`
	CustomerID                      json.Number       `json:"customerId,omitempty"`
	CustomerTaxID                   string            `json:"customerTaxId,omitempty"`
	PaymentMethod                   string            `json:"paymentMethod,omitempty"`
	PaymentStatus                   string            `json:"paymentStatus,omitempty"`
	FulfillmentStatus               string            `json:"fulfillmentStatus,omitempty"`
	OrderComments                   string            `json:"orderComments,omitempty"`
	PrivateAdminNotes               string            `json:"privateAdminNotes,omitempty"`
	CreateDate                      string            `json:"createDate,omitempty"`
	UpdateDate                      string            `json:"updateDate,omitempty"`
	CreateTimestamp                 json.Number       `json:"createTimestamp,omitempty"`
	UpdateTimestamp                 json.Number       `json:"updateTimestamp,omitempty"`
	Items                           []OrderItem       `json:"items,omitempty"`
	BillingPerson                   *Person           `json:"billingPerson,omitempty"`
	ShippingPerson                  *Person           `json:"shippingPerson,omitempty"`
	ShippingOption                  *ShippingOption   `json:"shippingOption,omitempty"`
	TaxesOnShipping                 []Tax             `json:"taxesOnShipping,omitempty"`
	HandlingFee                     *HandlingFee      `json:"handlingFee,omitempty"`
	CustomSurcharges                []Surcharge       `json:"customSurcharges,omitempty"`
	DiscountInfo                    []DiscountInfo    `json:"discountInfo,omitempty"`
	PricesIncludeTax                *bool             `json:"pricesIncludeTax,omitempty"`
	Hidden                          bool              `json:"hidden,omitempty"`
	ExternalFulfillment             bool              `json:"externalFulfillment,omitempty"`
	ExternalOrderID                 string            `json:"externalOrderId,omitempty"`
	DisableAllCustomerNotifications *bool             `json:"disableAllCustomerNotifications,omitempty"`
	OrderExtraFields                []OrderExtraField `json:"orderExtraFields,omitempty"`
}

// NewOrder is the body of POST /orders (§3.3; the Java client's
// UpdatedOrder): subtotal, total, email, paymentStatus and
// fulfillmentStatus are required.
type NewOrder struct {
	Subtotal                        json.Number       `json:"subtotal"`
	Total                           json.Number       `json:"total"`
	Tax                             json.Number       `json:"tax"`
	Discount                        json.Number       `json:"discount,omitempty"`
	DiscountInfo                    []DiscountInfo    `json:"discountInfo,omitempty"`
	Email                           string            `json:"email"`
	CustomerID                      json.Number       `json:"customerId,omitempty"`
	CustomerTaxID                   string            `json:"customerTaxId,omitempty"`
	B2BB2C                          string            `json:"b2b_b2c,omitempty"`
	PaymentMethod                   string            `json:"paymentMethod,omitempty"`
	PaymentStatus                   string            `json:"paymentStatus"`
	FulfillmentStatus               string            `json:"fulfillmentStatus"`
	CreateDate                      string            `json:"createDate,omitempty"`
	OrderComments                   string            `json:"orderComments,omitempty"`
	PrivateAdminNotes               string            `json:"privateAdminNotes,omitempty"`
	Items                           []OrderItem       `json:"items"`
	BillingPerson                   *Person           `json:"billingPerson,omitempty"`
	ShippingPerson                  *Person           `json:"shippingPerson,omitempty"`
	ShippingOption                  *ShippingOption   `json:"shippingOption,omitempty"`
	TaxesOnShipping                 []Tax             `json:"taxesOnShipping,omitempty"`
	CustomSurcharges                []Surcharge       `json:"customSurcharges,omitempty"`
	PricesIncludeTax                bool              `json:"pricesIncludeTax"`
	Hidden                          bool              `json:"hidden"`
	ExternalFulfillment             bool              `json:"externalFulfillment"`
	ExternalOrderID                 string            `json:"externalOrderId,omitempty"`
	DisableAllCustomerNotifications bool              `json:"disableAllCustomerNotifications"`
	OrderExtraFields                []OrderExtraField `json:"orderExtraFields,omitempty"`
}

// OrderItem is an order line: a product of the store (productId, and
// combinationId for a variation) or a custom item without a product.
type OrderItem struct {
	ID              json.Number      `json:"id,omitempty"`
	ProductID       json.Number      `json:"productId,omitempty"`
	CombinationID   json.Number      `json:"combinationId,omitempty"`
	SKU             string           `json:"sku,omitempty"`
	Name            string           `json:"name,omitempty"`
	Quantity        json.Number      `json:"quantity"`
	Price           json.Number      `json:"price"`
	PriceWithoutTax json.Number      `json:"priceWithoutTax,omitempty"`
	ProductPrice    json.Number      `json:"productPrice,omitempty"`
	Tax             json.Number      `json:"tax,omitempty"`
	Taxes           []Tax            `json:"taxes,omitempty"`
	CouponAmount    json.Number      `json:"couponAmount,omitempty"`
	Discounts       []ItemDiscount   `json:"discounts,omitempty"`
	SelectedOptions []SelectedOption `json:"selectedOptions,omitempty"`
}

// Tax is one tax on an item, on shipping or on a surcharge: value is the
// rate in percent, total the amount.
type Tax struct {
	Name           string      `json:"name,omitempty"`
	Value          json.Number `json:"value,omitempty"`
	Total          json.Number `json:"total,omitempty"`
	IncludeInPrice *bool       `json:"includeInPrice,omitempty"`
}

// ItemDiscount is a promotion applied to one item.
type ItemDiscount struct {
	DiscountInfo *DiscountInfo `json:"discountInfo,omitempty"`
	Total        json.Number   `json:"total,omitempty"`
}

// DiscountInfo describes a promotion: type ABS or PERCENT, base SUBTOTAL,
// ITEM, SHIPPING, ON_MEMBERSHIP, ON_TOTAL_AND_MEMBERSHIP or CUSTOM.
type DiscountInfo struct {
	Value       json.Number `json:"value,omitempty"`
	Type        string      `json:"type,omitempty"`
	Base        string      `json:"base,omitempty"`
	Description string      `json:"description,omitempty"`
}

// SelectedOption is an option value chosen for an item (a variation's).
type SelectedOption struct {
	Name        string   `json:"name,omitempty"`
	Type        string   `json:"type,omitempty"`
	Value       string   `json:"value,omitempty"`
	ValuesArray []string `json:"valuesArray,omitempty"`
}

// Person is billingPerson or shippingPerson (and a customer's billing
// person): one name field, street lines joined by "\n", no house number
// field (§3.5).
type Person struct {
	Name                string `json:"name,omitempty"`
	CompanyName         string `json:"companyName,omitempty"`
	Street              string `json:"street,omitempty"`
	City                string `json:"city,omitempty"`
	CountryCode         string `json:"countryCode,omitempty"`
	CountryName         string `json:"countryName,omitempty"`
	PostalCode          string `json:"postalCode,omitempty"`
	StateOrProvinceCode string `json:"stateOrProvinceCode,omitempty"`
	StateOrProvinceName string `json:"stateOrProvinceName,omitempty"`
	Phone               string `json:"phone,omitempty"`
}

// ShippingOption is the order's shipping method and rate.
type ShippingOption struct {
	ShippingCarrierName    string      `json:"shippingCarrierName,omitempty"`
	ShippingMethodName     string      `json:"shippingMethodName,omitempty"`
	ShippingMethodID       string      `json:"shippingMethodId,omitempty"`
	ShippingRate           json.Number `json:"shippingRate,omitempty"`
	ShippingRateWithoutTax json.Number `json:"shippingRateWithoutTax,omitempty"`
	IsPickup               bool        `json:"isPickup,omitempty"`
	FulfillmentType        string      `json:"fulfillmentType,omitempty"`
}

// HandlingFee is a fee of the order (wrapping …).
type HandlingFee struct {
	Name        string      `json:"name,omitempty"`
	Value       json.Number `json:"value,omitempty"`
	Description string      `json:"description,omitempty"`
	Taxes       []Tax       `json:"taxes,omitempty"`
}

// Surcharge is one of the order's custom surcharges (customSurcharges).
type Surcharge struct {
	ID              string      `json:"id,omitempty"`
	Value           json.Number `json:"value,omitempty"`
	Type            string      `json:"type,omitempty"`
	Total           json.Number `json:"total,omitempty"`
	TotalWithoutTax json.Number `json:"totalWithoutTax,omitempty"`
	Description     string      `json:"description,omitempty"`
	Taxable         bool        `json:"taxable,omitempty"`
	Taxes           []Tax       `json:"taxes,omitempty"`
}

// OrderExtraField is a custom field of the order.
type OrderExtraField struct {
	ID                         string `json:"id,omitempty"`
	Title                      string `json:"title,omitempty"`
	Value                      string `json:"value,omitempty"`
	CustomerInputType          string `json:"customerInputType,omitempty"`
	OrderDetailsDisplaySection string `json:"orderDetailsDisplaySection,omitempty"`
}

// OrderCreated is POST /orders's answer: orderid is the order's id, id a
// deprecated number.
type OrderCreated struct {
	ID      json.Number `json:"id"`
	OrderID string      `json:"orderid"`
}

// Created is the answer of a create that returns a number id (products,
// combinations, categories, customers).
type Created struct {
	ID json.Number `json:"id"`
}

// Updated is the answer of a PUT.
type Updated struct {
	UpdateCount int `json:"updateCount"`
}

// Profile is the part of GET /profile the client reads.
type Profile struct {
	FormatsAndUnits struct {
		Currency          string `json:"currency"`
		CurrencyPrecision *int   `json:"currencyPrecision"`
	} `json:"formatsAndUnits"`
	TaxSettings struct {
		PricesIncludeTax    *bool        `json:"pricesIncludeTax"`
		AutomaticTaxEnabled *bool        `json:"automaticTaxEnabled"`
		Taxes               []ProfileTax `json:"taxes"`
	} `json:"taxSettings"`
}

// ProfileTax is one of the store's manual taxes; defaultTax is its rate
// in percent.
type ProfileTax struct {
	ID               json.Number `json:"id"`
	Name             string      `json:"name"`
	Enabled          *bool       `json:"enabled"`
	DefaultTax       json.Number `json:"defaultTax"`
	AppliedByDefault bool        `json:"appliedByDefault"`
}

// Money and numbers.

// minor reads a money field into minor units (cents), exactly; an absent
// field is 0.
func minor(n json.Number, field string) (int64, error) {
	if n == "" {
		return 0, nil
	}
	v, err := model.ParseMinor(n.String(), 2)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an amount", field, n.String())
	}
	return v, nil
}

// amount writes minor units as the exact decimal the API takes: 1999 is 19.99.
func amount(v int64) json.Number { return json.Number(model.FormatMinor(v, 2)) }

// rate reads a tax rate in percent ("21", "10.5") into a VATRate.
func rate(n json.Number, field string) (model.VATRate, error) {
	if n == "" {
		return 0, nil
	}
	v, err := model.ParseMinor(n.String(), 2)
	if err != nil || v < 0 || v > 10000 {
		return 0, fmt.Errorf("%s: %q is not a tax rate in percent", field, n.String())
	}
	return model.VATRate(v), nil
}

// percent writes a VATRate as the API's percent: 2100 is 21, 950 is 9.5.
func percent(r model.VATRate) json.Number {
	return json.Number(strings.TrimSuffix(r.String(), "%"))
}

// quantity reads a quantity (whole pieces in Ecwid, read exactly).
func quantity(n json.Number, field string) (model.Quantity, error) {
	if n == "" {
		return 0, nil
	}
	q, err := model.ParseQuantity(n.String())
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a quantity", field, n.String())
	}
	return q, nil
}

// pieces writes a quantity as the whole number the API takes; one with a
// fraction cannot be written.
func pieces(q model.Quantity) (json.Number, bool) {
	if int64(q)%model.QuantityScale != 0 {
		return "", false
	}
	return json.Number(strconv.FormatInt(int64(q)/model.QuantityScale, 10)), true
}

// unixTime reads a UNIX-seconds field; an absent one is the zero time.
func unixTime(n json.Number, field string) (time.Time, int64, error) {
	if n == "" {
		return time.Time{}, 0, nil
	}
	s, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		// a float, as some answers send
		f, ferr := n.Float64()
		if ferr != nil {
			return time.Time{}, 0, fmt.Errorf("%s: %q is not a UNIX time", field, n.String())
		}
		s = int64(f)
	}
	return time.Unix(s, 0).UTC(), s, nil
}

// DateLayout is the API's datetime text: "2024-05-01 05:26:28 +0000".
const DateLayout = "2006-01-02 15:04:05 -0700"

// parseDate reads the API's datetime text (with or without a zone, UTC).
func parseDate(s, field string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{DateLayout, "2006-01-02 15:04:05", time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s: %q is not a date and time", field, s)
}

// numericID checks that an id the API keeps as a number is one.
func numericID(s string) (json.Number, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	return json.Number(s), true
}
