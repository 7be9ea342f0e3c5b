package catalogue

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// node is the shape of the storefront's category tree, after Magento's Luma
// sample data; family names the product family whose products fill a leaf.
type node struct {
	name     string
	family   string
	children []node
}

var storefront = node{name: "Root Catalog", children: []node{{name: "Default Category", children: []node{
	{name: "What's New"},
	{name: "Women", children: []node{
		{name: "Tops", children: []node{
			{name: "Jackets", family: "WJ"},
			{name: "Hoodies & Sweatshirts", family: "WH"},
			{name: "Tees", family: "WS"},
			{name: "Bras & Tanks", family: "WT"},
		}},
		{name: "Bottoms", children: []node{
			{name: "Pants", family: "WP"},
			{name: "Shorts", family: "WSH"},
		}},
	}},
	{name: "Men", children: []node{
		{name: "Tops", children: []node{
			{name: "Jackets", family: "MJ"},
			{name: "Hoodies & Sweatshirts", family: "MH"},
			{name: "Tees", family: "MS"},
			{name: "Tanks", family: "MT"},
		}},
		{name: "Bottoms", children: []node{
			{name: "Pants", family: "MP"},
			{name: "Shorts", family: "MSH"},
		}},
	}},
	{name: "Gear", children: []node{
		{name: "Bags", family: "MB"},
		{name: "Fitness Equipment", family: "UG"},
		{name: "Watches", family: "WG"},
	}},
	{name: "Training", children: []node{
		{name: "Video Download", family: "LV"},
	}},
	{name: "Sale"},
}}}}

// Categories whose products come from elsewhere: a share of all products.
const (
	whatsNewName = "What's New"
	saleName     = "Sale"
)

// buildTree numbers the tree depth first, so ids are stable for the shape.
func buildTree(rng *rand.Rand) []*Category {
	var all []*Category
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	var walk func(n node, parent *Category, position int) *Category
	walk = func(n node, parent *Category, position int) *Category {
		c := &Category{
			ID: len(all) + 1, Name: n.name, IsActive: true, Position: position,
			IncludeInMenu: true, IsAnchor: true, DisplayMode: "PRODUCTS",
			ProductIDs: []int{},
		}
		all = append(all, c)
		created := base.Add(time.Duration(c.ID)*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
		c.CreatedAt = magentoTime(created)
		c.UpdatedAt = magentoTime(created.Add(time.Duration(rng.IntN(90*24)) * time.Hour))
		c.Path = strconv.Itoa(c.ID)
		if parent != nil {
			c.ParentID = parent.ID
			c.Level = parent.Level + 1
			c.Path = parent.Path + "/" + c.Path
			if c.Level >= 2 {
				c.URLKey = slug(n.name)
				c.URLPath = strings.TrimPrefix(parent.URLPath+"/"+c.URLKey, "/")
			}
		}
		if c.Level < 2 {
			c.DisplayMode = "PAGE"
		}
		for i, child := range n.children {
			c.Children = append(c.Children, walk(child, c, i+1))
		}
		return c
	}
	walk(storefront, nil, 0)
	return all
}

// leafFamilies maps each family code to the categories a product of it is
// assigned to: the leaf and its ancestors below the store root.
func leafFamilies(all []*Category) map[string][]*Category {
	byID := map[int]*Category{}
	for _, c := range all {
		byID[c.ID] = c
	}
	out := map[string][]*Category{}
	var walk func(n node, c *Category)
	walk = func(n node, c *Category) {
		if n.family != "" {
			var chain []*Category
			for at := c; at != nil && at.Level >= 2; at = byID[at.ParentID] {
				chain = append([]*Category{at}, chain...)
			}
			out[n.family] = chain
		}
		for i, child := range n.children {
			walk(child, c.Children[i])
		}
	}
	walk(storefront, all[0])
	return out
}

func categoryNamed(all []*Category, name string) *Category {
	for _, c := range all {
		if c.Name == name && c.Level == 2 {
			return c
		}
	}
	return nil
}
