package ccvshop

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Wire types of products, their sub-resources, categories, attributes,
// users and shop settings (research §1.6.4, §1.6.6–1.6.8), named as the API
// names them. Money and quantities stay json.Number.

// wireSub is a record's sub-resource: a link ({href}) or, when the request
// asked to expand it, the collection itself (href, items and, when longer
// than one page, a next link). Items is nil when it was not expanded.
type wireSub[T any] struct {
	Href  string  `json:"href"`
	Items *[]T    `json:"items"`
	Next  *string `json:"next"`
}

type wireProduct struct {
	ID                    int64                        `json:"id"`
	IsActive              bool                         `json:"is_active"`
	CreateDate            string                       `json:"createdate"`
	ModifyDate            string                       `json:"modifydate"`
	ProductNumber         string                       `json:"productnumber"`
	EANNumber             string                       `json:"eannumber"`
	Name                  string                       `json:"name"`
	ShortDescription      string                       `json:"shortdescription"`
	Description           string                       `json:"description"`
	VATRate               json.Number                  `json:"vatrate"`
	TaxTariff             string                       `json:"taxtariff"`
	Price                 json.Number                  `json:"price"`
	Discount              json.Number                  `json:"discount"`
	StockEnabled          bool                         `json:"stockenabled"`
	StockType             string                       `json:"stocktype"`
	Stock                 json.Number                  `json:"stock"`
	AttributeCombinations wireSub[wireCombination]     `json:"attributecombinations"`
	ProductToCategories   wireSub[wireProductCategory] `json:"producttocategories"`
	ProductPhotos         wireSub[wirePhoto]           `json:"productphotos"`
}

// wireCombination is an attribute combination: a variant (§1.6.7).
type wireCombination struct {
	ID              int64                 `json:"id"`
	ProductID       int64                 `json:"product_id"`
	Stock           json.Number           `json:"stock"`
	NettoExtraPrice json.Number           `json:"netto_extra_price"`
	ProductNumber   string                `json:"product_number"`
	EANNumber       string                `json:"ean_number"`
	SKUNumber       string                `json:"sku_number"`
	Active          bool                  `json:"active"`
	Combination     []wireCombinationPart `json:"combination"`
}

type wireCombinationPart struct {
	Attribute      wireNamed   `json:"attribute"`
	AttributeValue wireNamed   `json:"attribute_value"`
	ExtraPrice     json.Number `json:"extra_price"`
}

type wireNamed struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type wireProductCategory struct {
	ID         int64 `json:"id"`
	ProductID  int64 `json:"product_id"`
	CategoryID int64 `json:"category_id"`
}

type wirePhoto struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	Alttext     string `json:"alttext"`
	IsMainphoto bool   `json:"is_mainphoto"`
	FileType    string `json:"file_type"`
	Deeplink    string `json:"deeplink"`
}

type wireCategory struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	ParentCategory wireRef `json:"parentcategory"`
}

// wireRef is a link to another record: {id, href}, a bare id or null.
type wireRef struct{ ID int64 }

func (r *wireRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		r.ID = 0
		return nil
	case b[0] == '{':
		var v struct {
			ID *int64 `json:"id"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		r.ID = 0
		if v.ID != nil {
			r.ID = *v.ID
		}
		return nil
	default:
		if err := json.Unmarshal(b, &r.ID); err != nil {
			return fmt.Errorf("a link is neither {id, href} nor an id: %s", b)
		}
		return nil
	}
}

type wireAttribute struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type wireAttributeValue struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	AttributeID int64  `json:"attribute_id"`
}

// wireProductAttributeValue links an attribute value to a product, with
// the value's extra price on that product.
type wireProductAttributeValue struct {
	ID              int64       `json:"id"`
	OptionID        int64       `json:"optionid"`
	OptionName      string      `json:"optionname"`
	OptionValueID   int64       `json:"optionvalue_id"`
	OptionValueName string      `json:"optionvalue_name"`
	Price           json.Number `json:"price"`
}

type wireUser struct {
	ID       int64        `json:"id"`
	Username string       `json:"username"`
	Userinfo wireCustomer `json:"userinfo"`
}

type wireSettings struct {
	PricesIncludeVAT *bool `json:"prices_include_vat"`
}

// wireCreated is what a POST answers with, when it answers at all.
type wireCreated struct {
	ID int64 `json:"id"`
}
