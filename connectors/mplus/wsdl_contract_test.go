package mplus

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/mplus/internal/wsdlcheck"
)

// TestWSDLContract checks every operation the client calls: the operation
// exists, its request element is the one we send, its response element is
// the one we expect, and every element name, order, type and cardinality of
// our wire structs matches the schema (required elements included, for what
// we send).
func TestWSDLContract(t *testing.T) {
	w := wsdlcheck.ForTest(t)
	cases := []struct {
		op       string
		req      any
		respName string
		resp     any
	}{
		{"getApiVersion", getApiVersionReq{}, "getApiVersionResponse", getApiVersionResp{}},
		{"getVatGroupList", getVatGroupListReq{}, "getVatGroupListResponse", getVatGroupListResp{}},
		{"getProducts", getProductsReq{}, "GetProductsResponse", getProductsResp{}},
		{"findOrder", findOrderReq{}, "GetOrderResponse", getOrderResp{}},
		{"createOrder", createOrderReq{}, "CreateOrderResponse", createOrderResp{}},
		{"findInvoice", findInvoiceReq{}, "GetInvoiceResponse", getInvoiceResp{}},
		{"saveInvoice", saveInvoiceReq{}, "SaveInvoiceResponse", saveInvoiceResp{}},
		{"findRelation", findRelationReq{}, "FindRelationResponse", findRelationResp{}},
		{"createRelation", createRelationReq{}, "CreateRelationResponse", createRelationResp{}},
		{"updateRelation", updateRelationReq{}, "UpdateRelationResponse", updateRelationResp{}},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			reqElem, respElem, ok := w.Operation(tc.op)
			require.True(t, ok, "operation %s is not in the WSDL's portType", tc.op)
			assert.Equal(t, tc.op, reqElem, "request element of %s", tc.op)
			assert.Equal(t, tc.respName, respElem, "response element of %s (the client decodes this name)", tc.op)
			assert.Empty(t, w.CheckElement(reqElem, tc.req, wsdlcheck.Send), "request %s", tc.op)
			assert.Empty(t, w.CheckElement(respElem, tc.resp, wsdlcheck.Receive), "response %s", tc.op)
		})
	}
}

func TestWSDLEnums(t *testing.T) {
	w := wsdlcheck.ForTest(t)
	for _, v := range wireEnums {
		assert.True(t, w.HasEnum(v), "enum value %s is not in the WSDL", v)
	}
	// The result codes the error mapping relies on.
	assert.Contains(t, w.Enum("CreateOrderResult"), createOrderExtExists)
	assert.Contains(t, w.Enum("SaveInvoiceResult"), saveInvoiceExtExists)
	assert.Contains(t, w.Enum("VatMethod"), vatMethodInclusive)
	assert.Contains(t, w.Enum("DiscountType"), discountTypeExternal)
	assert.Contains(t, w.Enum("InvoiceType"), invoiceTypeInvoice)
}

// TestWSDLCheckerCatchesMistakes makes sure the contract check is not
// vacuous: misspelt, misordered, mistyped and missing required elements fail.
func TestWSDLCheckerCatchesMistakes(t *testing.T) {
	w := wsdlcheck.ForTest(t)
	type badName struct {
		ExtOrderId string `xml:"extOrderID"`
	}
	type badOrder struct {
		VatMethod string `xml:"vatMethod"`
		OrderID   string `xml:"orderId"`
	}
	type badOrderReq struct {
		Order badOrder `xml:"order"`
	}
	type missingRequired struct {
		ExtOrderID string `xml:"extOrderId,omitempty"`
	}
	type badType struct {
		Quantity string `xml:"quantity"`
	}
	type badLine struct {
		ArticleNumber int64   `xml:"articleNumber"`
		Data          badType `xml:"data"`
	}
	type badLineList struct {
		Line badLine `xml:"line"`
	}
	type badLines struct {
		OrderID  string      `xml:"orderId"`
		LineList badLineList `xml:"lineList"`
	}
	cases := []struct {
		name string
		elem string
		v    any
		dir  wsdlcheck.Direction
	}{
		{"misspelt", "findOrder", badName{}, wsdlcheck.Send},
		{"misordered", "createOrder", badOrderReq{}, wsdlcheck.Send},
		{"required left out", "findOrder", missingRequired{}, wsdlcheck.Send},
		{"wrong type and single for repeated", "createOrder", struct {
			Order badLines `xml:"order"`
		}{}, wsdlcheck.Receive},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.NotEmpty(t, w.CheckElement(tc.elem, tc.v, tc.dir))
		})
	}
}
