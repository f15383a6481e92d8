package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/koppel/koppel/workflows"
)

// DefaultRetention is how long Temporal keeps a closed workflow's history
// (with its encrypted order data) before deleting it.
const DefaultRetention = 7 * 24 * time.Hour

// Setup prepares a namespace for Koppel, idempotently: it exists, keeps
// closed histories for retention, and has our search attributes. It returns
// what it changed.
func Setup(ctx context.Context, c client.Client, namespace string, retention time.Duration) ([]string, error) {
	if retention < 24*time.Hour {
		return nil, fmt.Errorf("retention %s is shorter than a day, the least Temporal accepts", retention)
	}
	var changes []string
	ns := c.WorkflowService()
	desc, err := ns.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	var notFound *serviceerror.NamespaceNotFound
	switch {
	case errors.As(err, &notFound):
		if _, err := ns.RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(retention),
		}); err != nil {
			return changes, fmt.Errorf("creating namespace %s: %w", namespace, err)
		}
		changes = append(changes, fmt.Sprintf("namespace %s created, retention %s", namespace, retention))
	case err != nil:
		return changes, fmt.Errorf("reading namespace %s: %w", namespace, err)
	case desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() != retention:
		old := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
		if _, err := ns.UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
			Namespace: namespace, Config: &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(retention)},
		}); err != nil {
			return changes, fmt.Errorf("setting the retention of namespace %s: %w", namespace, err)
		}
		changes = append(changes, fmt.Sprintf("namespace %s retention %s → %s", namespace, old, retention))
	}

	// A namespace just created takes a moment to reach every server cache.
	var have *operatorservice.ListSearchAttributesResponse
	for deadline := time.Now().Add(30 * time.Second); ; {
		have, err = c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
		if err == nil || !errors.As(err, &notFound) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return changes, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	if err != nil {
		return changes, fmt.Errorf("listing search attributes of %s: %w", namespace, err)
	}
	add := map[string]enumspb.IndexedValueType{}
	for name, typ := range workflows.SearchAttributes {
		got, ok := have.GetCustomAttributes()[name]
		switch {
		case !ok:
			add[name] = typ
		case got != typ:
			return changes, fmt.Errorf("search attribute %s exists as %s, Koppel needs %s; remove it or use another namespace", name, got, typ)
		}
	}
	if len(add) > 0 {
		if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace: namespace, SearchAttributes: add,
		}); err != nil {
			return changes, fmt.Errorf("adding search attributes to %s: %w", namespace, err)
		}
		names := make([]string, 0, len(add))
		for n := range add {
			names = append(names, n)
		}
		sort.Strings(names)
		changes = append(changes, fmt.Sprintf("search attributes added: %v", names))
	}
	return changes, nil
}
