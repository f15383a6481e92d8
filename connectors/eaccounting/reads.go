package eaccounting

import (
	"context"
)

// CompanySettings reads the settings of the company the tokens belong to
// (GET /companysettings, scope ea:sales or ea:sales_readonly). The user
// picks the company at consent, so this is how one checks which it was.
func (c *Client) CompanySettings(ctx context.Context) (CompanySettings, error) {
	var s CompanySettings
	err := c.get(ctx, OpCompanySettings, endpointOf(OpCompanySettings), nil, &s)
	return s, err
}

// ListCustomers reads one page of customers (GET /customers, scope ea:sales
// or ea:sales_readonly).
func (c *Client) ListCustomers(ctx context.Context, o ListOptions) (Page[Customer], error) {
	return listPage[Customer](ctx, c, OpListCustomers, o)
}

// EachCustomer hands every customer of the listing to fn, a page at a time.
func (c *Client) EachCustomer(ctx context.Context, o ListOptions, fn func([]Customer) error) error {
	return eachPage(ctx, c, OpListCustomers, o, fn)
}
