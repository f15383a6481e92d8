package mapping

import (
	"math"
	"time"

	"github.com/koppel/koppel/model"
)

// The views are the records as expressions see them: plain fields with the
// names the integration file uses, money, quantities and VAT rates as float64
// in major units (19.99, 1.5, 21). They are read-only copies; rules write the
// canonical record through the field tables in fields.go.

// OrderView is the variable order.
type OrderView struct {
	ID               string       `expr:"id"`
	Number           string       `expr:"number"`
	CreatedAt        time.Time    `expr:"createdAt"`
	Status           string       `expr:"status"`
	Paid             bool         `expr:"paid"`
	Currency         string       `expr:"currency"`
	PricesIncludeVAT bool         `expr:"pricesIncludeVat"`
	Customer         CustomerView `expr:"customer"`
	Lines            []LineView   `expr:"lines"`
	ShippingCost     float64      `expr:"shippingCost"`
	ShippingVAT      float64      `expr:"shippingVat"`
	ShippingMethod   string       `expr:"shippingMethod"`
	PaymentMethod    string       `expr:"paymentMethod"`
	Total            float64      `expr:"total"`
	Note             string       `expr:"note"`
}

// LineView is the variable line in line rules (and each of order.lines).
type LineView struct {
	SKU          string  `expr:"sku"`
	Name         string  `expr:"name"`
	EAN          string  `expr:"ean"`
	Quantity     float64 `expr:"quantity"`
	UnitPrice    float64 `expr:"unitPrice"`
	UnitDiscount float64 `expr:"unitDiscount"`
	// NetUnitPrice is unitPrice minus unitDiscount; Total is that times quantity.
	NetUnitPrice float64 `expr:"netUnitPrice"`
	Total        float64 `expr:"total"`
	VAT          float64 `expr:"vat"`
}

// CustomerView is order.customer, or the variable customer in the customers flow.
type CustomerView struct {
	ID          string      `expr:"id"`
	Kind        string      `expr:"kind"`
	Name        string      `expr:"name"` // the company name for a company, else the person's full name
	Email       string      `expr:"email"`
	Person      PersonView  `expr:"person"`
	CompanyName string      `expr:"companyName"`
	VATNumber   string      `expr:"vatNumber"`
	CoCNumber   string      `expr:"cocNumber"`
	Phone       string      `expr:"phone"`
	Mobile      string      `expr:"mobile"`
	Billing     AddressView `expr:"billing"`
	Shipping    AddressView `expr:"shipping"`
}

// PersonView is customer.person.
type PersonView struct {
	FirstName string `expr:"firstName"`
	LastName  string `expr:"lastName"`
	FullName  string `expr:"fullName"`
}

// AddressView is customer.billing and customer.shipping.
type AddressView struct {
	Name              string `expr:"name"`
	Company           string `expr:"company"`
	Street            string `expr:"street"`
	HouseNumber       string `expr:"houseNumber"`
	HouseNumberSuffix string `expr:"houseNumberSuffix"`
	// StreetLine is street, number and suffix on one line ("Dorpsstraat 12 A").
	StreetLine  string `expr:"streetLine"`
	Line2       string `expr:"line2"`
	PostalCode  string `expr:"postalCode"`
	City        string `expr:"city"`
	Region      string `expr:"region"`
	CountryCode string `expr:"countryCode"`
	Phone       string `expr:"phone"`
}

// ProductView is the variable product (and parent, for a variant's rules).
type ProductView struct {
	SKU              string  `expr:"sku"`
	Name             string  `expr:"name"`
	ShortDescription string  `expr:"shortDescription"`
	Description      string  `expr:"description"`
	EAN              string  `expr:"ean"`
	Price            float64 `expr:"price"`
	PriceIncludesVAT bool    `expr:"priceIncludesVat"`
	// PriceInclVAT and PriceExclVAT are the price with and without VAT,
	// whichever way the source keeps it, rounded to the cent.
	PriceInclVAT float64           `expr:"priceInclVat"`
	PriceExclVAT float64           `expr:"priceExclVat"`
	Currency     string            `expr:"currency"`
	VAT          float64           `expr:"vat"`
	Active       bool              `expr:"active"`
	ManageStock  bool              `expr:"manageStock"`
	Categories   []string          `expr:"categories"`
	Images       []string          `expr:"images"`
	Attributes   map[string]string `expr:"attributes"`
	IsVariant    bool              `expr:"isVariant"`
}

// StockView is the variable stock.
type StockView struct {
	SKU       string  `expr:"sku"`
	Location  string  `expr:"location"`
	Physical  float64 `expr:"physical"`
	Available float64 `expr:"available"`
	Reserved  float64 `expr:"reserved"`
}

// The environments: one typed struct per kind of rule, so expr checks every
// name and type at compile time.

type orderEnv struct {
	Order OrderView      `expr:"order"`
	Raw   map[string]any `expr:"raw"`
}

type lineEnv struct {
	Order   OrderView      `expr:"order"`
	Line    LineView       `expr:"line"`
	Index   int            `expr:"index"` // 0-based position of the line
	Raw     map[string]any `expr:"raw"`
	RawLine map[string]any `expr:"rawLine"`
}

type customerEnv struct {
	Customer CustomerView   `expr:"customer"`
	Raw      map[string]any `expr:"raw"`
}

type productEnv struct {
	Product ProductView `expr:"product"`
	// Parent is the product a variant belongs to; zero for the product itself.
	Parent     ProductView    `expr:"parent"`
	Raw        map[string]any `expr:"raw"`
	RawVariant map[string]any `expr:"rawVariant"`
}

type stockEnv struct {
	Stock StockView      `expr:"stock"`
	Raw   map[string]any `expr:"raw"`
}

// major converts an integer scaled by 10^decimals to a float in major units.
// The division is correctly rounded, so strconv.FormatFloat(v, 'f', -1, 64)
// gives the decimal back exactly (for amounts below 2^53).
func major(v int64, decimals int) float64 { return float64(v) / math.Pow10(decimals) }

func viewOrder(o *model.Order) OrderView {
	lines := make([]LineView, len(o.Lines))
	for i := range o.Lines {
		lines[i] = viewLine(&o.Lines[i])
	}
	return OrderView{
		ID:               o.ID,
		Number:           o.Number,
		CreatedAt:        o.CreatedAt,
		Status:           string(o.Status),
		Paid:             o.Paid,
		Currency:         o.Currency,
		PricesIncludeVAT: o.PricesIncludeVAT,
		Customer:         viewCustomer(&o.Customer),
		Lines:            lines,
		ShippingCost:     major(o.ShippingCost.Amount, 2),
		ShippingVAT:      major(int64(o.ShippingVAT), 2),
		ShippingMethod:   o.ShippingMethod,
		PaymentMethod:    o.PaymentMethod,
		Total:            major(o.Total.Amount, 2),
		Note:             o.Note,
	}
}

func viewLine(l *model.OrderLine) LineView {
	return LineView{
		SKU:          l.SKU,
		Name:         l.Name,
		EAN:          l.EAN,
		Quantity:     major(int64(l.Quantity), 3),
		UnitPrice:    major(l.UnitPrice.Amount, 2),
		UnitDiscount: major(l.UnitDiscount.Amount, 2),
		NetUnitPrice: major(l.NetUnitPrice().Amount, 2),
		Total:        major(l.LineTotal().Amount, 2),
		VAT:          major(int64(l.VAT), 2),
	}
}

func viewCustomer(c *model.Customer) CustomerView {
	return CustomerView{
		ID:          c.ID,
		Kind:        string(c.Kind),
		Name:        c.DisplayName(),
		Email:       c.Email,
		Person:      PersonView{FirstName: c.Person.FirstName, LastName: c.Person.LastName, FullName: c.Person.FullName()},
		CompanyName: c.CompanyName,
		VATNumber:   c.VATNumber,
		CoCNumber:   c.CoCNumber,
		Phone:       c.Phone,
		Mobile:      c.Mobile,
		Billing:     viewAddress(&c.Billing),
		Shipping:    viewAddress(&c.Shipping),
	}
}

func viewAddress(a *model.Address) AddressView {
	return AddressView{
		Name:              a.Name,
		Company:           a.Company,
		Street:            a.Street,
		HouseNumber:       a.HouseNumber,
		HouseNumberSuffix: a.HouseNumberSuffix,
		StreetLine:        a.StreetLine(),
		Line2:             a.Line2,
		PostalCode:        a.PostalCode,
		City:              a.City,
		Region:            a.Region,
		CountryCode:       a.CountryCode,
		Phone:             a.Phone,
	}
}

func viewProduct(p *model.Product, isVariant bool) ProductView {
	return ProductView{
		SKU:              p.SKU,
		Name:             p.Name,
		ShortDescription: p.ShortDescription,
		Description:      p.Description,
		EAN:              p.EAN,
		Price:            major(p.Price.Amount, 2),
		PriceIncludesVAT: p.PriceIncludesVAT,
		PriceInclVAT:     major(priceInclVAT(p), 2),
		PriceExclVAT:     major(priceExclVAT(p), 2),
		Currency:         p.Price.Currency,
		VAT:              major(int64(p.VAT), 2),
		Active:           p.Active,
		ManageStock:      p.ManageStock,
		Categories:       p.Categories,
		Images:           model.ImageNames(p.Images), // by name, never their bytes
		Attributes:       p.Attributes,
		IsVariant:        isVariant,
	}
}

func viewStock(s *model.StockLevel) StockView {
	return StockView{
		SKU:       s.SKU,
		Location:  s.Location,
		Physical:  major(int64(s.Physical), 3),
		Available: major(int64(s.Available), 3),
		Reserved:  major(int64(s.Reserved), 3),
	}
}

// priceInclVAT is the product price with VAT in cents, rounded half away from zero.
func priceInclVAT(p *model.Product) int64 {
	if p.PriceIncludesVAT {
		return p.Price.Amount
	}
	return roundDiv(p.Price.Amount*(10000+int64(p.VAT)), 10000)
}

// priceExclVAT is the product price without VAT in cents, rounded half away from zero.
func priceExclVAT(p *model.Product) int64 {
	if !p.PriceIncludesVAT {
		return p.Price.Amount
	}
	return roundDiv(p.Price.Amount*10000, 10000+int64(p.VAT))
}

// roundDiv divides rounding half away from zero (b > 0).
func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}
