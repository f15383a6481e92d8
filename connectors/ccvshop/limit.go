package ccvshop

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/httpkit"
)

// The shop counts calls per API key, per method class per resource (150
// GETs and 100 writes a minute on each resource, research §1.8) plus an
// unpublished total per key. httpkit's pacer keeps one key's calls under
// those limits, shared by every client of the same key and shop in the
// process and divided among the worker processes.

// The limit classes: GETs, and everything that writes.
const (
	classRead  = "read"
	classWrite = "write"
)

// pacerFor returns the pacer of the key at the shop origin, with cfg's
// limits: 0 is the published default and any negative value unlimited; a
// total of 0 or less is none. The stricter of two clients' limits wins.
func pacerFor(cfg Config, origin string) *httpkit.Pacer {
	perMinute := func(v, published int) httpkit.Rate {
		if v == 0 {
			v = published
		}
		return httpkit.PerMinute(v)
	}
	return httpkit.SharedPacer(httpkit.CredentialKey(cfg.Flavor.System, origin, cfg.PublicKey), httpkit.Limits{
		Classes: map[string]httpkit.Rate{
			classRead:  perMinute(cfg.ReadsPerMinute, DefaultReadsPerMinute),
			classWrite: perMinute(cfg.WritesPerMinute, DefaultWritesPerMinute),
		},
		Total: httpkit.PerMinute(cfg.TotalPerMinute),
	})
}

func limitClass(method string) string {
	if method == http.MethodGet {
		return classRead
	}
	return classWrite
}

// Resource names the resource a request URI addresses, the unit the shop's
// limits count in: the last path segment that is not an id
// (/api/rest/v1/orders/12/orderrows/ → orderrows; /api/rest/v1/orders/12 → orders).
func Resource(requestURI string) string {
	path, _, _ := strings.Cut(requestURI, "?")
	path = strings.TrimPrefix(path, APIPath)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if _, err := strconv.ParseInt(segs[i], 10, 64); err != nil && segs[i] != "" {
			return segs[i]
		}
	}
	return ""
}
