package model

// Product is a sellable item; a product with Variants is configurable and each
// variant carries its own SKU, EAN, price and stock.
type Product struct {
	SKU              string            `json:"sku"`
	Name             string            `json:"name"`
	ShortDescription string            `json:"shortDescription,omitempty"`
	Description      string            `json:"description,omitempty"`
	EAN              string            `json:"ean,omitempty"`
	Price            Money             `json:"price"`
	PriceIncludesVAT bool              `json:"priceIncludesVat"`
	VAT              VATRate           `json:"vat"`
	Active           bool              `json:"active"`
	ManageStock      bool              `json:"manageStock"`
	Categories       []string          `json:"categories,omitempty"`
	Images           []string          `json:"images,omitempty"`
	Attributes       map[string]string `json:"attributes,omitempty"`
	Variants         []Product         `json:"variants,omitempty"`
}

// StockLevel is the stock of one SKU at one location.
type StockLevel struct {
	SKU       string   `json:"sku"`
	Location  string   `json:"location,omitempty"`
	Physical  Quantity `json:"physical"`
	Available Quantity `json:"available"`
	Reserved  Quantity `json:"reserved"`
}
