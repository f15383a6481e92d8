package vismanet_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/model"
)

func company() model.Customer {
	return model.Customer{Kind: model.CustomerCompany, CompanyName: "Bakkerij De Korst", Email: "Inkoop@Korst.nl",
		Person: model.Person{FirstName: "Jan", LastName: "de Vries"}, Phone: "030 123 4567", VATNumber: "NL123456789B01", CoCNumber: "12345678",
		Billing:  model.Address{Street: "Hoofdstraat", HouseNumber: "1", HouseNumberSuffix: "A", PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"},
		Shipping: model.Address{Street: "Magazijnweg", HouseNumber: "9", PostalCode: "1234 ZZ", City: "Utrecht", CountryCode: "NL"}}
}

func TestCreateCustomerWithDetails(t *testing.T) {
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) { c.Options.CustomerClass = "WEB" })
	ctx := context.Background()
	id, err := c.CreateCustomerWithDetails(ctx, company(), connectors.CustomerDetails{RevenueAccount: "3010", VATCode: "01", PaymentTermDays: 30,
		Extra: map[string]string{"SEGMENT": "retail", "CHANNEL": "web"}})
	require.NoError(t, err)
	assert.Equal(t, "C0001", id, "the number from the Location, on another host")
	raw := f.sent(vismanet.OpCreateCustomer)[0].Raw
	for _, want := range []string{`"name":{"value":"Bakkerij De Korst"}`, `"status":{"value":"Active"}`, `"customerClassId":{"value":"WEB"}`,
		`"creditTermsId":{"value":"30D"}`, `"vatRegistrationId":{"value":"NL123456789B01"}`, `"corporateId":{"value":"12345678"}`, `"vatZoneId":{"value":"01"}`,
		`"mainAddress":{"value":{"addressLine1":{"value":"Hoofdstraat 1 A"},"addressLine2":{"value":""},"postalCode":{"value":"1234 AB"},"city":{"value":"Utrecht"},"countryId":{"value":"NL"}}}`,
		`"deliveryAddress":{"value":{"addressLine1":{"value":"Magazijnweg 9"}`,
		`"mainContact":{"value":{"name":{"value":"Bakkerij De Korst"},"attention":{"value":"Jan de Vries"},"email":{"value":"inkoop@korst.nl"},"phone1":{"value":"030 123 4567"}}}`,
		`"glAccounts":{"value":{"salesAccount":{"value":"3010"}}}`,
		`"attributeLines":[{"attributeId":{"value":"CHANNEL"},"attributeValue":{"value":"web"}},{"attributeId":{"value":"SEGMENT"},"attributeValue":{"value":"retail"}}]`} {
		assert.Contains(t, raw, want)
	}
	assert.NotContains(t, raw, `"number"`, "numbered by the company's series")

	// What Visma.net holds comes back for the flow's compare.
	d, err := c.CustomerDetails(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, connectors.CustomerDetails{RevenueAccount: "3010", VATCode: "01", PaymentTermDays: 30,
		Extra: map[string]string{"SEGMENT": "retail", "CHANNEL": "web"}}, d)

	rec, err := c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "inkoop@korst.nl"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, id, rec.ID)
	assert.Equal(t, model.CustomerCompany, rec.Customer.Kind)
	assert.Equal(t, "Bakkerij De Korst", rec.Customer.CompanyName)
	assert.Equal(t, model.Person{FirstName: "Jan", LastName: "de Vries"}, rec.Customer.Person)
	assert.Equal(t, "Magazijnweg 9", rec.Customer.Shipping.Street)

	rec, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "externalId", Value: "C9999"})
	require.NoError(t, err)
	assert.Nil(t, rec, "a customer number that does not exist (404)")

	// A person: the name is the person's, no attention.
	id, err = c.CreateCustomer(ctx, model.Customer{Kind: model.CustomerPerson, Person: model.Person{FirstName: "Els", LastName: "Bos"}})
	require.NoError(t, err)
	assert.Contains(t, f.sent(vismanet.OpCreateCustomer)[1].Raw, `"name":{"value":"Els Bos"}`)
	rec, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "externalId", Value: id})
	require.NoError(t, err)
	assert.Equal(t, model.CustomerPerson, rec.Customer.Kind)

	// Unknown codes are refused before anything is written.
	_, err = c.CreateCustomerWithDetails(ctx, company(), connectors.CustomerDetails{VATCode: "99"})
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "VAT zone")
	assert.Len(t, f.sent(vismanet.OpCreateCustomer), 2)
}

func TestCustomerNumbersFromTheSource(t *testing.T) {
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) { c.Options.CustomerNumbers = "sourceId" })
	cu := company()
	cu.ID = "shop-77"
	id, err := c.CreateCustomer(context.Background(), cu)
	require.NoError(t, err)
	assert.Equal(t, "shop-77", id)
	assert.Contains(t, f.sent(vismanet.OpCreateCustomer)[0].Raw, `"number":{"value":"shop-77"}`)
	assert.Contains(t, f.sent(vismanet.OpCreateCustomer)[0].Raw, `"overrideNumberSeries":{"value":true}`)
	rec, err := c.FindCustomer(context.Background(), connectors.CustomerMatch{Field: "externalId", Value: "shop-77"})
	require.NoError(t, err)
	require.NotNil(t, rec)
}

// An update sends only Koppel's fields under If-Match with the ETag just
// read; a 412 reads again and retries once, a second is a clear conflict.
func TestUpdateCustomerRetriesA412Once(t *testing.T) {
	f := newFake()
	c := f.client(t, nil)
	ctx := context.Background()
	id, err := c.CreateCustomer(ctx, company())
	require.NoError(t, err)

	cu := company()
	cu.Email = "nieuw@korst.nl"
	require.NoError(t, c.UpdateCustomer(ctx, id, cu))
	puts := f.sent(vismanet.OpUpdateCustomer)
	require.Len(t, puts, 1)
	assert.Equal(t, `"v0"`, puts[0].Header.Get("If-Match"))
	assert.Contains(t, puts[0].Raw, `"email":{"value":"nieuw@korst.nl"}`)
	assert.NotContains(t, puts[0].Raw, `"status"`, "an update leaves the status")
	assert.NotContains(t, puts[0].Raw, `"creditTermsId"`, "no details given: none written")

	// Someone changes the customer between our read and write, once.
	f.refuse[vismanet.OpUpdateCustomer] = []refusal{{status: http.StatusPreconditionFailed, body: `{"message":"The record has been changed"}`}}
	require.NoError(t, c.UpdateCustomerWithDetails(ctx, id, cu, connectors.CustomerDetails{PaymentTermDays: 14}))
	puts = f.sent(vismanet.OpUpdateCustomer)
	require.Len(t, puts, 3)
	assert.Equal(t, `"v1"`, puts[2].Header.Get("If-Match"), "the retry carries the ETag read again")
	assert.Contains(t, puts[2].Raw, `"creditTermsId":{"value":"14D"}`)
	assert.Equal(t, 3, f.count(vismanet.OpGetCustomer), "read before each write")

	// Twice: a conflict that says so.
	f.refuse[vismanet.OpUpdateCustomer] = []refusal{{status: 412, body: `{}`}, {status: 412, body: `{}`}}
	err = c.UpdateCustomer(ctx, id, cu)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConflict, ce.Kind)
	assert.Contains(t, ce.Message, "changed in Visma.net again")
	assert.Len(t, f.sent(vismanet.OpUpdateCustomer), 5, "one retry, not more")
}
