package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/model"
)

// Request bodies are checked against the properties each resource takes
// (from the API's request schemas, §1.6), so a client that sends a GET-only
// name (is_active), a misspelt or an unknown property is told so.

type kind int

const (
	kText kind = iota
	kDecimal
	kInteger
	kBool
	kObject
	kArray
)

var productFields = map[string]kind{
	"productnumber": kText, "active": kBool, "eannumber": kText, "mpnnumber": kText, "name": kText,
	"shortdescription": kText, "description": kText, "vatrate": kDecimal, "taxtariff": kText, "price": kDecimal,
	"discount": kDecimal, "purchaseprice": kDecimal, "container_deposit_price": kDecimal, "safety_deposit_price": kDecimal,
	"unit": kText, "stockenabled": kBool, "stocktype": kText, "stock": kDecimal, "stocklocation": kText,
	"ordering_without_stock": kText, "weight": kDecimal, "brand": kText, "brand_id": kInteger, "condition": kText,
	"condition_id": kInteger, "color_id": kInteger, "maincategory": kText, "subcategory": kText, "package_id": kInteger,
	"meta_description": kText, "meta_keywords": kText, "page_title": kText, "no_index": kBool, "no_follow": kBool,
	"alias": kText, "specs": kText, "decimal_amount": kInteger, "minimal_order_amount": kDecimal,
	"stock_delivery_number": kInteger, "stock_delivery_type": kText, "stock_delivery_standard": kText,
	"product_layout": kInteger, "memo": kText, "supplier_id": kInteger, "google_shopping_category": kText,
}

var combinationFields = map[string]kind{
	"note": kText, "stock": kDecimal, "product_number": kText, "ean_number": kText, "sku_number": kText,
	"delivery_time": kInteger, "delivery_time_type": kText, "delivery_default_text": kText, "active": kBool,
}

var categoryFields = map[string]kind{
	"name": kText, "description": kText, "position": kInteger, "show_on_website": kBool, "parentcategory_id": kInteger,
	"meta_description": kText, "meta_keywords": kText, "page_title": kText, "alias": kText,
}

var linkFields = map[string]kind{"product_id": kInteger, "category_id": kInteger, "position": kInteger}

var photoFields = map[string]kind{"file_type": kText, "source": kText, "alttext": kText, "is_mainphoto": kBool}

var attributeFields = map[string]kind{"name": kText, "type": kText}

var valueFields = map[string]kind{"name": kText, "default_price": kDecimal}

var productValueFields = map[string]kind{"optionvalue": kInteger, "price": kDecimal, "position": kInteger, "stock": kDecimal, "enable": kBool}

var userFields = map[string]kind{"username": kText, "password": kText, "group_id": kInteger, "status": kBool, "userinfo": kObject}

// orderFields and orderRowFields are what POST /orders/ takes (§1.6.5).
var orderFields = map[string]kind{
	"is_completed": kBool, "paid": kBool, "status": kInteger, "invoicenumber": kInteger, "total_shipping": kDecimal,
	"paymethod_costs": kDecimal, "extra_costs": kDecimal, "extra_costs_description": kText, "taxes_included": kBool,
	"order_row_taxes_included": kBool, "shipping_taxes_included": kBool, "is_intra_community_order": kBool,
	"is_platform_sale": kBool, "currency": kText, "orderedinlng": kText, "track_and_trace_code": kText,
	"track_and_trace_carrier": kText, "deliver_date": kText, "deliver_method": kText, "takeoutslot": kObject,
	"reservationnumber": kText, "user_id": kInteger, "customer": kObject, "orderrows": kArray,
}

var orderRowFields = map[string]kind{
	"product_type": kText, "auto_create_deposit_rows": kBool, "product_id": kInteger, "product_name": kText,
	"product_number": kText, "count": kDecimal, "price": kDecimal, "product_purchase_price": kDecimal,
	"discount": kDecimal, "tax": kDecimal, "unit": kText, "weight": kDecimal, "memo": kText, "package_id": kInteger,
	"attribute_combination_id": kInteger,
}

// deliveryTypes are the values of stock_delivery_type and delivery_time_type (§1.6.6).
var deliveryTypes = []string{"days", "weeks", "months", "quarters", "years", "outofstock", "temporarilysoldout", "ordered", "onrequest", "unknown"}

// attributeTypes are the attribute types the simulator takes [I].
var attributeTypes = []string{"option_menu", "option_menu_required", "text", "text_required", "additional_option_menu", "additional_option_menu_required"}

func invalid(format string, args ...any) reply {
	return fail(http.StatusUnprocessableEntity, "422.10", fmt.Sprintf(format, args...))
}

// object decodes a JSON object body (numbers as json.Number) and checks
// every property against the resource's; required names must be present.
func object(body []byte, allowed map[string]kind, resource string, required ...string) (map[string]any, reply, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, fail(http.StatusBadRequest, "400.10", "the request body is not a JSON object"), false
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kd, known := allowed[k]
		if !known {
			return nil, invalid("property %q is not a property of %s", k, resource), false
		}
		v := obj[k]
		if v == nil {
			continue
		}
		var good bool
		want := ""
		switch kd {
		case kText:
			good, want = isString(v), "a string"
		case kDecimal:
			_, good = v.(json.Number)
			want = "a number"
		case kInteger:
			n, isNum := v.(json.Number)
			_, err := strconv.ParseInt(string(n), 10, 64)
			good, want = isNum && err == nil, "a whole number"
		case kBool:
			_, good = v.(bool)
			want = "true or false"
		case kObject:
			_, good = v.(map[string]any)
			want = "an object"
		case kArray:
			_, good = v.([]any)
			want = "an array"
		}
		if !good {
			return nil, invalid("property %q must be %s", k, want), false
		}
	}
	for _, r := range required {
		names := strings.Split(r, "|") // "a|b": one of them
		if !slices.ContainsFunc(names, func(n string) bool { return obj[n] != nil }) {
			quoted := make([]string, len(names))
			for i, n := range names {
				quoted[i] = strconv.Quote(n)
			}
			return nil, invalid("property %s is required", strings.Join(quoted, " or ")), false
		}
	}
	return obj, reply{}, true
}

func isString(v any) bool { _, ok := v.(string); return ok }

func str(v any) string {
	s, _ := v.(string)
	return s
}

func integer(v any) int64 {
	n, _ := v.(json.Number)
	i, _ := strconv.ParseInt(string(n), 10, 64)
	return i
}

// cents reads a money property exactly; ok is false for more than two decimals' worth of nonsense.
func cents(v any) (int64, bool) {
	n, _ := v.(json.Number)
	c, err := model.ParseMinor(string(n), 2)
	return c, err == nil
}

func qty(v any) (model.Quantity, bool) {
	n, _ := v.(json.Number)
	q, err := model.ParseQuantity(string(n))
	return q, err == nil
}
