package vismanet

// The catalogue's wire types (products.go, stock.go), checked against the
// contract: the item as the products flow reads it (InventoryDto), the
// stock per warehouse and location (InventorySummaryDto) and the inventory
// adjustment that moves stock (InventoryAdjustmentDto to read,
// InventoryAdjustmentUpdateDto to write). Reads are plain; writes wrapped,
// except the lines array and a line's operation.

// InventoryItem is an InventoryDto with what the catalogue reads. The
// listing fills attributes, attachments, cross-references and sales
// categories only when asked (expandAttribute …).
type InventoryItem struct {
	InventoryID      int              `json:"inventoryId"`
	InventoryNumber  string           `json:"inventoryNumber"`
	Status           string           `json:"status"`
	Type             string           `json:"type"`
	StockItem        bool             `json:"stockItem"`
	Description      string           `json:"description"`
	Body             string           `json:"body"`
	ItemClass        *ItemClassRef    `json:"itemClass"`
	VATCode          *IDRef           `json:"vatCode"`
	DefaultPrice     Decimal          `json:"defaultPrice"`
	BaseUnit         string           `json:"baseUnit"`
	DefaultWarehouse *IDRef           `json:"defaultWarehouse"`
	CrossReferences  []CrossReference `json:"crossReferences"`
	Attachments      []AttachmentRef  `json:"attachments"`
	Attributes       []Attribute      `json:"attributes"`
	SalesCategories  []SalesCategory  `json:"salesCategories"`
	LastModified     string           `json:"lastModifiedDateTime"`
}

// ItemClassRef is an item's class (itemClassInInventoryDto), with the
// class's attributes when the API sends them.
type ItemClassRef struct {
	ID          string           `json:"id"`
	Description string           `json:"description"`
	Type        string           `json:"type"`
	Attributes  []ClassAttribute `json:"attributes"`
}

// ClassAttribute is a ClassAttributeDto: an attribute of an item class and,
// for a combo, its values (details: value id → description).
type ClassAttribute struct {
	AttributeID string  `json:"attributeId"`
	Description string  `json:"description"`
	Details     []IDRef `json:"details"`
}

// Cross-reference types (alternateType) that can hold an EAN.
const (
	AlternateBarcode = "Barcode"
	AlternateGlobal  = "Global"
)

// CrossReference is an InventoryCrossReferenceDto: an alternate id of the
// item (CPN, VPN, Global, Barcode).
type CrossReference struct {
	AlternateType string `json:"alternateType"`
	AlternateID   string `json:"alternateID"`
	Description   string `json:"description"`
}

// AttachmentRef is an AttachmentDto: a file attached to a record. Its
// content is read with GET /v1/attachment/{id} (OpGetAttachment).
type AttachmentRef struct {
	Name     string `json:"name"`
	ID       string `json:"id"`
	Revision int    `json:"revision"`
}

// SalesCategory is a SalesCategoryLineDto.
type SalesCategory struct {
	CategoryID  int    `json:"categoryId"`
	Description string `json:"description"`
}

// InventorySummary is an InventorySummaryDto: an item's stock at one
// warehouse and location.
type InventorySummary struct {
	Inventory            *NumberRef       `json:"inventory"`
	Warehouse            *IDRef           `json:"warehouse"`
	Location             *SummaryLocation `json:"location"`
	OnHand               Decimal          `json:"onHand"`
	Available            Decimal          `json:"available"`
	AvailableForShipment Decimal          `json:"availableForShipment"`
	BaseUnit             string           `json:"baseUnit"`
}

// SummaryLocation is a summary's location (its id is a number there).
type SummaryLocation struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// Statuses of an inventory adjustment (InventoryAdjustmentDto.status).
const (
	AdjustmentHold     = "Hold"
	AdjustmentBalanced = "Balanced"
	AdjustmentReleased = "Released"
)

// InventoryAdjustment is an InventoryAdjustmentDto as far as Koppel reads
// it: its number, status and the external reference Koppel tags it with.
type InventoryAdjustment struct {
	ReferenceNumber   string `json:"referenceNumber"`
	Status            string `json:"status"`
	Hold              bool   `json:"hold"`
	ExternalReference string `json:"externalReference"`
	Description       string `json:"description"`
	LastModified      string `json:"lastModifiedDateTime"`
	// Lines: the contract spells the read's field "adjusmentLines".
	Lines []InventoryAdjustmentLine `json:"adjusmentLines"`
}

// InventoryAdjustmentLine is an InventoryAdjustmentLineDto.
type InventoryAdjustmentLine struct {
	LineNumber    int        `json:"lineNumber"`
	InventoryItem *NumberRef `json:"inventoryItem"`
	Warehouse     *IDRef     `json:"warehouse"`
	Quantity      Decimal    `json:"quantity"`
	UOM           string     `json:"uom"`
}

// InventoryAdjustmentUpdate is an InventoryAdjustmentUpdateDto with the
// fields Koppel writes.
type InventoryAdjustmentUpdate struct {
	Hold              *Value[bool]                    `json:"hold,omitempty"`
	ExternalReference *Value[string]                  `json:"externalReference,omitempty"`
	Description       *Value[string]                  `json:"description,omitempty"`
	BranchNumber      *Value[string]                  `json:"branchNumber,omitempty"`
	Lines             []InventoryAdjustmentLineUpdate `json:"adjustmentLines,omitempty"`
}

// InventoryAdjustmentLineUpdate is an InventoryAdjustmentLineUpdateDto.
// Quantity is signed: a positive one adds stock, a negative one removes it.
type InventoryAdjustmentLineUpdate struct {
	Operation       string          `json:"operation"`
	InventoryNumber *Value[string]  `json:"inventoryNumber"`
	WarehouseID     *Value[string]  `json:"warehouseId,omitempty"`
	Quantity        *Value[Decimal] `json:"quantity"`
	UOM             *Value[string]  `json:"uom,omitempty"`
	ReasonCode      *Value[string]  `json:"reasonCode,omitempty"`
	BranchNumber    *Value[string]  `json:"branchNumber,omitempty"`
}
