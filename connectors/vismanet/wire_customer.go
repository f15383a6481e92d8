package vismanet

// Customers (§3.6). CustomerUpdate is the write (CustomerUpdateDto, every
// field wrapped but overrideWithClassValues and the line arrays); Customer
// is the read (CustomerDto).

// CustomerUpdate is a CustomerUpdateDto with the fields Koppel writes.
type CustomerUpdate struct {
	Number               *Value[string]             `json:"number,omitempty"`
	Name                 *Value[string]             `json:"name,omitempty"`
	Status               *Value[string]             `json:"status,omitempty"`
	CurrencyID           *Value[string]             `json:"currencyId,omitempty"`
	CustomerClassID      *Value[string]             `json:"customerClassId,omitempty"`
	CreditTermsID        *Value[string]             `json:"creditTermsId,omitempty"`
	VATRegistrationID    *Value[string]             `json:"vatRegistrationId,omitempty"`
	CorporateID          *Value[string]             `json:"corporateId,omitempty"`
	VATZoneID            *Value[string]             `json:"vatZoneId,omitempty"`
	MainAddress          *Value[AddressUpdate]      `json:"mainAddress,omitempty"`
	MainContact          *Value[ContactUpdate]      `json:"mainContact,omitempty"`
	InvoiceAddress       *Value[AddressUpdate]      `json:"invoiceAddress,omitempty"`
	InvoiceContact       *Value[ContactUpdate]      `json:"invoiceContact,omitempty"`
	DeliveryAddress      *Value[AddressUpdate]      `json:"deliveryAddress,omitempty"`
	DeliveryContact      *Value[ContactUpdate]      `json:"deliveryContact,omitempty"`
	GLAccounts           *Value[CustomerGLAccounts] `json:"glAccounts,omitempty"`
	AttributeLines       []AttributeLine            `json:"attributeLines,omitempty"`
	OverrideNumberSeries *Value[bool]               `json:"overrideNumberSeries,omitempty"`
}

// AddressUpdate is an AddressUpdateDto.
type AddressUpdate struct {
	AddressLine1 *Value[string] `json:"addressLine1,omitempty"`
	AddressLine2 *Value[string] `json:"addressLine2,omitempty"`
	AddressLine3 *Value[string] `json:"addressLine3,omitempty"`
	PostalCode   *Value[string] `json:"postalCode,omitempty"`
	City         *Value[string] `json:"city,omitempty"`
	CountryID    *Value[string] `json:"countryId,omitempty"`
	County       *Value[string] `json:"county,omitempty"`
}

// ContactUpdate is a ContactInfoUpdateDto.
type ContactUpdate struct {
	Name      *Value[string] `json:"name,omitempty"`
	Attention *Value[string] `json:"attention,omitempty"`
	Email     *Value[string] `json:"email,omitempty"`
	Web       *Value[string] `json:"web,omitempty"`
	Phone1    *Value[string] `json:"phone1,omitempty"`
	Phone2    *Value[string] `json:"phone2,omitempty"`
	Fax       *Value[string] `json:"fax,omitempty"`
}

// CustomerGLAccounts is a CustomerGlAccountsUpdateDto: the customer's
// revenue account is salesAccount.
type CustomerGLAccounts struct {
	SalesAccount *Value[string] `json:"salesAccount,omitempty"`
}

// Customer is a CustomerDto, as far as the connector reads it.
type Customer struct {
	InternalID        int             `json:"internalId"`
	Number            string          `json:"number"`
	Name              string          `json:"name"`
	Status            string          `json:"status"`
	MainAddress       *Address        `json:"mainAddress"`
	MainContact       *Contact        `json:"mainContact"`
	InvoiceAddress    *Address        `json:"invoiceAddress"`
	InvoiceContact    *Contact        `json:"invoiceContact"`
	DeliveryAddress   *Address        `json:"deliveryAddress"`
	DeliveryContact   *Contact        `json:"deliveryContact"`
	CreditTerms       *IDRef          `json:"creditTerms"`
	CurrencyID        string          `json:"currencyId"`
	VATRegistrationID string          `json:"vatRegistrationId"`
	CorporateID       string          `json:"corporateId"`
	VATZone           *IDRef          `json:"vatZone"`
	GLAccounts        *CustomerGLRead `json:"glAccounts"`
	Attributes        []Attribute     `json:"attributes"`
	LastModified      string          `json:"lastModifiedDateTime"`
	Metadata          *Metadata       `json:"metadata,omitempty"`
	CustomerClass     *IDRef          `json:"customerClass"`
	ParentRecord      *NumberRef      `json:"parentRecord"`
}

// Address is an address as reads carry it.
type Address struct {
	AddressID    int    `json:"addressId"`
	AddressLine1 string `json:"addressLine1"`
	AddressLine2 string `json:"addressLine2"`
	AddressLine3 string `json:"addressLine3"`
	PostalCode   string `json:"postalCode"`
	City         string `json:"city"`
	Country      *IDRef `json:"country"`
	County       *IDRef `json:"county"`
}

// CountryID is the address's country code.
func (a *Address) CountryID() string {
	if a == nil || a.Country == nil {
		return ""
	}
	return a.Country.ID
}

// Contact is a contact as reads carry it.
type Contact struct {
	ContactID int    `json:"contactId"`
	Name      string `json:"name"`
	Attention string `json:"attention"`
	Email     string `json:"email"`
	Web       string `json:"web"`
	Phone1    string `json:"phone1"`
	Phone2    string `json:"phone2"`
	Fax       string `json:"fax"`
}

// CustomerGLRead is the customer's accounts as read.
type CustomerGLRead struct {
	SalesAccount *AccountRef `json:"salesAccount"`
}

// AccountRef is an account reference of a read.
type AccountRef struct {
	Type        string `json:"type"`
	Number      string `json:"number"`
	Description string `json:"description"`
}
