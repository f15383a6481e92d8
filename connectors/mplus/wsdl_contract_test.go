package mplus

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest/contract"
)

// TestWSDLContract checks every operation the client calls: the operation
// exists, its request element is the one we send, its response element is
// the one we expect, and every element name, order, type and cardinality of
// our wire structs matches the schema (required elements included, for what
// we send).
func TestWSDLContract(t *testing.T) {
	w := contract.WSDLForTest(t, contract.MplusWSDL)
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
		{"getRelation", getRelationReq{}, "GetRelationResponse", getRelationResp{}},
		{"getCurrentSyncMarkers", getCurrentSyncMarkersReq{}, "getCurrentSyncMarkersResponse", getCurrentSyncMarkersResp{}},
		{"createProduct", createProductReq{}, "CreateProductResponse", createProductResp{}},
		{"updateProduct", updateProductReq{}, "UpdateProductResponse", updateProductResp{}},
		{"getArticleGroups", getArticleGroupsReq{}, "GetArticleGroupsResponse", getArticleGroupsResp{}},
		{"newArticleGroup", newArticleGroupReq{}, "NewArticleGroupResponse", newArticleGroupResp{}},
		{"getStock", getStockReq{}, "GetStockResponse", getStockResp{}},
		{"getStockHistoryV2", getStockHistoryV2Req{}, "GetStockHistoryResponse", getStockHistoryResp{}},
		{"setStock", setStockReq{}, "SetStockResponse", setStockResp{}},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			reqElem, respElem, ok := w.Operation(tc.op)
			require.True(t, ok, "operation %s is not in the WSDL's portType", tc.op)
			assert.Equal(t, tc.op, reqElem, "request element of %s", tc.op)
			assert.Equal(t, tc.respName, respElem, "response element of %s (the client decodes this name)", tc.op)
			assert.Empty(t, w.CheckElement(reqElem, tc.req, contract.Send), "request %s", tc.op)
			assert.Empty(t, w.CheckElement(respElem, tc.resp, contract.Receive), "response %s", tc.op)
		})
	}
}

func TestWSDLEnums(t *testing.T) {
	w := contract.WSDLForTest(t, contract.MplusWSDL)
	for _, v := range wireEnums {
		assert.True(t, w.HasEnum(v), "enum value %s is not in the WSDL", v)
	}
	// The result codes the error mapping relies on.
	assert.Contains(t, w.Enum("CreateOrderResult"), createOrderExtExists)
	assert.Contains(t, w.Enum("SaveInvoiceResult"), saveInvoiceExtExists)
	assert.Contains(t, w.Enum("VatMethod"), vatMethodInclusive)
	assert.Contains(t, w.Enum("DiscountType"), discountTypeExternal)
	assert.Contains(t, w.Enum("InvoiceType"), invoiceTypeInvoice)
	assert.Contains(t, w.Enum("GetRelationResult"), getRelationNotFound)
	assert.Contains(t, w.Enum("CreateProductResult"), createProductOK)
	assert.Contains(t, w.Enum("UpdateProductResult"), updateProductOK)
	assert.Contains(t, w.Enum("NewArticleGroupResult"), newArticleGroupOK)
	assert.Contains(t, w.Enum("SetStockResult"), setStockNoStockArticle)
	assert.Contains(t, w.Enum("SetStockResult"), setStockBranchNotFound)
	// The mapping of the other results relies on their suffixes (errors.go).
	for typ, want := range map[string]map[string]connectors.ErrorKind{
		"CreateProductResult": {"CREATE-PRODUCT-RESULT-FAILED": connectors.KindValidation,
			"CREATE-PRODUCT-RESULT-FAILED-PRODUCT-NUMBER-ALREADY-TAKEN": connectors.KindConflict,
			"CREATE-PRODUCT-RESULT-FAILED-ARTICLE-NUMBER-ALREADY-TAKEN": connectors.KindConflict},
		"UpdateProductResult": {"UPDATE-PRODUCT-RESULT-NOT-FOUND": connectors.KindNotFound,
			"UPDATE-PRODUCT-RESULT-NOT-ALLOWED": connectors.KindValidation, "UPDATE-PRODUCT-RESULT-FAILED": connectors.KindValidation,
			"UPDATE-PRODUCT-RESULT-FAILED-ARTICLE-NUMBER-ALREADY-TAKEN": connectors.KindConflict},
		"SetStockResult": {"SET-STOCK-RESULT-ARTICLE-NOT-FOUND": connectors.KindNotFound, "SET-STOCK-RESULT-FAILED": connectors.KindValidation},
	} {
		for result, kind := range want {
			assert.Contains(t, w.Enum(typ), result)
			assert.Equal(t, kind, connectors.KindOf((&Client{}).resultError("op", result, "")), result)
		}
	}
}

// TestWSDLCheckerCatchesMistakes makes sure the contract check is not
// vacuous: misspelt, misordered, mistyped and missing required elements fail.
func TestWSDLCheckerCatchesMistakes(t *testing.T) {
	w := contract.WSDLForTest(t, contract.MplusWSDL)
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
		dir  contract.Direction
	}{
		{"misspelt", "findOrder", badName{}, contract.Send},
		{"misordered", "createOrder", badOrderReq{}, contract.Send},
		{"required left out", "findOrder", missingRequired{}, contract.Send},
		{"wrong type and single for repeated", "createOrder", struct {
			Order badLines `xml:"order"`
		}{}, contract.Receive},
		{"base64 read as a number", "GetProductsResponse", struct {
			ProductList struct {
				Product []struct {
					ArticleList struct {
						Article []struct {
							ImageList struct {
								Image []struct {
									ImageData int `xml:"imageData"`
								} `xml:"image"`
							} `xml:"imageList"`
						} `xml:"article"`
					} `xml:"articleList"`
				} `xml:"product"`
			} `xml:"productList"`
		}{}, contract.Receive},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.NotEmpty(t, w.CheckElement(tc.elem, tc.v, tc.dir))
		})
	}
}
