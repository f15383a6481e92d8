package sim

import "encoding/xml"

// Wire types of the simulator, written from mplusqapi.wsdl on their own (not
// shared with the client, so a client mistake cannot hide behind the same
// struct). Requests ("…In") are decoded with namespace-qualified tags and
// pointer fields, so an element that is absent can be told from one that is
// empty or zero. Responses ("…Out") follow each complexType's <sequence> and
// always carry the elements the schema requires. sim_test checks both sets
// against the WSDL.

const ns = "urn:mplusqapi"

// Enum values, as on the wire.
const (
	vatMethodInclusive = "VAT-METHOD-INCLUSIVE"
	vatMethodExclusive = "VAT-METHOD-EXCLUSIVE"
	vatMethodShifted   = "VAT-METHOD-SHIFTED"
	vatMethodNone      = "VAT-METHOD-NONE"

	orderTypeSales = "ORDER-TYPE-SALES-ORDER"

	invoiceTypeInvoice = "INVOICE-TYPE-INVOICE"

	getOrderOK       = "GET-ORDER-RESULT-OK"
	getOrderNotFound = "GET-ORDER-RESULT-NOT-FOUND"

	createOrderOK        = "CREATE-ORDER-RESULT-OK"
	createOrderExtExists = "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"
	createOrderFailed    = "CREATE-ORDER-RESULT-FAILED"

	getInvoiceOK       = "GET-INVOICE-RESULT-OK"
	getInvoiceNotFound = "GET-INVOICE-RESULT-NOT-FOUND"

	saveInvoiceOK        = "SAVE-INVOICE-RESULT-OK"
	saveInvoiceNotFound  = "SAVE-INVOICE-RESULT-NOT-FOUND"
	saveInvoiceFailed    = "SAVE-INVOICE-RESULT-FAILED"
	saveInvoiceExtExists = "SAVE-INVOICE-RESULT-EXT-INVOICE-ID-ALREADY-EXISTS"

	findRelationOK       = "FIND-RELATION-RESULT-OK"
	findRelationNotFound = "FIND-RELATION-RESULT-NOT-FOUND"

	createRelationOK          = "CREATE-RELATION-RESULT-OK"
	createRelationFailed      = "CREATE-RELATION-RESULT-FAILED"
	createRelationNumberTaken = "CREATE-RELATION-RESULT-FAILED-RELATION-NUMBER-ALREADY-TAKEN"

	updateRelationOK       = "UPDATE-RELATION-RESULT-OK"
	updateRelationNotFound = "UPDATE-RELATION-RESULT-NOT-FOUND"
	updateRelationFailed   = "UPDATE-RELATION-RESULT-FAILED"

	getRelationOK       = "GET-RELATION-RESULT-OK"
	getRelationNotFound = "GET-RELATION-RESULT-NOT-FOUND"

	createProductOK           = "CREATE-PRODUCT-RESULT-OK"
	createProductFailed       = "CREATE-PRODUCT-RESULT-FAILED"
	createProductNumberTaken  = "CREATE-PRODUCT-RESULT-FAILED-PRODUCT-NUMBER-ALREADY-TAKEN"
	createProductArticleTaken = "CREATE-PRODUCT-RESULT-FAILED-ARTICLE-NUMBER-ALREADY-TAKEN"

	updateProductOK           = "UPDATE-PRODUCT-RESULT-OK"
	updateProductNotFound     = "UPDATE-PRODUCT-RESULT-NOT-FOUND"
	updateProductFailed       = "UPDATE-PRODUCT-RESULT-FAILED"
	updateProductArticleTaken = "UPDATE-PRODUCT-RESULT-FAILED-ARTICLE-NUMBER-ALREADY-TAKEN"

	newArticleGroupOK             = "NEW-ARTICLE-GROUP-RESULT-OK"
	newArticleGroupParentNotFound = "NEW-ARTICLE-GROUP-RESULT-PARENT-NOTFOUND"
	newArticleGroupFailed         = "NEW-ARTICLE-GROUP-RESULT-FAILED"

	// setStock and updateStock answer the same results with their own prefix.
	setStockPrefix    = "SET-STOCK-RESULT-"
	updateStockPrefix = "UPDATE-STOCK-RESULT-"
	stockOK           = "OK"
	stockBranchNF     = "BRANCH-NOT-FOUND"
	stockArticleNF    = "ARTICLE-NOT-FOUND"
	stockNoStock      = "NO-STOCK-ARTICLE"
	stockFailed       = "FAILED"

	stockHistoryAPI    = "STOCK-HISTORY-TYPE-API"
	stockHistoryManual = "STOCK-HISTORY-TYPE-MANUAL"

	loadFileOK           = "LOAD-FILE-OK"
	loadFileNotRequested = "LOAD-FILE-NOT-REQUESTED"

	dataTypeString = "DATA-TYPE-STRING"
)

// wireEnums lists every enum value the simulator emits or compares against.
var wireEnums = []string{
	vatMethodInclusive, vatMethodExclusive, vatMethodShifted, vatMethodNone, orderTypeSales, invoiceTypeInvoice,
	getOrderOK, getOrderNotFound, createOrderOK, createOrderExtExists, createOrderFailed,
	getInvoiceOK, getInvoiceNotFound, saveInvoiceOK, saveInvoiceNotFound, saveInvoiceFailed, saveInvoiceExtExists,
	findRelationOK, findRelationNotFound, createRelationOK, createRelationFailed, createRelationNumberTaken,
	updateRelationOK, updateRelationNotFound, updateRelationFailed, getRelationOK, getRelationNotFound,
	createProductOK, createProductFailed, createProductNumberTaken, createProductArticleTaken,
	updateProductOK, updateProductNotFound, updateProductFailed, updateProductArticleTaken,
	newArticleGroupOK, newArticleGroupParentNotFound, newArticleGroupFailed,
	setStockPrefix + stockOK, setStockPrefix + stockBranchNF, setStockPrefix + stockArticleNF, setStockPrefix + stockNoStock, setStockPrefix + stockFailed,
	updateStockPrefix + stockOK, updateStockPrefix + stockBranchNF, updateStockPrefix + stockArticleNF, updateStockPrefix + stockNoStock, updateStockPrefix + stockFailed,
	stockHistoryAPI, stockHistoryManual, loadFileOK, loadFileNotRequested, dataTypeString,
}

// ---- shared value types (both directions) ----

// soapDateTime is tns:SoapMplusDateTime; timezone is the UTC offset in minutes.
type soapDateTime struct {
	Sec      int  `xml:"sec"`
	Min      int  `xml:"min"`
	Hour     int  `xml:"hour"`
	Day      int  `xml:"day"`
	Mon      int  `xml:"mon"`
	Year     int  `xml:"year"`
	IsDST    bool `xml:"isdst"`
	Timezone int  `xml:"timezone"`
}

// soapDate is tns:SoapMplusDate.
type soapDate struct {
	Day  int `xml:"day"`
	Mon  int `xml:"mon"`
	Year int `xml:"year"`
}

type yearNumberOut struct {
	Year   int   `xml:"year"`
	Number int64 `xml:"number"`
}

// ---- getApiVersion ----

type apiVersionOut struct {
	XMLName                     xml.Name `xml:"urn:mplusqapi getApiVersionResponse"`
	MajorNumber                 int      `xml:"majorNumber"`
	MinorNumber                 int      `xml:"minorNumber"`
	RevisionNumber              int      `xml:"revisionNumber"`
	InDebugMode                 bool     `xml:"inDebugMode"`
	ServiceVersionDisplayString string   `xml:"serviceVersionDisplayString,omitempty"`
}

// ---- getVatGroupList ----

type vatGroupListOut struct {
	XMLName  xml.Name      `xml:"urn:mplusqapi getVatGroupListResponse"`
	VatGroup []vatGroupOut `xml:"vatGroup"`
}

type vatGroupOut struct {
	CountryIso3   string `xml:"countryIso3,omitempty"`
	VatCode       int    `xml:"vatCode"`
	VatPercentage int64  `xml:"vatPercentage"`
}

// ---- getCurrentSyncMarkers ----

type syncMarkersOut struct {
	XMLName                xml.Name `xml:"urn:mplusqapi getCurrentSyncMarkersResponse"`
	ArticleSyncMarker      int64    `xml:"articleSyncMarker"`
	ArticleGroupSyncMarker int64    `xml:"articleGroupSyncMarker"`
	RelationSyncMarker     int64    `xml:"relationSyncMarker"`
	EmployeeSyncMarker     int64    `xml:"employeeSyncMarker"`
	InvoiceSyncMarker      int64    `xml:"invoiceSyncMarker"`
	ReceiptSyncMarker      int64    `xml:"receiptSyncMarker"`
	OrderSyncMarker        int64    `xml:"orderSyncMarker"`
	StockID                int64    `xml:"stockId"`
}

// ---- getProducts ----

type getProductsIn struct {
	Request *getProductsRequestIn `xml:"urn:mplusqapi request"`
}

type getProductsRequestIn struct {
	ArticleNumbers                       []int64     `xml:"urn:mplusqapi articleNumbers"`
	GroupNumbers                         []int       `xml:"urn:mplusqapi groupNumbers"`
	PluNumbers                           *textListIn `xml:"urn:mplusqapi pluNumbers"`
	OnlyWebshop                          *bool       `xml:"urn:mplusqapi onlyWebshop"`
	OnlyActive                           *bool       `xml:"urn:mplusqapi onlyActive"`
	SyncMarker                           *int64      `xml:"urn:mplusqapi syncMarker"`
	SyncMarkerLimit                      *int        `xml:"urn:mplusqapi syncMarkerLimit"`
	IncludeAllArticlesOfSelectedProducts *bool       `xml:"urn:mplusqapi includeAllArticlesOfSelectedProducts"`
	ProductNumbers                       []int64     `xml:"urn:mplusqapi productNumbers"`
}

type textListIn struct {
	Text []textIn `xml:"urn:mplusqapi text"`
}

type textIn struct {
	Text *string `xml:"urn:mplusqapi text"`
}

type productsOut struct {
	XMLName     xml.Name       `xml:"urn:mplusqapi GetProductsResponse"`
	ProductList productListOut `xml:"productList"`
}

type productListOut struct {
	Product []productOut `xml:"product"`
}

type productOut struct {
	ProductNumber int64          `xml:"productNumber"`
	SyncMarker    int64          `xml:"syncMarker"`
	Description   string         `xml:"description,omitempty"`
	ExtraText     string         `xml:"extraText,omitempty"`
	ArticleList   articleListOut `xml:"articleList"`
	GroupNumbers  []int          `xml:"groupNumbers"`
}

type articleListOut struct {
	Article []articleOut `xml:"article"`
}

type articleOut struct {
	ArticleNumber   int64               `xml:"articleNumber"`
	PluNumber       string              `xml:"pluNumber,omitempty"`
	SyncMarker      int64               `xml:"syncMarker"`
	Active          bool                `xml:"active"`
	Description     string              `xml:"description,omitempty"`
	Colour          string              `xml:"colour,omitempty"`
	Size            string              `xml:"size,omitempty"`
	InvoiceText     string              `xml:"invoiceText,omitempty"`
	Barcode         string              `xml:"barcode,omitempty"`
	ExtraText       string              `xml:"extraText,omitempty"`
	TurnoverGroup   int                 `xml:"turnoverGroup,omitempty"`
	VatCode         int                 `xml:"vatCode"`
	VatPercentage   int                 `xml:"vatPercentage"`
	PriceIncl       int64               `xml:"priceIncl"`
	PriceExcl       int64               `xml:"priceExcl"`
	Webshop         bool                `xml:"webshop"`
	StockArticle    bool                `xml:"stockArticle"`
	ImageList       *imageListOut       `xml:"imageList,omitempty"`
	CustomFieldList *customFieldListOut `xml:"customFieldList,omitempty"`
}

type imageListOut struct {
	Image []imageOut `xml:"image"`
}

// imageOut is tns:Image, whose elements are all required; what the
// simulator does not keep (hashes, paths, thumbnails, sizes) goes empty.
type imageOut struct {
	ImageID          int64        `xml:"imageId"`
	ImageName        string       `xml:"imageName"`
	ImageHash        string       `xml:"imageHash"`
	ImagePath        string       `xml:"imagePath"`
	ImageURL         string       `xml:"imageUrl"`
	ImageData        string       `xml:"imageData"` // base64
	ImageDataResult  string       `xml:"imageDataResult"`
	ThumbHash        string       `xml:"thumbHash"`
	ThumbPath        string       `xml:"thumbPath"`
	ThumbURL         string       `xml:"thumbUrl"`
	ThumbData        string       `xml:"thumbData"`
	ThumbDataResult  string       `xml:"thumbDataResult"`
	ImageWidth       int          `xml:"imageWidth"`
	ImageHeight      int          `xml:"imageHeight"`
	ThumbWidth       int          `xml:"thumbWidth"`
	ThumbHeight      int          `xml:"thumbHeight"`
	CreatedTimestamp soapDateTime `xml:"createdTimestamp"`
	ChangedTimestamp soapDateTime `xml:"changedTimestamp"`
}

type customFieldListOut struct {
	CustomField []customFieldOut `xml:"customField"`
}

type customFieldOut struct {
	FieldName string `xml:"fieldName"`
	DataType  string `xml:"dataType"`
	StrValue  string `xml:"strValue"`
}

type customFieldListIn struct {
	CustomField []customFieldIn `xml:"urn:mplusqapi customField"`
}

type customFieldIn struct {
	FieldName *string `xml:"urn:mplusqapi fieldName"`
	StrValue  *string `xml:"urn:mplusqapi strValue"`
}

// ---- createProduct, updateProduct ----

type productRequestIn struct {
	Product *productIn `xml:"urn:mplusqapi product"`
}

type productIn struct {
	ProductNumber *int64         `xml:"urn:mplusqapi productNumber"`
	Description   *string        `xml:"urn:mplusqapi description"`
	ExtraText     *string        `xml:"urn:mplusqapi extraText"`
	ArticleList   *articleListIn `xml:"urn:mplusqapi articleList"`
	GroupNumbers  []int          `xml:"urn:mplusqapi groupNumbers"`
}

type articleListIn struct {
	Article []articleIn `xml:"urn:mplusqapi article"`
}

type articleIn struct {
	ArticleNumber   *int64             `xml:"urn:mplusqapi articleNumber"`
	PluNumber       *string            `xml:"urn:mplusqapi pluNumber"`
	Active          *bool              `xml:"urn:mplusqapi active"`
	Description     *string            `xml:"urn:mplusqapi description"`
	Colour          *string            `xml:"urn:mplusqapi colour"`
	Size            *string            `xml:"urn:mplusqapi size"`
	InvoiceText     *string            `xml:"urn:mplusqapi invoiceText"`
	Barcode         *string            `xml:"urn:mplusqapi barcode"`
	ExtraText       *string            `xml:"urn:mplusqapi extraText"`
	TurnoverGroup   *int               `xml:"urn:mplusqapi turnoverGroup"`
	VatCode         *int               `xml:"urn:mplusqapi vatCode"`
	PriceIncl       *int64             `xml:"urn:mplusqapi priceIncl"`
	PriceExcl       *int64             `xml:"urn:mplusqapi priceExcl"`
	Webshop         *bool              `xml:"urn:mplusqapi webshop"`
	StockArticle    *bool              `xml:"urn:mplusqapi stockArticle"`
	CustomFieldList *customFieldListIn `xml:"urn:mplusqapi customFieldList"`
}

type createProductOut struct {
	XMLName         xml.Name     `xml:"urn:mplusqapi CreateProductResponse"`
	Result          string       `xml:"result"`
	ProductNumber   int64        `xml:"productNumber"`
	ArticleNumbers  []int64      `xml:"articleNumbers"`
	ChangeTimestamp soapDateTime `xml:"changeTimestamp"`
	SyncMarker      int64        `xml:"syncMarker,omitempty"`
	ErrorMessage    string       `xml:"errorMessage"`
}

type updateProductOut struct {
	XMLName                xml.Name     `xml:"urn:mplusqapi UpdateProductResponse"`
	Result                 string       `xml:"result"`
	ExistingArticleNumbers []int64      `xml:"existingArticleNumbers"`
	NewArticleNumbers      []int64      `xml:"newArticleNumbers"`
	ChangeTimestamp        soapDateTime `xml:"changeTimestamp"`
	SyncMarker             int64        `xml:"syncMarker,omitempty"`
	ErrorMessage           string       `xml:"errorMessage"`
}

// ---- article groups ----

type getArticleGroupsIn struct {
	Request *struct {
		GroupNumbers []int `xml:"urn:mplusqapi groupNumbers"`
	} `xml:"urn:mplusqapi request"`
}

type articleGroupsOut struct {
	XMLName          xml.Name            `xml:"urn:mplusqapi GetArticleGroupsResponse"`
	ArticleGroupList articleGroupListOut `xml:"articleGroupList"`
}

type articleGroupListOut struct {
	ArticleGroups []articleGroupOut `xml:"articleGroups"`
}

type articleGroupOut struct {
	GroupNumber  int                 `xml:"groupNumber"`
	SyncMarker   int64               `xml:"syncMarker"`
	Name         string              `xml:"name"`
	Text         string              `xml:"text"`
	SubGroupList articleGroupListOut `xml:"subGroupList"`
	SortOrder    int                 `xml:"sortOrder"`
	IsDeleted    bool                `xml:"isDeleted"`
}

type newArticleGroupIn struct {
	Request *struct {
		ParentGroupNumber *int    `xml:"urn:mplusqapi parentGroupNumber"`
		Name              *string `xml:"urn:mplusqapi name"`
		Text              *string `xml:"urn:mplusqapi text"`
		SortOrder         *int    `xml:"urn:mplusqapi sortOrder"`
	} `xml:"urn:mplusqapi request"`
}

type newArticleGroupOut struct {
	XMLName     xml.Name `xml:"urn:mplusqapi NewArticleGroupResponse"`
	Result      string   `xml:"result"`
	GroupNumber int      `xml:"groupNumber"`
}

// ---- stock ----

type articleNumberListIn struct {
	ArticleNumbers []int64 `xml:"urn:mplusqapi articleNumbers"`
}

type getStockIn struct {
	Request *struct {
		BranchNumber   *int                 `xml:"urn:mplusqapi branchNumber"`
		ArticleNumbers *articleNumberListIn `xml:"urn:mplusqapi articleNumbers"`
		StockID        *int64               `xml:"urn:mplusqapi stockId"`
	} `xml:"urn:mplusqapi request"`
}

type getStockOut struct {
	XMLName       xml.Name          `xml:"urn:mplusqapi GetStockResponse"`
	ArticleStocks []articleStockOut `xml:"articleStocks"`
}

type articleStockOut struct {
	BranchNumber          int          `xml:"branchNumber"`
	ArticleNumber         int64        `xml:"articleNumber"`
	ChangeTimestamp       soapDateTime `xml:"changeTimestamp"`
	StockID               int64        `xml:"stockId"`
	AmountFree            int64        `xml:"amountFree"`
	DecimalPlacesFree     int          `xml:"decimalPlacesFree"`
	AmountReserved        int64        `xml:"amountReserved"`
	DecimalPlacesReserved int          `xml:"decimalPlacesReserved"`
	AmountIncoming        int64        `xml:"amountIncoming"`
	DecimalPlacesIncoming int          `xml:"decimalPlacesIncoming"`
	IsDayStockArticle     bool         `xml:"isDayStockArticle"`
}

type getStockHistoryV2In struct {
	Request *struct {
		BranchNumbers     []int                `xml:"urn:mplusqapi branchNumbers"`
		ArticleNumbers    *articleNumberListIn `xml:"urn:mplusqapi articleNumbers"`
		SinceStockID      *int64               `xml:"urn:mplusqapi sinceStockId"`
		SinceStockIDLimit *int                 `xml:"urn:mplusqapi sinceStockIdLimit"`
	} `xml:"urn:mplusqapi request"`
}

type stockHistoryOut struct {
	XMLName             xml.Name             `xml:"urn:mplusqapi GetStockHistoryResponse"`
	ArticleStockHistory []stockHistoryRowOut `xml:"articleStockHistory"`
}

type stockHistoryRowOut struct {
	StockID       int64        `xml:"stockId"`
	Timestamp     soapDateTime `xml:"timestamp"`
	BranchNumber  int          `xml:"branchNumber"`
	ArticleNumber int64        `xml:"articleNumber"`
	AmountChanged int64        `xml:"amountChanged"`
	DecimalPlaces int          `xml:"decimalPlaces"`
	Type          string       `xml:"type"`
}

type setStockIn struct {
	Request *struct {
		BranchNumber   *int    `xml:"urn:mplusqapi branchNumber"`
		ArticleNumber  *int64  `xml:"urn:mplusqapi articleNumber"`
		Amount         *int64  `xml:"urn:mplusqapi amount"`
		DecimalPlaces  *int    `xml:"urn:mplusqapi decimalPlaces"`
		EmployeeNumber *int64  `xml:"urn:mplusqapi employeeNumber"`
		Reference      *string `xml:"urn:mplusqapi reference"`
	} `xml:"urn:mplusqapi request"`
}

type updateStockIn struct {
	Request *struct {
		BranchNumber   *int    `xml:"urn:mplusqapi branchNumber"`
		ArticleNumber  *int64  `xml:"urn:mplusqapi articleNumber"`
		AmountChanged  *int64  `xml:"urn:mplusqapi amountChanged"`
		DecimalPlaces  *int    `xml:"urn:mplusqapi decimalPlaces"`
		EmployeeNumber *int64  `xml:"urn:mplusqapi employeeNumber"`
		Reference      *string `xml:"urn:mplusqapi reference"`
	} `xml:"urn:mplusqapi request"`
}

type setStockOut struct {
	XMLName xml.Name `xml:"urn:mplusqapi SetStockResponse"`
	Result  string   `xml:"result"`
	StockID int64    `xml:"stockId,omitempty"`
}

type updateStockOut struct {
	XMLName xml.Name `xml:"urn:mplusqapi UpdateStockResponse"`
	Result  string   `xml:"result"`
	StockID int64    `xml:"stockId,omitempty"`
}

// ---- orders and invoices: requests ----

type findOrderIn struct {
	ExtOrderID *string `xml:"urn:mplusqapi extOrderId"`
}

type createOrderIn struct {
	Order *orderIn `xml:"urn:mplusqapi order"`
}

type orderIn struct {
	OrderID           *string     `xml:"urn:mplusqapi orderId"`
	ExtOrderID        *string     `xml:"urn:mplusqapi extOrderId"`
	OrderType         *string     `xml:"urn:mplusqapi orderType"`
	EntryBranchNumber *int        `xml:"urn:mplusqapi entryBranchNumber"`
	EmployeeNumber    *int64      `xml:"urn:mplusqapi employeeNumber"`
	RelationNumber    *int64      `xml:"urn:mplusqapi relationNumber"`
	DeliveryAddress   *addressIn  `xml:"urn:mplusqapi deliveryAddress"`
	InvoiceAddress    *addressIn  `xml:"urn:mplusqapi invoiceAddress"`
	Reference         *string     `xml:"urn:mplusqapi reference"`
	VatMethod         *string     `xml:"urn:mplusqapi vatMethod"`
	DeliveryMethod    *string     `xml:"urn:mplusqapi deliveryMethod"`
	PaymentMethod     *string     `xml:"urn:mplusqapi paymentMethod"`
	LineList          *lineListIn `xml:"urn:mplusqapi lineList"`
}

type findInvoiceIn struct {
	ExtInvoiceID *string `xml:"urn:mplusqapi extInvoiceId"`
}

type saveInvoiceIn struct {
	Invoice *invoiceIn `xml:"urn:mplusqapi invoice"`
}

type invoiceIn struct {
	InvoiceID         *string     `xml:"urn:mplusqapi invoiceId"`
	ExtInvoiceID      *string     `xml:"urn:mplusqapi extInvoiceId"`
	InvoiceType       *string     `xml:"urn:mplusqapi invoiceType"`
	EmployeeNumber    *int64      `xml:"urn:mplusqapi employeeNumber"`
	RelationNumber    *int64      `xml:"urn:mplusqapi relationNumber"`
	DeliveryAddress   *addressIn  `xml:"urn:mplusqapi deliveryAddress"`
	InvoiceAddress    *addressIn  `xml:"urn:mplusqapi invoiceAddress"`
	EntryBranchNumber *int        `xml:"urn:mplusqapi entryBranchNumber"`
	Reference         *string     `xml:"urn:mplusqapi reference"`
	DueDate           *soapDate   `xml:"urn:mplusqapi dueDate"`
	VatMethod         *string     `xml:"urn:mplusqapi vatMethod"`
	LineList          *lineListIn `xml:"urn:mplusqapi lineList"`
}

type addressIn struct {
	Name        string `xml:"urn:mplusqapi name"`
	Contact     string `xml:"urn:mplusqapi contact"`
	Address     string `xml:"urn:mplusqapi address"`
	Zipcode     string `xml:"urn:mplusqapi zipcode"`
	City        string `xml:"urn:mplusqapi city"`
	Country     string `xml:"urn:mplusqapi country"`
	CompanyName string `xml:"urn:mplusqapi companyName"`
}

type lineListIn struct {
	Line []lineIn `xml:"urn:mplusqapi line"`
}

type lineIn struct {
	ArticleNumber *int64      `xml:"urn:mplusqapi articleNumber"`
	PluNumber     *string     `xml:"urn:mplusqapi pluNumber"`
	Text          *string     `xml:"urn:mplusqapi text"`
	Data          *lineDataIn `xml:"urn:mplusqapi data"`
}

type lineDataIn struct {
	Quantity           *int64  `xml:"urn:mplusqapi quantity"`
	DecimalPlaces      *int    `xml:"urn:mplusqapi decimalPlaces"`
	Price              *int64  `xml:"urn:mplusqapi price"`
	PriceExcl          *int64  `xml:"urn:mplusqapi priceExcl"`
	OriginalPrice      *int64  `xml:"urn:mplusqapi originalPrice"`
	OriginalPriceExcl  *int64  `xml:"urn:mplusqapi originalPriceExcl"`
	TurnoverGroup      *int    `xml:"urn:mplusqapi turnoverGroup"`
	VatCode            *int    `xml:"urn:mplusqapi vatCode"`
	DiscountType       *string `xml:"urn:mplusqapi discountType"`
	DiscountAmount     *int64  `xml:"urn:mplusqapi discountAmount"`
	DiscountAmountExcl *int64  `xml:"urn:mplusqapi discountAmountExcl"`
}

// ---- orders and invoices: responses ----

type getOrderOut struct {
	XMLName xml.Name  `xml:"urn:mplusqapi GetOrderResponse"`
	Result  string    `xml:"result"`
	Order   *orderOut `xml:"order,omitempty"`
}

type createOrderOut struct {
	XMLName      xml.Name           `xml:"urn:mplusqapi CreateOrderResponse"`
	Result       string             `xml:"result"`
	Info         createOrderInfoOut `xml:"info"`
	ErrorMessage string             `xml:"errorMessage"`
}

type createOrderInfoOut struct {
	OrderID     string `xml:"orderId"`
	OrderString string `xml:"orderString"`
	OrderQueued bool   `xml:"orderQueued"`
}

type orderOut struct {
	OrderID               string        `xml:"orderId"`
	ExtOrderID            string        `xml:"extOrderId,omitempty"`
	SyncMarker            int64         `xml:"syncMarker"`
	OrderType             string        `xml:"orderType"`
	EntryBranchNumber     int           `xml:"entryBranchNumber"`
	EmployeeNumber        int64         `xml:"employeeNumber"`
	EmployeeName          string        `xml:"employeeName,omitempty"`
	EntryTimestamp        soapDateTime  `xml:"entryTimestamp"`
	RelationNumber        int64         `xml:"relationNumber,omitempty"`
	RelationName          string        `xml:"relationName,omitempty"`
	DeliveryAddress       *addressOut   `xml:"deliveryAddress,omitempty"`
	InvoiceAddress        *addressOut   `xml:"invoiceAddress,omitempty"`
	FinancialDate         soapDate      `xml:"financialDate"`
	FinancialBranchNumber int           `xml:"financialBranchNumber"`
	Reference             string        `xml:"reference,omitempty"`
	TotalInclAmount       int64         `xml:"totalInclAmount"`
	TotalExclAmount       int64         `xml:"totalExclAmount"`
	VatMethod             string        `xml:"vatMethod"`
	DeliveryMethod        string        `xml:"deliveryMethod,omitempty"`
	PaymentMethod         string        `xml:"paymentMethod,omitempty"`
	OrderNumber           yearNumberOut `xml:"orderNumber"`
	LineList              lineListOut   `xml:"lineList"`
}

type getInvoiceOut struct {
	XMLName xml.Name    `xml:"urn:mplusqapi GetInvoiceResponse"`
	Result  string      `xml:"result"`
	Invoice *invoiceOut `xml:"invoice,omitempty"`
}

type saveInvoiceOut struct {
	XMLName      xml.Name           `xml:"urn:mplusqapi SaveInvoiceResponse"`
	Result       string             `xml:"result"`
	Info         saveInvoiceInfoOut `xml:"info"`
	ErrorMessage string             `xml:"errorMessage"`
}

type saveInvoiceInfoOut struct {
	InvoiceID     string         `xml:"invoiceId"`
	InvoiceString string         `xml:"invoiceString"`
	InvoiceNumber *yearNumberOut `xml:"invoiceNumber,omitempty"`
}

type invoiceOut struct {
	InvoiceID             string        `xml:"invoiceId"`
	ExtInvoiceID          string        `xml:"extInvoiceId,omitempty"`
	SyncMarker            int64         `xml:"syncMarker"`
	InvoiceNumber         yearNumberOut `xml:"invoiceNumber"`
	InvoiceType           string        `xml:"invoiceType"`
	EmployeeNumber        int64         `xml:"employeeNumber"`
	EmployeeName          string        `xml:"employeeName,omitempty"`
	EntryTimestamp        soapDateTime  `xml:"entryTimestamp"`
	RelationNumber        int64         `xml:"relationNumber,omitempty"`
	RelationName          string        `xml:"relationName,omitempty"`
	DeliveryAddress       *addressOut   `xml:"deliveryAddress,omitempty"`
	InvoiceAddress        *addressOut   `xml:"invoiceAddress,omitempty"`
	FinancialDate         soapDate      `xml:"financialDate"`
	FinancialBranchNumber int           `xml:"financialBranchNumber"`
	EntryBranchNumber     int           `xml:"entryBranchNumber"`
	Reference             string        `xml:"reference,omitempty"`
	DueDate               *soapDate     `xml:"dueDate,omitempty"`
	TotalInclAmount       int64         `xml:"totalInclAmount"`
	TotalExclAmount       int64         `xml:"totalExclAmount"`
	VatMethod             string        `xml:"vatMethod"`
	LineList              lineListOut   `xml:"lineList"`
}

type addressOut struct {
	Name        string `xml:"name,omitempty"`
	Contact     string `xml:"contact,omitempty"`
	Address     string `xml:"address,omitempty"`
	Zipcode     string `xml:"zipcode,omitempty"`
	City        string `xml:"city,omitempty"`
	Country     string `xml:"country,omitempty"`
	CompanyName string `xml:"companyName,omitempty"`
}

type lineListOut struct {
	Line []lineOut `xml:"line"`
}

type lineOut struct {
	LineID         string      `xml:"lineId"`
	EmployeeNumber int64       `xml:"employeeNumber"`
	ArticleNumber  int64       `xml:"articleNumber"`
	PluNumber      string      `xml:"pluNumber,omitempty"`
	Text           string      `xml:"text,omitempty"`
	Data           lineDataOut `xml:"data"`
}

type lineDataOut struct {
	Quantity           int64  `xml:"quantity"`
	DecimalPlaces      int    `xml:"decimalPlaces"`
	Price              int64  `xml:"price"`
	PriceExcl          int64  `xml:"priceExcl"`
	OriginalPrice      *int64 `xml:"originalPrice,omitempty"`
	OriginalPriceExcl  *int64 `xml:"originalPriceExcl,omitempty"`
	TurnoverGroup      int    `xml:"turnoverGroup,omitempty"`
	VatCode            int    `xml:"vatCode"`
	VatPercentage      int    `xml:"vatPercentage"`
	DiscountType       string `xml:"discountType,omitempty"`
	DiscountAmount     *int64 `xml:"discountAmount,omitempty"`
	DiscountAmountExcl *int64 `xml:"discountAmountExcl,omitempty"`
	TotalInclAmount    int64  `xml:"totalInclAmount"`
	TotalExclAmount    int64  `xml:"totalExclAmount"`
}

// ---- relations ----

type relationIn struct {
	RelationNumber    *int64             `xml:"urn:mplusqapi relationNumber"`
	ExtRelationID     *string            `xml:"urn:mplusqapi extRelationId"`
	Active            *bool              `xml:"urn:mplusqapi active"`
	Name              *string            `xml:"urn:mplusqapi name"`
	Address           *string            `xml:"urn:mplusqapi address"`
	Zipcode           *string            `xml:"urn:mplusqapi zipcode"`
	City              *string            `xml:"urn:mplusqapi city"`
	Country           *string            `xml:"urn:mplusqapi country"`
	DeliveryAddress   *string            `xml:"urn:mplusqapi deliveryAddress"`
	DeliveryZipcode   *string            `xml:"urn:mplusqapi deliveryZipcode"`
	DeliveryCity      *string            `xml:"urn:mplusqapi deliveryCity"`
	DeliveryCountry   *string            `xml:"urn:mplusqapi deliveryCountry"`
	Contact           *string            `xml:"urn:mplusqapi contact"`
	Telephone         *string            `xml:"urn:mplusqapi telephone"`
	Mobile            *string            `xml:"urn:mplusqapi mobile"`
	Email             *string            `xml:"urn:mplusqapi email"`
	RelationCode      *string            `xml:"urn:mplusqapi relationCode"`
	PaymentWithinDays *int               `xml:"urn:mplusqapi paymentWithinDays"`
	VatNumber         *string            `xml:"urn:mplusqapi vatNumber"`
	CommerceNumber    *string            `xml:"urn:mplusqapi commerceNumber"`
	CustomFieldList   *customFieldListIn `xml:"urn:mplusqapi customFieldList"`
	CompanyName       *string            `xml:"urn:mplusqapi companyName"`
}

type relationRequestIn struct {
	Relation *relationIn `xml:"urn:mplusqapi relation"`
}

type relationOut struct {
	RelationNumber    int64               `xml:"relationNumber"`
	ExtRelationID     string              `xml:"extRelationId,omitempty"`
	SyncMarker        int64               `xml:"syncMarker"`
	CreateTimestamp   soapDateTime        `xml:"createTimestamp"`
	ChangeTimestamp   soapDateTime        `xml:"changeTimestamp"`
	Active            bool                `xml:"active"`
	Name              string              `xml:"name,omitempty"`
	Address           string              `xml:"address,omitempty"`
	Zipcode           string              `xml:"zipcode,omitempty"`
	City              string              `xml:"city,omitempty"`
	Country           string              `xml:"country,omitempty"`
	DeliveryAddress   string              `xml:"deliveryAddress,omitempty"`
	DeliveryZipcode   string              `xml:"deliveryZipcode,omitempty"`
	DeliveryCity      string              `xml:"deliveryCity,omitempty"`
	DeliveryCountry   string              `xml:"deliveryCountry,omitempty"`
	Contact           string              `xml:"contact,omitempty"`
	Telephone         string              `xml:"telephone,omitempty"`
	Mobile            string              `xml:"mobile,omitempty"`
	Email             string              `xml:"email,omitempty"`
	RelationCode      string              `xml:"relationCode,omitempty"`
	PaymentWithinDays int                 `xml:"paymentWithinDays,omitempty"`
	VatNumber         string              `xml:"vatNumber,omitempty"`
	CommerceNumber    string              `xml:"commerceNumber,omitempty"`
	CustomFieldList   *customFieldListOut `xml:"customFieldList,omitempty"`
	CompanyName       string              `xml:"companyName,omitempty"`
}

type getRelationIn struct {
	RelationNumber *int64 `xml:"urn:mplusqapi relationNumber"`
}

// getRelationOut always carries relation (the schema requires it): empty
// when the result is NOT-FOUND.
type getRelationOut struct {
	XMLName  xml.Name    `xml:"urn:mplusqapi GetRelationResponse"`
	Result   string      `xml:"result"`
	Relation relationOut `xml:"relation"`
}

type findRelationOut struct {
	XMLName  xml.Name     `xml:"urn:mplusqapi FindRelationResponse"`
	Result   string       `xml:"result"`
	Relation *relationOut `xml:"relation,omitempty"`
}

type createRelationOut struct {
	XMLName         xml.Name     `xml:"urn:mplusqapi CreateRelationResponse"`
	Result          string       `xml:"result"`
	RelationNumber  int64        `xml:"relationNumber"`
	ChangeTimestamp soapDateTime `xml:"changeTimestamp"`
	SyncMarker      int64        `xml:"syncMarker"`
	ErrorMessage    string       `xml:"errorMessage"`
}

type updateRelationOut struct {
	XMLName         xml.Name      `xml:"urn:mplusqapi UpdateRelationResponse"`
	Result          string        `xml:"result"`
	ErrorMessage    string        `xml:"errorMessage"`
	ChangeTimestamp *soapDateTime `xml:"changeTimestamp,omitempty"`
	SyncMarker      int64         `xml:"syncMarker,omitempty"`
}
