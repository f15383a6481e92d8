package ccvshop

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/koppel/koppel/connectors"
)

// OpListUsers is the operation name of the customer listing.
const OpListUsers = "GET /users"

// ListCustomers lists the shop's customer accounts (/users/, §1.6.4) in the
// order of their ids. The API has no change filter for users, so every run
// lists all of them and Cursor stays "". The page token is the shop's next
// link. Personal info maps as an order's customer does; ID is the user id.
func (c *Client) ListCustomers(ctx context.Context, q connectors.ChangeQuery) (connectors.CustomerPage, error) {
	uri := q.PageToken
	if uri == "" {
		size := q.PageSize
		if size <= 0 {
			size = DefaultPageSize
		}
		uri = fmt.Sprintf("%s/users/?orderby=id&start=0&size=%d", APIPath, min(size, c.cfg.MaxPageSize))
	}
	var page wireCollection[json.RawMessage]
	if err := c.get(ctx, OpListUsers, uri, &page); err != nil {
		return connectors.CustomerPage{}, err
	}
	out := connectors.CustomerPage{Customers: []connectors.SourceCustomer{}}
	for _, raw := range page.Items {
		var u wireUser
		if err := json.Unmarshal(raw, &u); err != nil {
			return connectors.CustomerPage{}, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpListUsers,
				Message: "a user cannot be read: " + c.scrub(err.Error())}
		}
		var m map[string]any
		_ = json.Unmarshal(raw, &m) // the bytes just decoded into u
		cust := toCustomer(u.Userinfo)
		cust.ID = strconv.FormatInt(u.ID, 10)
		out.Customers = append(out.Customers, connectors.SourceCustomer{Customer: cust, Raw: m})
	}
	if page.Next != nil && *page.Next != "" && *page.Next != uri && len(page.Items) > 0 {
		out.NextPageToken = *page.Next
	}
	return out, nil
}
