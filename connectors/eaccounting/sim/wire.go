package sim

import "encoding/json"

// The simulator's own wire types, one per schema of the contract
// (shared/specs/eaccounting-v2.openapi.yaml, components/schemas), with
// every property the schema has, so a request may carry any of them and a
// misspelt one is refused (decode.go). They are deliberately not the
// client's structs: a client mistake must not hide behind a shared struct.
//
// The ea tag carries the schema's rules that decode.go checks: req
// (required), ro (readOnly: accepted on a write and ignored), max=N
// (maxLength), min=/maxv= (minimum/maximum). Objects the simulator has no
// use for stay raw JSON. Decimal places of money and quantities are checked
// per field in documents.go, where the contract states them in prose.
//
// Where research §2.5 differs from the contract the contract is followed:
// OrderApi.OrderDate is not required; QuoteApi has TotalAmount, not Amount;
// CustomerInvoiceRowApi and QuoteRowApi have IsTextRow and LineNumber read
// only; a draft row's Quantity has 2 decimals, not 4.

// Customer is CustomerApi.
type Customer struct {
	Id                                     string          `json:"Id,omitempty" ea:"ro"`
	InvoiceCity                            string          `json:"InvoiceCity" ea:"req,max=50"`
	InvoicePostalCode                      string          `json:"InvoicePostalCode" ea:"req,max=10"`
	GLN                                    string          `json:"GLN,omitempty" ea:"max=255"`
	EmailAddressOrder                      string          `json:"EmailAddressOrder,omitempty" ea:"max=255"`
	EmailAddressQuote                      string          `json:"EmailAddressQuote,omitempty" ea:"max=255"`
	PayToAccountId                         string          `json:"PayToAccountId,omitempty" ea:"ro"`
	TermsOfPayment                         *TermsOfPayment `json:"TermsOfPayment,omitempty"`
	LastInvoiceDate                        *Time           `json:"LastInvoiceDate,omitempty" ea:"ro"`
	TaxDeductionNumber                     string          `json:"TaxDeductionNumber,omitempty"`
	PropertyType                           *int            `json:"PropertyType,omitempty" ea:"min=1,maxv=2"`
	PropertyReference                      string          `json:"PropertyReference,omitempty" ea:"max=40"`
	ChangedUtc                             *Time           `json:"ChangedUtc,omitempty" ea:"ro"`
	CustomerLabels                         []CustomerLabel `json:"CustomerLabels,omitempty"`
	MessageThreads                         []string        `json:"MessageThreads,omitempty" ea:"ro"`
	Notes                                  []string        `json:"Notes,omitempty" ea:"ro"`
	IsFutureInvoiceDateAllowed             bool            `json:"IsFutureInvoiceDateAllowed" ea:"ro"`
	Iban                                   string          `json:"Iban,omitempty" ea:"max=35"`
	IsDirectDebitEnabled                   *bool           `json:"IsDirectDebitEnabled,omitempty"`
	DirectDebitCustomerSettings            json.RawMessage `json:"DirectDebitCustomerSettings,omitempty"`
	DiscountAgreementId                    string          `json:"DiscountAgreementId,omitempty"`
	UnpaidInvoicesAmount                   Dec             `json:"UnpaidInvoicesAmount" ea:"ro"`
	CustomerNumber                         string          `json:"CustomerNumber,omitempty" ea:"max=16"`
	CorporateIdentityNumber                string          `json:"CorporateIdentityNumber,omitempty" ea:"max=20"`
	ContactPersonEmail                     string          `json:"ContactPersonEmail,omitempty" ea:"max=255"`
	ContactPersonMobile                    string          `json:"ContactPersonMobile,omitempty" ea:"max=50"`
	ContactPersonName                      string          `json:"ContactPersonName,omitempty" ea:"max=100"`
	ContactPersonPhone                     string          `json:"ContactPersonPhone,omitempty" ea:"max=50"`
	CurrencyCode                           string          `json:"CurrencyCode,omitempty" ea:"max=3"`
	EmailAddress                           string          `json:"EmailAddress,omitempty" ea:"max=255"`
	InvoiceAddress1                        string          `json:"InvoiceAddress1,omitempty" ea:"max=50"`
	InvoiceAddress2                        string          `json:"InvoiceAddress2,omitempty" ea:"max=50"`
	InvoiceCountryCode                     string          `json:"InvoiceCountryCode,omitempty" ea:"max=2"`
	DeliveryAddress1                       string          `json:"DeliveryAddress1,omitempty" ea:"max=50"`
	DeliveryAddress2                       string          `json:"DeliveryAddress2,omitempty" ea:"max=50"`
	DeliveryCity                           string          `json:"DeliveryCity,omitempty" ea:"max=50"`
	DeliveryCountryCode                    string          `json:"DeliveryCountryCode,omitempty" ea:"max=2"`
	DeliveryPostalCode                     string          `json:"DeliveryPostalCode,omitempty" ea:"max=10"`
	DeliveryCustomerName                   string          `json:"DeliveryCustomerName,omitempty" ea:"max=100"`
	DeliveryMethodId                       string          `json:"DeliveryMethodId,omitempty"`
	DeliveryTermId                         string          `json:"DeliveryTermId,omitempty"`
	Name                                   string          `json:"Name" ea:"req,max=50"`
	Note                                   string          `json:"Note,omitempty" ea:"max=4000"`
	ReverseChargeOnConstructionServices    bool            `json:"ReverseChargeOnConstructionServices"`
	WebshopCustomerNumber                  *int            `json:"WebshopCustomerNumber,omitempty"`
	MobilePhone                            string          `json:"MobilePhone,omitempty" ea:"max=50"`
	Telephone                              string          `json:"Telephone,omitempty" ea:"max=50"`
	TermsOfPaymentId                       string          `json:"TermsOfPaymentId" ea:"req"`
	VatNumber                              string          `json:"VatNumber,omitempty" ea:"max=20"`
	WwwAddress                             string          `json:"WwwAddress,omitempty" ea:"max=255"`
	IsPrivatePerson                        bool            `json:"IsPrivatePerson" ea:"req"`
	IsNorthernIreland                      *bool           `json:"IsNorthernIreland,omitempty"`
	DiscountPercentage                     Dec             `json:"DiscountPercentage" ea:"min=0,maxv=1"`
	IsActive                               bool            `json:"IsActive" ea:"req"`
	ForceBookkeepVat                       bool            `json:"ForceBookkeepVat"`
	EdiGlnNumber                           string          `json:"EdiGlnNumber,omitempty" ea:"max=255"`
	SalesDocumentLanguage                  string          `json:"SalesDocumentLanguage,omitempty" ea:"max=2"`
	ElectronicAddress                      string          `json:"ElectronicAddress,omitempty" ea:"max=255"`
	ElectronicReference                    string          `json:"ElectronicReference,omitempty" ea:"max=35"`
	EdiServiceDelivererId                  string          `json:"EdiServiceDelivererId,omitempty" ea:"max=255"`
	AutoInvoiceActivationEmailSentDate     *Time           `json:"AutoInvoiceActivationEmailSentDate,omitempty"`
	AutoInvoiceRegistrationRequestSentDate *Time           `json:"AutoInvoiceRegistrationRequestSentDate,omitempty"`
	EmailAddresses                         []string        `json:"EmailAddresses,omitempty"`
	DeliveryBasedVat                       bool            `json:"DeliveryBasedVat"`
	SalesPriceListId                       string          `json:"SalesPriceListId,omitempty"`
}

// TermsOfPayment is TermsOfPaymentApi.
type TermsOfPayment struct {
	Id                     string `json:"Id,omitempty" ea:"ro"`
	Name                   string `json:"Name,omitempty"`
	NameEnglish            string `json:"NameEnglish,omitempty"`
	NumberOfDays           int    `json:"NumberOfDays"`
	TermsOfPaymentTypeId   int    `json:"TermsOfPaymentTypeId"`
	TermsOfPaymentTypeText string `json:"TermsOfPaymentTypeText,omitempty"`
	AvailableForSales      bool   `json:"AvailableForSales"`
	AvailableForPurchase   bool   `json:"AvailableForPurchase"`
}

// CompanySettings is CompanySettingsApi.
type CompanySettings struct {
	CompanyScanningAddress             json.RawMessage `json:"CompanyScanningAddress,omitempty"`
	Name                               string          `json:"Name" ea:"req,max=100"`
	Email                              string          `json:"Email,omitempty" ea:"max=255"`
	Phone                              string          `json:"Phone,omitempty" ea:"max=20"`
	MobilePhone                        string          `json:"MobilePhone,omitempty" ea:"max=20"`
	Address1                           string          `json:"Address1" ea:"req,max=40"`
	Address2                           string          `json:"Address2,omitempty" ea:"max=40"`
	CountryCode                        string          `json:"CountryCode" ea:"req,max=2"`
	PostalCode                         string          `json:"PostalCode" ea:"req,max=10"`
	City                               string          `json:"City" ea:"req,max=40"`
	Website                            string          `json:"Website,omitempty" ea:"max=255"`
	OurReference                       string          `json:"OurReference,omitempty" ea:"max=100"`
	CurrencyCode                       string          `json:"CurrencyCode,omitempty" ea:"ro"`
	TermsOfPaymentId                   string          `json:"TermsOfPaymentId,omitempty" ea:"ro"`
	CorporateIdentityNumber            string          `json:"CorporateIdentityNumber,omitempty" ea:"ro"`
	PeppolId                           string          `json:"PeppolId,omitempty" ea:"ro"`
	VatCode                            string          `json:"VatCode,omitempty" ea:"ro"`
	BankGiro                           string          `json:"BankGiro,omitempty"`
	PlusGiro                           string          `json:"PlusGiro,omitempty"`
	BankAccount                        string          `json:"BankAccount,omitempty" ea:"ro"`
	Iban                               string          `json:"Iban,omitempty" ea:"ro"`
	AccountNumberDigits                int             `json:"AccountNumberDigits" ea:"ro"`
	AccountingLockedTo                 *Time           `json:"AccountingLockedTo,omitempty" ea:"ro"`
	AccountingLockInterval             int             `json:"AccountingLockInterval" ea:"ro"`
	TaxDeclarationDate                 json.RawMessage `json:"TaxDeclarationDate,omitempty"`
	Gln                                string          `json:"Gln,omitempty" ea:"ro"`
	ProductVariant                     *int            `json:"ProductVariant,omitempty" ea:"ro"`
	TypeOfBusiness                     int             `json:"TypeOfBusiness" ea:"ro"`
	VatPeriod                          int             `json:"VatPeriod" ea:"ro"`
	ActivatedModules                   []string        `json:"ActivatedModules,omitempty" ea:"ro"`
	CompanyText                        json.RawMessage `json:"CompanyText,omitempty"`
	NextCustomerNumber                 int             `json:"NextCustomerNumber" ea:"ro"`
	NextSupplierNumber                 int             `json:"NextSupplierNumber" ea:"ro"`
	NextCustomerInvoiceNumber          int             `json:"NextCustomerInvoiceNumber" ea:"ro"`
	NextQuoteNumber                    int             `json:"NextQuoteNumber" ea:"ro"`
	NextOrderNumber                    int             `json:"NextOrderNumber" ea:"ro"`
	NextArticleNumber                  *int            `json:"NextArticleNumber,omitempty" ea:"ro"`
	ShowPricesExclVatPC                bool            `json:"ShowPricesExclVatPC" ea:"ro"`
	ShowContributionMargin             bool            `json:"ShowContributionMargin" ea:"ro"`
	HasProportionalVatEnabled          bool            `json:"HasProportionalVatEnabled" ea:"ro"`
	ProportionalVatValue               *int            `json:"ProportionalVatValue,omitempty" ea:"ro"`
	IsPayslipActivated                 *bool           `json:"IsPayslipActivated,omitempty" ea:"ro"`
	UsesCostCenter                     bool            `json:"UsesCostCenter" ea:"ro"`
	UsesProject                        bool            `json:"UsesProject" ea:"ro"`
	UsesMoss                           bool            `json:"UsesMoss"`
	UsesPaymentReferenceNumber         bool            `json:"UsesPaymentReferenceNumber"`
	UsesSupplierInvoiceEdit            *bool           `json:"UsesSupplierInvoiceEdit,omitempty"`
	UseAdvancedMode                    *bool           `json:"UseAdvancedMode,omitempty"`
	DomesticCurrencyRounding           int             `json:"DomesticCurrencyRounding" ea:"ro"`
	AutoInvoice                        json.RawMessage `json:"AutoInvoice,omitempty"`
	ApprovalSettings                   json.RawMessage `json:"ApprovalSettings,omitempty"`
	UsesReverseConstructionVat         bool            `json:"UsesReverseConstructionVat"`
	UsesRotReducedInvoicing            bool            `json:"UsesRotReducedInvoicing"`
	CompanyRotRutSettings              json.RawMessage `json:"CompanyRotRutSettings,omitempty"`
	CompanyStatus                      int             `json:"CompanyStatus" ea:"ro"`
	CompanyIdentifier                  string          `json:"CompanyIdentifier,omitempty" ea:"ro"`
	BankgiroNumberPrint                string          `json:"BankgiroNumberPrint,omitempty"`
	KeepOriginalDraftDate              *bool           `json:"KeepOriginalDraftDate,omitempty"`
	UsePaymentFilesForOutgoingPayments bool            `json:"UsePaymentFilesForOutgoingPayments"`
	UseAutomaticVatCalculation         *bool           `json:"UseAutomaticVatCalculation,omitempty"`
	ShowCostCenterReminder             bool            `json:"ShowCostCenterReminder" ea:"ro"`
	ShowProjectReminder                bool            `json:"ShowProjectReminder" ea:"ro"`
	UsesGreenTechnology                bool            `json:"UsesGreenTechnology" ea:"ro"`
	CompanyGreenTechnologySettings     json.RawMessage `json:"CompanyGreenTechnologySettings,omitempty"`
	UsesVatTriangulationRules          bool            `json:"UsesVatTriangulationRules"`
	Swish                              string          `json:"Swish,omitempty" ea:"max=20"`
	CompanyEmailForUpload              string          `json:"CompanyEmailForUpload,omitempty" ea:"ro"`
	VismaWebshopStatus                 int             `json:"VismaWebshopStatus" ea:"ro"`
	UsesTransactionText                bool            `json:"UsesTransactionText" ea:"ro"`
	FirstPaymentReminderWithoutFee     *bool           `json:"FirstPaymentReminderWithoutFee,omitempty"`
	LatePaymentFee                     *Dec            `json:"LatePaymentFee,omitempty" ea:"min=0,maxv=99999"`
	DefaultBackgroundId                string          `json:"DefaultBackgroundId,omitempty"`
	InvoicePrintSettingsType           int             `json:"InvoicePrintSettingsType" ea:"ro"`
}

// Article is ArticleApi.
type Article struct {
	Id                              string         `json:"Id,omitempty" ea:"ro"`
	IsActive                        bool           `json:"IsActive" ea:"req"`
	Number                          string         `json:"Number" ea:"req,max=40"`
	Name                            string         `json:"Name" ea:"req,max=50"`
	NameEnglish                     string         `json:"NameEnglish,omitempty" ea:"max=50"`
	NetPrice                        Dec            `json:"NetPrice" ea:"min=0,maxv=99000000"`
	NetPriceWithDiscount            Dec            `json:"NetPriceWithDiscount" ea:"min=0,maxv=99000000"`
	GrossPrice                      Dec            `json:"GrossPrice" ea:"min=0,maxv=99000000"`
	CodingId                        string         `json:"CodingId" ea:"req"`
	CodingName                      string         `json:"CodingName,omitempty" ea:"ro"`
	UnitId                          string         `json:"UnitId" ea:"req"`
	UnitName                        string         `json:"UnitName,omitempty" ea:"ro"`
	UnitAbbreviation                string         `json:"UnitAbbreviation,omitempty" ea:"ro"`
	StockBalance                    Dec            `json:"StockBalance"`
	StockBalanceManuallyChangedUtc  *Time          `json:"StockBalanceManuallyChangedUtc,omitempty" ea:"ro"`
	StockBalanceReserved            Dec            `json:"StockBalanceReserved" ea:"ro"`
	StockBalanceAvailable           Dec            `json:"StockBalanceAvailable" ea:"ro"`
	CreatedUtc                      *Time          `json:"CreatedUtc,omitempty" ea:"ro"`
	ChangedUtc                      *Time          `json:"ChangedUtc,omitempty" ea:"ro"`
	HouseWorkType                   *int           `json:"HouseWorkType,omitempty"`
	PurchasePrice                   Dec            `json:"PurchasePrice" ea:"min=0,maxv=99000000"`
	PurchasePriceManuallyChangedUtc *Time          `json:"PurchasePriceManuallyChangedUtc,omitempty" ea:"ro"`
	SendToWebshop                   bool           `json:"SendToWebshop"`
	UsesMoss                        bool           `json:"UsesMoss"`
	ArticleLabels                   []ArticleLabel `json:"ArticleLabels,omitempty"`
	MessageThreads                  []string       `json:"MessageThreads,omitempty" ea:"ro"`
	Notes                           []string       `json:"Notes,omitempty" ea:"ro"`
	Note                            string         `json:"Note,omitempty" ea:"max=4000"`
	IsStock                         bool           `json:"IsStock"`
	ShowStockInformation            bool           `json:"ShowStockInformation" ea:"ro"`
	IsServiceArticle                bool           `json:"IsServiceArticle" ea:"ro"`
	StockLocationReference          string         `json:"StockLocationReference,omitempty"`
	FreightCosts                    Dec            `json:"FreightCosts" ea:"min=0,maxv=99000000"`
	FreightCostsManuallyChangedUtc  *Time          `json:"FreightCostsManuallyChangedUtc,omitempty" ea:"ro"`
	UpdateStockPrices               bool           `json:"UpdateStockPrices"`
	Barcodes                        []Barcode      `json:"Barcodes,omitempty"`
	StockValue                      Dec            `json:"StockValue" ea:"ro"`
	GreenTechnologyType             *int           `json:"GreenTechnologyType,omitempty"`
	DiscountPercentage              Dec            `json:"DiscountPercentage"`
	CurrencyCode                    string         `json:"CurrencyCode,omitempty" ea:"max=3"`
	PurchasePriceWithCurrency       Dec            `json:"PurchasePriceWithCurrency"`
	FreightCostWithCurrency         Dec            `json:"FreightCostWithCurrency"`
	OrderingPoint                   *Dec           `json:"OrderingPoint,omitempty"`
	SupplierId                      string         `json:"SupplierId,omitempty"`
	SupplierArticleNumber           string         `json:"SupplierArticleNumber,omitempty" ea:"max=16"`
}

// Barcode is ArticleBarcodeApi.
type Barcode struct {
	Barcode     string `json:"Barcode,omitempty"`
	BarcodeType int    `json:"BarcodeType"`
}

// ArticleLabel is ArticleLabelApi.
type ArticleLabel struct {
	Id          string `json:"Id,omitempty" ea:"ro"`
	Name        string `json:"Name" ea:"req,max=50"`
	Description string `json:"Description,omitempty" ea:"max=400"`
}

// CustomerLabel is CustomerLabelApi.
type CustomerLabel struct {
	Id          string `json:"Id,omitempty" ea:"ro"`
	Name        string `json:"Name" ea:"req,max=50"`
	Description string `json:"Description,omitempty" ea:"max=400"`
}

// ArticleAccountCoding is ArticleAccountCodingApi.
type ArticleAccountCoding struct {
	Id                                                         string `json:"Id,omitempty" ea:"ro"`
	Name                                                       string `json:"Name,omitempty"`
	NameEnglish                                                string `json:"NameEnglish,omitempty"`
	Type                                                       string `json:"Type,omitempty"`
	VatRate                                                    string `json:"VatRate,omitempty"`
	IsActive                                                   bool   `json:"IsActive"`
	VatRatePercent                                             Dec    `json:"VatRatePercent"`
	DomesticSalesSubjectToReversedConstructionVatAccountNumber *int   `json:"DomesticSalesSubjectToReversedConstructionVatAccountNumber,omitempty"`
	DomesticSalesSubjectToVatAccountNumber                     *int   `json:"DomesticSalesSubjectToVatAccountNumber,omitempty"`
	DomesticSalesVatExemptAccountNumber                        *int   `json:"DomesticSalesVatExemptAccountNumber,omitempty"`
	ForeignSalesSubjectToMossAccountNumber                     *int   `json:"ForeignSalesSubjectToMossAccountNumber,omitempty"`
	ForeignSalesSubjectToThirdPartySalesAccountNumber          *int   `json:"ForeignSalesSubjectToThirdPartySalesAccountNumber,omitempty"`
	ForeignSalesSubjectToVatWithinEuAccountNumber              *int   `json:"ForeignSalesSubjectToVatWithinEuAccountNumber,omitempty"`
	ForeignSalesVatExemptOutsideEuAccountNumber                *int   `json:"ForeignSalesVatExemptOutsideEuAccountNumber,omitempty"`
	ForeignSalesVatExemptWithinEuAccountNumber                 *int   `json:"ForeignSalesVatExemptWithinEuAccountNumber,omitempty"`
	DomesticSalesVatCodeExemptAccountNumber                    *int   `json:"DomesticSalesVatCodeExemptAccountNumber,omitempty"`
	ChangedUtc                                                 *Time  `json:"ChangedUtc,omitempty" ea:"ro"`
}

// Unit is UnitApi.
type Unit struct {
	Id                  string `json:"Id,omitempty" ea:"ro"`
	Name                string `json:"Name,omitempty"`
	Code                string `json:"Code,omitempty"`
	Abbreviation        string `json:"Abbreviation,omitempty"`
	AbbreviationEnglish string `json:"AbbreviationEnglish,omitempty"`
}

// VatCode is VatCodeApi.
type VatCode struct {
	Id              string           `json:"Id,omitempty" ea:"ro"`
	Code            string           `json:"Code,omitempty"`
	Description     string           `json:"Description,omitempty"`
	VatRate         Dec              `json:"VatRate"`
	OssCodeType     int              `json:"OssCodeType"`
	RelatedAccounts *RelatedAccounts `json:"RelatedAccounts,omitempty"`
}

// RelatedAccounts is RelatedAccounts.
type RelatedAccounts struct {
	AccountNumber1 *int `json:"AccountNumber1,omitempty"`
	AccountNumber2 *int `json:"AccountNumber2,omitempty"`
	AccountNumber3 *int `json:"AccountNumber3,omitempty"`
}

// Country is CountryApi.
type Country struct {
	Name        string `json:"Name,omitempty"`
	NameEnglish string `json:"NameEnglish,omitempty"`
	Code        string `json:"Code,omitempty"`
	IsEuMember  bool   `json:"IsEuMember"`
}

// Currency is CurrencyApi.
type Currency struct {
	Code string `json:"Code,omitempty"`
}

// DeliveryMethod is DeliveryMethodApi.
type DeliveryMethod struct {
	Id          string `json:"Id,omitempty" ea:"ro"`
	Name        string `json:"Name" ea:"req,max=100"`
	NameEnglish string `json:"NameEnglish,omitempty" ea:"max=200"`
	Code        string `json:"Code,omitempty" ea:"max=20"`
}

// Order is OrderApi.
type Order struct {
	Id                                  string          `json:"Id,omitempty" ea:"ro"`
	Amount                              Dec             `json:"Amount"`
	CustomerId                          string          `json:"CustomerId" ea:"req"`
	CurrencyCode                        string          `json:"CurrencyCode" ea:"req,max=3"`
	CreatedUtc                          *Time           `json:"CreatedUtc,omitempty" ea:"ro"`
	VatAmount                           Dec             `json:"VatAmount"`
	RoundingsAmount                     Dec             `json:"RoundingsAmount"`
	DeliveredAmount                     Dec             `json:"DeliveredAmount"`
	DeliveredVatAmount                  Dec             `json:"DeliveredVatAmount"`
	DeliveredRoundingsAmount            Dec             `json:"DeliveredRoundingsAmount"`
	DeliveryCustomerName                string          `json:"DeliveryCustomerName,omitempty" ea:"max=100"`
	DeliveryAddress1                    string          `json:"DeliveryAddress1,omitempty" ea:"max=50"`
	DeliveryAddress2                    string          `json:"DeliveryAddress2,omitempty" ea:"max=50"`
	DeliveryPostalCode                  string          `json:"DeliveryPostalCode,omitempty" ea:"max=10"`
	DeliveryCity                        string          `json:"DeliveryCity,omitempty" ea:"max=50"`
	DeliveryCountryCode                 string          `json:"DeliveryCountryCode,omitempty" ea:"max=2"`
	YourReference                       string          `json:"YourReference,omitempty" ea:"max=100"`
	OurReference                        string          `json:"OurReference,omitempty" ea:"max=100"`
	BuyersOrderReference                string          `json:"BuyersOrderReference,omitempty" ea:"max=35"`
	InvoiceAddress1                     string          `json:"InvoiceAddress1,omitempty" ea:"max=50"`
	InvoiceAddress2                     string          `json:"InvoiceAddress2,omitempty" ea:"max=50"`
	InvoiceCity                         string          `json:"InvoiceCity,omitempty"`
	InvoiceCountryCode                  string          `json:"InvoiceCountryCode,omitempty" ea:"max=2"`
	InvoiceCustomerName                 string          `json:"InvoiceCustomerName,omitempty" ea:"max=50"`
	CustomerNumber                      string          `json:"CustomerNumber,omitempty" ea:"ro"`
	CustomerName                        string          `json:"CustomerName,omitempty" ea:"ro"`
	InvoicePostalCode                   string          `json:"InvoicePostalCode,omitempty" ea:"max=10"`
	DeliveryMethodName                  string          `json:"DeliveryMethodName,omitempty" ea:"max=50"`
	DeliveryMethodCode                  string          `json:"DeliveryMethodCode,omitempty" ea:"max=20"`
	DeliveryTermName                    string          `json:"DeliveryTermName,omitempty" ea:"max=50"`
	DeliveryTermId                      string          `json:"DeliveryTermId,omitempty" ea:"ro"`
	DeliveryMethodId                    string          `json:"DeliveryMethodId,omitempty" ea:"ro"`
	DeliveryTermCode                    string          `json:"DeliveryTermCode,omitempty" ea:"max=20"`
	TermsOfPaymentId                    string          `json:"TermsOfPaymentId,omitempty"`
	EuThirdParty                        bool            `json:"EuThirdParty" ea:"req"`
	CustomerIsPrivatePerson             bool            `json:"CustomerIsPrivatePerson" ea:"ro"`
	IncludesVat                         bool            `json:"IncludesVat" ea:"ro"`
	OrderDate                           *Time           `json:"OrderDate,omitempty"`
	Status                              int             `json:"Status" ea:"req,min=1,maxv=4"`
	Number                              *int            `json:"Number,omitempty" ea:"ro"`
	ModifiedUtc                         *Time           `json:"ModifiedUtc,omitempty" ea:"ro"`
	DeliveryDate                        *Time           `json:"DeliveryDate,omitempty"`
	HouseWorkAmount                     Dec             `json:"HouseWorkAmount"`
	HouseWorkAutomaticDistribution      bool            `json:"HouseWorkAutomaticDistribution"`
	HouseWorkCorporateIdentityNumber    string          `json:"HouseWorkCorporateIdentityNumber,omitempty" ea:"max=20"`
	HouseWorkPropertyName               string          `json:"HouseWorkPropertyName,omitempty" ea:"max=100"`
	SalesDocumentAttachments            []string        `json:"SalesDocumentAttachments,omitempty" ea:"ro"`
	MessageThreads                      []string        `json:"MessageThreads,omitempty" ea:"ro"`
	Notes                               []string        `json:"Notes,omitempty" ea:"ro"`
	Rows                                []OrderRow      `json:"Rows,omitempty"`
	ShippedDateTime                     *Time           `json:"ShippedDateTime,omitempty"`
	RotReducedInvoicingType             int             `json:"RotReducedInvoicingType" ea:"req"`
	MaxAllowedTaxReductionAmount        Dec             `json:"MaxAllowedTaxReductionAmount" ea:"ro"`
	RotReducedInvoicingPercent          Dec             `json:"RotReducedInvoicingPercent" ea:"ro"`
	RotPropertyType                     *int            `json:"RotPropertyType,omitempty"`
	Persons                             json.RawMessage `json:"Persons,omitempty"`
	ReverseChargeOnConstructionServices bool            `json:"ReverseChargeOnConstructionServices" ea:"req"`
	UsesGreenTechnology                 bool            `json:"UsesGreenTechnology"`
	IsNotDelivered                      bool            `json:"IsNotDelivered" ea:"ro"`
	ContributionMargin                  json.RawMessage `json:"ContributionMargin,omitempty"`
	CreatedFromQuoteId                  string          `json:"CreatedFromQuoteId,omitempty" ea:"ro"`
	BackgroundId                        string          `json:"BackgroundId,omitempty" ea:"ro"`
}

// OrderRow is OrderRowApi.
type OrderRow struct {
	Id                            string          `json:"Id,omitempty" ea:"ro"`
	LineNumber                    int             `json:"LineNumber" ea:"req,min=0,maxv=1000"`
	DeliveredQuantity             Dec             `json:"DeliveredQuantity"`
	ArticleId                     string          `json:"ArticleId,omitempty"`
	IsServiceArticle              bool            `json:"IsServiceArticle" ea:"ro"`
	UnitId                        string          `json:"UnitId,omitempty" ea:"ro"`
	ArticleNumber                 string          `json:"ArticleNumber,omitempty" ea:"max=40"`
	IsTextRow                     bool            `json:"IsTextRow" ea:"req"`
	Text                          string          `json:"Text,omitempty" ea:"max=2000"`
	UnitPrice                     *Dec            `json:"UnitPrice,omitempty"`
	Amount                        Dec             `json:"Amount"`
	IsDiscountInFixedAmount       bool            `json:"IsDiscountInFixedAmount" ea:"ro"`
	DiscountFixedAmount           *Dec            `json:"DiscountFixedAmount,omitempty" ea:"ro"`
	DiscountPercentage            Dec             `json:"DiscountPercentage" ea:"min=0,maxv=1"`
	Quantity                      Dec             `json:"Quantity"`
	WorkCostType                  int             `json:"WorkCostType"`
	IsWorkCost                    bool            `json:"IsWorkCost" ea:"req"`
	WorkHours                     *Dec            `json:"WorkHours,omitempty"`
	MaterialCosts                 *Dec            `json:"MaterialCosts,omitempty"`
	EligibleForReverseChargeOnVat bool            `json:"EligibleForReverseChargeOnVat" ea:"req"`
	VatRate                       *Dec            `json:"VatRate,omitempty" ea:"ro"`
	CostCenterItemId1             string          `json:"CostCenterItemId1,omitempty"`
	CostCenterItemId2             string          `json:"CostCenterItemId2,omitempty"`
	CostCenterItemId3             string          `json:"CostCenterItemId3,omitempty"`
	ProjectId                     string          `json:"ProjectId,omitempty"`
	GreenTechnologyType           int             `json:"GreenTechnologyType" ea:"min=0,maxv=3"`
	ContributionMargin            json.RawMessage `json:"ContributionMargin,omitempty"`
	PurchasePrice                 Dec             `json:"PurchasePrice" ea:"ro"`
	FreightCosts                  Dec             `json:"FreightCosts" ea:"ro"`
}

// InvoiceDraft is CustomerInvoiceDraftApi.
type InvoiceDraft struct {
	Id                                       string            `json:"Id,omitempty" ea:"ro"`
	CustomerId                               string            `json:"CustomerId" ea:"req"`
	CreatedUtc                               *Time             `json:"CreatedUtc,omitempty" ea:"ro"`
	IsCreditInvoice                          bool              `json:"IsCreditInvoice"`
	RotReducedInvoicingType                  int               `json:"RotReducedInvoicingType" ea:"req,min=0,maxv=2"`
	RotReducedInvoicingPropertyName          string            `json:"RotReducedInvoicingPropertyName,omitempty" ea:"max=40"`
	RotReducedInvoicingOrgNumber             string            `json:"RotReducedInvoicingOrgNumber,omitempty" ea:"max=11"`
	MaxAllowedTaxReductionAmount             Dec               `json:"MaxAllowedTaxReductionAmount" ea:"ro"`
	RotReducedInvoicingAmount                Dec               `json:"RotReducedInvoicingAmount"`
	RotReducedInvoicingAutomaticDistribution bool              `json:"RotReducedInvoicingAutomaticDistribution"`
	RotPropertyType                          *int              `json:"RotPropertyType,omitempty"`
	HouseWorkOtherCosts                      *Dec              `json:"HouseWorkOtherCosts,omitempty"`
	Rows                                     []InvoiceDraftRow `json:"Rows,omitempty"`
	Persons                                  json.RawMessage   `json:"Persons,omitempty"`
	YourReference                            string            `json:"YourReference,omitempty" ea:"max=100"`
	OurReference                             string            `json:"OurReference,omitempty" ea:"max=100"`
	BuyersOrderReference                     string            `json:"BuyersOrderReference,omitempty" ea:"max=35"`
	ElectronicReference                      string            `json:"ElectronicReference,omitempty" ea:"max=100"`
	SubscriptionNumber                       string            `json:"SubscriptionNumber,omitempty" ea:"max=100"`
	ContractNumber                           string            `json:"ContractNumber,omitempty" ea:"max=100"`
	InvoiceCustomerName                      string            `json:"InvoiceCustomerName,omitempty" ea:"ro,max=50"`
	InvoiceAddress1                          string            `json:"InvoiceAddress1,omitempty" ea:"max=50"`
	InvoiceAddress2                          string            `json:"InvoiceAddress2,omitempty" ea:"max=50"`
	InvoicePostalCode                        string            `json:"InvoicePostalCode,omitempty" ea:"ro,max=10"`
	InvoiceCity                              string            `json:"InvoiceCity,omitempty" ea:"ro,max=50"`
	InvoiceCountryCode                       string            `json:"InvoiceCountryCode,omitempty" ea:"ro,max=2"`
	InvoiceCurrencyCode                      string            `json:"InvoiceCurrencyCode,omitempty" ea:"ro"`
	DeliveryCustomerName                     string            `json:"DeliveryCustomerName,omitempty" ea:"max=50"`
	DeliveryAddress1                         string            `json:"DeliveryAddress1,omitempty" ea:"max=50"`
	DeliveryAddress2                         string            `json:"DeliveryAddress2,omitempty" ea:"max=50"`
	DeliveryPostalCode                       string            `json:"DeliveryPostalCode,omitempty" ea:"max=10"`
	DeliveryCity                             string            `json:"DeliveryCity,omitempty" ea:"max=50"`
	DeliveryCountryCode                      string            `json:"DeliveryCountryCode,omitempty" ea:"max=2"`
	DeliveryMethodName                       string            `json:"DeliveryMethodName,omitempty" ea:"max=50"`
	DeliveryTermName                         string            `json:"DeliveryTermName,omitempty" ea:"max=50"`
	TermsOfPaymentId                         string            `json:"TermsOfPaymentId,omitempty"`
	DeliveryMethodCode                       string            `json:"DeliveryMethodCode,omitempty" ea:"max=20"`
	DeliveryTermCode                         string            `json:"DeliveryTermCode,omitempty" ea:"max=20"`
	EuThirdParty                             bool              `json:"EuThirdParty" ea:"req"`
	CustomerIsPrivatePerson                  bool              `json:"CustomerIsPrivatePerson" ea:"ro"`
	ReverseChargeOnConstructionServices      bool              `json:"ReverseChargeOnConstructionServices" ea:"ro"`
	SalesDocumentAttachments                 []string          `json:"SalesDocumentAttachments,omitempty" ea:"ro"`
	MessageThreads                           []string          `json:"MessageThreads,omitempty" ea:"ro"`
	Notes                                    []string          `json:"Notes,omitempty" ea:"ro"`
	InvoiceDate                              *Time             `json:"InvoiceDate,omitempty"`
	DueDate                                  *Time             `json:"DueDate,omitempty"`
	DeliveryDate                             *Time             `json:"DeliveryDate,omitempty"`
	TotalAmount                              Dec               `json:"TotalAmount" ea:"ro"`
	TotalVatAmount                           Dec               `json:"TotalVatAmount" ea:"ro"`
	TotalRoundings                           Dec               `json:"TotalRoundings" ea:"ro"`
	TotalAmountBaseCurrency                  Dec               `json:"TotalAmountBaseCurrency" ea:"ro"`
	TotalVatAmountBaseCurrency               Dec               `json:"TotalVatAmountBaseCurrency" ea:"ro"`
	CustomerNumber                           string            `json:"CustomerNumber,omitempty" ea:"ro,max=16"`
	CustomerName                             string            `json:"CustomerName,omitempty" ea:"ro"`
	IncludesVat                              bool              `json:"IncludesVat" ea:"ro"`
	ReplaceUnitPriceWhenZero                 bool              `json:"ReplaceUnitPriceWhenZero"`
	UsesGreenTechnology                      bool              `json:"UsesGreenTechnology"`
	ContributionMargin                       json.RawMessage   `json:"ContributionMargin,omitempty"`
	IsDirectDebit                            *bool             `json:"IsDirectDebit,omitempty"`
	BackgroundId                             string            `json:"BackgroundId,omitempty"`
}

// InvoiceDraftRow is CustomerInvoiceDraftRowApi.
type InvoiceDraftRow struct {
	Id                                  string          `json:"Id,omitempty" ea:"ro"`
	LineNumber                          *int            `json:"LineNumber,omitempty" ea:"min=0,maxv=1000"`
	ArticleId                           string          `json:"ArticleId,omitempty"`
	IsServiceArticle                    bool            `json:"IsServiceArticle" ea:"ro"`
	UnitId                              string          `json:"UnitId,omitempty" ea:"ro"`
	ArticleNumber                       string          `json:"ArticleNumber,omitempty"`
	IsTextRow                           bool            `json:"IsTextRow" ea:"req"`
	Text                                string          `json:"Text,omitempty" ea:"max=2000"`
	UnitPrice                           *Dec            `json:"UnitPrice,omitempty"`
	IsDiscountInFixedAmount             bool            `json:"IsDiscountInFixedAmount" ea:"ro"`
	DiscountFixedAmount                 *Dec            `json:"DiscountFixedAmount,omitempty" ea:"ro"`
	DiscountPercentage                  Dec             `json:"DiscountPercentage" ea:"min=0,maxv=1"`
	Quantity                            Dec             `json:"Quantity"`
	WorkCostType                        int             `json:"WorkCostType"`
	IsWorkCost                          bool            `json:"IsWorkCost"`
	WorkHours                           *Dec            `json:"WorkHours,omitempty"`
	MaterialCosts                       *Dec            `json:"MaterialCosts,omitempty"`
	ReversedConstructionServicesVatFree bool            `json:"ReversedConstructionServicesVatFree" ea:"req"`
	CostCenterItemId1                   string          `json:"CostCenterItemId1,omitempty"`
	CostCenterItemId2                   string          `json:"CostCenterItemId2,omitempty"`
	CostCenterItemId3                   string          `json:"CostCenterItemId3,omitempty"`
	UnitAbbreviation                    string          `json:"UnitAbbreviation,omitempty"`
	UnitAbbreviationEnglish             string          `json:"UnitAbbreviationEnglish,omitempty"`
	VatRateId                           string          `json:"VatRateId,omitempty" ea:"ro"`
	VatRate                             *Dec            `json:"VatRate,omitempty" ea:"ro"`
	UnitName                            string          `json:"UnitName,omitempty"`
	ProjectId                           string          `json:"ProjectId,omitempty"`
	GreenTechnologyType                 int             `json:"GreenTechnologyType" ea:"min=0,maxv=3"`
	ContributionMargin                  json.RawMessage `json:"ContributionMargin,omitempty"`
	PurchasePrice                       Dec             `json:"PurchasePrice" ea:"ro"`
	Amount                              Dec             `json:"Amount" ea:"ro"`
	FreightCosts                        Dec             `json:"FreightCosts" ea:"ro"`
}

// Invoice is CustomerInvoiceApi.
type Invoice struct {
	Id                                            string          `json:"Id,omitempty" ea:"ro"`
	EuThirdParty                                  bool            `json:"EuThirdParty" ea:"req"`
	IsCreditInvoice                               bool            `json:"IsCreditInvoice"`
	CurrencyCode                                  string          `json:"CurrencyCode,omitempty" ea:"ro"`
	CurrencyRate                                  *Dec            `json:"CurrencyRate,omitempty"`
	CreatedByUserId                               string          `json:"CreatedByUserId,omitempty" ea:"ro"`
	TotalAmount                                   Dec             `json:"TotalAmount" ea:"ro"`
	TotalVatAmount                                Dec             `json:"TotalVatAmount" ea:"ro"`
	TotalRoundings                                Dec             `json:"TotalRoundings" ea:"ro"`
	TotalAmountInvoiceCurrency                    Dec             `json:"TotalAmountInvoiceCurrency" ea:"ro"`
	TotalVatAmountInvoiceCurrency                 Dec             `json:"TotalVatAmountInvoiceCurrency" ea:"ro"`
	SetOffAmountInvoiceCurrency                   Dec             `json:"SetOffAmountInvoiceCurrency" ea:"ro"`
	CustomerId                                    string          `json:"CustomerId" ea:"req"`
	Rows                                          []InvoiceRow    `json:"Rows" ea:"req"`
	VatSpecification                              []InvoiceVat    `json:"VatSpecification,omitempty" ea:"ro"`
	InvoiceDate                                   *Time           `json:"InvoiceDate,omitempty"`
	DueDate                                       *Time           `json:"DueDate,omitempty"`
	DeliveryDate                                  *Time           `json:"DeliveryDate,omitempty"`
	RotReducedInvoicingType                       int             `json:"RotReducedInvoicingType" ea:"req,min=0,maxv=2"`
	MaxAllowedTaxReductionAmount                  Dec             `json:"MaxAllowedTaxReductionAmount" ea:"ro"`
	RotReducedInvoicingAmount                     *Dec            `json:"RotReducedInvoicingAmount,omitempty"`
	RotReducedInvoicingPercent                    Dec             `json:"RotReducedInvoicingPercent" ea:"ro"`
	RotReducedInvoicingPropertyName               string          `json:"RotReducedInvoicingPropertyName,omitempty"`
	RotReducedInvoicingOrgNumber                  string          `json:"RotReducedInvoicingOrgNumber,omitempty" ea:"max=11"`
	Persons                                       json.RawMessage `json:"Persons,omitempty"`
	RotReducedInvoicingAutomaticDistribution      bool            `json:"RotReducedInvoicingAutomaticDistribution" ea:"ro"`
	ElectronicReference                           string          `json:"ElectronicReference,omitempty"`
	SubscriptionNumber                            string          `json:"SubscriptionNumber,omitempty" ea:"max=100"`
	ContractNumber                                string          `json:"ContractNumber,omitempty" ea:"max=100"`
	ElectronicAddress                             string          `json:"ElectronicAddress,omitempty" ea:"ro"`
	EdiServiceDelivererId                         string          `json:"EdiServiceDelivererId,omitempty" ea:"max=50"`
	OurReference                                  string          `json:"OurReference,omitempty" ea:"max=100"`
	YourReference                                 string          `json:"YourReference,omitempty" ea:"max=100"`
	BuyersOrderReference                          string          `json:"BuyersOrderReference,omitempty" ea:"max=35"`
	InvoiceCustomerName                           string          `json:"InvoiceCustomerName,omitempty" ea:"ro"`
	InvoiceAddress1                               string          `json:"InvoiceAddress1,omitempty" ea:"max=50"`
	InvoiceAddress2                               string          `json:"InvoiceAddress2,omitempty" ea:"max=50"`
	InvoicePostalCode                             string          `json:"InvoicePostalCode,omitempty" ea:"max=50"`
	InvoiceCity                                   string          `json:"InvoiceCity,omitempty" ea:"max=50"`
	InvoiceCountryCode                            string          `json:"InvoiceCountryCode,omitempty" ea:"max=2"`
	DeliveryCustomerName                          string          `json:"DeliveryCustomerName,omitempty" ea:"max=100"`
	DeliveryAddress1                              string          `json:"DeliveryAddress1,omitempty" ea:"max=50"`
	DeliveryAddress2                              string          `json:"DeliveryAddress2,omitempty" ea:"max=50"`
	DeliveryPostalCode                            string          `json:"DeliveryPostalCode,omitempty" ea:"max=10"`
	DeliveryCity                                  string          `json:"DeliveryCity,omitempty" ea:"max=50"`
	DeliveryCountryCode                           string          `json:"DeliveryCountryCode,omitempty" ea:"max=2"`
	DeliveryMethodName                            string          `json:"DeliveryMethodName,omitempty" ea:"ro"`
	DeliveryTermName                              string          `json:"DeliveryTermName,omitempty" ea:"ro"`
	DeliveryMethodCode                            string          `json:"DeliveryMethodCode,omitempty" ea:"ro"`
	DeliveryTermCode                              string          `json:"DeliveryTermCode,omitempty" ea:"ro"`
	CustomerIsPrivatePerson                       bool            `json:"CustomerIsPrivatePerson" ea:"ro"`
	TermsOfPaymentId                              string          `json:"TermsOfPaymentId,omitempty"`
	CustomerEmail                                 string          `json:"CustomerEmail,omitempty" ea:"ro"`
	InvoiceNumber                                 int             `json:"InvoiceNumber" ea:"ro"`
	CustomerNumber                                string          `json:"CustomerNumber,omitempty" ea:"ro"`
	CustomerName                                  string          `json:"CustomerName,omitempty" ea:"ro"`
	PaymentReferenceNumber                        string          `json:"PaymentReferenceNumber,omitempty" ea:"ro"`
	RotPropertyType                               *int            `json:"RotPropertyType,omitempty" ea:"min=1,maxv=2"`
	SalesDocumentAttachments                      []string        `json:"SalesDocumentAttachments,omitempty" ea:"ro"`
	MessageThreads                                []string        `json:"MessageThreads,omitempty" ea:"ro"`
	Notes                                         []string        `json:"Notes,omitempty" ea:"ro"`
	HasAutoInvoiceError                           bool            `json:"HasAutoInvoiceError" ea:"ro"`
	IsNotDelivered                                bool            `json:"IsNotDelivered" ea:"ro"`
	ReverseChargeOnConstructionServices           bool            `json:"ReverseChargeOnConstructionServices" ea:"ro"`
	WorkHouseOtherCosts                           *Dec            `json:"WorkHouseOtherCosts,omitempty"`
	RemainingAmount                               Dec             `json:"RemainingAmount" ea:"ro"`
	RemainingAmountInvoiceCurrency                Dec             `json:"RemainingAmountInvoiceCurrency" ea:"ro"`
	ReferringInvoiceId                            string          `json:"ReferringInvoiceId,omitempty" ea:"ro"`
	CreatedFromOrderId                            string          `json:"CreatedFromOrderId,omitempty" ea:"ro"`
	CreatedFromQuoteId                            string          `json:"CreatedFromQuoteId,omitempty" ea:"ro"`
	CreatedFromDraftId                            string          `json:"CreatedFromDraftId,omitempty"`
	VoucherNumber                                 string          `json:"VoucherNumber,omitempty" ea:"ro"`
	VoucherId                                     string          `json:"VoucherId,omitempty" ea:"ro"`
	CreatedUtc                                    *Time           `json:"CreatedUtc,omitempty" ea:"ro"`
	ModifiedUtc                                   *Time           `json:"ModifiedUtc,omitempty" ea:"ro"`
	ReversedConstructionVatInvoicing              bool            `json:"ReversedConstructionVatInvoicing" ea:"ro"`
	IncludesVat                                   bool            `json:"IncludesVat" ea:"ro"`
	SendType                                      *int            `json:"SendType,omitempty"`
	PaymentReminderIssued                         bool            `json:"PaymentReminderIssued" ea:"ro"`
	PaymentRemindersCount                         int             `json:"PaymentRemindersCount" ea:"ro"`
	LastPaymentReminderSentDate                   *Time           `json:"LastPaymentReminderSentDate,omitempty" ea:"ro"`
	UsesGreenTechnology                           bool            `json:"UsesGreenTechnology"`
	IsSold                                        bool            `json:"IsSold" ea:"ro"`
	FactoringInvoiceStatus                        int             `json:"FactoringInvoiceStatus" ea:"ro"`
	PaymentDate                                   *Time           `json:"PaymentDate,omitempty" ea:"ro"`
	PaymentStatus                                 int             `json:"PaymentStatus" ea:"ro"`
	CreditedBy                                    json.RawMessage `json:"CreditedBy,omitempty" ea:"ro"`
	ContributionMargin                            json.RawMessage `json:"ContributionMargin,omitempty"`
	IsDirectDebit                                 *bool           `json:"IsDirectDebit,omitempty"`
	IsQuickInvoice                                bool            `json:"IsQuickInvoice" ea:"ro"`
	IsCollectiveInvoice                           bool            `json:"IsCollectiveInvoice" ea:"ro"`
	CollectiveCustomerInvoiceRowsRelationToOrders json.RawMessage `json:"CollectiveCustomerInvoiceRowsRelationToOrders,omitempty" ea:"ro"`
	ReplaceUnitPriceWhenZero                      bool            `json:"ReplaceUnitPriceWhenZero"`
	TaxDeductionStatus                            int             `json:"TaxDeductionStatus" ea:"ro"`
	BackgroundId                                  string          `json:"BackgroundId,omitempty"`
}

// InvoiceRow is CustomerInvoiceRowApi.
type InvoiceRow struct {
	Id                      string          `json:"Id,omitempty" ea:"ro"`
	ArticleNumber           string          `json:"ArticleNumber,omitempty" ea:"ro"`
	ArticleId               string          `json:"ArticleId,omitempty"`
	IsServiceArticle        bool            `json:"IsServiceArticle" ea:"ro"`
	AmountNoVat             Dec             `json:"AmountNoVat" ea:"ro"`
	PercentVat              Dec             `json:"PercentVat" ea:"ro"`
	VatRate                 *Dec            `json:"VatRate,omitempty" ea:"ro"`
	LineNumber              int             `json:"LineNumber" ea:"ro"`
	IsTextRow               bool            `json:"IsTextRow" ea:"ro"`
	Text                    string          `json:"Text,omitempty" ea:"max=2000"`
	UnitPrice               *Dec            `json:"UnitPrice,omitempty"`
	UnitAbbreviation        string          `json:"UnitAbbreviation,omitempty" ea:"ro"`
	UnitAbbreviationEnglish string          `json:"UnitAbbreviationEnglish,omitempty" ea:"ro"`
	IsDiscountInFixedAmount bool            `json:"IsDiscountInFixedAmount" ea:"ro"`
	DiscountFixedAmount     *Dec            `json:"DiscountFixedAmount,omitempty" ea:"ro"`
	DiscountPercentage      Dec             `json:"DiscountPercentage" ea:"min=0,maxv=1"`
	Quantity                Dec             `json:"Quantity"`
	IsWorkCost              bool            `json:"IsWorkCost" ea:"ro"`
	IsVatFree               bool            `json:"IsVatFree"`
	CostCenterItemId1       string          `json:"CostCenterItemId1,omitempty"`
	CostCenterItemId2       string          `json:"CostCenterItemId2,omitempty"`
	CostCenterItemId3       string          `json:"CostCenterItemId3,omitempty"`
	UnitId                  string          `json:"UnitId,omitempty" ea:"ro"`
	ProjectId               string          `json:"ProjectId,omitempty"`
	WorkCostType            int             `json:"WorkCostType"`
	WorkHours               *Dec            `json:"WorkHours,omitempty"`
	MaterialCosts           *Dec            `json:"MaterialCosts,omitempty"`
	GreenTechnologyType     int             `json:"GreenTechnologyType" ea:"min=0,maxv=3"`
	ContributionMargin      json.RawMessage `json:"ContributionMargin,omitempty"`
	PurchasePrice           Dec             `json:"PurchasePrice" ea:"ro"`
	FreightCosts            Dec             `json:"FreightCosts" ea:"ro"`
	Amount                  Dec             `json:"Amount" ea:"ro"`
}

// InvoiceVat is CustomerInvoiceVatApi.
type InvoiceVat struct {
	AmountInvoiceCurrency    Dec `json:"AmountInvoiceCurrency" ea:"ro"`
	VatAmountInvoiceCurrency Dec `json:"VatAmountInvoiceCurrency" ea:"ro"`
	VatPercent               Dec `json:"VatPercent" ea:"ro"`
}

// Quote is QuoteApi.
type Quote struct {
	ApprovedDate                             *Time           `json:"ApprovedDate,omitempty" ea:"ro"`
	BackgroundId                             string          `json:"BackgroundId,omitempty" ea:"ro"`
	BuyersOrderReference                     string          `json:"BuyersOrderReference,omitempty" ea:"max=35"`
	CompanyReference                         string          `json:"CompanyReference,omitempty" ea:"max=100"`
	ContributionMargin                       json.RawMessage `json:"ContributionMargin,omitempty"`
	CreatedUtc                               *Time           `json:"CreatedUtc,omitempty" ea:"ro"`
	CurrencyCode                             string          `json:"CurrencyCode,omitempty" ea:"ro"`
	CurrencyRate                             Dec             `json:"CurrencyRate" ea:"ro"`
	CustomerId                               string          `json:"CustomerId" ea:"req"`
	CustomerIsPrivatePerson                  bool            `json:"CustomerIsPrivatePerson" ea:"ro"`
	CustomerName                             string          `json:"CustomerName,omitempty" ea:"ro"`
	CustomerNumber                           string          `json:"CustomerNumber,omitempty" ea:"ro"`
	CustomerReference                        string          `json:"CustomerReference,omitempty" ea:"max=100"`
	DeliveryAddress1                         string          `json:"DeliveryAddress1,omitempty" ea:"ro"`
	DeliveryAddress2                         string          `json:"DeliveryAddress2,omitempty" ea:"ro"`
	DeliveryCity                             string          `json:"DeliveryCity,omitempty" ea:"ro"`
	DeliveryCountryCode                      string          `json:"DeliveryCountryCode,omitempty" ea:"ro"`
	DeliveryCustomerName                     string          `json:"DeliveryCustomerName,omitempty" ea:"ro"`
	DeliveryDate                             *Time           `json:"DeliveryDate,omitempty"`
	DeliveryMethodCode                       string          `json:"DeliveryMethodCode,omitempty" ea:"ro"`
	DeliveryMethodName                       string          `json:"DeliveryMethodName,omitempty" ea:"ro"`
	DeliveryPostalCode                       string          `json:"DeliveryPostalCode,omitempty" ea:"ro"`
	DeliveryTermCode                         string          `json:"DeliveryTermCode,omitempty" ea:"ro"`
	DeliveryTermName                         string          `json:"DeliveryTermName,omitempty" ea:"ro"`
	DueDate                                  *Time           `json:"DueDate,omitempty"`
	EuThirdParty                             bool            `json:"EuThirdParty"`
	Id                                       string          `json:"Id,omitempty" ea:"ro"`
	IncludesVat                              bool            `json:"IncludesVat" ea:"ro"`
	InvoiceAddress1                          string          `json:"InvoiceAddress1,omitempty" ea:"ro"`
	InvoiceAddress2                          string          `json:"InvoiceAddress2,omitempty" ea:"ro"`
	InvoiceCity                              string          `json:"InvoiceCity,omitempty" ea:"ro"`
	InvoiceCountryCode                       string          `json:"InvoiceCountryCode,omitempty" ea:"ro"`
	InvoiceCustomerName                      string          `json:"InvoiceCustomerName,omitempty" ea:"ro"`
	InvoicePostalCode                        string          `json:"InvoicePostalCode,omitempty" ea:"ro"`
	IsDomestic                               bool            `json:"IsDomestic" ea:"ro"`
	IsNotDelivered                           bool            `json:"IsNotDelivered" ea:"ro"`
	MessageThreads                           []string        `json:"MessageThreads,omitempty" ea:"ro"`
	ModifiedUtc                              *Time           `json:"ModifiedUtc,omitempty" ea:"ro"`
	Notes                                    []string        `json:"Notes,omitempty" ea:"ro"`
	Number                                   *int            `json:"Number,omitempty" ea:"ro"`
	Persons                                  json.RawMessage `json:"Persons,omitempty"`
	QuoteDate                                *Time           `json:"QuoteDate,omitempty"`
	RotPropertyType                          *int            `json:"RotPropertyType,omitempty"`
	RotReducedInvoicingAmount                Dec             `json:"RotReducedInvoicingAmount"`
	MaxAllowedTaxReductionAmount             Dec             `json:"MaxAllowedTaxReductionAmount" ea:"ro"`
	RotReducedInvoicingAutomaticDistribution bool            `json:"RotReducedInvoicingAutomaticDistribution" ea:"ro"`
	RotReducedInvoicingOrgNumber             string          `json:"RotReducedInvoicingOrgNumber,omitempty"`
	RotReducedInvoicingPercent               Dec             `json:"RotReducedInvoicingPercent" ea:"ro"`
	RotReducedInvoicingPropertyName          string          `json:"RotReducedInvoicingPropertyName,omitempty"`
	RotReducedInvoicingType                  int             `json:"RotReducedInvoicingType"`
	RoundingsAmount                          Dec             `json:"RoundingsAmount" ea:"ro"`
	Rows                                     []QuoteRow      `json:"Rows,omitempty"`
	SalesDocumentAttachments                 []string        `json:"SalesDocumentAttachments,omitempty" ea:"ro"`
	Status                                   int             `json:"Status" ea:"ro"`
	TermsOfPayment                           *TermsOfPayment `json:"TermsOfPayment,omitempty"`
	TotalAmount                              Dec             `json:"TotalAmount" ea:"ro"`
	UsesGreenTechnology                      bool            `json:"UsesGreenTechnology"`
	VatAmount                                Dec             `json:"VatAmount" ea:"ro"`
}

// QuoteRow is QuoteRowApi.
type QuoteRow struct {
	Id                      string          `json:"Id,omitempty" ea:"ro"`
	ArticleId               string          `json:"ArticleId,omitempty"`
	IsServiceArticle        bool            `json:"IsServiceArticle" ea:"ro"`
	UnitId                  string          `json:"UnitId,omitempty" ea:"ro"`
	Text                    string          `json:"Text,omitempty" ea:"max=2000"`
	UnitPrice               *Dec            `json:"UnitPrice,omitempty"`
	Amount                  Dec             `json:"Amount"`
	IsDiscountInFixedAmount bool            `json:"IsDiscountInFixedAmount" ea:"ro"`
	DiscountFixedAmount     *Dec            `json:"DiscountFixedAmount,omitempty" ea:"ro"`
	DiscountPercentage      Dec             `json:"DiscountPercentage" ea:"min=0,maxv=1"`
	Quantity                Dec             `json:"Quantity"`
	WorkCostType            int             `json:"WorkCostType"`
	IsWorkCost              bool            `json:"IsWorkCost" ea:"ro"`
	WorkHours               *Dec            `json:"WorkHours,omitempty"`
	MaterialCosts           *Dec            `json:"MaterialCosts,omitempty"`
	IsVatFree               bool            `json:"IsVatFree"`
	VatRate                 *Dec            `json:"VatRate,omitempty" ea:"ro"`
	LineNumber              int             `json:"LineNumber" ea:"ro"`
	CostCenterItemId1       string          `json:"CostCenterItemId1,omitempty"`
	CostCenterItemId2       string          `json:"CostCenterItemId2,omitempty"`
	CostCenterItemId3       string          `json:"CostCenterItemId3,omitempty"`
	ProjectId               string          `json:"ProjectId,omitempty"`
	IsTextRow               bool            `json:"IsTextRow" ea:"ro"`
	ArticleNumber           string          `json:"ArticleNumber,omitempty" ea:"ro"`
	GreenTechnologyType     int             `json:"GreenTechnologyType" ea:"min=0,maxv=3"`
	ContributionMargin      json.RawMessage `json:"ContributionMargin,omitempty"`
	PurchasePrice           Dec             `json:"PurchasePrice" ea:"ro"`
	FreightCosts            Dec             `json:"FreightCosts" ea:"ro"`
}

// DraftValidation is CustomerInvoiceDraftValidationApi.
type DraftValidation struct {
	TotalAmountInvoiceCurrency    *Dec                 `json:"TotalAmountInvoiceCurrency,omitempty"`
	TotalVatAmountInvoiceCurrency *Dec                 `json:"TotalVatAmountInvoiceCurrency,omitempty"`
	TotalRoundingsInvoiceCurrency *Dec                 `json:"TotalRoundingsInvoiceCurrency,omitempty"`
	Rows                          []DraftValidationRow `json:"Rows,omitempty"`
}

// DraftValidationRow is CustomerInvoiceDraftValidationRowApi.
type DraftValidationRow struct {
	LineNumber                       int  `json:"LineNumber"`
	TotalAmountNoVatInvoiceCurrency  *Dec `json:"TotalAmountNoVatInvoiceCurrency,omitempty"`
	TotalAmountIncVatInvoiceCurrency *Dec `json:"TotalAmountIncVatInvoiceCurrency,omitempty"`
}

// Meta is CommonPaginationMetadata.
type Meta struct {
	CurrentPage          int   `json:"CurrentPage" ea:"req"`
	PageSize             int   `json:"PageSize" ea:"req"`
	TotalNumberOfPages   int   `json:"TotalNumberOfPages" ea:"req"`
	TotalNumberOfResults int   `json:"TotalNumberOfResults" ea:"req"`
	ServerTimeUtc        *Time `json:"ServerTimeUtc" ea:"req"`
}

// ErrorBody is CommonExtendedBadRequest.
type ErrorBody struct {
	ErrorCode             int           `json:"ErrorCode"`
	DeveloperErrorMessage string        `json:"DeveloperErrorMessage,omitempty"`
	ErrorId               string        `json:"ErrorId,omitempty"`
	Errors                []ErrorDetail `json:"Errors,omitempty"`
}

// ErrorDetail is CommonError.
type ErrorDetail struct {
	Field     string `json:"Field,omitempty"`
	ErrorCode string `json:"ErrorCode,omitempty"`
	Message   string `json:"Message,omitempty"`
	Key       string `json:"Key,omitempty"`
}
