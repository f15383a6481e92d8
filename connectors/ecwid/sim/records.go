package sim

import (
	"encoding/json"
	"time"
)

// Records: what the store holds, in Ecwid's terms. Tests and the demo
// seed them (seed.go) and read them back (deep copies); Snapshot saves
// them as they are. Money is in minor units; percentages and weights are
// kept as the JSON numbers they were written as.

// Order is one order (§3.5).
type Order struct {
	// ID is the order's public id: the store's prefix, a five-letter code
	// and the suffix ("XJ12H", "SALE-XJ12H"); the API's {orderId}.
	ID string `json:"id"`
	// InternalID is the store-wide number (also orderNumber).
	InternalID int64 `json:"internalId"`

	Email      string `json:"email,omitempty"`
	CustomerID int64  `json:"customerId,omitempty"`
	// PaymentStatus and FulfillmentStatus take PaymentStatuses and
	// FulfillmentStatuses; INCOMPLETE is an unfinished order, which
	// searches leave out unless asked for it.
	PaymentStatus     string `json:"paymentStatus"`
	FulfillmentStatus string `json:"fulfillmentStatus"`
	PaymentMethod     string `json:"paymentMethod,omitempty"`
	PaymentModule     string `json:"paymentModule,omitempty"`
	// Hidden hides an unfinished order from the admin (§3.5).
	Hidden bool `json:"hidden,omitempty"`

	// PricesIncludeTax: item prices are gross (§3.5).
	PricesIncludeTax   bool           `json:"pricesIncludeTax"`
	Subtotal           Money          `json:"subtotal"`
	SubtotalWithoutTax Money          `json:"subtotalWithoutTax"`
	Total              Money          `json:"total"`
	TotalWithoutTax    Money          `json:"totalWithoutTax"`
	Tax                Money          `json:"tax"`
	Discount           Money          `json:"discount,omitempty"`
	CouponDiscount     Money          `json:"couponDiscount,omitempty"`
	VolumeDiscount     Money          `json:"volumeDiscount,omitempty"`
	DiscountInfo       []DiscountInfo `json:"discountInfo,omitempty"`
	DiscountCoupon     *Coupon        `json:"discountCoupon,omitempty"`
	TaxesOnShipping    []Tax          `json:"taxesOnShipping,omitempty"`
	// HandlingFee and Surcharges are the order's costs beside its items
	// and shipping (§3.5), included in Total as they are.
	HandlingFee *HandlingFee `json:"handlingFee,omitempty"`
	Surcharges  []Surcharge  `json:"customSurcharges,omitempty"`

	Items          []OrderItem     `json:"items"`
	BillingPerson  *Person         `json:"billingPerson,omitempty"`
	ShippingPerson *Person         `json:"shippingPerson,omitempty"`
	ShippingOption *ShippingOption `json:"shippingOption,omitempty"`

	CustomerTaxExempt  bool   `json:"customerTaxExempt,omitempty"`
	CustomerTaxID      string `json:"customerTaxId,omitempty"`
	CustomerTaxIDValid bool   `json:"customerTaxIdValid,omitempty"`
	ReversedTaxApplied bool   `json:"reversedTaxApplied,omitempty"`
	// B2BB2C is "b2b" or "b2c" (the default).
	B2BB2C string `json:"b2b_b2c,omitempty"`

	ExternalFulfillment   bool   `json:"externalFulfillment,omitempty"`
	ExternalOrderID       string `json:"externalOrderId,omitempty"`
	RefererID             string `json:"refererId,omitempty"`
	PrivateAdminNotes     string `json:"privateAdminNotes,omitempty"`
	OrderComments         string `json:"orderComments,omitempty"`
	ExternalTransactionID string `json:"externalTransactionId,omitempty"`
	TrackingNumber        string `json:"trackingNumber,omitempty"`
	IPAddress             string `json:"ipAddress,omitempty"`
	AcceptMarketing       bool   `json:"acceptMarketing,omitempty"`
	DisableNotifications  bool   `json:"disableAllCustomerNotifications,omitempty"`
	Lang                  string `json:"lang,omitempty"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// HandlingFee is an order's handling fee: Value as charged, Taxes on it.
type HandlingFee struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Value       Money  `json:"value"`
	Taxes       []Tax  `json:"taxes,omitempty"`
}

// Surcharge is one of an order's custom surcharges (payment costs …):
// Type ABSOLUTE (Value is money) or PERCENT (Value a percentage); Total
// and TotalWithoutTax are what it adds to the order.
type Surcharge struct {
	ID              string      `json:"id,omitempty"`
	Description     string      `json:"description,omitempty"`
	Type            string      `json:"type,omitempty"`
	Value           json.Number `json:"value,omitempty"`
	Taxable         bool        `json:"taxable,omitempty"`
	Total           Money       `json:"total"`
	TotalWithoutTax Money       `json:"totalWithoutTax"`
	Taxes           []Tax       `json:"taxes,omitempty"`
}

// OrderItem is one line of an order (§3.5).
type OrderItem struct {
	ID            int64  `json:"id"`
	ProductID     int64  `json:"productId,omitempty"`
	CombinationID int64  `json:"combinationId,omitempty"`
	CategoryID    int64  `json:"categoryId,omitempty"`
	SKU           string `json:"sku,omitempty"`
	Name          string `json:"name,omitempty"`
	Quantity      int64  `json:"quantity"`
	// Price is the unit price with option modifiers, before discounts;
	// gross or net as the order's PricesIncludeTax says.
	Price           Money            `json:"price"`
	PriceWithoutTax Money            `json:"priceWithoutTax"`
	ProductPrice    Money            `json:"productPrice,omitempty"`
	Tax             Money            `json:"tax"` // on the whole line
	Taxes           []Tax            `json:"taxes,omitempty"`
	CouponAmount    Money            `json:"couponAmount,omitempty"`
	SelectedOptions []SelectedOption `json:"selectedOptions,omitempty"`
	Weight          json.Number      `json:"weight,omitempty"`
	ShippingNeeded  bool             `json:"isShippingRequired,omitempty"`
}

// Tax is one tax on an item or on shipping; Value is the rate in percent.
type Tax struct {
	Name                    string      `json:"name"`
	Value                   json.Number `json:"value"`
	Total                   Money       `json:"total"`
	TaxOnDiscountedSubtotal Money       `json:"taxOnDiscountedSubtotal,omitempty"`
	TaxOnShipping           Money       `json:"taxOnShipping,omitempty"`
	IncludeInPrice          bool        `json:"includeInPrice,omitempty"`
}

// SelectedOption is an option the customer chose (CHOICE, CHOICES, TEXT …).
type SelectedOption struct {
	Name        string      `json:"name"`
	Type        string      `json:"type,omitempty"`
	Value       string      `json:"value,omitempty"`
	ValuesArray []string    `json:"valuesArray,omitempty"`
	Selections  []Selection `json:"selections,omitempty"`
}

// Selection is one chosen value of an option with its price modifier.
type Selection struct {
	Title        string      `json:"selectionTitle"`
	Modifier     json.Number `json:"selectionModifier,omitempty"`
	ModifierType string      `json:"selectionModifierType,omitempty"`
}

// Person is an order's billingPerson or shippingPerson and a customer's
// billing person: one full name, street lines joined by "\n" and no
// separate house number (§3.5).
type Person struct {
	Name                string `json:"name,omitempty"`
	CompanyName         string `json:"companyName,omitempty"`
	Street              string `json:"street,omitempty"`
	City                string `json:"city,omitempty"`
	CountryCode         string `json:"countryCode,omitempty"`
	PostalCode          string `json:"postalCode,omitempty"`
	StateOrProvinceCode string `json:"stateOrProvinceCode,omitempty"`
	StateOrProvinceName string `json:"stateOrProvinceName,omitempty"`
	Phone               string `json:"phone,omitempty"`
}

// ShippingOption is the shipping chosen at checkout (§3.5).
type ShippingOption struct {
	CarrierName     string `json:"shippingCarrierName,omitempty"`
	MethodName      string `json:"shippingMethodName,omitempty"`
	MethodID        string `json:"shippingMethodId,omitempty"`
	Rate            Money  `json:"shippingRate"`
	RateWithoutTax  Money  `json:"shippingRateWithoutTax"`
	IsPickup        bool   `json:"isPickup,omitempty"`
	FulfillmentType string `json:"fulfillmentType,omitempty"` // SHIPPING, PICKUP, DELIVERY
}

// DiscountInfo is one promotion applied to an order.
type DiscountInfo struct {
	Value       json.Number `json:"value,omitempty"`
	Type        string      `json:"type,omitempty"` // PERCENT, ABS
	Base        string      `json:"base,omitempty"` // SUBTOTAL, ITEM, SHIPPING, …
	Description string      `json:"description,omitempty"`
}

// Coupon is the discount coupon of an order.
type Coupon struct {
	Name         string `json:"name,omitempty"`
	Code         string `json:"code"`
	DiscountType string `json:"discountType,omitempty"` // ABS, PERCENT, …
	Discount     Money  `json:"discount,omitempty"`
}

// Product is one catalogue product (§3.5).
type Product struct {
	ID   int64  `json:"id"`
	SKU  string `json:"sku"`
	Name string `json:"name"`
	// Price is the base price without option modifiers.
	Price          Money `json:"price"`
	CompareToPrice Money `json:"compareToPrice,omitempty"`
	CostPrice      Money `json:"costPrice,omitempty"`
	// Unlimited stock hides Quantity in answers; Quantity is the stock of
	// the product itself (combinations keep their own).
	Unlimited    bool        `json:"unlimited"`
	Quantity     int64       `json:"quantity"`
	WarningLimit int64       `json:"warningLimit,omitempty"`
	Enabled      bool        `json:"enabled"`
	Description  string      `json:"description,omitempty"`
	Weight       json.Number `json:"weight,omitempty"`
	// ShippingNeeded is isShippingRequired.
	ShippingNeeded    bool          `json:"isShippingRequired"`
	CategoryIDs       []int64       `json:"categoryIds,omitempty"`
	DefaultCategoryID int64         `json:"defaultCategoryId,omitempty"`
	Attributes        []Attribute   `json:"attributes,omitempty"`
	Options           []Option      `json:"options,omitempty"`
	Combinations      []Combination `json:"combinations,omitempty"`
	Tax               ProductTax    `json:"tax"`
	ExternalRef       string        `json:"externalReferenceId,omitempty"`
	Image             *ProductImage `json:"image,omitempty"`
	Created           time.Time     `json:"created"`
	Updated           time.Time     `json:"updated"`
}

// Attribute is a product or combination attribute; the EAN/GTIN is the
// attribute of Type "UPC" (§3.5).
type Attribute struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type"` // CUSTOM, UPC, BRAND, …
	Show  string `json:"show,omitempty"`
}

// Option is a product option (SELECT, RADIO, SIZE, …) with its choices.
type Option struct {
	Type          string   `json:"type"`
	Name          string   `json:"name"`
	Choices       []Choice `json:"choices,omitempty"`
	DefaultChoice int64    `json:"defaultChoice"`
	Required      bool     `json:"required"`
}

// Choice is one value of an option and its price modifier.
type Choice struct {
	Text         string      `json:"text"`
	Modifier     json.Number `json:"priceModifier,omitempty"`
	ModifierType string      `json:"priceModifierType,omitempty"` // ABSOLUTE, PERCENT
}

// Combination is a product variation: the option values that identify
// it and its own SKU and stock (§3.5).
type Combination struct {
	ID      int64         `json:"id"`
	Number  int64         `json:"combinationNumber"`
	Options []OptionValue `json:"options"`
	// SKU "" inherits the product's SKU.
	SKU       string `json:"sku,omitempty"`
	Unlimited bool   `json:"unlimited"`
	Quantity  int64  `json:"quantity"`
	// Price nil is the product's price with the options' modifiers.
	Price          *Money      `json:"price,omitempty"`
	CompareToPrice Money       `json:"compareToPrice,omitempty"`
	WarningLimit   int64       `json:"warningLimit,omitempty"`
	Weight         json.Number `json:"weight,omitempty"`
	Attributes     []Attribute `json:"attributes,omitempty"`
	ExternalRef    string      `json:"externalReferenceId,omitempty"`
}

// OptionValue names one option value of a combination.
type OptionValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ProductTax is a product's tax settings.
type ProductTax struct {
	Taxable            bool    `json:"taxable"`
	EnabledManualTaxes []int64 `json:"enabledManualTaxes,omitempty"`
	TaxClassCode       string  `json:"taxClassCode,omitempty"`
}

// ProductImage is a product's main image (POST /products/{id}/image).
type ProductImage struct {
	ID          int64  `json:"id"`
	ContentType string `json:"contentType,omitempty"`
	Size        int    `json:"size,omitempty"`
	ExternalURL string `json:"externalUrl,omitempty"`
}

// Category is a catalogue category (§3.5).
type Category struct {
	ID          int64  `json:"id"`
	ParentID    int64  `json:"parentId,omitempty"`
	OrderBy     int64  `json:"orderBy"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Enabled     bool   `json:"enabled"`
	ExternalRef string `json:"externalReferenceId,omitempty"`
}

// Customer is a customer account (§3.5).
type Customer struct {
	ID                int64             `json:"id"`
	Email             string            `json:"email"`
	BillingPerson     Person            `json:"billingPerson"`
	ShippingAddresses []ShippingAddress `json:"shippingAddresses,omitempty"`
	TaxID             string            `json:"taxId,omitempty"`
	TaxIDValid        bool              `json:"taxIdValid,omitempty"`
	TaxExempt         bool              `json:"taxExempt,omitempty"`
	B2BB2C            string            `json:"b2b_b2c,omitempty"`
	CustomerGroupID   int64             `json:"customerGroupId,omitempty"`
	AcceptMarketing   bool              `json:"acceptMarketing,omitempty"`
	Lang              string            `json:"lang,omitempty"`
	PrivateAdminNotes string            `json:"privateAdminNotes,omitempty"`
	Registered        time.Time         `json:"registered"`
	Updated           time.Time         `json:"updated"`
}

// ShippingAddress is one saved address of a customer.
type ShippingAddress struct {
	ID int64 `json:"id"`
	Person
	Default bool `json:"defaultAddress,omitempty"`
}

// Profile is the store profile (GET /profile) as far as the simulator
// keeps it.
type Profile struct {
	StoreName   string `json:"storeName"`
	Email       string `json:"email"`
	CompanyName string `json:"companyName"`
	CountryCode string `json:"countryCode"`
	// Currency is the ISO code; CurrencyPrecision its decimals (2 for
	// EUR), which money on the wire may not exceed.
	Currency          string `json:"currency"`
	CurrencyPrecision int    `json:"currencyPrecision"`
	Timezone          string `json:"timezone"`
	// PricesIncludeTax is the store's gross (true) or net prices setting.
	PricesIncludeTax bool `json:"pricesIncludeTax"`
	// Taxes are the store's manual taxes.
	Taxes []TaxRate `json:"taxes,omitempty"`
	// OrderPrefix and OrderSuffix frame new order ids (SALE-XJ12H).
	OrderPrefix string `json:"orderNumberPrefix,omitempty"`
	OrderSuffix string `json:"orderNumberSuffix,omitempty"`
	Closed      bool   `json:"closed,omitempty"`
}

// TaxRate is one of the store's manual taxes.
type TaxRate struct {
	ID      int64       `json:"id"`
	Name    string      `json:"name"`
	Percent json.Number `json:"defaultTax"`
	// Shipping: the tax also applies to shipping (taxShipping).
	Shipping bool `json:"taxShipping"`
	// Default: applied to products that name no manual tax.
	Default bool `json:"appliedByDefault"`
}

// Payment statuses and fulfillment statuses an order may have (§3.5).
var (
	PaymentStatuses = []string{"AWAITING_PAYMENT", "PAID", "CANCELLED", "REFUNDED", "PARTIALLY_REFUNDED", "INCOMPLETE",
		"CUSTOM_PAYMENT_STATUS_1", "CUSTOM_PAYMENT_STATUS_2", "CUSTOM_PAYMENT_STATUS_3"}
	FulfillmentStatuses = []string{"AWAITING_PROCESSING", "PROCESSING", "SHIPPED", "DELIVERED", "WILL_NOT_DELIVER",
		"RETURNED", "READY_FOR_PICKUP", "OUT_FOR_DELIVERY",
		"CUSTOM_FULFILLMENT_STATUS_1", "CUSTOM_FULFILLMENT_STATUS_2", "CUSTOM_FULFILLMENT_STATUS_3"}
)

// Unfinished is the payment status of an order not completed at checkout.
const Unfinished = "INCOMPLETE"
