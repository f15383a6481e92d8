package eaccounting

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/koppel/koppel/model"
)

// Wire shapes of the flows: articles, their codings and units, terms of
// payment, delivery methods and the four sales documents. Named as the
// contract names them. Amounts are json.Number both ways: written from
// integer minor units with exactly two decimals, read without a float.

// Article is an article (ArticleApi; Number, Name, IsActive, CodingId and
// UnitId are required). eAccounting has no variants: one article per SKU.
type Article struct {
	Id           string      `json:"Id,omitempty"`
	Number       string      `json:"Number"`
	Name         string      `json:"Name"`
	IsActive     bool        `json:"IsActive"`
	CodingId     string      `json:"CodingId"`
	UnitId       string      `json:"UnitId"`
	NetPrice     json.Number `json:"NetPrice,omitempty"`
	GrossPrice   json.Number `json:"GrossPrice,omitempty"`
	StockBalance json.Number `json:"StockBalance,omitempty"`
	IsStock      bool        `json:"IsStock"`
	// ShowStockInformation (read-only): eAccounting keeps the article's
	// stock balance — a stock article with the stock module, any goods
	// article without it.
	ShowStockInformation bool             `json:"ShowStockInformation,omitempty"`
	Barcodes             []ArticleBarcode `json:"Barcodes,omitempty"`
}

// ArticleBarcode is an EAN/GTIN; BarcodeType 0 is the only type ("Default").
type ArticleBarcode struct {
	Barcode     string `json:"Barcode"`
	BarcodeType int    `json:"BarcodeType"`
}

// articleReadOnly are ArticleApi's readOnly properties: a full-replacement
// PUT sends back what it read without them.
var articleReadOnly = []string{"Id", "CodingName", "UnitName", "UnitAbbreviation", "StockBalanceManuallyChangedUtc",
	"StockBalanceReserved", "StockBalanceAvailable", "CreatedUtc", "ChangedUtc", "PurchasePriceManuallyChangedUtc",
	"MessageThreads", "Notes", "ShowStockInformation", "IsServiceArticle", "FreightCostsManuallyChangedUtc", "StockValue"}

// customerReadOnly are CustomerApi's readOnly properties, and TermsOfPayment:
// the read's expansion of TermsOfPaymentId, whose Id the contract marks
// readOnly (the terms are written by TermsOfPaymentId).
var customerReadOnly = []string{"Id", "PayToAccountId", "TermsOfPayment", "LastInvoiceDate", "ChangedUtc", "MessageThreads", "Notes",
	"IsFutureInvoiceDateAllowed", "UnpaidInvoicesAmount"}

// Coding is an article account coding (ArticleAccountCodingApi): it decides
// an article's VAT rate and its revenue accounts, domestic and foreign.
type Coding struct {
	Id       string `json:"Id"`
	Name     string `json:"Name,omitempty"`
	Type     string `json:"Type,omitempty"`
	VatRate  string `json:"VatRate,omitempty"`
	IsActive bool   `json:"IsActive"`
	// VatRatePercent: research §2.5 gives 0.25 for 25 %, the property's name
	// suggests 25; rate() reads both (no VAT rate is 1 % or 100 %).
	VatRatePercent json.Number `json:"VatRatePercent,omitempty"`
}

// rate is the coding's VAT rate.
func (c Coding) rate() (model.VATRate, error) {
	s := strings.TrimSpace(c.VatRatePercent.String())
	if s == "" {
		return 0, nil
	}
	v, err := model.ParseMinor(s, 6)
	if err != nil {
		return 0, fmt.Errorf("coding %s: VatRatePercent %q is not a number", c.Name, s)
	}
	if v < 1_000_000 { // a fraction: 0.21
		return model.VATRate((v + 50) / 100), nil
	}
	return model.VATRate((v + 5000) / 10000), nil // a percentage: 21
}

// Unit is a unit of articles (UnitApi).
type Unit struct {
	Id           string `json:"Id"`
	Name         string `json:"Name,omitempty"`
	Code         string `json:"Code,omitempty"`
	Abbreviation string `json:"Abbreviation,omitempty"`
}

// TermsOfPayment is one payment term (TermsOfPaymentApi).
type TermsOfPayment struct {
	Id                   string `json:"Id"`
	Name                 string `json:"Name,omitempty"`
	NameEnglish          string `json:"NameEnglish,omitempty"`
	NumberOfDays         int    `json:"NumberOfDays"`
	TermsOfPaymentTypeId int    `json:"TermsOfPaymentTypeId"`
	AvailableForSales    bool   `json:"AvailableForSales"`
}

// TermsNormal is TermsOfPaymentTypeId "Normal" (net days).
const TermsNormal = 0

// DeliveryMethod is one delivery method (DeliveryMethodApi; Name required).
type DeliveryMethod struct {
	Id   string `json:"Id"`
	Name string `json:"Name"`
	Code string `json:"Code,omitempty"`
}

// Order statuses (OrderApi.Status).
const (
	OrderStatusDraft   = 1
	OrderStatusOngoing = 2
)

// wireRow is one row of a sales document. The four row schemas differ in
// what is writable (LineNumber and IsTextRow are required on order rows,
// read-only on invoice and quote rows), so document blanks what a kind does
// not take. No row takes a VAT rate: it is the article's coding's.
type wireRow struct {
	LineNumber                          *int        `json:"LineNumber,omitempty"`
	ArticleId                           string      `json:"ArticleId,omitempty"`
	IsTextRow                           *bool       `json:"IsTextRow,omitempty"`
	Text                                string      `json:"Text,omitempty"`
	UnitPrice                           json.Number `json:"UnitPrice"`
	DiscountPercentage                  json.Number `json:"DiscountPercentage"`
	Quantity                            json.Number `json:"Quantity"`
	IsWorkCost                          *bool       `json:"IsWorkCost,omitempty"`
	EligibleForReverseChargeOnVat       *bool       `json:"EligibleForReverseChargeOnVat,omitempty"`
	ReversedConstructionServicesVatFree *bool       `json:"ReversedConstructionServicesVatFree,omitempty"`
}

// wireDocument is a sales document as written: OrderApi,
// CustomerInvoiceDraftApi, CustomerInvoiceApi or QuoteApi, with what one
// kind does not take left empty (document). The answer is read into
// docAnswer.
type wireDocument struct {
	CustomerId   string `json:"CustomerId"`
	CurrencyCode string `json:"CurrencyCode,omitempty"`
	Status       int    `json:"Status,omitempty"`
	OrderDate    string `json:"OrderDate,omitempty"`
	InvoiceDate  string `json:"InvoiceDate,omitempty"`
	QuoteDate    string `json:"QuoteDate,omitempty"`
	DueDate      string `json:"DueDate,omitempty"`

	EuThirdParty                        bool  `json:"EuThirdParty"`
	RotReducedInvoicingType             int   `json:"RotReducedInvoicingType"`
	ReverseChargeOnConstructionServices *bool `json:"ReverseChargeOnConstructionServices,omitempty"`

	// The natural key: YourReference (CustomerReference on a quote).
	YourReference        string `json:"YourReference,omitempty"`
	CustomerReference    string `json:"CustomerReference,omitempty"`
	OurReference         string `json:"OurReference,omitempty"`
	CompanyReference     string `json:"CompanyReference,omitempty"`
	BuyersOrderReference string `json:"BuyersOrderReference,omitempty"`

	InvoiceCustomerName string `json:"InvoiceCustomerName,omitempty"`
	InvoiceAddress1     string `json:"InvoiceAddress1,omitempty"`
	InvoiceAddress2     string `json:"InvoiceAddress2,omitempty"`
	InvoicePostalCode   string `json:"InvoicePostalCode,omitempty"`
	InvoiceCity         string `json:"InvoiceCity,omitempty"`
	InvoiceCountryCode  string `json:"InvoiceCountryCode,omitempty"`

	DeliveryCustomerName string `json:"DeliveryCustomerName,omitempty"`
	DeliveryAddress1     string `json:"DeliveryAddress1,omitempty"`
	DeliveryAddress2     string `json:"DeliveryAddress2,omitempty"`
	DeliveryPostalCode   string `json:"DeliveryPostalCode,omitempty"`
	DeliveryCity         string `json:"DeliveryCity,omitempty"`
	DeliveryCountryCode  string `json:"DeliveryCountryCode,omitempty"`

	DeliveryMethodName string `json:"DeliveryMethodName,omitempty"`
	DeliveryMethodCode string `json:"DeliveryMethodCode,omitempty"`
	TermsOfPaymentId   string `json:"TermsOfPaymentId,omitempty"`

	Rows []wireRow `json:"Rows"`
}

// docAnswer is what CreateOrder and FindOrder read of a document.
type docAnswer struct {
	Id            string `json:"Id"`
	Number        *int64 `json:"Number"`
	InvoiceNumber *int64 `json:"InvoiceNumber"`
	// The references, to check a listing's match (the filter is the API's).
	YourReference     *string `json:"YourReference"`
	CustomerReference *string `json:"CustomerReference"`
}

func (d docAnswer) number() string {
	switch {
	case d.Number != nil:
		return fmt.Sprint(*d.Number)
	case d.InvoiceNumber != nil && *d.InvoiceNumber != 0:
		return fmt.Sprint(*d.InvoiceNumber)
	}
	return ""
}

// money renders minor units as a JSON number with two decimals ("12.50").
func money(minor int64) json.Number { return json.Number(model.FormatMinor(minor, 2)) }

// quantity renders thousandths as a JSON number without trailing zeros.
func quantity(q model.Quantity) json.Number { return json.Number(q.String()) }

// fraction renders a discount in ten-thousandths (1000 = 10 %) as the
// API's fraction (0.1).
func fraction(bp int64) json.Number {
	s := model.FormatMinor(bp, 4)
	s = strings.TrimRight(s, "0")
	return json.Number(strings.TrimSuffix(s, "."))
}

// readMoney reads an amount in minor units; "" is 0.
func readMoney(n json.Number) (int64, error) {
	if n == "" {
		return 0, nil
	}
	return model.ParseMinor(n.String(), 2)
}

// readQuantity reads a quantity (StockBalance); "" is 0.
func readQuantity(n json.Number) (model.Quantity, error) {
	if n == "" {
		return 0, nil
	}
	return model.ParseQuantity(n.String())
}

// cut shortens a name to the schema's maxLength, in characters.
func cut(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n]))
	}
	return s
}

// mergeRecord is a full-replacement body: the record as read, without its
// read-only properties, with ours written over it. Every property we do
// not own (and the API's properties this client does not model) goes back
// as it came, so nothing set in eAccounting is lost.
func mergeRecord(current map[string]json.RawMessage, ours any, readOnly []string) (map[string]json.RawMessage, error) {
	data, err := json.Marshal(ours)
	if err != nil {
		return nil, err
	}
	var mine map[string]json.RawMessage
	if err := json.Unmarshal(data, &mine); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(current)+len(mine))
	for k, v := range current {
		out[k] = v
	}
	for _, k := range readOnly {
		delete(out, k)
	}
	for k, v := range mine {
		out[k] = v
	}
	return out, nil
}

// mulDivRound is a×b/c (c > 0) rounded half away from zero, exact for any
// product of prices and quantities (big.Int: the product may pass int64).
func mulDivRound(a, b, c int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	neg := n.Sign() < 0
	n.Abs(n)
	n.Add(n, big.NewInt(c/2))
	n.Quo(n, big.NewInt(c))
	if neg {
		n.Neg(n)
	}
	return n.Int64()
}
