package ecwid

import "encoding/json"

// Catalogue and customer shapes (§3.5).

// AttributeUPC is the type of the attribute that holds a product's or a
// variation's EAN/GTIN (§3.5).
const AttributeUPC = "UPC"

// Product is a product as the API returns it. quantity is missing when
// unlimited is true.
type Product struct {
	ID              json.Number     `json:"id"`
	SKU             string          `json:"sku"`
	Name            string          `json:"name"`
	Description     string          `json:"description,omitempty"`
	Price           json.Number     `json:"price,omitempty"`
	Quantity        json.Number     `json:"quantity,omitempty"`
	Unlimited       bool            `json:"unlimited"`
	Enabled         *bool           `json:"enabled,omitempty"`
	CategoryIDs     []int64         `json:"categoryIds,omitempty"`
	Options         []ProductOption `json:"options,omitempty"`
	Combinations    []Combination   `json:"combinations,omitempty"`
	Attributes      []Attribute     `json:"attributes,omitempty"`
	Tax             *ProductTax     `json:"tax,omitempty"`
	CreateTimestamp json.Number     `json:"createTimestamp,omitempty"`
	UpdateTimestamp json.Number     `json:"updateTimestamp,omitempty"`
	Updated         string          `json:"updated,omitempty"`
}

// ProductTax is a product's tax block; defaultLocationIncludedTaxRate is
// the rate included in its price at the store's location (gross stores).
type ProductTax struct {
	Taxable                        *bool       `json:"taxable,omitempty"`
	DefaultLocationIncludedTaxRate json.Number `json:"defaultLocationIncludedTaxRate,omitempty"`
	EnabledManualTaxes             []int64     `json:"enabledManualTaxes,omitempty"`
}

// ProductTaxBody is the tax block of a product write: whether it is
// taxed, and by which of the store's taxes.
type ProductTaxBody struct {
	Taxable            *bool   `json:"taxable,omitempty"`
	EnabledManualTaxes []int64 `json:"enabledManualTaxes,omitempty"`
}

// ProductOption is an option of a product (Size) with its choices.
type ProductOption struct {
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	Choices  []Choice `json:"choices,omitempty"`
	Required bool     `json:"required,omitempty"`
}

// Choice is one value of an option.
type Choice struct {
	Text              string      `json:"text"`
	PriceModifier     json.Number `json:"priceModifier,omitempty"`
	PriceModifierType string      `json:"priceModifierType,omitempty"`
}

// Combination is a variation: the option values that identify it, its own
// SKU (empty: the product's), stock and price.
type Combination struct {
	ID         json.Number   `json:"id,omitempty"`
	Options    []OptionValue `json:"options,omitempty"`
	SKU        string        `json:"sku,omitempty"`
	Quantity   json.Number   `json:"quantity,omitempty"`
	Unlimited  bool          `json:"unlimited"`
	Price      json.Number   `json:"price,omitempty"`
	Attributes []Attribute   `json:"attributes,omitempty"`
}

// OptionValue is one option's value of a combination.
type OptionValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Attribute is a product's or variation's attribute; type UPC holds the
// EAN. Show is written back as read.
type Attribute struct {
	ID    json.Number `json:"id,omitempty"`
	Name  string      `json:"name,omitempty"`
	Value string      `json:"value"`
	Type  string      `json:"type,omitempty"`
	Show  string      `json:"show,omitempty"`
}

// ProductBody is the body of POST /products and PUT /products/{id}; a PUT
// changes only the fields it carries.
type ProductBody struct {
	SKU         string          `json:"sku,omitempty"`
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Price       json.Number     `json:"price,omitempty"`
	Enabled     *bool           `json:"enabled,omitempty"`
	Unlimited   *bool           `json:"unlimited,omitempty"`
	Quantity    json.Number     `json:"quantity,omitempty"`
	CategoryIDs []int64         `json:"categoryIds,omitempty"`
	Options     []ProductOption `json:"options,omitempty"`
	Attributes  []Attribute     `json:"attributes,omitempty"`
	Tax         *ProductTaxBody `json:"tax,omitempty"`
}

// CombinationBody is the body of POST and PUT of a combination.
type CombinationBody struct {
	Options    []OptionValue `json:"options,omitempty"`
	SKU        string        `json:"sku,omitempty"`
	Price      json.Number   `json:"price,omitempty"`
	Unlimited  *bool         `json:"unlimited,omitempty"`
	Quantity   json.Number   `json:"quantity,omitempty"`
	Attributes []Attribute   `json:"attributes,omitempty"`
}

// StockBody sets the absolute stock of a product or combination (PUT).
type StockBody struct {
	Quantity  json.Number `json:"quantity"`
	Unlimited *bool       `json:"unlimited,omitempty"`
}

// Category is a category; parentId is absent (0) at the top.
type Category struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parentId,omitempty"`
	Name     string `json:"name"`
	Enabled  *bool  `json:"enabled,omitempty"`
}

// CategoryBody is the body of POST /categories.
type CategoryBody struct {
	Name     string `json:"name"`
	ParentID int64  `json:"parentId,omitempty"`
	Enabled  bool   `json:"enabled"`
}

// Customer is a customer account (GET /customers).
type Customer struct {
	ID            json.Number `json:"id,omitempty"`
	Email         string      `json:"email,omitempty"`
	Name          string      `json:"name,omitempty"`
	BillingPerson *Person     `json:"billingPerson,omitempty"`
	TaxID         string      `json:"taxId,omitempty"`
	B2BB2C        string      `json:"b2b_b2c,omitempty"`
	Registered    string      `json:"registered,omitempty"`
	Updated       string      `json:"updated,omitempty"`
}

// CustomerBody is the body of POST and PUT /customers.
type CustomerBody struct {
	Email         string  `json:"email,omitempty"`
	BillingPerson *Person `json:"billingPerson,omitempty"`
	TaxID         string  `json:"taxId,omitempty"`
	B2BB2C        string  `json:"b2b_b2c,omitempty"`
}
