package mplus

import "encoding/xml"

// Wire types for the MplusQAPI operations this client uses, written by hand
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

	getRelationOK       = "GET-RELATION-RESULT-OK"
	getRelationNotFound = "GET-RELATION-RESULT-NOT-FOUND"

	createProductOK = "CREATE-PRODUCT-RESULT-OK"
	updateProductOK = "UPDATE-PRODUCT-RESULT-OK"

	newArticleGroupOK = "NEW-ARTICLE-GROUP-RESULT-OK"

	setStockOK             = "SET-STOCK-RESULT-OK"
	setStockBranchNotFound = "SET-STOCK-RESULT-BRANCH-NOT-FOUND"
	setStockNoStockArticle = "SET-STOCK-RESULT-NO-STOCK-ARTICLE"
)

// wireEnums lists every enum value the client sends or compares against, so
// the contract test can check each one exists in the WSDL.
var wireEnums = []string{
	vatMethodInclusive, vatMethodExclusive, discountTypeExternal, invoiceTypeInvoice,
	getOrderOK, getOrderNotFound, createOrderOK, createOrderExtExists,
	getInvoiceOK, getInvoiceNotFound, saveInvoiceOK, saveInvoiceExtExists,
	findRelationOK, findRelationNotFound, createRelationOK, updateRelationOK,
	getRelationOK, getRelationNotFound, createProductOK, updateProductOK, newArticleGroupOK,
	setStockOK, setStockBranchNotFound, setStockNoStockArticle,
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

// getProductsRequest selects articles by number, PLU or product number, or
// lists the articles changed since a sync marker. pluNumbers is required by
// the schema, so it is always sent (empty when unused).
type getProductsRequest struct {
	ArticleNumbers  []int64      `xml:"articleNumbers,omitempty"`
	PluNumbers      wireTextList `xml:"pluNumbers"`
	SyncMarker      *int64       `xml:"syncMarker,omitempty"`
	SyncMarkerLimit *int         `xml:"syncMarkerLimit,omitempty"`
	// IncludeAllArticlesOfSelectedProducts returns every article of a product
	// one of whose articles matched, not only the matching ones [I: named so
	// in the WSDL, not documented further].
	IncludeAllArticlesOfSelectedProducts *bool   `xml:"includeAllArticlesOfSelectedProducts,omitempty"`
	ProductNumbers                       []int64 `xml:"productNumbers,omitempty"`
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

// wireProduct is tns:Product as read: a product groups articles (the
// variants) and carries the article groups (categories).
type wireProduct struct {
	ProductNumber int64           `xml:"productNumber"`
	SyncMarker    int64           `xml:"syncMarker"`
	Description   string          `xml:"description"`
	ExtraText     string          `xml:"extraText"`
	ArticleList   wireArticleList `xml:"articleList"`
	GroupNumbers  []int           `xml:"groupNumbers"`
}

type wireArticleList struct {
	Article []wireArticle `xml:"article"`
}

// wireArticle is tns:Article as read. Pointers tell an absent element from a
// zero one where that matters (a price of 0, active=false).
type wireArticle struct {
	ArticleNumber   int64               `xml:"articleNumber"`
	PluNumber       string              `xml:"pluNumber"`
	SyncMarker      int64               `xml:"syncMarker"`
	Active          *bool               `xml:"active"`
	Description     string              `xml:"description"`
	Colour          string              `xml:"colour"`
	Size            string              `xml:"size"`
	InvoiceText     string              `xml:"invoiceText"`
	Barcode         string              `xml:"barcode"`
	ExtraText       string              `xml:"extraText"`
	TurnoverGroup   *int                `xml:"turnoverGroup"`
	VatCode         *int                `xml:"vatCode"`
	VatPercentage   *int64              `xml:"vatPercentage"`
	PriceIncl       *int64              `xml:"priceIncl"`
	PriceExcl       *int64              `xml:"priceExcl"`
	Webshop         *bool               `xml:"webshop"`
	StockArticle    *bool               `xml:"stockArticle"`
	ImageList       wireImageList       `xml:"imageList"`
	CustomFieldList wireCustomFieldList `xml:"customFieldList"`
}

type wireImageList struct {
	Image []wireImage `xml:"image"`
}

// wireImage is tns:Image as read; imageData is base64 text (SOAP-ENC:base64)
// and may be empty when the answer carries only the URL.
type wireImage struct {
	ImageID   int64  `xml:"imageId"`
	ImageName string `xml:"imageName"`
	ImageURL  string `xml:"imageUrl"`
	ImageData string `xml:"imageData"`
}

type wireCustomFieldList struct {
	CustomField []wireCustomField `xml:"customField"`
}

// wireCustomField is tns:CustomField in both directions. Koppel writes text
// (strValue) only; reading renders a number or flag as text too.
type wireCustomField struct {
	FieldName     string  `xml:"fieldName"`
	StrValue      *string `xml:"strValue,omitempty"`
	IntValue      *int64  `xml:"intValue,omitempty"`
	DecimalPlaces *int    `xml:"decimalPlaces,omitempty"`
	BoolValue     *bool   `xml:"boolValue,omitempty"`
}

// ---- createProduct, updateProduct ----

type createProductReq struct {
	XMLName xml.Name         `xml:"urn:mplusqapi createProduct"`
	Product wireProductWrite `xml:"product"`
}

type createProductResp struct {
	Result         string  `xml:"result"`
	ProductNumber  int64   `xml:"productNumber"`
	ArticleNumbers []int64 `xml:"articleNumbers"`
	ErrorMessage   string  `xml:"errorMessage"`
}

type updateProductReq struct {
	XMLName xml.Name         `xml:"urn:mplusqapi updateProduct"`
	Product wireProductWrite `xml:"product"`
}

type updateProductResp struct {
	Result                 string  `xml:"result"`
	ExistingArticleNumbers []int64 `xml:"existingArticleNumbers"`
	NewArticleNumbers      []int64 `xml:"newArticleNumbers"`
	ErrorMessage           string  `xml:"errorMessage"`
}

// wireProductWrite is tns:Product as sent. productNumber is left out on
// create (MplusKASSA assigns it) and identifies the product on update.
type wireProductWrite struct {
	ProductNumber int64                `xml:"productNumber,omitempty"`
	Description   string               `xml:"description,omitempty"`
	ExtraText     *string              `xml:"extraText,omitempty"`
	ArticleList   wireArticleWriteList `xml:"articleList"`
	GroupNumbers  []int                `xml:"groupNumbers,omitempty"`
}

type wireArticleWriteList struct {
	Article []wireArticleWrite `xml:"article"`
}

// wireArticleWrite is tns:Article as sent: an absent element (nil) is left
// as MplusKASSA has it, an empty one is cleared [A: updateProduct is assumed
// to change only the elements it receives, like updateRelation].
type wireArticleWrite struct {
	ArticleNumber   int64                `xml:"articleNumber,omitempty"`
	PluNumber       string               `xml:"pluNumber,omitempty"`
	Active          *bool                `xml:"active,omitempty"`
	Description     string               `xml:"description,omitempty"`
	Colour          *string              `xml:"colour,omitempty"`
	Size            *string              `xml:"size,omitempty"`
	InvoiceText     *string              `xml:"invoiceText,omitempty"`
	Barcode         *string              `xml:"barcode,omitempty"`
	ExtraText       *string              `xml:"extraText,omitempty"`
	TurnoverGroup   *int                 `xml:"turnoverGroup,omitempty"`
	VatCode         *int                 `xml:"vatCode,omitempty"`
	PriceIncl       *int64               `xml:"priceIncl,omitempty"`
	PriceExcl       *int64               `xml:"priceExcl,omitempty"`
	Webshop         *bool                `xml:"webshop,omitempty"`
	StockArticle    *bool                `xml:"stockArticle,omitempty"`
	CustomFieldList *wireCustomFieldList `xml:"customFieldList,omitempty"`
}

// ---- article groups: getArticleGroups, newArticleGroup ----

type getArticleGroupsReq struct {
	XMLName xml.Name                `xml:"urn:mplusqapi getArticleGroups"`
	Request getArticleGroupsRequest `xml:"request"`
}

// getArticleGroupsRequest has only optional filters; empty, it lists the
// whole tree.
type getArticleGroupsRequest struct{}

type getArticleGroupsResp struct {
	ArticleGroupList wireArticleGroupList `xml:"articleGroupList"`
}

type wireArticleGroupList struct {
	ArticleGroups []wireArticleGroup `xml:"articleGroups"`
}

type wireArticleGroup struct {
	GroupNumber  int                  `xml:"groupNumber"`
	Name         string               `xml:"name"`
	SubGroupList wireArticleGroupList `xml:"subGroupList"`
	IsDeleted    bool                 `xml:"isDeleted"`
}

type newArticleGroupReq struct {
	XMLName xml.Name               `xml:"urn:mplusqapi newArticleGroup"`
	Request newArticleGroupRequest `xml:"request"`
}

// newArticleGroupRequest: parentGroupNumber 0 makes a top-level group [A:
// the WSDL requires the element and documents no value for "no parent"].
type newArticleGroupRequest struct {
	ParentGroupNumber int    `xml:"parentGroupNumber"`
	Name              string `xml:"name"`
	Text              string `xml:"text"`
}

type newArticleGroupResp struct {
	Result      string `xml:"result"`
	GroupNumber int    `xml:"groupNumber"`
}

// ---- stock: getStock, getStockHistoryV2, setStock ----

type getStockReq struct {
	XMLName xml.Name        `xml:"urn:mplusqapi getStock"`
	Request getStockRequest `xml:"request"`
}

type getStockRequest struct {
	BranchNumber   int                   `xml:"branchNumber"`
	ArticleNumbers wireArticleNumberList `xml:"articleNumbers"`
}

type wireArticleNumberList struct {
	ArticleNumbers []int64 `xml:"articleNumbers"`
}

type getStockResp struct {
	ArticleStocks []wireArticleStock `xml:"articleStocks"`
}

type wireArticleStock struct {
	BranchNumber          int   `xml:"branchNumber"`
	ArticleNumber         int64 `xml:"articleNumber"`
	StockID               int64 `xml:"stockId"`
	AmountFree            int64 `xml:"amountFree"`
	DecimalPlacesFree     *int  `xml:"decimalPlacesFree"`
	AmountReserved        int64 `xml:"amountReserved"`
	DecimalPlacesReserved *int  `xml:"decimalPlacesReserved"`
}

type getStockHistoryV2Req struct {
	XMLName xml.Name                 `xml:"urn:mplusqapi getStockHistoryV2"`
	Request getStockHistoryV2Request `xml:"request"`
}

type getStockHistoryV2Request struct {
	BranchNumbers     []int  `xml:"branchNumbers,omitempty"`
	SinceStockID      *int64 `xml:"sinceStockId,omitempty"`
	SinceStockIDLimit *int   `xml:"sinceStockIdLimit,omitempty"`
}

// getStockHistoryResp is GetStockHistoryResponse, the answer of both
// getStockHistory and getStockHistoryV2.
type getStockHistoryResp struct {
	ArticleStockHistory []wireStockHistory `xml:"articleStockHistory"`
}

type wireStockHistory struct {
	StockID       int64 `xml:"stockId"`
	BranchNumber  int   `xml:"branchNumber"`
	ArticleNumber int64 `xml:"articleNumber"`
}

type setStockReq struct {
	XMLName xml.Name        `xml:"urn:mplusqapi setStock"`
	Request setStockRequest `xml:"request"`
}

type setStockRequest struct {
	BranchNumber   int    `xml:"branchNumber"`
	ArticleNumber  int64  `xml:"articleNumber"`
	Amount         int64  `xml:"amount"`
	DecimalPlaces  int    `xml:"decimalPlaces"`
	EmployeeNumber int64  `xml:"employeeNumber,omitempty"`
	Reference      string `xml:"reference,omitempty"`
}

type setStockResp struct {
	Result  string `xml:"result"`
	StockID int64  `xml:"stockId"`
}

// ---- getCurrentSyncMarkers ----

type getCurrentSyncMarkersReq struct {
	XMLName xml.Name `xml:"urn:mplusqapi getCurrentSyncMarkers"`
}

type getCurrentSyncMarkersResp struct {
	ArticleSyncMarker int64 `xml:"articleSyncMarker"`
	StockID           int64 `xml:"stockId"`
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
	DeliveryMethod    string          `xml:"deliveryMethod,omitempty"`
	PaymentMethod     string          `xml:"paymentMethod,omitempty"`
	OrderNumber       *wireYearNumber `xml:"orderNumber,omitempty"`
	LineList          *wireLineList   `xml:"lineList,omitempty"`
}

// wireDate is tns:SoapMplusDate (mon is 1-12).
type wireDate struct {
	Day  int `xml:"day"`
	Mon  int `xml:"mon"`
	Year int `xml:"year"`
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
	TurnoverGroup      *int   `xml:"turnoverGroup,omitempty"`
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
	DueDate           *wireDate       `xml:"dueDate,omitempty"`
	TotalInclAmount   *int64          `xml:"totalInclAmount,omitempty"`
	TotalExclAmount   *int64          `xml:"totalExclAmount,omitempty"`
	VatMethod         string          `xml:"vatMethod,omitempty"`
	LineList          *wireLineList   `xml:"lineList,omitempty"`
}

// ---- relations: getRelation, findRelation, createRelation, updateRelation ----

type getRelationReq struct {
	XMLName        xml.Name `xml:"urn:mplusqapi getRelation"`
	RelationNumber int64    `xml:"relationNumber"`
}

type getRelationResp struct {
	Result   string        `xml:"result"`
	Relation *wireRelation `xml:"relation"`
}

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
	// PaymentWithinDays is the payment term; nil leaves it as it is.
	PaymentWithinDays *int                 `xml:"paymentWithinDays,omitempty"`
	VatNumber         string               `xml:"vatNumber,omitempty"`
	CommerceNumber    string               `xml:"commerceNumber,omitempty"`
	CustomFieldList   *wireCustomFieldList `xml:"customFieldList,omitempty"`
	CompanyName       *string              `xml:"companyName,omitempty"`
}

// ---- SOAP fault (SOAP 1.1) ----

type soapFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
}
