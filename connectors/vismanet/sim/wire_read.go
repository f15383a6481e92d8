package sim

// The read DTOs of the contract, as far as the simulator fills them: plain
// JSON, camelCase, no wrappers (research §3.3). Names follow the contract's
// schemas; a property the simulator has no value for is left out.

// metadataDto is on every element of a paged listing.
type metadataDto struct {
	TotalCount  int64 `json:"totalCount"`
	MaxPageSize int64 `json:"maxPageSize"`
}

// listed is a DTO that can carry a listing's metadata.
type listed interface{ setMeta(*metadataDto) }

type idDescDto struct {
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
}

type numberNameDto struct {
	Number string `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
}

type numberDescDto struct {
	Number      string `json:"number,omitempty"`
	Description string `json:"description,omitempty"`
}

type idNameDto struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type addressDto struct {
	AddressID    int64      `json:"addressId,omitempty"`
	AddressLine1 string     `json:"addressLine1,omitempty"`
	AddressLine2 string     `json:"addressLine2,omitempty"`
	AddressLine3 string     `json:"addressLine3,omitempty"`
	PostalCode   string     `json:"postalCode,omitempty"`
	City         string     `json:"city,omitempty"`
	Country      *idNameDto `json:"country,omitempty"`
	County       *idNameDto `json:"county,omitempty"`
}

// docAddressDto is a document's address, which may override the customer's.
type docAddressDto struct {
	OverrideAddress bool `json:"overrideAddress"`
	addressDto
}

type contactDto struct {
	ContactID int64  `json:"contactId,omitempty"`
	Name      string `json:"name,omitempty"`
	Attention string `json:"attention,omitempty"`
	Email     string `json:"email,omitempty"`
	Web       string `json:"web,omitempty"`
	Phone1    string `json:"phone1,omitempty"`
	Phone2    string `json:"phone2,omitempty"`
	Fax       string `json:"fax,omitempty"`
}

type docContactDto struct {
	OverrideContact bool `json:"overrideContact"`
	contactDto
}

type attributeValueDto struct {
	ID          string `json:"id"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

type vatZoneRefDto struct {
	ID                 string `json:"id,omitempty"`
	Description        string `json:"description,omitempty"`
	DefaultVatCategory string `json:"defaultVatCategory,omitempty"`
}

type customerDto struct {
	InternalID          int64               `json:"internalId"`
	Number              string              `json:"number"`
	Name                string              `json:"name"`
	Status              string              `json:"status"`
	MainAddress         *addressDto         `json:"mainAddress,omitempty"`
	MainContact         *contactDto         `json:"mainContact,omitempty"`
	AccountReference    string              `json:"accountReference,omitempty"`
	ParentRecord        *numberNameDto      `json:"parentRecord,omitempty"`
	CustomerClass       *idDescDto          `json:"customerClass,omitempty"`
	CreditTerms         *idDescDto          `json:"creditTerms,omitempty"`
	CurrencyID          string              `json:"currencyId,omitempty"`
	CreditLimit         Dec                 `json:"creditLimit"`
	InvoiceAddress      *addressDto         `json:"invoiceAddress,omitempty"`
	InvoiceContact      *contactDto         `json:"invoiceContact,omitempty"`
	PrintInvoices       bool                `json:"printInvoices"`
	AcceptAutoInvoices  bool                `json:"acceptAutoInvoices"`
	SendInvoicesByEmail bool                `json:"sendInvoicesByEmail"`
	DeliveryAddress     *addressDto         `json:"deliveryAddress,omitempty"`
	DeliveryContact     *contactDto         `json:"deliveryContact,omitempty"`
	VatRegistrationID   string              `json:"vatRegistrationId,omitempty"`
	CorporateID         string              `json:"corporateId,omitempty"`
	GLN                 string              `json:"gln,omitempty"`
	VatZone             *vatZoneRefDto      `json:"vatZone,omitempty"`
	Attributes          []attributeValueDto `json:"attributes"`
	// GLAccounts is glAccountsInCustomerDto: the set accounts by field.
	GLAccounts             map[string]accountNumberDto `json:"glAccounts,omitempty"`
	LastModifiedDateTime   *Time                       `json:"lastModifiedDateTime,omitempty"`
	CreatedDateTime        *Time                       `json:"createdDateTime,omitempty"`
	PriceClass             *idDescDto                  `json:"priceClass,omitempty"`
	DefaultPaymentMethodID string                      `json:"defaultPaymentMethodId,omitempty"`
	Metadata               *metadataDto                `json:"metadata,omitempty"`
}

func (d *customerDto) setMeta(m *metadataDto) { d.Metadata = m }

type classAttributeDto struct {
	AttributeID   string `json:"attributeId"`
	Description   string `json:"description,omitempty"`
	SortOrder     int64  `json:"sortOrder"`
	Required      bool   `json:"required"`
	AttributeType string `json:"attributeType,omitempty"`
	// Details are a combo's values (ClassAttributeDetailDto: id, description).
	Details []idDescDto `json:"details,omitempty"`
}

type itemClassRefDto struct {
	Type        string              `json:"type,omitempty"`
	Attributes  []classAttributeDto `json:"attributes,omitempty"`
	ID          string              `json:"id"`
	Description string              `json:"description,omitempty"`
}

type attachmentDto struct {
	Name     string `json:"name"`
	ID       string `json:"id"`
	Revision int64  `json:"revision"`
}

type warehouseDetailDto struct {
	IsDefault            bool   `json:"isDefault"`
	Warehouse            string `json:"warehouse"`
	QuantityOnHand       Dec    `json:"quantityOnHand"`
	Available            Dec    `json:"available"`
	AvailableForShipment Dec    `json:"availableForShipment"`
	LastModifiedDateTime *Time  `json:"lastModifiedDateTime,omitempty"`
}

type salesCategoryDto struct {
	CategoryID  int64  `json:"categoryId"`
	Description string `json:"description,omitempty"`
}

type inventoryDto struct {
	InventoryID          int64                `json:"inventoryId"`
	InventoryNumber      string               `json:"inventoryNumber"`
	Status               string               `json:"status"`
	Type                 string               `json:"type"`
	Description          string               `json:"description"`
	Body                 string               `json:"body,omitempty"`
	ItemClass            *itemClassRefDto     `json:"itemClass,omitempty"`
	PostingClass         *idDescDto           `json:"postingClass,omitempty"`
	VatCode              *idDescDto           `json:"vatCode,omitempty"`
	DefaultPrice         Dec                  `json:"defaultPrice"`
	LastModifiedDateTime *Time                `json:"lastModifiedDateTime,omitempty"`
	BaseUnit             string               `json:"baseUnit,omitempty"`
	SalesUnit            string               `json:"salesUnit,omitempty"`
	PurchaseUnit         string               `json:"purchaseUnit,omitempty"`
	StockItem            bool                 `json:"stockItem"`
	KitItem              bool                 `json:"kitItem"`
	Attachments          []attachmentDto      `json:"attachments,omitempty"`
	Attributes           []attributeValueDto  `json:"attributes,omitempty"`
	WarehouseDetails     []warehouseDetailDto `json:"warehouseDetails,omitempty"`
	DefaultWarehouse     *idDescDto           `json:"defaultWarehouse,omitempty"`
	SalesCategories      []salesCategoryDto   `json:"salesCategories,omitempty"`
	Note                 string               `json:"note,omitempty"`
	Timestamp            string               `json:"timestamp,omitempty"`
	Metadata             *metadataDto         `json:"metadata,omitempty"`
}

func (d *inventoryDto) setMeta(m *metadataDto) { d.Metadata = m }

type inventorySummaryDto struct {
	Inventory            *numberDescDto `json:"inventory"`
	Warehouse            *idDescDto     `json:"warehouse"`
	Available            Dec            `json:"available"`
	AvailableForShipment Dec            `json:"availableForShipment"`
	NotAvailable         Dec            `json:"notAvailable"`
	SoBooked             Dec            `json:"soBooked"`
	SoAllocated          Dec            `json:"soAllocated"`
	SoShipped            Dec            `json:"soShipped"`
	SoBackOrdered        Dec            `json:"soBackOrdered"`
	InIssues             Dec            `json:"inIssues"`
	InReceipts           Dec            `json:"inReceipts"`
	InTransit            Dec            `json:"inTransit"`
	OnHand               Dec            `json:"onHand"`
	BaseUnit             string         `json:"baseUnit,omitempty"`
	Metadata             *metadataDto   `json:"metadata,omitempty"`
}

func (d *inventorySummaryDto) setMeta(m *metadataDto) { d.Metadata = m }

type salesOrderLineDto struct {
	LineNbr         int64          `json:"lineNbr"`
	SortOrder       int64          `json:"sortOrder"`
	Inventory       *numberDescDto `json:"inventory,omitempty"`
	Warehouse       *idDescDto     `json:"warehouse,omitempty"`
	UOM             string         `json:"uom,omitempty"`
	Quantity        Dec            `json:"quantity"`
	QtyOnShipments  Dec            `json:"qtyOnShipments"`
	OpenQty         Dec            `json:"openQty"`
	UnitCost        Dec            `json:"unitCost"`
	UnitPrice       Dec            `json:"unitPrice"`
	DiscountPercent Dec            `json:"discountPercent"`
	DiscountAmount  Dec            `json:"discountAmount"`
	ManualDiscount  bool           `json:"manualDiscount"`
	DiscUnitPrice   Dec            `json:"discUnitPrice"`
	ExtPrice        Dec            `json:"extPrice"`
	UnbilledAmount  Dec            `json:"unbilledAmount"`
	LineDescription string         `json:"lineDescription,omitempty"`
	TaxCategory     string         `json:"taxCategory,omitempty"`
	Operation       string         `json:"operation"`
	Completed       bool           `json:"completed"`
	Note            string         `json:"note,omitempty"`
}

type salesOrderDto struct {
	OrderType                string              `json:"orderType"`
	OrderNo                  string              `json:"orderNo"`
	Status                   string              `json:"status"`
	Hold                     bool                `json:"hold"`
	Date                     *Time               `json:"date,omitempty"`
	RequestOn                *Time               `json:"requestOn,omitempty"`
	CustomerOrder            string              `json:"customerOrder,omitempty"`
	CustomerRefNo            string              `json:"customerRefNo,omitempty"`
	Customer                 *customerRefDto     `json:"customer,omitempty"`
	Location                 *idNameDto          `json:"location,omitempty"`
	Currency                 string              `json:"currency,omitempty"`
	Description              string              `json:"description,omitempty"`
	OrderTotal               Dec                 `json:"orderTotal"`
	OrderTotalInBaseCurrency Dec                 `json:"orderTotalInBaseCurrency"`
	VatTaxableTotal          Dec                 `json:"vatTaxableTotal"`
	VatExemptTotal           Dec                 `json:"vatExemptTotal"`
	TaxTotal                 Dec                 `json:"taxTotal"`
	DiscountTotal            Dec                 `json:"discountTotal"`
	ExchangeRate             Dec                 `json:"exchangeRate"`
	Terms                    *idDescDto          `json:"terms,omitempty"`
	SoBillingContact         *docContactDto      `json:"soBillingContact,omitempty"`
	SoBillingAddress         *docAddressDto      `json:"soBillingAddress,omitempty"`
	SoShippingContact        *docContactDto      `json:"soShippingContact,omitempty"`
	SoShippingAddress        *docAddressDto      `json:"soShippingAddress,omitempty"`
	CustomerVATZone          *vatZoneRefDto      `json:"customerVATZone,omitempty"`
	PreferredWarehouse       *idDescDto          `json:"preferredWarehouse,omitempty"`
	ShipVia                  *idDescDto          `json:"shipVia,omitempty"`
	PaymentMethod            *idDescDto          `json:"paymentMethod,omitempty"`
	Canceled                 bool                `json:"canceled"`
	Lines                    []salesOrderLineDto `json:"lines"`
	LastModifiedDateTime     *Time               `json:"lastModifiedDateTime,omitempty"`
	BranchNumber             *numberNameDto      `json:"branchNumber,omitempty"`
	Note                     string              `json:"note,omitempty"`
	Metadata                 *metadataDto        `json:"metadata,omitempty"`
}

func (d *salesOrderDto) setMeta(m *metadataDto) { d.Metadata = m }

type customerRefDto struct {
	InternalID int64  `json:"internalId,omitempty"`
	Number     string `json:"number"`
	Name       string `json:"name,omitempty"`
}

// accountNumberDto is the contract's AccountNumberTypeDescriptionDto.
type accountNumberDto struct {
	Type        string `json:"type,omitempty"`
	Number      string `json:"number"`
	Description string `json:"description,omitempty"`
}

type accountRefDto struct {
	Type        string `json:"type,omitempty"`
	Active      bool   `json:"active"`
	Number      string `json:"number"`
	Description string `json:"description,omitempty"`
}

type customerInvoiceLineDto struct {
	LineNumber      int64          `json:"lineNumber"`
	InventoryNumber string         `json:"inventoryNumber,omitempty"`
	Description     string         `json:"description,omitempty"`
	Quantity        Dec            `json:"quantity"`
	UnitPrice       Dec            `json:"unitPrice"`
	UnitPriceInCur  Dec            `json:"unitPriceInCurrency"`
	ManualAmount    Dec            `json:"manualAmount"`
	ManualAmountCur Dec            `json:"manualAmountInCurrency"`
	Amount          Dec            `json:"amount"`
	AmountInCur     Dec            `json:"amountInCurrency"`
	Account         *accountRefDto `json:"account,omitempty"`
	VatCode         *idDescDto     `json:"vatCode,omitempty"`
	UOM             string         `json:"uom,omitempty"`
	DiscountPercent Dec            `json:"discountPercent"`
	DiscountAmount  Dec            `json:"discountAmount"`
	DiscountAmtCur  Dec            `json:"discountAmountInCurrency"`
	ManualDiscount  bool           `json:"manualDiscount"`
	Note            string         `json:"note,omitempty"`
	LineType        string         `json:"lineType,omitempty"`
}

type taxDetailDto struct {
	TaxID         string         `json:"taxId"`
	VatID         *numberDescDto `json:"vatId,omitempty"`
	VatRate       Dec            `json:"vatRate"`
	TaxableAmount Dec            `json:"taxableAmount"`
	VatAmount     Dec            `json:"vatAmount"`
}

type customerInvoiceDto struct {
	CreditTerms               *idDescDto               `json:"creditTerms,omitempty"`
	DocumentDueDate           *Time                    `json:"documentDueDate,omitempty"`
	ExternalReference         string                   `json:"externalReference,omitempty"`
	ExchangeRate              Dec                      `json:"exchangeRate"`
	TaxDetails                []taxDetailDto           `json:"taxDetails"`
	InvoiceLines              []customerInvoiceLineDto `json:"invoiceLines"`
	CustomerVatZone           *idDescDto               `json:"customerVatZone,omitempty"`
	Hold                      bool                     `json:"hold"`
	DiscountTotal             Dec                      `json:"discountTotal"`
	DiscountTotalInCurrency   Dec                      `json:"discountTotalInCurrency"`
	DetailTotal               Dec                      `json:"detailTotal"`
	DetailTotalInCurrency     Dec                      `json:"detailTotalInCurrency"`
	VatTaxableTotal           Dec                      `json:"vatTaxableTotal"`
	VatTaxableTotalInCurrency Dec                      `json:"vatTaxableTotalInCurrency"`
	VatExemptTotal            Dec                      `json:"vatExemptTotal"`
	VatExemptTotalInCurrency  Dec                      `json:"vatExemptTotalInCurrency"`
	Customer                  *numberNameDto           `json:"customer,omitempty"`
	DocumentType              string                   `json:"documentType"`
	ReferenceNumber           string                   `json:"referenceNumber"`
	PostPeriod                string                   `json:"postPeriod,omitempty"`
	FinancialPeriod           string                   `json:"financialPeriod,omitempty"`
	DocumentDate              *Time                    `json:"documentDate,omitempty"`
	Status                    string                   `json:"status"`
	CurrencyID                string                   `json:"currencyId,omitempty"`
	Amount                    Dec                      `json:"amount"`
	AmountInCurrency          Dec                      `json:"amountInCurrency"`
	Balance                   Dec                      `json:"balance"`
	BalanceInCurrency         Dec                      `json:"balanceInCurrency"`
	PaymentMethod             *idDescDto               `json:"paymentMethod,omitempty"`
	CustomerRefNumber         string                   `json:"customerRefNumber,omitempty"`
	InvoiceText               string                   `json:"invoiceText,omitempty"`
	LastModifiedDateTime      *Time                    `json:"lastModifiedDateTime,omitempty"`
	CreatedDateTime           *Time                    `json:"createdDateTime,omitempty"`
	Note                      string                   `json:"note,omitempty"`
	VatTotal                  Dec                      `json:"vatTotal"`
	VatTotalInCurrency        Dec                      `json:"vatTotalInCurrency"`
	BranchNumber              *numberNameDto           `json:"branchNumber,omitempty"`
	Metadata                  *metadataDto             `json:"metadata,omitempty"`
}

func (d *customerInvoiceDto) setMeta(m *metadataDto) { d.Metadata = m }

type journalLineDto struct {
	LineNumber             int64      `json:"lineNumber"`
	AccountNumber          string     `json:"accountNumber"`
	Description            string     `json:"description,omitempty"`
	ReferenceNumber        string     `json:"referenceNumber,omitempty"`
	DebitAmount            Dec        `json:"debitAmount"`
	DebitAmountInCurrency  Dec        `json:"debitAmountInCurrency"`
	CreditAmount           Dec        `json:"creditAmount"`
	CreditAmountInCurrency Dec        `json:"creditAmountInCurrency"`
	TransactionDescription string     `json:"transactionDescription,omitempty"`
	VatCode                *idDescDto `json:"vatCode,omitempty"`
	Vat                    *idDescDto `json:"vat,omitempty"`
	Branch                 string     `json:"branch,omitempty"`
	Module                 string     `json:"module,omitempty"`
	UOM                    string     `json:"uom,omitempty"`
	Quantity               Dec        `json:"quantity"`
	Note                   string     `json:"note,omitempty"`
}

type journalTransactionDto struct {
	Module                  string           `json:"module"`
	BatchNumber             string           `json:"batchNumber"`
	Status                  string           `json:"status"`
	Hold                    bool             `json:"hold"`
	TransactionDate         *Time            `json:"transactionDate,omitempty"`
	PostPeriod              string           `json:"postPeriod,omitempty"`
	FinancialPeriod         string           `json:"financialPeriod,omitempty"`
	Ledger                  string           `json:"ledger,omitempty"`
	LedgerDescription       string           `json:"ledgerDescription,omitempty"`
	CurrencyID              string           `json:"currencyId,omitempty"`
	ExchangeRate            Dec              `json:"exchangeRate"`
	Description             string           `json:"description,omitempty"`
	DebitTotal              Dec              `json:"debitTotal"`
	DebitTotalInCurrency    Dec              `json:"debitTotalInCurrency"`
	CreditTotal             Dec              `json:"creditTotal"`
	CreditTotalInCurrency   Dec              `json:"creditTotalInCurrency"`
	ControlTotal            Dec              `json:"controlTotal"`
	ControlTotalInCurrency  Dec              `json:"controlTotalInCurrency"`
	LastModifiedDateTime    *Time            `json:"lastModifiedDateTime,omitempty"`
	TransactionCode         string           `json:"transactionCode,omitempty"`
	Branch                  string           `json:"branch,omitempty"`
	JournalTransactionLines []journalLineDto `json:"journalTransactionLines"`
	Metadata                *metadataDto     `json:"metadata,omitempty"`
}

func (d *journalTransactionDto) setMeta(m *metadataDto) { d.Metadata = m }

type adjustmentLineDto struct {
	Warehouse     *idDescDto     `json:"warehouse,omitempty"`
	UnitCost      Dec            `json:"unitCost"`
	ExtCost       Dec            `json:"extCost"`
	LineNumber    int64          `json:"lineNumber"`
	InventoryItem *numberDescDto `json:"inventoryItem,omitempty"`
	Location      *idNameDto     `json:"location,omitempty"`
	Quantity      Dec            `json:"quantity"`
	UOM           string         `json:"uom,omitempty"`
	ReasonCode    *idDescDto     `json:"reasonCode,omitempty"`
	Description   string         `json:"description,omitempty"`
}

// adjustmentDto is InventoryAdjustmentDto; "adjusmentLines" is the
// contract's spelling.
type adjustmentDto struct {
	TotalCost            Dec                 `json:"totalCost"`
	ControlCost          Dec                 `json:"controlCost"`
	AdjusmentLines       []adjustmentLineDto `json:"adjusmentLines"`
	ReferenceNumber      string              `json:"referenceNumber"`
	Status               string              `json:"status"`
	Hold                 bool                `json:"hold"`
	Date                 *Time               `json:"date,omitempty"`
	PostPeriod           string              `json:"postPeriod,omitempty"`
	ExternalReference    string              `json:"externalReference,omitempty"`
	Description          string              `json:"description,omitempty"`
	TotalQuantity        Dec                 `json:"totalQuantity"`
	ControlQuantity      Dec                 `json:"controlQuantity"`
	BatchNumber          string              `json:"batchNumber,omitempty"`
	LastModifiedDateTime *Time               `json:"lastModifiedDateTime,omitempty"`
	BranchNumber         *numberNameDto      `json:"branchNumber,omitempty"`
	Metadata             *metadataDto        `json:"metadata,omitempty"`
}

func (d *adjustmentDto) setMeta(m *metadataDto) { d.Metadata = m }

// actionResultDto answers a release (Release…ActionResultDto).
type actionResultDto struct {
	ActionID     string `json:"actionId"`
	ActionResult string `json:"actionResult"`
	ErrorInfo    string `json:"errorInfo,omitempty"`
}

type backgroundAcceptedDto struct {
	ID            string `json:"id"`
	StateLocation string `json:"stateLocation"`
}

type backgroundStateDto struct {
	ID                 string            `json:"id"`
	Status             string            `json:"status"`
	StatusCode         int               `json:"statusCode"`
	ReceivedUtc        *Time             `json:"receivedUtc,omitempty"`
	StartedUtc         *Time             `json:"startedUtc,omitempty"`
	FinishedUtc        *Time             `json:"finishedUtc,omitempty"`
	WebhookAddress     string            `json:"webhookAddress,omitempty"`
	ErrorMessage       string            `json:"errorMessage,omitempty"`
	OriginalURI        string            `json:"originalUri"`
	HasResponseContent bool              `json:"hasResponseContent"`
	HasRequestContent  bool              `json:"hasRequestContent"`
	ContentLocation    string            `json:"contentLocation,omitempty"`
	ResponseHeaders    map[string]string `json:"responseHeaders"`
}

// Reference data.

type attributeDetailDto struct {
	ValueID     string `json:"valueId"`
	Description string `json:"description,omitempty"`
	SortOrder   int64  `json:"sortOrder"`
	Disabled    bool   `json:"disabled"`
}

type attributeDto struct {
	AttributeID          string               `json:"attributeID"`
	Description          string               `json:"description,omitempty"`
	ControlType          string               `json:"controlType"`
	Internal             bool                 `json:"internal"`
	Details              []attributeDetailDto `json:"details,omitempty"`
	CreatedDateTime      *Time                `json:"createdDateTime,omitempty"`
	LastModifiedDateTime *Time                `json:"lastModifiedDateTime,omitempty"`
	Metadata             *metadataDto         `json:"metadata,omitempty"`
}

func (d *attributeDto) setMeta(m *metadataDto) { d.Metadata = m }

type branchDto struct {
	BranchID             int64          `json:"branchId"`
	Number               string         `json:"number"`
	Name                 string         `json:"name"`
	IsMainBranch         bool           `json:"isMainBranch"`
	IsActive             bool           `json:"isActive"`
	LastModifiedDateTime *Time          `json:"lastModifiedDateTime,omitempty"`
	VatRegistrationID    string         `json:"vatRegistrationId,omitempty"`
	Currency             *currencyRef   `json:"currency,omitempty"`
	VatZone              *idDescDto     `json:"vatZone,omitempty"`
	DefaultCountry       *idNameDto     `json:"defaultCountry,omitempty"`
	MainAddress          *addressDto    `json:"mainAddress,omitempty"`
	Ledger               *numberDescDto `json:"ledger,omitempty"`
}

type currencyRef struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Symbol      string `json:"symbol,omitempty"`
}

type creditTermDto struct {
	TermsID              string `json:"termsId"`
	Description          string `json:"description"`
	VisibleTo            string `json:"visibleTo"`
	DueDateType          string `json:"dueDateType"`
	DueDay1              int64  `json:"dueDay1"`
	DiscountType         string `json:"discountType"`
	DiscountDay          int64  `json:"discountDay"`
	DiscountPercent      Dec    `json:"discountPercent"`
	InstalmentType       string `json:"instalmentType"`
	LastModifiedDateTime *Time  `json:"lastModifiedDateTime,omitempty"`
}

// creditTermPageDto is BasePaginationDtoOfCreditTermDto, the newer envelope.
type creditTermPageDto struct {
	PageNumber int64           `json:"pageNumber"`
	PageSize   int64           `json:"pageSize"`
	TotalCount int64           `json:"totalCount"`
	Records    []creditTermDto `json:"records"`
}

type vatScheduleDto struct {
	StartDate *Time  `json:"startDate,omitempty"`
	VatRate   Dec    `json:"vatRate"`
	GroupType string `json:"groupType,omitempty"`
}

type vatRateLineDto struct {
	VatRate   Dec   `json:"vatRate"`
	StartDate *Time `json:"startDate,omitempty"`
}

type vatCategoryLineDto struct {
	VatID       string           `json:"vatId"`
	Description string           `json:"description,omitempty"`
	Type        string           `json:"type,omitempty"`
	CalculateOn string           `json:"calculateOn,omitempty"`
	VatRates    []vatRateLineDto `json:"vatRates,omitempty"`
}

type vatCategoryDto struct {
	VatCategoryID        string               `json:"vatCategoryId"`
	Description          string               `json:"description,omitempty"`
	Active               bool                 `json:"active"`
	ExcludeListedTaxes   bool                 `json:"excludeListedTaxes"`
	LastModifiedDateTime *Time                `json:"lastModifiedDateTime,omitempty"`
	VatCategoryLines     []vatCategoryLineDto `json:"vatCategoryLines,omitempty"`
}

type vatZoneDto struct {
	ID                 string         `json:"id"`
	Description        string         `json:"description,omitempty"`
	DefaultVatCategory string         `json:"defaultVatCategory,omitempty"`
	DefaultTaxCategory *numberDescDto `json:"defaultTaxCategory,omitempty"`
	Metadata           *metadataDto   `json:"metadata,omitempty"`
}

func (d *vatZoneDto) setMeta(m *metadataDto) { d.Metadata = m }

type vatDto struct {
	VatID                string           `json:"vatId"`
	Description          string           `json:"description,omitempty"`
	Type                 string           `json:"type"`
	ReverseVat           bool             `json:"reverseVat"`
	IncludeinVatTotal    bool             `json:"includeinVatTotal"`
	CalculateOn          string           `json:"calculateOn"`
	VismaXMLVatType      string           `json:"vismaXmlVatType,omitempty"`
	LastModifiedDateTime *Time            `json:"lastModifiedDateTime,omitempty"`
	Schedules            []vatScheduleDto `json:"schedules"`
	Categories           []vatCategoryDto `json:"categories,omitempty"`
	Zones                []vatZoneDto     `json:"zones,omitempty"`
}

type paymentMethodDto struct {
	PaymentMethodID string `json:"paymentMethodID"`
	Active          bool   `json:"active"`
	MeansOfPayment  string `json:"meansOfPayment,omitempty"`
	Description     string `json:"description"`
	UseInAP         bool   `json:"useInAP"`
}

type warehouseDto struct {
	WarehouseID string         `json:"warehouseID"`
	Branch      *numberNameDto `json:"branch,omitempty"`
	Active      bool           `json:"active"`
	Description string         `json:"description,omitempty"`
}

type currencyDto struct {
	ID                  string `json:"id"`
	Description         string `json:"description,omitempty"`
	Symbol              string `json:"symbol,omitempty"`
	IsBaseCurrency      bool   `json:"isBaseCurrency"`
	DecimalPrecision    int64  `json:"decimalPrecision"`
	IsUsedForAccounting bool   `json:"isUsedForAccounting"`
}

type countryDto struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Metadata *metadataDto `json:"metadata,omitempty"`
}

func (d *countryDto) setMeta(m *metadataDto) { d.Metadata = m }

type salesOrderTypeDto struct {
	OrderType            string       `json:"orderType"`
	Active               bool         `json:"active"`
	Description          string       `json:"description,omitempty"`
	Behavior             string       `json:"behavior,omitempty"`
	DefaultOperation     string       `json:"defaultOperation,omitempty"`
	CustomerDocumentType string       `json:"customerDocumentType,omitempty"`
	Metadata             *metadataDto `json:"metadata,omitempty"`
}

func (d *salesOrderTypeDto) setMeta(m *metadataDto) { d.Metadata = m }

type customerClassDto struct {
	ID              string              `json:"id"`
	Description     string              `json:"description,omitempty"`
	TaxZoneID       string              `json:"taxZoneId,omitempty"`
	RequiredTaxzone bool                `json:"requiredTaxzoneId"`
	PaymentMethodID string              `json:"paymentMethodId,omitempty"`
	Attributes      []classAttributeDto `json:"attributes,omitempty"`
}

type itemClassDto struct {
	Type        string              `json:"type,omitempty"`
	Attributes  []classAttributeDto `json:"attributes,omitempty"`
	ID          string              `json:"id"`
	Description string              `json:"description,omitempty"`
}

type accountDto struct {
	AccountID            int64        `json:"accountID"`
	AccountCD            string       `json:"accountCD"`
	AccountClass         string       `json:"accountClass,omitempty"`
	Type                 string       `json:"type"`
	Active               bool         `json:"active"`
	Description          string       `json:"description,omitempty"`
	PostOption           string       `json:"postOption,omitempty"`
	TaxCategory          string       `json:"taxCategory,omitempty"`
	CashAccount          bool         `json:"cashAccount"`
	LastModifiedDateTime *Time        `json:"lastModifiedDateTime,omitempty"`
	AllowManualEntry     bool         `json:"allowManualEntry"`
	Metadata             *metadataDto `json:"metadata,omitempty"`
}

func (d *accountDto) setMeta(m *metadataDto) { d.Metadata = m }

type carrierDto struct {
	CarrierID            string `json:"carrierId"`
	CarrierDescription   string `json:"carrierDescription"`
	LastModifiedDateTime *Time  `json:"lastModifiedDateTime,omitempty"`
}
