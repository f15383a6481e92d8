package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Search attributes shown and filtered on in the Web UI. Their values are not
// encrypted, so they hold names of systems and order numbers, never a person's
// name or e-mail.
var (
	SAIntegration  = temporal.NewSearchAttributeKeyKeyword("Integration")
	SAFlow         = temporal.NewSearchAttributeKeyKeyword("Flow")
	SASourceSystem = temporal.NewSearchAttributeKeyKeyword("SourceSystem")
	SATargetSystem = temporal.NewSearchAttributeKeyKeyword("TargetSystem")
	SAOrderNumber  = temporal.NewSearchAttributeKeyKeyword("OrderNumber")
)

// SearchAttributes lists every custom attribute with its type, for the setup
// that registers them on a namespace.
var SearchAttributes = map[string]enumspb.IndexedValueType{
	SAIntegration.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SAFlow.GetName():         enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SASourceSystem.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SATargetSystem.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SAOrderNumber.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}
