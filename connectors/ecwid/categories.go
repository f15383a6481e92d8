package ecwid

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// Categories: a product names its categories by id (categoryIds); the
// canonical product by name path ("Coffee > Beans"). The tree (GET
// /categories with hidden ones, paged) is read once per options.cacheTTL;
// a path it lacks reads it again before the path counts as missing, and a
// created category is added to it.

// PathSeparator joins a category path's names.
const PathSeparator = " > "

type categoryTree struct {
	byID  map[int64]Category
	until time.Time
}

// tree returns the category tree; fresh reads it again.
func (c *Client) tree(ctx context.Context, fresh bool) (*categoryTree, error) {
	now := c.now()
	c.mu.Lock()
	t := c.categories
	c.mu.Unlock()
	if t != nil && !fresh && now.Before(t.until) {
		return t, nil
	}
	t = &categoryTree{byID: map[int64]Category{}, until: now.Add(c.opt.CacheTTL)}
	err := c.eachPage(ctx, OpListCategories, url.Values{"hidden_categories": {"true"}}, func(items []json.RawMessage) (bool, error) {
		for _, raw := range items {
			var cat Category
			if err := decodeJSON(raw, &cat); err != nil {
				return true, unavailable(OpListCategories, 200, "a category is not the JSON the API documents: %s", jsonProblem(err))
			}
			t.byID[cat.ID] = cat
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.categories = t
	c.mu.Unlock()
	return t, nil
}

// path is a category's name path from the top; "" for an unknown id.
func (t *categoryTree) path(id int64) string {
	var names []string
	for seen := 0; id != 0 && seen < 100; seen++ { // a cycle in the data ends here
		cat, ok := t.byID[id]
		if !ok {
			return ""
		}
		names = append([]string{strings.TrimSpace(cat.Name)}, names...)
		id = cat.ParentID
	}
	return strings.Join(names, PathSeparator)
}

// paths are the name paths of ids, known ones only, in order.
func (t *categoryTree) paths(ids []int64) []string {
	var out []string
	for _, id := range ids {
		if p := t.path(id); p != "" && !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// child finds the category named name below parent (0: the top), by exact
// name first, then without regard to case.
func (t *categoryTree) child(parent int64, name string) (int64, bool) {
	var fold int64
	for id, cat := range t.byID {
		if cat.ParentID != parent {
			continue
		}
		n := strings.TrimSpace(cat.Name)
		if n == name && (fold == 0 || id < fold) {
			return id, true
		}
		if strings.EqualFold(n, name) && (fold == 0 || id < fold) {
			fold = id
		}
	}
	return fold, fold != 0
}

// find walks a path down the tree; missing is the index of the first name
// it lacks (-1: found), parent the last category it found.
func (t *categoryTree) find(names []string) (id int64, missing int) {
	for i, n := range names {
		next, ok := t.child(id, n)
		if !ok {
			return id, i
		}
		id = next
	}
	return id, -1
}

func splitPath(path string) []string {
	var names []string
	for _, n := range strings.Split(path, strings.TrimSpace(PathSeparator)) {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// categoryIDs resolves name paths to ids, creating the categories the
// store lacks when create is set; else a missing one is KindNotFound
// naming it.
func (c *Client) categoryIDs(ctx context.Context, op string, paths []string, create bool) ([]int64, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	t, err := c.tree(ctx, false)
	if err != nil {
		return nil, err
	}
	refreshed := false
	var out []int64
	for _, path := range paths {
		names := splitPath(path)
		if len(names) == 0 {
			continue
		}
		id, missing := t.find(names)
		if missing >= 0 && !refreshed {
			if t, err = c.tree(ctx, true); err != nil {
				return nil, err
			}
			refreshed = true
			id, missing = t.find(names)
		}
		if missing >= 0 && !create {
			return nil, notFound(op, "category %q does not exist in the Ecwid store (%q is missing); create it, or turn on createCategories", path, names[missing])
		}
		for ; missing >= 0 && missing < len(names); missing++ {
			var res Created
			body := CategoryBody{Name: names[missing], ParentID: id, Enabled: true}
			if err := c.do(ctx, request{op: OpCreateCategory, path: opPath(OpCreateCategory), body: body, into: &res}); err != nil {
				return nil, err
			}
			n, err := res.ID.Int64()
			if err != nil || n <= 0 {
				return nil, unavailable(OpCreateCategory, 200, "category %q was created, but the answer names no id", names[missing])
			}
			t = c.addCategory(t, Category{ID: n, ParentID: id, Name: names[missing]})
			id = n
		}
		if !containsID(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// addCategory returns t with a created category, and caches it. A tree is
// never changed once built (readers hold it without the lock).
func (c *Client) addCategory(t *categoryTree, cat Category) *categoryTree {
	next := &categoryTree{byID: make(map[int64]Category, len(t.byID)+1), until: t.until}
	for id, v := range t.byID {
		next.byID[id] = v
	}
	next.byID[cat.ID] = cat
	c.mu.Lock()
	c.categories = next
	c.mu.Unlock()
	return next
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
