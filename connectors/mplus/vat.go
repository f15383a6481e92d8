package mplus

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// vatTable caches getVatGroupList. Order lines carry a vatCode, the key of a
// VAT group; the table maps our VAT rates to those codes.
type vatTable struct {
	groups  []wireVatGroup
	fetched time.Time
}

// vatCodes returns the vatCode for every rate. A rate with no VAT group is a
// validation error naming the rates the installation has. A missing rate
// refreshes a table older than a minute once, so a group added in the back
// office is picked up without a restart.
func (c *Client) vatCodes(ctx context.Context, op string, rates []model.VATRate, branch int) (map[model.VATRate]int, error) {
	c.vatMu.Lock()
	defer c.vatMu.Unlock()
	now := c.now()
	if c.vat.fetched.IsZero() || now.Sub(c.vat.fetched) > vatTableTTL {
		if err := c.loadVATTable(ctx, now); err != nil {
			return nil, err
		}
	}
	codes, missing := c.resolveVAT(rates, branch)
	if len(missing) > 0 && now.Sub(c.vat.fetched) > vatTableMinRefresh {
		if err := c.loadVATTable(ctx, now); err != nil {
			return nil, err
		}
		codes, missing = c.resolveVAT(rates, branch)
	}
	if len(missing) > 0 {
		names := make([]string, len(missing))
		for i, r := range missing {
			names[i] = r.String()
		}
		return nil, invalid(op, "no VAT group in MplusKASSA has the rate %s (it has %s); add the VAT group there or map the lines to a rate it knows",
			strings.Join(names, ", "), c.availableRates())
	}
	return codes, nil
}

func (c *Client) loadVATTable(ctx context.Context, now time.Time) error {
	var resp getVatGroupListResp
	if err := c.call(ctx, "getVatGroupList", "getVatGroupListResponse", getVatGroupListReq{}, &resp); err != nil {
		return err
	}
	c.vat = vatTable{groups: resp.VatGroups, fetched: now}
	return nil
}

// vatScale is the number of wire units per percent: configured, or detected
// from the table (any value above 100 can only be hundredths of a percent).
func (c *Client) vatScale() int64 {
	if c.cfg.VATPercentageScale > 0 {
		return int64(c.cfg.VATPercentageScale)
	}
	for _, g := range c.vat.groups {
		if g.VatPercentage > 100 {
			return 100
		}
	}
	return 1
}

// resolveVAT picks, per rate, the group with exactly that percentage: one of
// the order's branch first, then one for no particular branch, then any;
// within that, one of the installation's VAT country (or of no country)
// before a foreign one; the lowest vatCode breaks ties.
func (c *Client) resolveVAT(rates []model.VATRate, branch int) (map[model.VATRate]int, []model.VATRate) {
	scale := c.vatScale()
	codes := map[model.VATRate]int{}
	var missing []model.VATRate
	for _, r := range rates {
		if _, done := codes[r]; done {
			continue
		}
		best, bestRank := 0, -1
		for _, g := range c.vat.groups {
			// rate is in hundredths of a percent: wire/scale == rate/100.
			if g.VatPercentage*100 != int64(r)*scale {
				continue
			}
			rank := 0
			switch {
			case branch > 0 && g.BranchNumber == branch:
				rank = 4
			case g.BranchNumber == 0:
				rank = 2
			}
			if g.CountryIso3 == "" || strings.EqualFold(g.CountryIso3, c.cfg.VATCountry) {
				rank++
			}
			if rank > bestRank || (rank == bestRank && g.VatCode < best) {
				best, bestRank = g.VatCode, rank
			}
		}
		if bestRank < 0 {
			missing = append(missing, r)
			continue
		}
		codes[r] = best
	}
	return codes, missing
}

func (c *Client) availableRates() string {
	scale := c.vatScale()
	seen := map[model.VATRate]bool{}
	var rates []model.VATRate
	for _, g := range c.vat.groups {
		r := model.VATRate(g.VatPercentage * 100 / scale)
		if !seen[r] {
			seen[r] = true
			rates = append(rates, r)
		}
	}
	if len(rates) == 0 {
		return "no VAT groups at all"
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	names := make([]string, len(rates))
	for i, r := range rates {
		names[i] = r.String()
	}
	return strings.Join(names, ", ")
}

// vatReader turns an article's vatPercentage (or, when absent, its vatCode)
// into a VATRate, with the scale vatScale settles on.
type vatReader struct {
	scale  int64
	byCode map[int]model.VATRate
}

// vatReader loads the VAT table when it is stale: the scale may have to be
// detected from it, and it maps vatCodes to rates.
func (c *Client) vatReader(ctx context.Context) (vatReader, error) {
	c.vatMu.Lock()
	defer c.vatMu.Unlock()
	now := c.now()
	if c.vat.fetched.IsZero() || now.Sub(c.vat.fetched) > vatTableTTL {
		if err := c.loadVATTable(ctx, now); err != nil {
			return vatReader{}, err
		}
	}
	r := vatReader{scale: c.vatScale(), byCode: map[int]model.VATRate{}}
	for _, g := range c.vat.groups {
		r.byCode[g.VatCode] = model.VATRate(g.VatPercentage * 100 / r.scale)
	}
	return r, nil
}

func (r vatReader) rate(a wireArticle) model.VATRate {
	switch {
	case a.VatPercentage != nil:
		return model.VATRate(*a.VatPercentage * 100 / r.scale)
	case a.VatCode != nil:
		return r.byCode[*a.VatCode]
	}
	return 0
}
