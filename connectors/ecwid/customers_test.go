package ecwid

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func TestFindCustomerByExactEmail(t *testing.T) {
	f := newFake(t)
	f.addCustomer(`{"id": 3, "email": "jan@example.nl.test", "name": "Iemand"}`)
	f.addCustomer(`{"id": 9, "email": "Jan@Example.nl", "name": "Jan Smit", "taxId": "NL1",
	  "billingPerson": {"name": "Jan Smit", "companyName": "Bakkerij Smit", "street": "Dorpsstraat 12\nachterom", "city": "Utrecht", "postalCode": "1234 AB", "countryCode": "NL", "phone": "030"}}`)
	f.addCustomer(`{"id": 5, "email": "jan@example.nl", "name": "Jan"}`)
	c := f.client()
	rec, err := c.FindCustomer(context.Background(), connectors.CustomerMatch{Field: "email", Value: "jan@example.nl"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, "5", rec.ID, "of two accounts with the address, the lowest id")
	q := f.callsOf(OpListCustomers)[0].Query
	assert.Equal(t, "true", q.Get("useExactEmailMatch"))
	assert.Equal(t, "jan@example.nl", q.Get("email"))

	f.customers = f.customers[:2]
	rec, err = c.FindCustomer(context.Background(), connectors.CustomerMatch{Field: "email", Value: "jan@example.nl"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	cu := rec.Customer
	assert.Equal(t, "9", rec.ID)
	assert.Equal(t, model.CustomerCompany, cu.Kind)
	assert.Equal(t, "Bakkerij Smit", cu.CompanyName)
	assert.Equal(t, model.Person{FirstName: "Jan", LastName: "Smit"}, cu.Person)
	assert.Equal(t, "Dorpsstraat 12", cu.Billing.StreetLine())
	assert.Equal(t, "achterom", cu.Billing.Line2)
	assert.Equal(t, "NL1", cu.VATNumber)

	none, err := c.FindCustomer(context.Background(), connectors.CustomerMatch{Field: "email", Value: "nobody@example.nl"})
	require.NoError(t, err)
	assert.Nil(t, none)
	_, err = c.FindCustomer(context.Background(), connectors.CustomerMatch{Field: "externalId", Value: "pos-1"})
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
}

func TestCreateAndUpdateCustomer(t *testing.T) {
	f := newFake(t)
	c := f.client()
	cu := model.Customer{Kind: model.CustomerCompany, Email: "Info@Smit.nl", CompanyName: "Bakkerij Smit", VATNumber: "NL1",
		Person:  model.Person{FirstName: "Jan", LastName: "Smit"},
		Billing: model.Address{Name: "Afdeling inkoop", Street: "Dorpsstraat", HouseNumber: "12", Line2: "achterom", PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"}}
	id, err := c.CreateCustomer(context.Background(), cu)
	require.NoError(t, err)
	body := f.callsOf(OpCreateCustomer)[0].Body
	assert.Equal(t, "info@smit.nl", body["email"])
	assert.Equal(t, "NL1", body["taxId"])
	assert.Equal(t, "b2b", body["b2b_b2c"])
	assert.Equal(t, map[string]any{"name": "Jan Smit", "companyName": "Bakkerij Smit", "street": "Dorpsstraat 12\nachterom",
		"city": "Utrecht", "postalCode": "1234 AB", "countryCode": "NL"}, body["billingPerson"])

	cu.Person.LastName = "de Smit"
	require.NoError(t, c.UpdateCustomer(context.Background(), id, cu))
	put := f.callsOf(OpUpdateCustomer)[0]
	assert.Equal(t, "/customers/"+id, put.Path)
	assert.Equal(t, "Jan de Smit", put.Body["billingPerson"].(map[string]any)["name"])

	_, err = c.CreateCustomer(context.Background(), model.Customer{Kind: model.CustomerPerson, Person: model.Person{LastName: "X"}})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "Ecwid needs an e-mail address")
}

func TestListCustomersPagesToTheEnd(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run(map[bool]string{false: "window", true: "API ignores the window"}[ignore], func(t *testing.T) {
			listCustomersToTheEnd(t, ignore)
		})
	}
}

func listCustomersToTheEnd(t *testing.T, ignoreWindow bool) {
	f := newFake(t)
	f.ignoreWindow = ignoreWindow
	for _, c := range []string{
		`{"id": 1, "email": "a@example.nl", "updated": "2024-05-01 05:00:00 +0000"}`,
		`{"id": 2, "email": "b@example.nl", "updated": "2024-05-01 05:00:00 +0000"}`,
		`{"id": 3, "email": "c@example.nl", "updated": "2024-05-01 05:00:00 +0000"}`,
		`{"id": 4, "email": "d@example.nl", "updated": "2024-05-01 05:10:00 +0000"}`,
		`{"id": 5, "email": "e@example.nl", "updated": "2024-05-01 05:20:00 +0000"}`,
	} {
		f.addCustomer(c)
	}
	c := f.client()
	seen := map[string]int{}
	token, cursor := "", ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 50)
		p, err := c.ListCustomers(context.Background(), connectors.ChangeQuery{PageToken: token, PageSize: 2})
		require.NoError(t, err)
		for _, sc := range p.Customers {
			seen[sc.Customer.Email]++
		}
		if p.NextPageToken == "" {
			cursor = p.Cursor
			break
		}
		token = p.NextPageToken
	}
	assert.Equal(t, map[string]int{"a@example.nl": 1, "b@example.nl": 1, "c@example.nl": 1, "d@example.nl": 1, "e@example.nl": 1}, seen)
	p, err := c.ListCustomers(context.Background(), connectors.ChangeQuery{Cursor: cursor})
	require.NoError(t, err)
	assert.Empty(t, p.Customers)
}
