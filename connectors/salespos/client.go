package salespos

import (
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
)

// Config configures a Client.
type Config struct {
	// Config is the CCV client's configuration: the account's base URL,
	// the key pair, rate limits, the product, stock and order-feed settings
	// (ccvshop.Config). Its Flavor is always SalesPOS's; an empty MediaType
	// is DefaultMediaType.
	ccvshop.Config
	// RegisterID and StoreID keep only the sales rung up at one till or
	// one store (register_id, store_id [A]); "" keeps all.
	RegisterID, StoreID string
}

// Client reads and writes one SalesPOS account. It is the CCV client with
// the SalesPOS flavour (orders, products, stock, customer accounts as CCV
// Shop's), the CCV order writer (the order target, see package doc) and
// the POS-only reads of pos.go. It is safe for concurrent use.
type Client struct {
	*ccvshop.Client
	*ccvshop.OrderWriter
}

var (
	_ connectors.OrderSource    = (*Client)(nil)
	_ connectors.RawOrderSource = (*Client)(nil)
	_ connectors.OrderTarget    = (*Client)(nil)
	_ connectors.CustomerTarget = (*Client)(nil)
	_ connectors.ProductLookup  = (*Client)(nil)
	_ connectors.TotalBooker    = (*Client)(nil)
	_ connectors.CurrencyTarget = (*Client)(nil)
	_ connectors.ProductSource  = (*Client)(nil)
	_ connectors.ProductTarget  = (*Client)(nil)
	_ connectors.StockSource    = (*Client)(nil)
	_ connectors.StockTarget    = (*Client)(nil)
	_ connectors.CustomerSource = (*Client)(nil)
)

// New validates cfg (every problem at once, as one KindConfig error) and
// builds a client.
func New(cfg Config) (*Client, error) {
	cc := cfg.Config
	cc.Flavor = ccvshop.Flavor{System: System, MediaType: DefaultMediaType,
		Orders: posOrders{register: strings.TrimSpace(cfg.RegisterID), store: strings.TrimSpace(cfg.StoreID)}}
	// A till's sales are finished when they are rung up [A]: no listing of
	// unfinished checkouts, which would cost a call per poll.
	cc.SkipUnfinished = true
	c, err := ccvshop.New(cc)
	if err != nil {
		return nil, err
	}
	w, err := ccvshop.NewOrderWriter(c, ccvshop.OrderWriterConfig{KeyField: KeyField, KeyFilter: KeyFilter})
	if err != nil {
		return nil, err
	}
	return &Client{Client: c, OrderWriter: w}, nil
}
