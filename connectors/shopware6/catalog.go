package shopware6

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/model"
)

// catalog.go holds what the product and stock targets share: the shop's
// settings they look up (currency, taxes, sales channels, the category
// root), cached for catalogTTL, and the Sync API call every write goes
// through.
//
// Why the Sync API and not POST/PATCH: the contract
// (shopware-adminapi.json) gives PATCH /product/{id} the create schema with
// its required fields (name, price, taxId, stock …), while a partial update
// is what the flows need (a stock write must not send the name, a product
// write must not send the stock). A sync upsert is partial by design
// (research §1.7), writes the product with its variants, visibilities,
// category, option and media links in one request, and from 6.5 in one
// transaction: a product is written whole or not at all. Every id is
// derived from a natural key (DeterministicID), so an upsert repeated after
// a lost answer writes the same records again instead of new ones.

// Operation names of the catalogue's calls.
const (
	OpSearchProducts = "POST /search/product"
	OpSync           = "POST /_action/sync"
	OpUploadMedia    = "POST /_action/media/{mediaId}/upload"
)

// catalogTTL bounds how long looked-up settings (taxes, currency, sales
// channels) are reused; they rarely change, and a change is seen within it.
const catalogTTL = 10 * time.Minute

// Visibility values of product_visibility (research §1.9).
const visibilityAll = 30

// catalogCache holds the looked-up settings; a refresh replaces them whole,
// so a caller keeps a consistent set.
type catalogCache struct {
	mu  sync.Mutex
	set *shopSettings
}

// shopSettings are the settings the catalogue's writes need.
type shopSettings struct {
	at       time.Time
	currency string // the currency id of Config.Currency
	taxes    map[model.VATRate]string
	channels []wireSalesChannel // the sales channels products are made visible in
	root     string             // the category paths start below it ("" top level)
}

// settings returns the cached settings, looking them up when stale.
func (c *Client) settings(ctx context.Context) (*shopSettings, error) {
	c.cat.mu.Lock()
	cached := c.cat.set
	c.cat.mu.Unlock()
	if cached != nil && time.Since(cached.at) < catalogTTL {
		return cached, nil
	}
	cur, err := c.search(ctx, "POST /search/currency", "currency", criteria{Filter: []filter{{Type: "equals", Field: "isoCode", Value: c.cfg.Currency}}, Limit: 1})
	if err != nil {
		return nil, err
	}
	var currencies []struct {
		ID string `json:"id"`
	}
	if err := decodeAll(cur, &currencies); err != nil || len(currencies) == 0 {
		return nil, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "POST /search/currency",
			Message: fmt.Sprintf("the shop has no currency %s (options.currency)", c.cfg.Currency)}
	}
	taxRes, err := c.search(ctx, "POST /search/tax", "tax", criteria{Limit: 100})
	if err != nil {
		return nil, err
	}
	var taxes []wireTax2
	if err := decodeAll(taxRes, &taxes); err != nil {
		return nil, c.unreadable("POST /search/tax", err)
	}
	byRate := map[model.VATRate]string{}
	for _, t := range taxes {
		r, err := model.ParseVATRate(t.TaxRate.String())
		if err != nil {
			continue
		}
		if _, taken := byRate[r]; !taken { // the first (by position) of a rate, unless options.taxIds says
			byRate[r] = t.ID
		}
	}
	for rate, id := range c.cfg.TaxIDs {
		byRate[rate] = id
	}
	chRes, err := c.search(ctx, "POST /search/sales-channel", "sales_channel", criteria{Limit: 100})
	if err != nil {
		return nil, err
	}
	var all []wireSalesChannel
	if err := decodeAll(chRes, &all); err != nil {
		return nil, c.unreadable("POST /search/sales-channel", err)
	}
	want := c.cfg.ProductSalesChannelIDs
	if len(want) == 0 {
		want = c.cfg.SalesChannelIDs
	}
	var channels []wireSalesChannel
	for _, ch := range all {
		switch {
		case len(want) > 0 && containsID(want, ch.ID):
			channels = append(channels, ch)
		case len(want) == 0 && ch.TypeID == storefrontType:
			channels = append(channels, ch)
		}
	}
	for _, id := range want {
		if !containsID(idsOf(channels), id) {
			return nil, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "POST /search/sales-channel",
				Message: fmt.Sprintf("the shop has no sales channel %s (options.productSalesChannelIds / salesChannelIds)", id)}
		}
	}
	root := c.cfg.CategoryRootID
	if root == "" && len(channels) > 0 {
		root = channels[0].NavigationCategoryID
	}
	set := &shopSettings{at: time.Now(), currency: currencies[0].ID, taxes: byRate, channels: channels, root: root}
	c.cat.mu.Lock()
	c.cat.set = set
	c.cat.mu.Unlock()
	return set, nil
}

// storefrontType is the id of the Storefront sales channel type, the same
// in every shop (Shopware's Defaults::SALES_CHANNEL_TYPE_STOREFRONT).
const storefrontType = "8a243080f92e4c719546314b577cf82b"

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func idsOf(chs []wireSalesChannel) []string {
	out := make([]string, len(chs))
	for i, ch := range chs {
		out[i] = ch.ID
	}
	return out
}

// decodeAll reads a search's records into out.
func decodeAll(res searchResult, out any) error {
	b, err := json.Marshal(res.Data)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func (c *Client) unreadable(op string, err error) error {
	return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op,
		Message: "the answer does not match the API's schema: " + err.Error()}
}

// label names the record a sync payload entry writes, for errors.
type label func(op, index int, rest string) string

// pointerPattern finds the sync error pointers /<op>/<index>/<field…>.
var pointerPattern = regexp.MustCompile(`/(\d+)/(\d+)((?:/[A-Za-z0-9_]+)*)`)

// sync sends one Sync API request. The answer's errors are quoted with each
// pointer turned into the record and field it names ("variant KOF-1-M:
// productNumber"). A 6.4 shop answering 200 with success false is a
// validation error too.
func (c *Client) sync(ctx context.Context, ops []syncOperation, name label) error {
	var kept []syncOperation
	for _, op := range ops {
		if len(op.Payload) > 0 {
			kept = append(kept, op)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	body, err := json.Marshal(kept)
	if err != nil {
		return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: OpSync, Message: "the write cannot be encoded as JSON: " + err.Error()}
	}
	// Indexing stays synchronous (no indexing-behavior header): a product
	// written is listed right away, also in shops without a queue worker.
	_, err = c.http.Do(ctx, httpkit.Request{Op: OpSync, Method: http.MethodPost, URL: "/_action/sync", Body: body, Class: classWrite,
		Decode: func(r *httpkit.Response) error {
			var a syncAnswer
			if err := json.Unmarshal(r.Body, &a); err != nil {
				return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: OpSync, Status: r.Status,
					Message: "the answer is not the sync result JSON: " + err.Error()}
			}
			if a.Success != nil && !*a.Success {
				return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: OpSync, Status: r.Status,
					Message: "the shop refused the write (6.4 sync result with success false): " + string(r.Body)}
			}
			return nil
		}})
	if err != nil {
		err = c.callError(err)
		if ce, ok := err.(*connectors.Error); ok && name != nil {
			e := *ce
			e.Message = pointerPattern.ReplaceAllStringFunc(e.Message, func(p string) string {
				m := pointerPattern.FindStringSubmatch(p)
				op, _ := strconv.Atoi(m[1])
				i, _ := strconv.Atoi(m[2])
				return name(op, i, strings.TrimPrefix(m[3], "/"))
			})
			return &e
		}
		return err
	}
	return nil
}

// rateOf reads a tax rate as the API writes it (21, 5.5).
func rateNumber(r model.VATRate) json.Number {
	return json.Number(strings.TrimSuffix(r.String(), "%"))
}

// money2 writes cents as the API's decimal number, exactly.
func money2(cents int64) json.Number { return json.Number(model.FormatMinor(cents, 2)) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sync64Errors reads the errors of a 6.4 sync answer, which come per
// operation ({"success": false, "data": {<op>: {"result": [{"errors":
// […]}]}}}); their pointers are relative to the record, so each gets the
// /<op>/<index> prefix the 6.5 answer has.
func sync64Errors(body []byte) []wireError {
	var a struct {
		Success *bool `json:"success"`
		Data    map[string]struct {
			Result []struct {
				Errors []wireError `json:"errors"`
			} `json:"result"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &a) != nil || a.Success == nil || *a.Success {
		return nil
	}
	var out []wireError
	for _, op := range sortedKeys(a.Data) {
		for i, res := range a.Data[op].Result {
			for _, e := range res.Errors {
				if e.Source != nil && !strings.HasPrefix(e.Source.Pointer, "/"+op+"/") {
					e.Source.Pointer = fmt.Sprintf("/%s/%d%s", op, i, e.Source.Pointer)
				}
				out = append(out, e)
			}
		}
	}
	return out
}
