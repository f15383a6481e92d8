package sim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The simulator's own wire types: what requests write (pointer fields, so
// a partial update knows what was sent) and what answers carry. Field
// names follow research §3.5 and Ecwid's typed Java client.

// Writes.

type personWrite struct {
	Name                *string `json:"name"`
	CompanyName         *string `json:"companyName"`
	Street              *string `json:"street"`
	City                *string `json:"city"`
	CountryCode         *string `json:"countryCode"`
	PostalCode          *string `json:"postalCode"`
	StateOrProvinceCode *string `json:"stateOrProvinceCode"`
	StateOrProvinceName *string `json:"stateOrProvinceName"`
	Phone               *string `json:"phone"`
}

type taxWrite struct {
	Name                    *string      `json:"name"`
	Value                   *json.Number `json:"value"`
	Total                   *json.Number `json:"total"`
	TaxOnDiscountedSubtotal *json.Number `json:"taxOnDiscountedSubtotal"`
	TaxOnShipping           *json.Number `json:"taxOnShipping"`
	IncludeInPrice          *bool        `json:"includeInPrice"`
}

type selectionWrite struct {
	Title        *string      `json:"selectionTitle"`
	Modifier     *json.Number `json:"selectionModifier"`
	ModifierType *string      `json:"selectionModifierType"`
}

type selectedOptionWrite struct {
	Name        *string          `json:"name"`
	Type        *string          `json:"type"`
	Value       *string          `json:"value"`
	ValuesArray []string         `json:"valuesArray"`
	Selections  []selectionWrite `json:"selections"`
}

type itemWrite struct {
	ID                 *int64                `json:"id"`
	ProductID          *int64                `json:"productId"`
	CombinationID      *int64                `json:"combinationId"`
	CategoryID         *int64                `json:"categoryId"`
	SKU                *string               `json:"sku"`
	Name               *string               `json:"name"`
	Quantity           *int64                `json:"quantity"`
	Price              *json.Number          `json:"price"`
	PriceWithoutTax    *json.Number          `json:"priceWithoutTax"`
	ProductPrice       *json.Number          `json:"productPrice"`
	Tax                *json.Number          `json:"tax"`
	CouponAmount       *json.Number          `json:"couponAmount"`
	Taxes              []taxWrite            `json:"taxes"`
	SelectedOptions    []selectedOptionWrite `json:"selectedOptions"`
	Weight             *json.Number          `json:"weight"`
	IsShippingRequired *bool                 `json:"isShippingRequired"`
}

type handlingFeeWrite struct {
	Name        *string      `json:"name"`
	Description *string      `json:"description"`
	Value       *json.Number `json:"value"`
	Taxes       []taxWrite   `json:"taxes"`
}

type surchargeWrite struct {
	ID              *string      `json:"id"`
	Description     *string      `json:"description"`
	Type            *string      `json:"type"`
	Value           *json.Number `json:"value"`
	Taxable         *bool        `json:"taxable"`
	Total           *json.Number `json:"total"`
	TotalWithoutTax *json.Number `json:"totalWithoutTax"`
	Taxes           []taxWrite   `json:"taxes"`
}

type shippingOptionWrite struct {
	CarrierName     *string      `json:"shippingCarrierName"`
	MethodName      *string      `json:"shippingMethodName"`
	MethodID        *string      `json:"shippingMethodId"`
	Rate            *json.Number `json:"shippingRate"`
	RateWithoutTax  *json.Number `json:"shippingRateWithoutTax"`
	IsPickup        *bool        `json:"isPickup"`
	FulfillmentType *string      `json:"fulfillmentType"`
}

type discountInfoWrite struct {
	Value       *json.Number `json:"value"`
	Type        *string      `json:"type"`
	Base        *string      `json:"base"`
	Description *string      `json:"description"`
}

type couponWrite struct {
	Name         *string      `json:"name"`
	Code         *string      `json:"code"`
	DiscountType *string      `json:"discountType"`
	Discount     *json.Number `json:"discount"`
}

type externalOrderDataWrite struct {
	ExternalFulfillment *bool   `json:"externalFulfillment"`
	ExternalOrderID     *string `json:"externalOrderId"`
	RefererID           *string `json:"refererId"`
}

type orderWrite struct {
	Email              *string                 `json:"email"`
	CustomerID         *int64                  `json:"customerId"`
	PaymentStatus      *string                 `json:"paymentStatus"`
	FulfillmentStatus  *string                 `json:"fulfillmentStatus"`
	PaymentMethod      *string                 `json:"paymentMethod"`
	PaymentModule      *string                 `json:"paymentModule"`
	Hidden             *bool                   `json:"hidden"`
	PricesIncludeTax   *bool                   `json:"pricesIncludeTax"`
	Subtotal           *json.Number            `json:"subtotal"`
	SubtotalWithoutTax *json.Number            `json:"subtotalWithoutTax"`
	Total              *json.Number            `json:"total"`
	TotalWithoutTax    *json.Number            `json:"totalWithoutTax"`
	Tax                *json.Number            `json:"tax"`
	Discount           *json.Number            `json:"discount"`
	CouponDiscount     *json.Number            `json:"couponDiscount"`
	VolumeDiscount     *json.Number            `json:"volumeDiscount"`
	DiscountInfo       *[]discountInfoWrite    `json:"discountInfo"`
	DiscountCoupon     *couponWrite            `json:"discountCoupon"`
	TaxesOnShipping    *[]taxWrite             `json:"taxesOnShipping"`
	HandlingFee        *handlingFeeWrite       `json:"handlingFee"`
	CustomSurcharges   *[]surchargeWrite       `json:"customSurcharges"`
	Items              *[]itemWrite            `json:"items"`
	BillingPerson      *personWrite            `json:"billingPerson"`
	ShippingPerson     *personWrite            `json:"shippingPerson"`
	ShippingOption     *shippingOptionWrite    `json:"shippingOption"`
	CustomerTaxExempt  *bool                   `json:"customerTaxExempt"`
	CustomerTaxID      *string                 `json:"customerTaxId"`
	CustomerTaxIDValid *bool                   `json:"customerTaxIdValid"`
	ReversedTaxApplied *bool                   `json:"reversedTaxApplied"`
	B2BB2C             *string                 `json:"b2b_b2c"`
	ExternalFulfill    *bool                   `json:"externalFulfillment"`
	ExternalOrderID    *string                 `json:"externalOrderId"`
	ExternalOrderData  *externalOrderDataWrite `json:"externalOrderData"`
	RefererID          *string                 `json:"refererId"`
	PrivateAdminNotes  *string                 `json:"privateAdminNotes"`
	OrderComments      *string                 `json:"orderComments"`
	ExternalTxID       *string                 `json:"externalTransactionId"`
	TrackingNumber     *string                 `json:"trackingNumber"`
	IPAddress          *string                 `json:"ipAddress"`
	AcceptMarketing    *bool                   `json:"acceptMarketing"`
	NoNotifications    *bool                   `json:"disableAllCustomerNotifications"`
	Lang               *string                 `json:"lang"`
	CreateDate         *string                 `json:"createDate"`
}

type attributeWrite struct {
	ID    *int64  `json:"id"`
	Name  *string `json:"name"`
	Value *string `json:"value"`
	Type  *string `json:"type"`
	Alias *string `json:"alias"` // the Java client's name for type
	Show  *string `json:"show"`
}

type choiceWrite struct {
	Text         *string      `json:"text"`
	Modifier     *json.Number `json:"priceModifier"`
	ModifierType *string      `json:"priceModifierType"`
}

type optionWrite struct {
	Type          *string       `json:"type"`
	Name          *string       `json:"name"`
	Choices       []choiceWrite `json:"choices"`
	DefaultChoice *int64        `json:"defaultChoice"`
	Required      *bool         `json:"required"`
}

type optionValueWrite struct {
	Name  *string `json:"name"`
	Value *string `json:"value"`
}

type combinationWrite struct {
	SKU            *string             `json:"sku"`
	Options        *[]optionValueWrite `json:"options"`
	Price          *json.Number        `json:"price"`
	CompareToPrice *json.Number        `json:"compareToPrice"`
	Quantity       *int64              `json:"quantity"`
	Unlimited      *bool               `json:"unlimited"`
	WarningLimit   *int64              `json:"warningLimit"`
	Weight         *json.Number        `json:"weight"`
	Attributes     *[]attributeWrite   `json:"attributes"`
	ExternalRef    *string             `json:"externalReferenceId"`
}

type taxInfoWrite struct {
	Taxable            *bool    `json:"taxable"`
	EnabledManualTaxes *[]int64 `json:"enabledManualTaxes"`
	TaxClassCode       *string  `json:"taxClassCode"`
}

type productWrite struct {
	SKU                *string             `json:"sku"`
	Name               *string             `json:"name"`
	Price              *json.Number        `json:"price"`
	CompareToPrice     *json.Number        `json:"compareToPrice"`
	CostPrice          *json.Number        `json:"costPrice"`
	Quantity           *int64              `json:"quantity"`
	Unlimited          *bool               `json:"unlimited"`
	WarningLimit       *int64              `json:"warningLimit"`
	Enabled            *bool               `json:"enabled"`
	Description        *string             `json:"description"`
	Weight             *json.Number        `json:"weight"`
	IsShippingRequired *bool               `json:"isShippingRequired"`
	CategoryIDs        *[]int64            `json:"categoryIds"`
	DefaultCategoryID  *int64              `json:"defaultCategoryId"`
	Attributes         *[]attributeWrite   `json:"attributes"`
	Options            *[]optionWrite      `json:"options"`
	Combinations       *[]combinationWrite `json:"combinations"`
	Tax                *taxInfoWrite       `json:"tax"`
	ExternalRef        *string             `json:"externalReferenceId"`
}

type inventoryWrite struct {
	QuantityDelta *int64 `json:"quantityDelta"`
}

type categoryWrite struct {
	ParentID    *int64  `json:"parentId"`
	OrderBy     *int64  `json:"orderBy"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Enabled     *bool   `json:"enabled"`
	ExternalRef *string `json:"externalReferenceId"`
}

type shippingAddressWrite struct {
	ID                  *int64  `json:"id"`
	Name                *string `json:"name"`
	CompanyName         *string `json:"companyName"`
	Street              *string `json:"street"`
	City                *string `json:"city"`
	CountryCode         *string `json:"countryCode"`
	PostalCode          *string `json:"postalCode"`
	StateOrProvinceCode *string `json:"stateOrProvinceCode"`
	StateOrProvinceName *string `json:"stateOrProvinceName"`
	Phone               *string `json:"phone"`
	Default             *bool   `json:"defaultAddress"`
}

func (a shippingAddressWrite) person() *personWrite {
	return &personWrite{Name: a.Name, CompanyName: a.CompanyName, Street: a.Street, City: a.City, CountryCode: a.CountryCode,
		PostalCode: a.PostalCode, StateOrProvinceCode: a.StateOrProvinceCode, StateOrProvinceName: a.StateOrProvinceName, Phone: a.Phone}
}

type customerWrite struct {
	Email             *string                 `json:"email"`
	Password          *string                 `json:"password"`
	BillingPerson     *personWrite            `json:"billingPerson"`
	ShippingAddresses *[]shippingAddressWrite `json:"shippingAddresses"`
	TaxID             *string                 `json:"taxId"`
	TaxIDValid        *bool                   `json:"taxIdValid"`
	TaxExempt         *bool                   `json:"taxExempt"`
	B2BB2C            *string                 `json:"b2b_b2c"`
	CustomerGroupID   *int64                  `json:"customerGroupId"`
	AcceptMarketing   *bool                   `json:"acceptMarketing"`
	Lang              *string                 `json:"lang"`
	PrivateAdminNotes *string                 `json:"privateAdminNotes"`
}

// set copies a written value over a stored one.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// conv converts written money with the store's precision, keeping the
// first problem (named by its field) for the answer.
type conv struct {
	prec int
	err  *apiError
}

func (c *conv) money(path string, n *json.Number, dst *Money) {
	if n == nil || c.err != nil {
		return
	}
	m, err := parseMoney(*n, c.prec)
	if err != nil {
		c.err = wrongParam(path, "%s %v", *n, err)
		return
	}
	*dst = m
}

// nonNegative money, as prices are.
func (c *conv) price(path string, n *json.Number, dst *Money) {
	var m Money
	c.money(path, n, &m)
	if n == nil || c.err != nil {
		return
	}
	if m < 0 {
		c.err = wrongParam(path, "%s must not be negative", *n)
		return
	}
	*dst = m
}

func (c *conv) fail(err *apiError) {
	if c.err == nil {
		c.err = err
	}
}

func applyPerson(dst **Person, w *personWrite) {
	if w == nil {
		return
	}
	if *dst == nil {
		*dst = &Person{}
	}
	p := *dst
	set(&p.Name, w.Name)
	set(&p.CompanyName, w.CompanyName)
	set(&p.Street, w.Street)
	set(&p.City, w.City)
	set(&p.CountryCode, w.CountryCode)
	set(&p.PostalCode, w.PostalCode)
	set(&p.StateOrProvinceCode, w.StateOrProvinceCode)
	set(&p.StateOrProvinceName, w.StateOrProvinceName)
	set(&p.Phone, w.Phone)
}

func (c *conv) taxes(path string, ws []taxWrite) []Tax {
	out := make([]Tax, 0, len(ws))
	for i, w := range ws {
		p := fmt.Sprintf("%s[%d]", path, i)
		var t Tax
		set(&t.Name, w.Name)
		set(&t.Value, w.Value)
		set(&t.IncludeInPrice, w.IncludeInPrice)
		c.money(p+".total", w.Total, &t.Total)
		c.money(p+".taxOnDiscountedSubtotal", w.TaxOnDiscountedSubtotal, &t.TaxOnDiscountedSubtotal)
		c.money(p+".taxOnShipping", w.TaxOnShipping, &t.TaxOnShipping)
		out = append(out, t)
	}
	return out
}

func selectedOptions(ws []selectedOptionWrite) []SelectedOption {
	var out []SelectedOption
	for _, w := range ws {
		var o SelectedOption
		set(&o.Name, w.Name)
		set(&o.Type, w.Type)
		set(&o.Value, w.Value)
		o.ValuesArray = w.ValuesArray
		for _, sw := range w.Selections {
			var sel Selection
			set(&sel.Title, sw.Title)
			set(&sel.Modifier, sw.Modifier)
			set(&sel.ModifierType, sw.ModifierType)
			o.Selections = append(o.Selections, sel)
		}
		out = append(out, o)
	}
	return out
}

// attributes reads written attributes; an attribute's type may come as
// type (REST docs) or alias (Java client); without either it is CUSTOM.
func attributes(ws []attributeWrite, nextID func() int64) []Attribute {
	var out []Attribute
	for _, w := range ws {
		a := Attribute{Type: "CUSTOM"}
		set(&a.ID, w.ID)
		set(&a.Name, w.Name)
		set(&a.Value, w.Value)
		set(&a.Type, w.Alias)
		set(&a.Type, w.Type)
		set(&a.Show, w.Show)
		a.Type = strings.ToUpper(a.Type)
		if a.Name == "" {
			a.Name = a.Type
		}
		if a.ID == 0 {
			a.ID = nextID()
		}
		out = append(out, a)
	}
	return out
}

// Answers.

type errorBody struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorCode    string `json:"errorCode"`
}

// page is a search answer (§3.4).
type page[T any] struct {
	Total  int `json:"total"`
	Count  int `json:"count"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	Items  []T `json:"items"`
	// AllCustomerCount is only in the customer search.
	AllCustomerCount *int `json:"allCustomerCount,omitempty"`
}

type idOut struct {
	ID int64 `json:"id"`
}

type orderCreatedOut struct {
	ID      int64  `json:"id"` // deprecated by the API, still sent
	OrderID string `json:"orderid"`
}

type updateOut struct {
	UpdateCount int    `json:"updateCount"`
	Warning     string `json:"warning,omitempty"`
}

type deleteOut struct {
	DeleteCount int `json:"deleteCount"`
}

type personOut struct {
	Name                string `json:"name,omitempty"`
	FirstName           string `json:"firstName,omitempty"`
	LastName            string `json:"lastName,omitempty"`
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

type handlingFeeOut struct {
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	Value       json.Number `json:"value"`
	Taxes       []taxOut    `json:"taxes"`
}

type surchargeOut struct {
	ID              string      `json:"id,omitempty"`
	Description     string      `json:"description,omitempty"`
	Type            string      `json:"type"`
	Value           json.Number `json:"value"`
	Taxable         bool        `json:"taxable"`
	Total           json.Number `json:"total"`
	TotalWithoutTax json.Number `json:"totalWithoutTax"`
	Taxes           []taxOut    `json:"taxes"`
}

type taxOut struct {
	Name                    string      `json:"name"`
	Value                   json.Number `json:"value"`
	Total                   json.Number `json:"total"`
	TaxOnDiscountedSubtotal json.Number `json:"taxOnDiscountedSubtotal"`
	TaxOnShipping           json.Number `json:"taxOnShipping"`
	IncludeInPrice          bool        `json:"includeInPrice"`
}

type itemOut struct {
	ID                 int64            `json:"id"`
	ProductID          int64            `json:"productId"`
	CombinationID      int64            `json:"combinationId,omitempty"`
	CategoryID         int64            `json:"categoryId"`
	SKU                string           `json:"sku"`
	Name               string           `json:"name"`
	Quantity           int64            `json:"quantity"`
	Price              json.Number      `json:"price"`
	PriceWithoutTax    json.Number      `json:"priceWithoutTax"`
	ProductPrice       json.Number      `json:"productPrice"`
	Tax                json.Number      `json:"tax"`
	Taxes              []taxOut         `json:"taxes"`
	CouponAmount       json.Number      `json:"couponAmount"`
	SelectedOptions    []SelectedOption `json:"selectedOptions,omitempty"`
	Weight             json.Number      `json:"weight"`
	IsShippingRequired bool             `json:"isShippingRequired"`
}

type shippingOptionOut struct {
	CarrierName     string      `json:"shippingCarrierName,omitempty"`
	MethodName      string      `json:"shippingMethodName"`
	MethodID        string      `json:"shippingMethodId,omitempty"`
	Rate            json.Number `json:"shippingRate"`
	RateWithoutTax  json.Number `json:"shippingRateWithoutTax"`
	IsPickup        bool        `json:"isPickup"`
	FulfillmentType string      `json:"fulfillmentType"`
}

type discountInfoOut struct {
	Value       json.Number `json:"value,omitempty"`
	Type        string      `json:"type,omitempty"`
	Base        string      `json:"base,omitempty"`
	Description string      `json:"description,omitempty"`
}

type couponOut struct {
	Name         string      `json:"name,omitempty"`
	Code         string      `json:"code"`
	DiscountType string      `json:"discountType,omitempty"`
	Discount     json.Number `json:"discount"`
}

type externalOrderDataOut struct {
	ExternalFulfillment bool   `json:"externalFulfillment"`
	ExternalOrderID     string `json:"externalOrderId,omitempty"`
	RefererID           string `json:"refererId,omitempty"`
}

type orderOut struct {
	ID                 string                `json:"id"`
	InternalID         int64                 `json:"internalId"`
	OrderNumber        int64                 `json:"orderNumber"`
	VendorOrderNumber  string                `json:"vendorOrderNumber"`
	PublicUID          string                `json:"publicUid"`
	Email              string                `json:"email"`
	CustomerID         int64                 `json:"customerId,omitempty"`
	PaymentStatus      string                `json:"paymentStatus"`
	FulfillmentStatus  string                `json:"fulfillmentStatus"`
	PaymentMethod      string                `json:"paymentMethod,omitempty"`
	PaymentModule      string                `json:"paymentModule,omitempty"`
	Hidden             bool                  `json:"hidden"`
	PricesIncludeTax   bool                  `json:"pricesIncludeTax"`
	Subtotal           json.Number           `json:"subtotal"`
	SubtotalWithoutTax json.Number           `json:"subtotalWithoutTax"`
	Total              json.Number           `json:"total"`
	TotalWithoutTax    json.Number           `json:"totalWithoutTax"`
	Tax                json.Number           `json:"tax"`
	Discount           json.Number           `json:"discount"`
	CouponDiscount     json.Number           `json:"couponDiscount"`
	VolumeDiscount     json.Number           `json:"volumeDiscount"`
	MembershipDiscount json.Number           `json:"membershipBasedDiscount"`
	RefundedAmount     json.Number           `json:"refundedAmount"`
	DiscountInfo       []discountInfoOut     `json:"discountInfo,omitempty"`
	DiscountCoupon     *couponOut            `json:"discountCoupon,omitempty"`
	Items              []itemOut             `json:"items"`
	BillingPerson      *personOut            `json:"billingPerson,omitempty"`
	ShippingPerson     *personOut            `json:"shippingPerson,omitempty"`
	ShippingOption     *shippingOptionOut    `json:"shippingOption,omitempty"`
	TaxesOnShipping    []taxOut              `json:"taxesOnShipping"`
	CustomerTaxExempt  bool                  `json:"customerTaxExempt"`
	CustomerTaxID      string                `json:"customerTaxId"`
	CustomerTaxIDValid bool                  `json:"customerTaxIdValid"`
	ReversedTaxApplied bool                  `json:"reversedTaxApplied"`
	B2BB2C             string                `json:"b2b_b2c"`
	ExternalFulfill    bool                  `json:"externalFulfillment"`
	ExternalOrderID    string                `json:"externalOrderId,omitempty"`
	ExternalOrderData  *externalOrderDataOut `json:"externalOrderData,omitempty"`
	RefererID          string                `json:"refererId,omitempty"`
	PrivateAdminNotes  string                `json:"privateAdminNotes,omitempty"`
	OrderComments      string                `json:"orderComments,omitempty"`
	ExternalTxID       string                `json:"externalTransactionId,omitempty"`
	TrackingNumber     string                `json:"trackingNumber,omitempty"`
	IPAddress          string                `json:"ipAddress,omitempty"`
	AcceptMarketing    bool                  `json:"acceptMarketing"`
	NoNotifications    bool                  `json:"disableAllCustomerNotifications"`
	Lang               string                `json:"lang,omitempty"`
	HandlingFee        *handlingFeeOut       `json:"handlingFee,omitempty"`
	CustomSurcharges   []surchargeOut        `json:"customSurcharges"`
	Refunds            []any                 `json:"refunds"`
	Shipments          []any                 `json:"shipments"`
	CreateDate         string                `json:"createDate"`
	UpdateDate         string                `json:"updateDate"`
	CreateTimestamp    int64                 `json:"createTimestamp"`
	UpdateTimestamp    int64                 `json:"updateTimestamp"`
}

type attributeOut struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type"`
	Show  string `json:"show,omitempty"`
}

type choiceOut struct {
	Text         string      `json:"text"`
	Modifier     json.Number `json:"priceModifier"`
	ModifierType string      `json:"priceModifierType"`
}

type optionOut struct {
	Type          string      `json:"type"`
	Name          string      `json:"name"`
	Choices       []choiceOut `json:"choices"`
	DefaultChoice int64       `json:"defaultChoice"`
	Required      bool        `json:"required"`
}

type combinationOut struct {
	ID                    int64          `json:"id"`
	CombinationNumber     int64          `json:"combinationNumber"`
	Options               []OptionValue  `json:"options"`
	SKU                   string         `json:"sku,omitempty"`
	Quantity              *int64         `json:"quantity,omitempty"`
	Unlimited             bool           `json:"unlimited"`
	InStock               bool           `json:"inStock"`
	Price                 json.Number    `json:"price"`
	DefaultDisplayedPrice json.Number    `json:"defaultDisplayedPrice"`
	CompareToPrice        *json.Number   `json:"compareToPrice,omitempty"`
	WarningLimit          int64          `json:"warningLimit"`
	Weight                *json.Number   `json:"weight,omitempty"`
	Attributes            []attributeOut `json:"attributes"`
	ExternalRef           string         `json:"externalReferenceId,omitempty"`
}

type categoryRef struct {
	ID      int64 `json:"id"`
	Enabled bool  `json:"enabled"`
}

type taxInfoOut struct {
	Taxable bool `json:"taxable"`
	// DefaultLocationIncludedTaxRate is the rate in the price of a gross
	// store's product; Ecwid sends it with gross prices only.
	DefaultLocationIncludedTaxRate *json.Number `json:"defaultLocationIncludedTaxRate,omitempty"`
	EnabledManualTaxes             []int64      `json:"enabledManualTaxes"`
	TaxClassCode                   string       `json:"taxClassCode,omitempty"`
}

type productOut struct {
	ID                    int64            `json:"id"`
	SKU                   string           `json:"sku"`
	Name                  string           `json:"name"`
	Price                 json.Number      `json:"price"`
	PriceInProductList    json.Number      `json:"priceInProductList"`
	DefaultDisplayedPrice json.Number      `json:"defaultDisplayedPrice"`
	CompareToPrice        *json.Number     `json:"compareToPrice,omitempty"`
	CostPrice             json.Number      `json:"costPrice"`
	Quantity              *int64           `json:"quantity,omitempty"`
	Unlimited             bool             `json:"unlimited"`
	InStock               bool             `json:"inStock"`
	WarningLimit          int64            `json:"warningLimit"`
	Enabled               bool             `json:"enabled"`
	Description           string           `json:"description"`
	Weight                *json.Number     `json:"weight,omitempty"`
	IsShippingRequired    bool             `json:"isShippingRequired"`
	CategoryIDs           []int64          `json:"categoryIds"`
	Categories            []categoryRef    `json:"categories"`
	DefaultCategoryID     int64            `json:"defaultCategoryId"`
	Attributes            []attributeOut   `json:"attributes"`
	Options               []optionOut      `json:"options"`
	Combinations          []combinationOut `json:"combinations"`
	Tax                   taxInfoOut       `json:"tax"`
	ExternalRef           string           `json:"externalReferenceId,omitempty"`
	URL                   string           `json:"url"`
	ImageURL              string           `json:"imageUrl,omitempty"`
	OriginalImageURL      string           `json:"originalImageUrl,omitempty"`
	Created               string           `json:"created"`
	Updated               string           `json:"updated"`
	CreateTimestamp       int64            `json:"createTimestamp"`
	UpdateTimestamp       int64            `json:"updateTimestamp"`
}

type categoryOut struct {
	ID                  int64  `json:"id"`
	ParentID            int64  `json:"parentId,omitempty"`
	OrderBy             int64  `json:"orderBy"`
	Name                string `json:"name"`
	Description         string `json:"description,omitempty"`
	Enabled             bool   `json:"enabled"`
	ProductCount        int    `json:"productCount"`
	EnabledProductCount int    `json:"enabledProductCount"`
	URL                 string `json:"url"`
	ExternalRef         string `json:"externalReferenceId,omitempty"`
}

type shippingAddressOut struct {
	ID int64 `json:"id"`
	personOut
	AddressFormatted string `json:"addressFormatted"`
	Default          bool   `json:"defaultAddress"`
}

type contactOut struct {
	ID      int64  `json:"id"`
	Contact string `json:"contact"`
	Type    string `json:"type"`
	Default bool   `json:"default"`
	OrderBy int    `json:"orderBy"`
}

type customerOut struct {
	ID                int64                `json:"id"`
	Email             string               `json:"email"`
	Name              string               `json:"name"`
	TotalOrderCount   int                  `json:"totalOrderCount"`
	Registered        string               `json:"registered"`
	Updated           string               `json:"updated"`
	BillingPerson     personOut            `json:"billingPerson"`
	ShippingAddresses []shippingAddressOut `json:"shippingAddresses"`
	Contacts          []contactOut         `json:"contacts"`
	CustomerGroupID   int64                `json:"customerGroupId"`
	CustomerGroupName string               `json:"customerGroupName"`
	TaxID             string               `json:"taxId"`
	TaxIDValid        bool                 `json:"taxIdValid"`
	TaxExempt         bool                 `json:"taxExempt"`
	B2BB2C            string               `json:"b2b_b2c"`
	AcceptMarketing   bool                 `json:"acceptMarketing"`
	Lang              string               `json:"lang,omitempty"`
	PrivateAdminNotes string               `json:"privateAdminNotes"`
}

// Country names for countryName; other codes answer the code itself.
var countryNames = map[string]string{
	"NL": "Netherlands", "BE": "Belgium", "DE": "Germany", "FR": "France", "LU": "Luxembourg",
	"GB": "United Kingdom", "US": "United States", "AT": "Austria", "ES": "Spain", "IT": "Italy",
}

func countryName(code string) string {
	if n, ok := countryNames[strings.ToUpper(code)]; ok {
		return n
	}
	return code
}

// personJSON renders a person; split adds firstName and lastName, which
// customer answers carry beside the one written name (orders' persons
// have the name alone, §3.5).
func personJSON(p *Person, split bool) *personOut {
	if p == nil {
		return nil
	}
	out := &personOut{Name: p.Name, CompanyName: p.CompanyName, Street: p.Street, City: p.City, CountryCode: p.CountryCode,
		PostalCode: p.PostalCode, StateOrProvinceCode: p.StateOrProvinceCode, StateOrProvinceName: p.StateOrProvinceName, Phone: p.Phone}
	if p.CountryCode != "" {
		out.CountryName = countryName(p.CountryCode)
	}
	if !split {
		return out
	}
	if first, last, ok := strings.Cut(strings.TrimSpace(p.Name), " "); ok {
		out.FirstName, out.LastName = first, strings.TrimSpace(last)
	} else {
		out.FirstName = p.Name
	}
	return out
}
