package vismanet

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Sales orders and journal transactions cannot be listed by the field that
// holds an order's key (customerRefNo, a line's referenceNumber): their
// listings filter by type, status and last modification only. So the
// client keeps, per kind, an index of key → document built from the
// listing of the documents modified within options.lookupWindow, and
// brought up to date before every lookup that misses it by listing what
// changed since the newest modification it saw (less an overlap for
// documents committed while the last listing ran). One full listing per
// process, then one short listing per miss: a worker sees the documents
// other workers wrote, and a write whose answer was lost is found.
//
// A key written before the window is not found (with documentNumbers:
// externalId nothing is scanned: the key is the number).

// indexOverlap is how far before the newest modification seen the next
// listing starts.
const indexOverlap = 5 * time.Minute

// maxIndexSize bounds an index; a bigger one starts over (and rescans the
// window once).
const maxIndexSize = 200_000

// docRef is a document the index or a lookup found.
type docRef struct {
	number string
	status string
	hold   bool
}

type keyIndex struct {
	scan chan struct{} // one listing at a time
	mu   sync.Mutex
	refs map[string]docRef
	mark time.Time // the newest lastModifiedDateTime seen
	// listed is when the last complete listing started (our clock).
	listed time.Time
}

type keyIndexes struct {
	mu    sync.Mutex
	kinds map[connectors.OrderKind]*keyIndex
}

func (k *keyIndexes) of(kind connectors.OrderKind) *keyIndex {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.kinds == nil {
		k.kinds = map[connectors.OrderKind]*keyIndex{}
	}
	ix := k.kinds[kind]
	if ix == nil {
		ix = &keyIndex{scan: make(chan struct{}, 1), refs: map[string]docRef{}}
		k.kinds[kind] = ix
	}
	return ix
}

func (ix *keyIndex) get(key string) (docRef, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	r, ok := ix.refs[key]
	return r, ok
}

func (ix *keyIndex) put(key string, r docRef, modified time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(ix.refs) >= maxIndexSize {
		ix.refs, ix.mark = map[string]docRef{}, time.Time{}
	}
	ix.refs[key] = r
	if modified.After(ix.mark) {
		ix.mark = modified
	}
}

// saw moves the mark to a modification a listing showed.
func (ix *keyIndex) saw(modified time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if modified.After(ix.mark) {
		ix.mark = modified
	}
}

// lookup finds key: in the index, else after listing what changed.
func (c *Client) lookup(ctx context.Context, kind connectors.OrderKind, key string) (docRef, bool, error) {
	ix := c.keys.of(kind)
	if r, ok := ix.get(key); ok {
		return r, true, nil
	}
	asked := time.Now()
	select {
	case ix.scan <- struct{}{}:
	case <-ctx.Done():
		return docRef{}, false, unavailable("find order", 0, "waiting for another lookup: %v", ctx.Err())
	}
	defer func() { <-ix.scan }()
	if r, ok := ix.get(key); ok { // the listing another lookup made found it
		return r, true, nil
	}
	ix.mu.Lock()
	if ix.listed.After(asked) {
		// A listing that started after this lookup was asked for has
		// completed without the key: it answers this lookup as a listing
		// of our own would, so lookups that wait together share one.
		ix.mu.Unlock()
		return docRef{}, false, nil
	}
	since := c.now().Add(-c.opt.LookupWindow)
	if m := ix.mark.Add(-indexOverlap); !ix.mark.IsZero() && m.After(since) {
		since = m
	}
	ix.mu.Unlock()
	started := time.Now()
	var err error
	switch kind {
	case connectors.KindFinancialMutation:
		err = c.indexJournals(ctx, ix, since)
	default:
		err = c.indexSalesOrders(ctx, ix, since)
	}
	if err != nil {
		return docRef{}, false, err
	}
	ix.mu.Lock()
	ix.listed = started
	ix.mu.Unlock()
	r, ok := ix.get(key)
	return r, ok, nil
}

// remember adds a document Koppel just wrote.
func (c *Client) remember(kind connectors.OrderKind, key string, r docRef) {
	c.keys.of(kind).put(key, r, time.Time{})
}

// indexSalesOrders lists the sales orders of options.orderType modified
// since since into the index.
func (c *Client) indexSalesOrders(ctx context.Context, ix *keyIndex, since time.Time) error {
	q := url.Values{"orderType": {c.opt.OrderType}}
	ModifiedSince(q, since)
	return eachPage(ctx, c, OpListSalesOrders, opPath(OpListSalesOrders), ListOptions{Query: q}, func(os []SalesOrder) error {
		for _, o := range os {
			modified, _ := ParseTime(o.LastModified)
			ix.saw(modified)
			if o.CustomerRefNo != "" && (o.OrderType == "" || o.OrderType == c.opt.OrderType) {
				ix.put(o.CustomerRefNo, docRef{number: o.OrderNo, status: o.Status, hold: o.Hold}, modified)
			}
		}
		return nil
	})
}

// indexJournals lists the general ledger's journal transactions modified
// since since into the index, by their lines' reference numbers. The
// listing takes no condition: it lists what changed at or after the time.
func (c *Client) indexJournals(ctx context.Context, ix *keyIndex, since time.Time) error {
	q := url.Values{"lastModifiedDateTime": {since.Format(filterLayout)}, "module": {"GL"}}
	return eachPage(ctx, c, OpListJournalTransactions, opPath(OpListJournalTransactions), ListOptions{Query: q}, func(js []JournalTransaction) error {
		for _, j := range js {
			modified, _ := ParseTime(j.LastModified)
			ref := docRef{number: j.BatchNumber, status: j.Status, hold: j.Hold}
			for _, l := range j.Lines {
				if l.ReferenceNumber != "" {
					ix.put(l.ReferenceNumber, ref, modified)
				}
			}
			ix.saw(modified)
		}
		return nil
	})
}
