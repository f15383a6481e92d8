package mplus

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// MplusKASSA's categories are article groups: a tree of named groups, each
// with a number. A product lists the numbers of its groups; Koppel speaks of
// categories by name, a nested one as its path from the top ("Koffie >
// Bonen"). The tree is read with getArticleGroups and kept for
// ProductCacheTTL; a name or number that is not in it reloads it once (at
// most once a minute), so a group added in the back office is seen.

// categorySeparator joins the names of a category path (model.Product.Categories).
const categorySeparator = " > "

// groupTree is the cached article group tree.
type groupTree struct {
	byNumber map[int]groupNode
	fetched  time.Time
}

type groupNode struct {
	name   string
	parent int // 0 for a top-level group
}

// loadGroups reads the tree when it is stale (or force is set and the copy
// is older than a minute). Callers hold groupMu.
func (c *Client) loadGroups(ctx context.Context, force bool) error {
	now := c.now()
	age := now.Sub(c.groups.fetched)
	fresh := !c.groups.fetched.IsZero() && c.cfg.ProductCacheTTL > 0 && age <= c.cfg.ProductCacheTTL
	if fresh && (!force || age <= vatTableMinRefresh) {
		return nil
	}
	var resp getArticleGroupsResp
	if err := c.call(ctx, "getArticleGroups", "GetArticleGroupsResponse", getArticleGroupsReq{}, &resp); err != nil {
		return err
	}
	tree := groupTree{byNumber: map[int]groupNode{}, fetched: now}
	var walk func(list wireArticleGroupList, parent int)
	walk = func(list wireArticleGroupList, parent int) {
		for _, g := range list.ArticleGroups {
			if g.IsDeleted {
				continue
			}
			tree.byNumber[g.GroupNumber] = groupNode{name: strings.TrimSpace(g.Name), parent: parent}
			walk(g.SubGroupList, g.GroupNumber)
		}
	}
	walk(resp.ArticleGroupList, 0)
	c.groups = tree
	return nil
}

// categoryNames renders group numbers as category paths. A number the tree
// does not hold (a deleted group) is left out.
func (c *Client) categoryNames(ctx context.Context, numbers []int) ([]string, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	c.groupMu.Lock()
	defer c.groupMu.Unlock()
	if err := c.loadGroups(ctx, false); err != nil {
		return nil, err
	}
	for _, n := range numbers {
		if _, ok := c.groups.byNumber[n]; !ok {
			if err := c.loadGroups(ctx, true); err != nil {
				return nil, err
			}
			break
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range numbers {
		if p := c.groups.path(n); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// path is a group's names from the top, joined by categorySeparator.
func (t groupTree) path(n int) string {
	var names []string
	for depth := 0; n != 0 && depth < 32; depth++ { // depth bounds a malformed (cyclic) tree
		g, ok := t.byNumber[n]
		if !ok {
			return ""
		}
		names = append([]string{g.name}, names...)
		n = g.parent
	}
	return strings.Join(names, categorySeparator)
}

// child finds a group by name under parent: an exact match first, then one
// that differs only in case.
func (t groupTree) child(parent int, name string) (int, bool) {
	folded := 0
	for n, g := range t.byNumber {
		if g.parent != parent {
			continue
		}
		if g.name == name {
			return n, true
		}
		if folded == 0 && strings.EqualFold(g.name, name) {
			folded = n
		}
	}
	return folded, folded != 0
}

// groupNumbers resolves category paths to the numbers of their last group.
// A missing group is created (newArticleGroup, level by level) when create
// is set; otherwise it fails the product with KindNotFound naming it.
func (c *Client) groupNumbers(ctx context.Context, op string, categories []string, create bool) ([]int, error) {
	if len(categories) == 0 {
		return nil, nil
	}
	c.groupMu.Lock()
	defer c.groupMu.Unlock()
	if err := c.loadGroups(ctx, false); err != nil {
		return nil, err
	}
	var out []int
	seen := map[int]bool{}
	reloaded := false
	for _, category := range categories {
		var names []string
		for _, part := range strings.Split(category, ">") {
			if part = strings.TrimSpace(part); part != "" {
				names = append(names, part)
			}
		}
		if len(names) == 0 {
			continue
		}
		parent := 0
		for i, name := range names {
			n, ok := c.groups.child(parent, name)
			if !ok && !reloaded {
				reloaded = true
				if err := c.loadGroups(ctx, true); err != nil {
					return nil, err
				}
				n, ok = c.groups.child(parent, name)
			}
			if !ok {
				if !create {
					return nil, &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op,
						Message: fmt.Sprintf("category %q does not exist in MplusKASSA (there is no article group %q%s); create it there or let the flow create categories",
							category, name, under(names[:i]))}
				}
				var err error
				if n, err = c.newGroup(ctx, parent, name); err != nil {
					return nil, err
				}
			}
			parent = n
		}
		if !seen[parent] {
			seen[parent] = true
			out = append(out, parent)
		}
	}
	return out, nil
}

func under(parents []string) string {
	if len(parents) == 0 {
		return " at the top level"
	}
	return " under " + strings.Join(parents, categorySeparator)
}

// newGroup creates one article group and adds it to the cached tree.
// Callers hold groupMu.
func (c *Client) newGroup(ctx context.Context, parent int, name string) (int, error) {
	const op = "newArticleGroup"
	var resp newArticleGroupResp
	req := newArticleGroupReq{Request: newArticleGroupRequest{ParentGroupNumber: parent, Name: name, Text: name}}
	if err := c.call(ctx, op, "NewArticleGroupResponse", req, &resp); err != nil {
		return 0, err
	}
	if resp.Result != newArticleGroupOK {
		return 0, c.resultError(op, resp.Result, fmt.Sprintf("article group %q could not be created (%s)", name, resp.Result))
	}
	if resp.GroupNumber == 0 {
		return 0, c.resultError(op, resp.Result, "the answer holds no groupNumber")
	}
	c.groups.byNumber[resp.GroupNumber] = groupNode{name: name, parent: parent}
	return resp.GroupNumber, nil
}
