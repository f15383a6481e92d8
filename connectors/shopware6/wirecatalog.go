package shopware6

import (
	"encoding/json"
	"strings"
)

// The catalogue's shapes (research §1.9), as the client reads them from a
// search with sw-inheritance: 1 (a variant's inherited fields resolved) and
// as it writes them through the Sync API. Amounts stay json.Number until
// they are read into minor units.

type wireProduct struct {
	ID            string               `json:"id"`
	ParentID      *string              `json:"parentId"`
	ProductNumber string               `json:"productNumber"`
	Name          *string              `json:"name"`
	Description   *string              `json:"description"`
	EAN           *string              `json:"ean"`
	Active        *bool                `json:"active"`
	IsCloseout    *bool                `json:"isCloseout"`
	Stock         json.Number          `json:"stock"`
	TaxID         *string              `json:"taxId"`
	Tax           *wireTax2            `json:"tax"`
	Price         []wirePrice2         `json:"price"`
	CoverID       *string              `json:"coverId"`
	Categories    []wireCategory       `json:"categories"`
	Options       []wireOption         `json:"options"`
	Media         []wireProductMedia   `json:"media"`
	Visibilities  []wireVisibility     `json:"visibilities"`
	Configurator  []wireConfiguratorSt `json:"configuratorSettings"`
	Children      []wireProduct        `json:"children"`
}

// wirePrice2 is one entry of a product's price list: {currencyId, gross,
// net, linked}.
type wirePrice2 struct {
	CurrencyID string      `json:"currencyId"`
	Gross      json.Number `json:"gross"`
	Net        json.Number `json:"net"`
	Linked     bool        `json:"linked"`
}

// wireTax2 is the tax entity (not an order's calculated tax).
type wireTax2 struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	TaxRate json.Number `json:"taxRate"`
}

// wireCategory is a category; path lists its ancestors' ids from the top
// (|top|…|parent|, read-only).
type wireCategory struct {
	ID       string  `json:"id"`
	ParentID *string `json:"parentId"`
	Name     *string `json:"name"`
	Path     *string `json:"path"`
}

// ancestors are the ids of path, from the top down.
func (c wireCategory) ancestors() []string {
	if c.Path == nil {
		return nil
	}
	var out []string
	for _, id := range strings.Split(*c.Path, "|") {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

type wireOption struct {
	ID      string     `json:"id"`
	GroupID string     `json:"groupId"`
	Name    *string    `json:"name"`
	Group   *wireGroup `json:"group"`
}

type wireGroup struct {
	ID      string       `json:"id"`
	Name    *string      `json:"name"`
	Options []wireOption `json:"options"`
}

type wireProductMedia struct {
	ID       string     `json:"id"`
	MediaID  string     `json:"mediaId"`
	Position *int       `json:"position"`
	Media    *wireMedia `json:"media"`
}

type wireMedia struct {
	ID            string  `json:"id"`
	FileName      *string `json:"fileName"`
	FileExtension *string `json:"fileExtension"`
	HasFile       *bool   `json:"hasFile"`
}

type wireVisibility struct {
	ID             string `json:"id"`
	SalesChannelID string `json:"salesChannelId"`
	Visibility     int    `json:"visibility"`
}

type wireConfiguratorSt struct {
	ID       string `json:"id"`
	OptionID string `json:"optionId"`
}

type wireSalesChannel struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	TypeID               string `json:"typeId"`
	NavigationCategoryID string `json:"navigationCategoryId"`
}

// syncOperation is one operation of POST /api/_action/sync (research
// §1.7), sent as a list, as the contract declares the body.
type syncOperation struct {
	Action  string           `json:"action"`
	Entity  string           `json:"entity"`
	Payload []map[string]any `json:"payload"`
}

// syncAnswer reads both answers: 6.5+ {"data", "notFound", "deleted"} and
// 6.4 {"success", "data": {<op>: {"result": [{"errors": […]}]}}}.
type syncAnswer struct {
	Success *bool                      `json:"success"`
	Data    map[string]json.RawMessage `json:"data"`
}
