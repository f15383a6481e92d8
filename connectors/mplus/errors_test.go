package mplus_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/model"
)

// A faultstring or errorMessage quoting a customer's e-mail or phone reaches
// Error() without them; Detail keeps the full text, never the secret.
func TestOutsideTextsAreScrubbed(t *testing.T) {
	quote := "relation jan@example.nl (tel. 020-5550101) is locked; secret " + html.EscapeString(secret)
	fault := `<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>` + quote + `</faultstring></SOAP-ENV:Fault>`
	product := connectors.ProductWrite{Product: model.Product{SKU: "A-1", Name: "A", Price: eur(100), PriceIncludesVAT: true,
		VAT: model.VATPercent(21), Active: true}}
	on500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>` + fault + `</SOAP-ENV:Body></SOAP-ENV:Envelope>`))
	}))
	defer on500.Close()
	cases := []struct {
		name    string
		answers map[string]string // nil: the HTTP 500 server
		run     func(*mplus.Client) error
	}{
		{"faultstring on HTTP 500", nil,
			func(c *mplus.Client) error { _, err := c.Ping(context.Background()); return err }},
		{"faultstring on HTTP 200", map[string]string{"getApiVersion": fault},
			func(c *mplus.Client) error { _, err := c.Ping(context.Background()); return err }},
		{"errorMessage", map[string]string{"getProducts": cannedNoneFound, "getVatGroupList": cannedVAT,
			"createProduct": `<ns:CreateProductResponse><ns:result>CREATE-PRODUCT-RESULT-FAILED</ns:result><ns:productNumber>0</ns:productNumber>` +
				`<ns:errorMessage>` + quote + `</ns:errorMessage></ns:CreateProductResponse>`},
			func(c *mplus.Client) error { _, err := c.CreateProduct(context.Background(), product); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := on500.URL
			if tc.answers != nil {
				base = cannedServer(t, tc.answers)
			}
			c, err := mplus.New(mplus.Config{BaseURL: base, Ident: ident, Secret: secret})
			require.NoError(t, err)
			err = tc.run(c)
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, connectors.KindValidation, ce.Kind)
			assert.Contains(t, err.Error(), "relation [redacted] (tel. [redacted]) is locked; secret REDACTED")
			assert.Equal(t, "relation jan@example.nl (tel. 020-5550101) is locked; secret REDACTED", ce.Detail)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

// An explicit limit paces the ident at the installation, and waits are observed.
func TestRequestsPerMinutePaces(t *testing.T) {
	t.Cleanup(func() { httpkit.SetFleetSize(1) })
	httpkit.SetFleetSize(2) // 1200 a minute among two workers: 600 each, a burst of 10, then 590 a minute
	var mu sync.Mutex
	var waited time.Duration
	observe := func(system, op string, _ int, took time.Duration, _ error) {
		if op == connectors.OpLimiterWait {
			mu.Lock()
			waited += took
			mu.Unlock()
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="urn:mplusqapi"><SOAP-ENV:Body>` +
			`<ns:getApiVersionResponse><ns:majorNumber>1</ns:majorNumber></ns:getApiVersionResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`))
	}))
	defer srv.Close()
	c, err := mplus.New(mplus.Config{BaseURL: srv.URL, Ident: t.Name(), Secret: secret, RequestsPerMinute: 1200, Observe: observe})
	require.NoError(t, err)
	start := time.Now()
	for range 13 {
		_, err := c.Ping(context.Background())
		require.NoError(t, err)
	}
	// 3 calls past the burst at 590 a minute: at least 3 × 60/590 s ≈ 305 ms
	assert.GreaterOrEqual(t, time.Since(start), 290*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Greater(t, waited, 250*time.Millisecond)
}
