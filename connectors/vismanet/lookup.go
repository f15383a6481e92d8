package vismanet

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
)

// ProductLookup for the order flow: a SKU exists when Visma.net has an item
// of that inventory number (GET /v1/inventory/{inventoryNumber}; the
// listing's inventoryNumber filter costs the same call per SKU). The order
// path reads the same items several times within seconds (the flow's
// products check, BookedTotal, CreateOrder), so an item read is trusted for
// itemTTL; a SKU without an item is always asked again, so an item created
// meanwhile is found at once.

// itemTTL is how long the order path trusts an item it read.
const itemTTL = time.Minute

type itemCache struct {
	mu    sync.Mutex
	items map[string]cached[Inventory]
}

// GetInventory reads one item by its inventory number; found is false when
// Visma.net has none.
func (c *Client) GetInventory(ctx context.Context, number string) (Inventory, bool, error) {
	var inv Inventory
	err := c.get(ctx, OpGetInventory, opPath(OpGetInventory, number), nil, &inv)
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return Inventory{}, false, nil
	case err != nil:
		return Inventory{}, false, err
	case inv.InventoryNumber == "":
		inv.InventoryNumber = number
	}
	return inv, true, nil
}

// LookupProducts returns the inventory number of every SKU Visma.net has an
// item for; a SKU missing from the map has none.
func (c *Client) LookupProducts(ctx context.Context, skus []string) (map[string]string, error) {
	out := map[string]string{}
	now := c.now()
	var ask []string
	c.items.mu.Lock()
	for _, sku := range skus {
		sku = strings.TrimSpace(sku)
		if sku == "" {
			continue
		}
		if it, ok := c.items.items[sku]; ok && now.Before(it.until) {
			out[sku] = it.value.InventoryNumber
		} else if _, asked := out[sku]; !asked {
			ask = append(ask, sku)
		}
	}
	c.items.mu.Unlock()
	seen := map[string]bool{}
	for _, sku := range ask {
		if seen[sku] {
			continue
		}
		seen[sku] = true
		inv, found, err := c.GetInventory(ctx, sku)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		out[sku] = inv.InventoryNumber
		c.items.mu.Lock()
		if c.items.items == nil || len(c.items.items) > 10000 {
			c.items.items = map[string]cached[Inventory]{} // a catalogue that big is read again, not kept
		}
		c.items.items[sku] = cached[Inventory]{value: inv, until: now.Add(itemTTL)}
		c.items.mu.Unlock()
	}
	return out, nil
}
