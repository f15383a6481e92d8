package mplus

import "encoding/xml"

// Wire types for the few MplusQAPI operations this client uses, written by hand
// from mplusqapi.wsdl. Field order follows each complexType's <sequence>; only
// the elements we send or read are declared. wsdl_contract_test.go checks every
// name and the order against the WSDL, so the structs cannot drift from it.
//
// Request payloads carry their operation element in XMLName (namespace
// urn:mplusqapi); soap.go rewrites the default namespace into the ns1: prefix
// the official clients use. Children carry no namespace in their tags: they
// inherit it when encoding and match any prefix when decoding.

const nsMplus = "urn:mplusqapi"

// Enum values (hyphenated, upper case, as on the wire).
const (
	vatMethodInclusive = "VAT-METHOD-INCLUSIVE"
	vatMethodExclusive = "VAT-METHOD-EXCLUSIVE"

	discountTypeExternal = "DISCOUNT-TYPE-EXTERNAL-DISCOUNT"

	invoiceTypeInvoice = "INVOICE-TYPE-INVOICE"

	getOrderOK       = "GET-ORDER-RESULT-OK"
	getOrderNotFound = "GET-ORDER-RESULT-NOT-FOUND"

	createOrderOK        = "CREATE-ORDER-RESULT-OK"
	createOrderExtExists = "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"

	getInvoiceOK       = "GET-INVOICE-RESULT-OK"
	getInvoiceNotFound = "GET-INVOICE-RESULT-NOT-FOUND"

	saveInvoiceOK        = "SAVE-INVOICE-RESULT-OK"
	saveInvoiceExtExists = "SAVE-INVOICE-RESULT-EXT-INVOICE-ID-ALREADY-EXISTS"

	findRelationOK       = "FIND-RELATION-RESULT-OK"
	findRelationNotFound = "FIND-RELATION-RESULT-NOT-FOUND"

	createRelationOK = "CREATE-RELATION-RESULT-OK"

	updateRelationOK = "UPDATE-RELATION-RESULT-OK"
)

// wireEnums lists every enum value the client sends or compares against, so
// the contract test can check each one exists in the WSDL.
var wireEnums = []string{
	vatMethodInclusive, vatMethodExclusive, discountTypeExternal, invoiceTypeInvoice,
	getOrderOK, getOrderNotFound, createOrderOK, createOrderExtExists,
	getInvoiceOK, getInvoiceNotFound, saveInvoiceOK, saveInvoiceExtExists,
	findRelationOK, findRelationNotFound, createRelationOK, updateRelationOK,
}

// ---- getApiVersion ----

type getApiVersionReq struct {
	XMLName xml.Name `xml:"urn:mplusqapi getApiVersion"`
}

type getApiVersionResp struct {
	MajorNumber    int `xml:"majorNumber"`
	MinorNumber    int `xml:"minorNumber"`
	RevisionNumber int `xml:"revisionNumber"`
}

// ---- getVatGroupList ----

type getVatGroupListReq struct {
	XMLName xml.Name `xml:"urn:mplusqapi getVatGroupList"`
}

type getVatGroupListResp struct {
	VatGroups []wireVatGroup `xml:"vatGroup"`
}

type wireVatGroup struct {
	BranchNumber  int    `xml:"branchNumber"`
	CountryIso3   string `xml:"countryIso3"`
	VatCode       int    `xml:"vatCode"`
	VatPercentage int64  `xml:"vatPercentage"`
}

// ---- getProducts ----

type getProductsReq struct {
	XMLName xml.Name           `xml:"urn:mplusqapi getProducts"`
	Request getProductsRequest `xml:"request"`
}

type getProductsRequest struct {
	PluNumbers wireTextList `xml:"pluNumbers"`
}

type wireTextList struct {
	Text []wireText `xml:"text"`
}

type wireText struct {
	Text string `xml:"text"`
}

type getProductsResp struct {
	ProductList wireProductList `xml:"productList"`
}

type wireProductList struct {
	Product []wireProduct `xml:"product"`
}

type wireProduct struct {
	ProductNumber int64           `xml:"productNumber"`
	ArticleList   wireArticleList `xml:"articleList"`
}

type wireArticleList struct {
	Article []wireArticle `xml:"article"`
}

type wireArticle struct {
	ArticleNumber int64  `xml:"articleNumber"`
	PluNumber     string `xml:"pluNumber"`
	Active        *bool  `xml:"active"`
}

// ---- orders: findOrder, createOrder ----

type findOrderReq struct {
	XMLName    xml.Name `xml:"urn:mplusqapi findOrder"`
	ExtOrderID string   `xml:"extOrderId"`
}

type getOrderResp struct {
	Result string     `xml:"result"`
	Order  *wireOrder `xml:"order"`
}

type createOrderReq struct {
	XMLName xml.Name  `xml:"urn:mplusqapi createOrder"`
	Order   wireOrder `xml:"order"`
}

type createOrderResp struct {
	Result       string              `xml:"result"`
	Info         wireCreateOrderInfo `xml:"info"`
	ErrorMessage string              `xml:"errorMessage"`
}

type wireCreateOrderInfo struct {
	OrderID     string `xml:"orderId"`
	OrderString string `xml:"orderString"`
}

// wireOrder is tns:Order. orderId has minOccurs=1, so it is always sent (empty
// on create: the server assigns the UUID).
type wireOrder struct {
	OrderID           string          `xml:"orderId"`
	ExtOrderID        string          `xml:"extOrderId,omitempty"`
	EntryBranchNumber int             `xml:"entryBranchNumber,omitempty"`
	EmployeeNumber    int64           `xml:"employeeNumber,omitempty"`
	RelationNumber    int64           `xml:"relationNumber,omitempty"`
	DeliveryAddress   *wireAddress    `xml:"deliveryAddress,omitempty"`
	InvoiceAddress    *wireAddress    `xml:"invoiceAddress,omitempty"`
	Reference         string          `xml:"reference,omitempty"`
	TotalInclAmount   *int64          `xml:"totalInclAmount,omitempty"`
	TotalExclAmount   *int64          `xml:"totalExclAmount,omitempty"`
	VatMethod         string          `xml:"vatMethod,omitempty"`
	OrderNumber       *wireYearNumber `xml:"orderNumber,omitempty"`
	LineList          *wireLineList   `xml:"lineList,omitempty"`
}

type wireYearNumber struct {
	Year   int   `xml:"year"`
	Number int64 `xml:"number"`
}

type wireAddress struct {
	Name        string `xml:"name,omitempty"`
	Contact     string `xml:"contact,omitempty"`
	Address     string `xml:"address,omitempty"`
	Zipcode     string `xml:"zipcode,omitempty"`
	City        string `xml:"city,omitempty"`
	Country     string `xml:"country,omitempty"`
	CompanyName string `xml:"companyName,omitempty"`
}

type wireLineList struct {
	Line []wireLine `xml:"line"`
}

// wireLine is tns:Line; articleNumber is required.
type wireLine struct {
	ArticleNumber int64        `xml:"articleNumber"`
	PluNumber     string       `xml:"pluNumber,omitempty"`
	Text          string       `xml:"text,omitempty"`
	Data          wireLineData `xml:"data"`
}

// wireLineData is tns:LineData. Money fields are pointers: a 0 price (a free
// line) must be sent, not left to the article's default price.
type wireLineData struct {
	Quantity           int64  `xml:"quantity"`
	DecimalPlaces      int    `xml:"decimalPlaces"`
	Price              *int64 `xml:"price,omitempty"`
	PriceExcl          *int64 `xml:"priceExcl,omitempty"`
	OriginalPrice      *int64 `xml:"originalPrice,omitempty"`
	OriginalPriceExcl  *int64 `xml:"originalPriceExcl,omitempty"`
	VatCode            *int   `xml:"vatCode,omitempty"`
	DiscountType       string `xml:"discountType,omitempty"`
	DiscountAmount     *int64 `xml:"discountAmount,omitempty"`
	DiscountAmountExcl *int64 `xml:"discountAmountExcl,omitempty"`
}

// ---- invoices: findInvoice, saveInvoice ----

type findInvoiceReq struct {
	XMLName      xml.Name `xml:"urn:mplusqapi findInvoice"`
	ExtInvoiceID string   `xml:"extInvoiceId"`
}

type getInvoiceResp struct {
	Result  string       `xml:"result"`
	Invoice *wireInvoice `xml:"invoice"`
}

type saveInvoiceReq struct {
	XMLName xml.Name    `xml:"urn:mplusqapi saveInvoice"`
	Invoice wireInvoice `xml:"invoice"`
}

type saveInvoiceResp struct {
	Result       string              `xml:"result"`
	Info         wireSaveInvoiceInfo `xml:"info"`
	ErrorMessage string              `xml:"errorMessage"`
}

type wireSaveInvoiceInfo struct {
	InvoiceID     string          `xml:"invoiceId"`
	InvoiceString string          `xml:"invoiceString"`
	InvoiceNumber *wireYearNumber `xml:"invoiceNumber"`
}

// wireInvoice is tns:Invoice (invoiceId is optional here; empty creates).
type wireInvoice struct {
	InvoiceID         string          `xml:"invoiceId,omitempty"`
	ExtInvoiceID      string          `xml:"extInvoiceId,omitempty"`
	InvoiceNumber     *wireYearNumber `xml:"invoiceNumber,omitempty"`
	InvoiceType       string          `xml:"invoiceType,omitempty"`
	EmployeeNumber    int64           `xml:"employeeNumber,omitempty"`
	RelationNumber    int64           `xml:"relationNumber,omitempty"`
	DeliveryAddress   *wireAddress    `xml:"deliveryAddress,omitempty"`
	InvoiceAddress    *wireAddress    `xml:"invoiceAddress,omitempty"`
	EntryBranchNumber int             `xml:"entryBranchNumber,omitempty"`
	Reference         string          `xml:"reference,omitempty"`
	TotalInclAmount   *int64          `xml:"totalInclAmount,omitempty"`
	TotalExclAmount   *int64          `xml:"totalExclAmount,omitempty"`
	VatMethod         string          `xml:"vatMethod,omitempty"`
	LineList          *wireLineList   `xml:"lineList,omitempty"`
}

// ---- relations: findRelation, createRelation, updateRelation ----

type findRelationReq struct {
	XMLName  xml.Name     `xml:"urn:mplusqapi findRelation"`
	Relation wireRelation `xml:"relation"`
}

type findRelationResp struct {
	Result   string        `xml:"result"`
	Relation *wireRelation `xml:"relation"`
}

type createRelationReq struct {
	XMLName  xml.Name     `xml:"urn:mplusqapi createRelation"`
	Relation wireRelation `xml:"relation"`
}

type createRelationResp struct {
	Result         string `xml:"result"`
	RelationNumber int64  `xml:"relationNumber"`
	ErrorMessage   string `xml:"errorMessage"`
}

type updateRelationReq struct {
	XMLName  xml.Name     `xml:"urn:mplusqapi updateRelation"`
	Relation wireRelation `xml:"relation"`
}

type updateRelationResp struct {
	Result       string `xml:"result"`
	ErrorMessage string `xml:"errorMessage"`
}

// wireRelation is tns:Relation (a customer). Its address is one line.
// Contact and CompanyName are pointers: an update sends them even when empty,
// so a relation that stops being a company loses its company fields.
type wireRelation struct {
	RelationNumber  int64   `xml:"relationNumber,omitempty"`
	ExtRelationID   string  `xml:"extRelationId,omitempty"`
	Name            string  `xml:"name,omitempty"`
	Address         string  `xml:"address,omitempty"`
	Zipcode         string  `xml:"zipcode,omitempty"`
	City            string  `xml:"city,omitempty"`
	Country         string  `xml:"country,omitempty"`
	DeliveryAddress string  `xml:"deliveryAddress,omitempty"`
	DeliveryZipcode string  `xml:"deliveryZipcode,omitempty"`
	DeliveryCity    string  `xml:"deliveryCity,omitempty"`
	DeliveryCountry string  `xml:"deliveryCountry,omitempty"`
	Contact         *string `xml:"contact,omitempty"`
	Telephone       string  `xml:"telephone,omitempty"`
	Mobile          string  `xml:"mobile,omitempty"`
	Email           string  `xml:"email,omitempty"`
	VatNumber       string  `xml:"vatNumber,omitempty"`
	CommerceNumber  string  `xml:"commerceNumber,omitempty"`
	CompanyName     *string `xml:"companyName,omitempty"`
}

// ---- SOAP fault (SOAP 1.1) ----

type soapFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
}
