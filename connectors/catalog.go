package connectors

import (
	"context"

	"github.com/koppel/koppel/model"
)

// ChangeQuery pages through the records of a source that changed since a
// cursor. Cursor and PageToken are opaque strings the connector made; the
// flows only store and hand them back.
type ChangeQuery struct {
	// Cursor is the high-water mark the previous complete run ended at; ""
	// starts from the beginning (every record).
	Cursor string
	// PageToken continues a listing; "" starts at the first page.
	PageToken string
	// PageSize is a hint; the connector clamps it to what the API allows.
	PageSize int
}

// SourceProduct is a product as a source delivers it: the canonical product
// plus its native record (and its variants' records, in the order of
// Product.Variants) for mapping rules that read raw.* fields.
type SourceProduct struct {
	Product     model.Product    `json:"product"`
	Raw         map[string]any   `json:"raw,omitempty"`
	RawVariants []map[string]any `json:"rawVariants,omitempty"`
}

// ProductPage is one page of changed products.
type ProductPage struct {
	Products []SourceProduct
	// NextPageToken is "" on the last page.
	NextPageToken string
	// Cursor is set on the last page: the cursor the next run starts from.
	Cursor string
}

// ProductSource is a system products come from.
type ProductSource interface {
	// ListChangedProducts lists the products created or changed since
	// q.Cursor, a configurable product with all of its variants.
	ListChangedProducts(ctx context.Context, q ChangeQuery) (ProductPage, error)
}

// TargetProduct is a product as a target holds it.
type TargetProduct struct {
	ID      string        `json:"id"`
	Product model.Product `json:"product"`
}

// ProductWrite is what a target writes for one product: the complete desired
// state (fields the flow decided to keep are already copied from the target's
// record) and custom fields by the target's field names.
type ProductWrite struct {
	Product model.Product `json:"product"`
	Extra   map[string]string
	// VariantExtra holds the custom fields of each variant, by variant SKU.
	VariantExtra map[string]map[string]string
	// CreateCategories creates a category the target lacks; when false, a
	// missing category fails the product with KindNotFound naming it.
	CreateCategories bool
	// WriteImages uploads photos the target does not have yet.
	WriteImages bool
}

// ProductTarget is a system products are written to, matched by SKU.
type ProductTarget interface {
	// FindProduct returns the product whose SKU (or one of whose variants'
	// SKUs) is sku; nil and no error when there is none.
	FindProduct(ctx context.Context, sku string) (*TargetProduct, error)
	CreateProduct(ctx context.Context, w ProductWrite) (id string, err error)
	// UpdateProduct writes w over product id; variants are matched by SKU, a
	// new variant is added.
	UpdateProduct(ctx context.Context, id string, w ProductWrite) error
}

// ProductMatcher is a ProductTarget that keeps a product in another shape
// than the source (eAccounting: one simple article per variant) and finds
// the whole product the source describes, in the source's shape, so the
// flow compares like with like. The flow prefers it to FindProduct.
type ProductMatcher interface {
	// FindProductFor returns what the target holds of p (its SKU and its
	// variants' SKUs); nil and no error when it holds none of it.
	FindProductFor(ctx context.Context, p model.Product) (*TargetProduct, error)
}

// StockQuery selects stock levels: the changed ones since Cursor, or every
// SKU when All is set (a reconciliation).
type StockQuery struct {
	ChangeQuery
	All bool
}

// StockPage is one page of stock levels.
type StockPage struct {
	Levels        []model.StockLevel
	NextPageToken string
	Cursor        string
}

// StockSource is a system stock levels come from.
type StockSource interface {
	ListStock(ctx context.Context, q StockQuery) (StockPage, error)
	// StockLevels reads the current levels of the given SKUs (a SKU the
	// source does not know, or keeps no stock for, is left out); the flow
	// uses it for SKUs whose change could not be written before.
	StockLevels(ctx context.Context, skus []string) ([]model.StockLevel, error)
}

// TargetStock is a SKU's stock as a target shows it.
type TargetStock struct {
	Quantity model.Quantity `json:"quantity"`
	// Managed says the target keeps stock for the SKU.
	Managed bool `json:"managed"`
}

// StockRounder is a StockTarget that keeps stock in coarser steps than a
// quantity has (Shopware: whole pieces): RoundStock is what it would store,
// so the flow compares like with like and never reports a change it cannot
// make.
type StockRounder interface {
	RoundStock(q model.Quantity) model.Quantity
}

// StockTarget is a system stock levels are written to.
type StockTarget interface {
	// GetStock returns what the target shows for each SKU it knows; a SKU
	// missing from the map does not exist in the target.
	GetStock(ctx context.Context, skus []string) (map[string]TargetStock, error)
	// SetStock sets the absolute quantity (never a delta, so a retry or a
	// repeated run cannot count twice) and, when manage is true, switches
	// stock keeping on for the SKU.
	SetStock(ctx context.Context, sku string, qty model.Quantity, manage bool) error
}

// StockDocumentTarget is a StockTarget that holds stock through documents,
// not a figure it lets us set (Visma.net: a released inventory adjustment).
// SetStockOnce writes the document that moves the SKU from what the target
// shows now to qty. ref names this one write (the flow derives it from its
// run, the SKU and qty): when a document tagged ref already exists, nothing
// is written again (one left on hold is released), so a retry after a lost
// answer moves the stock once. The flow prefers it to SetStock.
type StockDocumentTarget interface {
	SetStockOnce(ctx context.Context, sku string, qty model.Quantity, manage bool, ref string) error
}

// SourceCustomer is a customer as a source delivers it, with its native record.
type SourceCustomer struct {
	Customer model.Customer `json:"customer"`
	Raw      map[string]any `json:"raw,omitempty"`
}

// CustomerPage is one page of customers.
type CustomerPage struct {
	Customers     []SourceCustomer
	NextPageToken string
	Cursor        string
}

// CustomerSource is a system customer accounts come from.
type CustomerSource interface {
	// ListCustomers lists the customers changed since q.Cursor; a source
	// without a change filter lists all of them (and says so in its docs).
	ListCustomers(ctx context.Context, q ChangeQuery) (CustomerPage, error)
}
