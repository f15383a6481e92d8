package ccvshop

import (
	"context"
	"encoding/json"

	"github.com/koppel/koppel/model"
)

// MediaTypeSalesPOS is the Accept header that selects the SalesPOS variants
// of the schemas (research §1.3 and §4.1, from the official SDK).
const MediaTypeSalesPOS = "application/vnd.verto.salespos+json"

// Flavor is the CCV product a client talks to. CCV Shop and CCV SalesPOS
// are one REST framework (research §4): the same signing, paging, errors,
// orders, products and users; the media type selects a product's schemas,
// and SalesPOS adds resources of its own (package salespos reads them with
// Get and ListPage). The zero Flavor is CCV Shop.
type Flavor struct {
	// System names the connector in errors, call observations and the
	// pacer's key; "" means System ("ccvshop").
	System string
	// MediaType is the Accept header when Config.MediaType is empty; ""
	// means the webshop media type.
	MediaType string
	// Orders, when set, reads what the flavour's orders hold beyond a
	// webshop order's; nil reads them as CCV Shop orders.
	Orders OrderReader
}

// OrderReader refines the orders of a flavour from their JSON as the API
// sent it.
type OrderReader interface {
	// Keep reports whether a listed order belongs in this client's listings
	// and change feed (GetOrder and GetOrderSummary read any order). A
	// non-empty unreadable lists the order as one the client cannot read,
	// for that reason, whatever keep says.
	Keep(raw json.RawMessage) (keep bool, unreadable string)
	// Status refines the status read from a finished order's status code.
	Status(raw json.RawMessage, st model.OrderStatus) model.OrderStatus
	// Refine amends an order GetOrder or GetOrderRaw read (its status is
	// already refined).
	Refine(raw json.RawMessage, o *model.Order)
}

// withDefaults fills what the flavour leaves empty with CCV Shop's.
func (f Flavor) withDefaults() Flavor {
	if f.System == "" {
		f.System = System
	}
	if f.MediaType == "" {
		f.MediaType = MediaType
	}
	return f
}

// system is the flavour's connector name, the System of every error.
func (c *Client) system() string { return c.cfg.Flavor.System }

// Get reads one API resource into out: a path under APIPath with its
// query, or a link the API gave. It is signed, paced, observed under op and
// checked like every call of the client; a flavour reads its own resources
// with it (package salespos: cash-ups, terminal receipts).
func (c *Client) Get(ctx context.Context, op, uri string, out any) error {
	return c.get(ctx, op, uri, out)
}

// Page is one page of a collection: its items as the API sent them and the
// link to the next page, "" on the last.
type Page struct {
	Items []json.RawMessage
	Next  string
}

// ListPage reads one page of a collection: uri is a path with start and
// size, or a Page.Next link.
func (c *Client) ListPage(ctx context.Context, op, uri string) (Page, error) {
	var page wireCollection[json.RawMessage]
	if err := c.get(ctx, op, uri, &page); err != nil {
		return Page{}, err
	}
	out := Page{Items: page.Items}
	if page.Next != nil && *page.Next != "" && *page.Next != uri && len(page.Items) > 0 {
		out.Next = *page.Next
	}
	return out, nil
}

// PageSize is the `size` a listing asks for when its caller wants n: the
// default page size for 0 or less, at most the client's largest page.
func (c *Client) PageSize(n int) int {
	if n <= 0 {
		n = DefaultPageSize
	}
	return min(n, c.cfg.MaxPageSize)
}
