package eaccounting

import "time"

// The API's shapes, named as the contract names them (PascalCase, GUID ids
// as strings). Only the fields the connector reads or writes so far are
// here; the contract's schemas have more, and the simulator's answers are
// checked against it.

// Meta is the paging envelope's metadata (CommonPaginationMetadata; all
// five fields are required).
type Meta struct {
	CurrentPage          int       `json:"CurrentPage"`
	PageSize             int       `json:"PageSize"`
	TotalNumberOfPages   int       `json:"TotalNumberOfPages"`
	TotalNumberOfResults int       `json:"TotalNumberOfResults"`
	ServerTimeUtc        time.Time `json:"ServerTimeUtc"`
}

// Page is one page of a listing (PaginatedResponseOf…).
type Page[T any] struct {
	Meta Meta `json:"Meta"`
	Data []T  `json:"Data"`
}

// ErrorBody is the API's error answer (CommonExtendedBadRequest; research
// §2.7). Errors, when present, name the fields a validation error is about.
type ErrorBody struct {
	ErrorCode             int           `json:"ErrorCode"`
	DeveloperErrorMessage string        `json:"DeveloperErrorMessage,omitempty"`
	ErrorId               string        `json:"ErrorId,omitempty"`
	Errors                []ErrorDetail `json:"Errors,omitempty"`
}

// ErrorDetail is one field problem (CommonError; its ErrorCode is a string).
type ErrorDetail struct {
	Field     string `json:"Field,omitempty"`
	ErrorCode string `json:"ErrorCode,omitempty"`
	Message   string `json:"Message,omitempty"`
	Key       string `json:"Key,omitempty"`
}

// The API's error codes (research §2.7).
const (
	CodeValidation       = 2000 // DataModelValidationError
	CodeNotFound         = 3000 // ResourceNotFound
	CodeNoFiscalYear     = 3001 // FiscalYearDoesNotExist
	CodeAccountNotFound  = 3002 // AccountNotFound
	CodeNoApprovalRights = 3003 // InsufficientApprovalPermission
	CodeConflict         = 4000 // the object cannot exist twice
	CodeCannotDelete     = 4001 // CanNotBeDeleted
	CodeCannotWrite      = 4002 // CanNotBeCreatedOrUpdated / NoAccessToModule
	CodeStartupGuide     = 4003 // StartupGuideNotCompleted
	CodeCompanyInactive  = 4004 // CompanyNotActive
	CodeNotAuthorized    = 4005 // bad or expired token
	CodeNoScope          = 4006 // NoAccessToScopes
	CodeRateLimited      = 4010 // quota exceeded
)

// CompanySettings is the company the token belongs to (CompanySettingsApi;
// Name, Address1, PostalCode, City and CountryCode are required).
type CompanySettings struct {
	Name         string `json:"Name"`
	Email        string `json:"Email,omitempty"`
	Phone        string `json:"Phone,omitempty"`
	Address1     string `json:"Address1"`
	Address2     string `json:"Address2,omitempty"`
	PostalCode   string `json:"PostalCode"`
	City         string `json:"City"`
	CountryCode  string `json:"CountryCode"`
	CurrencyCode string `json:"CurrencyCode,omitempty"`
	// ProductVariant: 1 Standard, 2 Invoicing, 3 Bookkeeping, 4 Solo, 5 Pro,
	// 6 InvoicingCollaboration.
	ProductVariant   int      `json:"ProductVariant,omitempty"`
	ActivatedModules []string `json:"ActivatedModules,omitempty"`
	// ShowPricesExclVatPC: with a private customer, a sales document's
	// prices include VAT (the contract's text of IncludesVat on every sales
	// document). Read-only.
	ShowPricesExclVatPC bool `json:"ShowPricesExclVatPC,omitempty"`
}

// Customer is a customer (CustomerApi; Name, IsPrivatePerson, IsActive,
// TermsOfPaymentId, InvoiceCity and InvoicePostalCode are required).
type Customer struct {
	Id                      string     `json:"Id,omitempty"`
	CustomerNumber          string     `json:"CustomerNumber,omitempty"`
	Name                    string     `json:"Name"`
	IsPrivatePerson         bool       `json:"IsPrivatePerson"`
	IsActive                bool       `json:"IsActive"`
	TermsOfPaymentId        string     `json:"TermsOfPaymentId"`
	InvoiceAddress1         string     `json:"InvoiceAddress1,omitempty"`
	InvoiceAddress2         string     `json:"InvoiceAddress2,omitempty"`
	InvoicePostalCode       string     `json:"InvoicePostalCode"`
	InvoiceCity             string     `json:"InvoiceCity"`
	InvoiceCountryCode      string     `json:"InvoiceCountryCode,omitempty"`
	EmailAddress            string     `json:"EmailAddress,omitempty"`
	Telephone               string     `json:"Telephone,omitempty"`
	MobilePhone             string     `json:"MobilePhone,omitempty"`
	ContactPersonName       string     `json:"ContactPersonName,omitempty"`
	ContactPersonEmail      string     `json:"ContactPersonEmail,omitempty"`
	CorporateIdentityNumber string     `json:"CorporateIdentityNumber,omitempty"`
	VatNumber               string     `json:"VatNumber,omitempty"`
	CurrencyCode            string     `json:"CurrencyCode,omitempty"`
	ChangedUtc              *time.Time `json:"ChangedUtc,omitempty"`
	// The delivery address, when it differs from the invoice address.
	DeliveryCustomerName string `json:"DeliveryCustomerName,omitempty"`
	DeliveryAddress1     string `json:"DeliveryAddress1,omitempty"`
	DeliveryAddress2     string `json:"DeliveryAddress2,omitempty"`
	DeliveryPostalCode   string `json:"DeliveryPostalCode,omitempty"`
	DeliveryCity         string `json:"DeliveryCity,omitempty"`
	DeliveryCountryCode  string `json:"DeliveryCountryCode,omitempty"`
}
