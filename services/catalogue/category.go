package catalogue

import (
	"strconv"
	"strings"
)

// Category is one node of the category tree. Children and ProductIDs are in
// position order; ProductIDs are the products assigned directly.
type Category struct {
	ID            int
	ParentID      int // 0 for the root
	Name          string
	IsActive      bool
	Position      int
	Level         int
	URLKey        string
	URLPath       string // "gear/bags": the storefront page is /gear/bags.html
	Path          string // ids from the root: "1/2/3"
	IncludeInMenu bool
	IsAnchor      bool
	DisplayMode   string
	CreatedAt     string
	UpdatedAt     string
	Children      []*Category
	ProductIDs    []int
}

// CategoryNode is a node of GET /V1/categories: the tree with children_data.
type CategoryNode struct {
	ID           int            `json:"id"`
	ParentID     int            `json:"parent_id"`
	Name         string         `json:"name"`
	IsActive     bool           `json:"is_active"`
	Position     int            `json:"position"`
	Level        int            `json:"level"`
	ProductCount int            `json:"product_count"`
	ChildrenData []CategoryNode `json:"children_data"`
}

// Tree is the subtree under c as GET /V1/categories returns it. depth limits
// how many levels below c are included; 0 or less means all of them.
func (c *Category) Tree(depth int) CategoryNode {
	if depth <= 0 {
		depth = -1
	}
	return c.tree(depth)
}

// tree descends levels more levels; a negative count never reaches zero.
func (c *Category) tree(levels int) CategoryNode {
	n := CategoryNode{
		ID: c.ID, ParentID: c.ParentID, Name: c.Name, IsActive: c.IsActive,
		Position: c.Position, Level: c.Level, ProductCount: len(c.ProductIDs),
		ChildrenData: []CategoryNode{},
	}
	if levels == 0 {
		return n
	}
	for _, child := range c.Children {
		n.ChildrenData = append(n.ChildrenData, child.tree(levels-1))
	}
	return n
}

// CategoryDetail is GET /V1/categories/{id}.
type CategoryDetail struct {
	ID               int               `json:"id"`
	ParentID         int               `json:"parent_id"`
	Name             string            `json:"name"`
	IsActive         bool              `json:"is_active"`
	Position         int               `json:"position"`
	Level            int               `json:"level"`
	Children         string            `json:"children"` // child ids joined by commas, as Magento sends them
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	Path             string            `json:"path"`
	AvailableSortBy  []string          `json:"available_sort_by"`
	IncludeInMenu    bool              `json:"include_in_menu"`
	CustomAttributes []CustomAttribute `json:"custom_attributes"`
}

// Detail is the category as GET /V1/categories/{id} returns it.
func (c *Category) Detail() CategoryDetail {
	ids := make([]string, len(c.Children))
	for i, child := range c.Children {
		ids[i] = strconv.Itoa(child.ID)
	}
	attrs := []CustomAttribute{}
	if c.URLKey != "" {
		attrs = append(attrs,
			CustomAttribute{AttributeCode: "url_key", Value: c.URLKey},
			CustomAttribute{AttributeCode: "url_path", Value: c.URLPath})
	}
	attrs = append(attrs,
		CustomAttribute{AttributeCode: "display_mode", Value: c.DisplayMode},
		CustomAttribute{AttributeCode: "is_anchor", Value: boolString(c.IsAnchor)},
		CustomAttribute{AttributeCode: "path", Value: c.Path},
		CustomAttribute{AttributeCode: "children_count", Value: strconv.Itoa(c.descendants())})
	return CategoryDetail{
		ID: c.ID, ParentID: c.ParentID, Name: c.Name, IsActive: c.IsActive,
		Position: c.Position, Level: c.Level, Children: strings.Join(ids, ","),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Path: c.Path,
		AvailableSortBy: []string{}, IncludeInMenu: c.IncludeInMenu, CustomAttributes: attrs,
	}
}

func (c *Category) descendants() int {
	n := len(c.Children)
	for _, child := range c.Children {
		n += child.descendants()
	}
	return n
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
