package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// connectorsCmd prints what every registered system (or the ones named)
// offers: the flows it can be source and target of, the order kinds it
// writes, its credentials, options and published rate limits. It reads only
// the registry, so it needs neither Temporal nor an integration file.
func connectorsCmd(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("connectors", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: starter connectors [SYSTEM ...]") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	names := fs.Args()
	if len(names) == 0 {
		names = connectors.Systems()
	}
	for i, name := range names {
		r, ok := connectors.Lookup(name)
		if !ok {
			return fmt.Errorf("unknown system %q (known: %s)", name, strings.Join(connectors.Systems(), ", "))
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		describeSystem(w, r)
	}
	return nil
}

func describeSystem(w io.Writer, r connectors.Registration) {
	fmt.Fprintln(w, r.Name)
	table(w, "  ", [][]string{
		{"credentials", strings.Join(r.Credentials, ", ")},
		{"order kinds", orderKinds(r)},
	})

	fmt.Fprintln(w, "  flows")
	flows := [][]string{{"flow", "as source", "as target"}}
	for _, f := range connectors.FlowRoles {
		flows = append(flows, []string{f.Flow, role(r, f.Source), role(r, f.Target) + targetNote(r, f.Flow)})
	}
	table(w, "    ", flows)

	fmt.Fprintln(w, "  published rate limits")
	if len(r.Limits) == 0 {
		fmt.Fprintln(w, "    none published")
	} else {
		var limits [][]string
		for _, l := range r.Limits {
			limits = append(limits, []string{l.Scope, rate(l), l.Note})
		}
		table(w, "    ", limits)
	}

	if len(r.StatusNames) > 0 {
		// The order "statuses: [...]" means reached, so the order matters.
		fmt.Fprintln(w, "  order statuses (own name → canonical, in the order of the normal flow)")
		rows := [][]string{}
		for _, st := range model.OrderStatuses {
			var names []string
			for name, c := range r.StatusNames {
				if c == st {
					names = append(names, name)
				}
			}
			if len(names) > 0 {
				sort.Strings(names)
				rows = append(rows, []string{string(st), strings.Join(names, ", ")})
			}
		}
		table(w, "    ", rows)
	}
	if r.MaxPageSize > 0 {
		table(w, "  ", [][]string{{"largest page", fmt.Sprint(r.MaxPageSize)}})
	}

	fmt.Fprintln(w, "  options")
	opts := r.DescribeOptions()
	if len(opts) == 0 {
		fmt.Fprintln(w, "    none")
		return
	}
	rows := [][]string{{"name", "type", "default", "description"}}
	for _, o := range opts {
		rows = append(rows, []string{o.Name, optionType(o), optionDefault(o), o.Description})
	}
	table(w, "    ", rows)
}

// role says whether the system offers every capability a flow side needs,
// and names what is missing when it offers only some.
func role(r connectors.Registration, needs []connectors.Capability) string {
	var missing []string
	for _, c := range needs {
		if !r.Has(c) {
			missing = append(missing, string(c))
		}
	}
	switch len(missing) {
	case 0:
		return "yes"
	case len(needs):
		return "no"
	}
	return "no (lacks " + strings.Join(missing, ", ") + ")"
}

func targetNote(r connectors.Registration, flow string) string {
	if flow == "products" && r.Has(connectors.CapProductImages) {
		return ", with images"
	}
	return ""
}

func orderKinds(r connectors.Registration) string {
	if len(r.OrderKinds) == 0 {
		return "none (not an order target)"
	}
	kinds := make([]string, len(r.OrderKinds))
	for i, k := range r.OrderKinds {
		kinds[i] = string(k)
	}
	s := strings.Join(kinds, ", ")
	if r.LinesNeedProducts {
		s += "; every line must reference an existing product"
	}
	return s
}

func rate(l connectors.RateLimitInfo) string {
	if l.Requests == 0 {
		return "not published"
	}
	per := map[time.Duration]string{time.Second: "second", time.Minute: "minute", time.Hour: "hour", 24 * time.Hour: "day"}[l.Per]
	if per == "" {
		per = l.Per.String()
	}
	return fmt.Sprintf("%d per %s", l.Requests, per)
}

func optionType(o connectors.OptionInfo) string {
	t := o.Type
	if len(o.Enum) > 0 {
		t = "one of " + strings.Join(o.Enum, "|")
	}
	switch o.Min {
	case "":
	case "1", "1ns": // the common case reads better as a word
		t = "positive " + t
	default:
		t += ", at least " + o.Min
	}
	return t
}

func optionDefault(o connectors.OptionInfo) string {
	switch {
	case o.Required:
		return "(required)"
	case o.Default == "":
		return "-"
	}
	return o.Default
}

// table writes rows with aligned columns, each line indented.
func table(w io.Writer, indent string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintln(tw, indent+strings.TrimRight(strings.Join(row, "\t"), "\t "))
	}
	tw.Flush()
}
