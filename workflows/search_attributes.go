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
	// SAOutcome is how a record ended when it did not fail: created,
	// skipped or recovered. The daily digest counts by it.
	SAOutcome = temporal.NewSearchAttributeKeyKeyword("Outcome")
)

// Keywords lists every custom attribute; all are keywords.
var Keywords = []temporal.SearchAttributeKeyKeyword{SAIntegration, SAFlow, SASourceSystem, SATargetSystem, SAOrderNumber, SAOutcome}

// SearchAttributes lists every custom attribute with its type, for the setup
// that registers them on a namespace.
var SearchAttributes = func() map[string]enumspb.IndexedValueType {
	out := make(map[string]enumspb.IndexedValueType, len(Keywords))
	for _, k := range Keywords {
		out[k.GetName()] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
	}
	return out
}()
