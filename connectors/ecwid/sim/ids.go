package sim

import (
	"strconv"
	"strings"
)

// Id kinds. Ecwid's ids are large store-wide numbers; the simulator
// counts each kind from a base of its own, so an id of the wrong kind
// (a product id used as a combination id) finds nothing.
const (
	kindOrder       = "order"
	kindItem        = "item"
	kindProduct     = "product"
	kindCombination = "combination"
	kindCategory    = "category"
	kindCustomer    = "customer"
	kindAttribute   = "attribute"
	kindAddress     = "address"
	kindImage       = "image"
)

// idBaseCustomer is named: the demo's walk-in customer id derives from it.
const idBaseCustomer = 270_000_000

var idBase = map[string]int64{
	kindOrder:       490_000_000,
	kindItem:        1_740_000_000,
	kindProduct:     700_000_000,
	kindCombination: 800_000_000,
	kindCategory:    170_000_000,
	kindCustomer:    idBaseCustomer,
	kindAttribute:   9_990_000,
	kindAddress:     110_000_000,
	kindImage:       2_870_000_000,
}

// nextIDLocked hands out the next id of a kind.
func (s *Sim) nextIDLocked(kind string) int64 {
	n := max(s.st.Next[kind], idBase[kind]) + 1
	s.st.Next[kind] = n
	return n
}

// shiftIDsLocked moves a fresh store's id counters by an instance's
// share, so the second store of a demo has ids of its own.
func (s *Sim) shiftIDsLocked(instance int) {
	if instance <= 1 {
		return
	}
	for kind, base := range idBase {
		s.st.Next[kind] = max(s.st.Next[kind], base+int64(instance-1)*10_000_000)
	}
}

// Order codes: five characters of an alphabet without look-alikes,
// scrambled from the internal id so consecutive orders do not look
// consecutive ("EBJFT", §3.5). The scramble is a bijection on 32⁵ values.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func orderCode(internalID int64) string {
	const space = 1 << 25 // 32⁵
	x := uint64(internalID) % space
	x = (x*0x2f0b5 + 0x1b3d7) % space // an odd multiplier keeps it a bijection
	var b [5]byte
	for i := 4; i >= 0; i-- {
		b[i] = codeAlphabet[x%32]
		x /= 32
	}
	return string(b[:])
}

// findOrderLocked finds an order by the forms the API takes for
// {orderId}: its id, its code without the store's prefix and suffix, or
// its internal id.
func (s *Sim) findOrderLocked(ref string) *Order {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	n, numErr := strconv.ParseInt(ref, 10, 64)
	for _, o := range s.st.Orders {
		if strings.EqualFold(o.ID, ref) || strings.EqualFold(orderCode(o.InternalID), ref) || (numErr == nil && o.InternalID == n) {
			return o
		}
	}
	return nil
}

func (s *Sim) productLocked(id int64) *Product {
	for _, p := range s.st.Products {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (s *Sim) categoryLocked(id int64) *Category {
	for _, c := range s.st.Categories {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (s *Sim) customerLocked(id int64) *Customer {
	for _, c := range s.st.Customers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (p *Product) combination(id int64) *Combination {
	for i := range p.Combinations {
		if p.Combinations[i].ID == id {
			return &p.Combinations[i]
		}
	}
	return nil
}
