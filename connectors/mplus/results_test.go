package mplus_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/model"
)

// cannedServer answers each SOAP operation with a fixed response element,
// for results the simulator has no way to produce (a product deleted
// between two calls, a failure inside MplusKASSA).
func cannedServer(t *testing.T, answers map[string]string) string {
	t.Helper()
	opRE := regexp.MustCompile(`<SOAP-ENV:Body><ns1:(\w+)>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := opRE.FindSubmatch(body)
		answer, ok := "", false
		if m != nil {
			answer, ok = answers[string(m[1])]
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusInternalServerError)
			answer = `<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>not canned</faultstring></SOAP-ENV:Fault>`
		}
		_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="urn:mplusqapi"><SOAP-ENV:Body>%s</SOAP-ENV:Body></SOAP-ENV:Envelope>`, answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

const (
	cannedVAT       = `<ns:getVatGroupListResponse><ns:vatGroup><ns:vatCode>1</ns:vatCode><ns:vatPercentage>21</ns:vatPercentage></ns:vatGroup></ns:getVatGroupListResponse>`
	cannedNoneFound = `<ns:GetProductsResponse><ns:productList></ns:productList></ns:GetProductsResponse>`
	cannedProduct   = `<ns:GetProductsResponse><ns:productList><ns:product><ns:productNumber>5</ns:productNumber>` +
		`<ns:articleList><ns:article><ns:articleNumber>50</ns:articleNumber><ns:pluNumber>A-1</ns:pluNumber>` +
		`<ns:stockArticle>true</ns:stockArticle></ns:article></ns:articleList></ns:product></ns:productList></ns:GetProductsResponse>`
)

func TestResultEnumsMapToKinds(t *testing.T) {
	product := connectors.ProductWrite{Product: model.Product{SKU: "A-1", Name: "A", Price: eur(100), PriceIncludesVAT: true,
		VAT: model.VATPercent(21), Active: true}}
	create := func(ctx context.Context, c *mplus.Client) error {
		_, err := c.CreateProduct(ctx, product)
		return err
	}
	update := func(ctx context.Context, c *mplus.Client) error { return c.UpdateProduct(ctx, "5", product) }
	setStock := func(ctx context.Context, c *mplus.Client) error {
		return c.SetStock(ctx, "A-1", model.Pieces(3), false)
	}

	cases := []struct {
		name    string
		answers map[string]string
		run     func(context.Context, *mplus.Client) error
		kind    connectors.ErrorKind
		mention string
	}{
		{"create: product number taken", map[string]string{"getProducts": cannedNoneFound, "getVatGroupList": cannedVAT,
			"createProduct": `<ns:CreateProductResponse><ns:result>CREATE-PRODUCT-RESULT-FAILED-PRODUCT-NUMBER-ALREADY-TAKEN</ns:result><ns:productNumber>0</ns:productNumber><ns:errorMessage></ns:errorMessage></ns:CreateProductResponse>`},
			create, connectors.KindConflict, "PRODUCT-NUMBER-ALREADY-TAKEN"},
		{"create: failed", map[string]string{"getProducts": cannedNoneFound, "getVatGroupList": cannedVAT,
			"createProduct": `<ns:CreateProductResponse><ns:result>CREATE-PRODUCT-RESULT-FAILED</ns:result><ns:productNumber>0</ns:productNumber><ns:errorMessage>turnoverGroup is required</ns:errorMessage></ns:CreateProductResponse>`},
			create, connectors.KindValidation, "turnoverGroup is required"},
		{"update: not found", map[string]string{"getProducts": cannedProduct, "getVatGroupList": cannedVAT,
			"updateProduct": `<ns:UpdateProductResponse><ns:result>UPDATE-PRODUCT-RESULT-NOT-FOUND</ns:result><ns:errorMessage></ns:errorMessage></ns:UpdateProductResponse>`},
			update, connectors.KindNotFound, "NOT-FOUND"},
		{"update: article number taken", map[string]string{"getProducts": cannedProduct, "getVatGroupList": cannedVAT,
			"updateProduct": `<ns:UpdateProductResponse><ns:result>UPDATE-PRODUCT-RESULT-FAILED-ARTICLE-NUMBER-ALREADY-TAKEN</ns:result><ns:errorMessage>article 50 is taken</ns:errorMessage></ns:UpdateProductResponse>`},
			update, connectors.KindConflict, "article 50 is taken"},
		{"update: failed", map[string]string{"getProducts": cannedProduct, "getVatGroupList": cannedVAT,
			"updateProduct": `<ns:UpdateProductResponse><ns:result>UPDATE-PRODUCT-RESULT-FAILED</ns:result><ns:errorMessage>price too high</ns:errorMessage></ns:UpdateProductResponse>`},
			update, connectors.KindValidation, "price too high"},
		{"setStock: article not found", map[string]string{"getProducts": cannedProduct,
			"setStock": `<ns:SetStockResponse><ns:result>SET-STOCK-RESULT-ARTICLE-NOT-FOUND</ns:result></ns:SetStockResponse>`},
			setStock, connectors.KindNotFound, "ARTICLE-NOT-FOUND"},
		{"setStock: branch not found", map[string]string{"getProducts": cannedProduct,
			"setStock": `<ns:SetStockResponse><ns:result>SET-STOCK-RESULT-BRANCH-NOT-FOUND</ns:result></ns:SetStockResponse>`},
			setStock, connectors.KindConfig, "stockBranch"},
		{"setStock: failed", map[string]string{"getProducts": cannedProduct,
			"setStock": `<ns:SetStockResponse><ns:result>SET-STOCK-RESULT-FAILED</ns:result></ns:SetStockResponse>`},
			setStock, connectors.KindValidation, "SET-STOCK-RESULT-FAILED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := mplus.New(mplus.Config{BaseURL: cannedServer(t, tc.answers), Ident: ident, Secret: secret})
			require.NoError(t, err)
			err = tc.run(context.Background(), c)
			assert.Equal(t, tc.kind, kindOf(t, err), "%v", err)
			assert.Contains(t, err.Error(), tc.mention)
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.NotEmpty(t, ce.Op)
		})
	}
}
