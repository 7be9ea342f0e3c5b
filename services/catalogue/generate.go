package catalogue

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// generator draws products from one random stream; every draw happens in a
// fixed order, which is what makes the catalogue a function of the seed.
type generator struct {
	rng      *rand.Rand
	cats     []*Category
	chains   map[string][]*Category
	whatsNew *Category
	sale     *Category
	serial   map[string]int
	urlKeys  map[string]bool
	mediaID  int
	optionID int
	products []Product
	base     time.Time
}

func newGenerator(rng *rand.Rand, cats []*Category) *generator {
	return &generator{
		rng: rng, cats: cats, chains: leafFamilies(cats),
		whatsNew: categoryNamed(cats, whatsNewName), sale: categoryNamed(cats, saleName),
		serial: map[string]int{}, urlKeys: map[string]bool{},
		base: time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC),
	}
}

func (g *generator) generate(n int) []Product {
	g.products = make([]Product, 0, n)
	for len(g.products) < n {
		// Gear and videos are one product a pick, apparel a dozen or so; picking
		// them two times in five keeps a few hundred of them in the catalogue.
		f := families[standaloneFamilies+g.rng.IntN(len(families)-standaloneFamilies)]
		if g.rng.IntN(5) < 2 {
			f = families[g.rng.IntN(standaloneFamilies)]
		}
		if f.size() > n-len(g.products) {
			f = families[g.rng.IntN(standaloneFamilies-1)] // only simple gear fits the remainder
		}
		if f.typeID == TypeConfigurable {
			g.configurable(f)
		} else {
			g.add(g.standalone(f))
		}
	}
	return g.products
}

func (g *generator) nextSKU(f family) string {
	g.serial[f.code]++
	return fmt.Sprintf("%s%s%02d", f.skuPrefix, f.code, g.serial[f.code])
}

func (g *generator) name(f family) string {
	given := givenNames[g.rng.IntN(len(givenNames))]
	noun := f.nouns[g.rng.IntN(len(f.nouns))]
	if g.rng.IntN(3) == 0 {
		return given + " " + noun
	}
	return given + " " + qualities[g.rng.IntN(len(qualities))] + " " + noun
}

// price is in whole cents, so every price prints as Magento stores it: 45.99, 34, 29.5.
func (g *generator) price(f family) float64 {
	dollars := f.minPrice + g.rng.IntN(f.maxPrice-f.minPrice+1)
	cents := [...]int{0, 0, 0, 99, 99, 50, 45, 75}[g.rng.IntN(8)]
	if cents == 99 && dollars > f.minPrice {
		dollars--
	}
	return float64(dollars*100+cents) / 100
}

func (g *generator) urlKey(name, sku string) string {
	key := slug(name)
	if g.urlKeys[key] {
		key = key + "-" + slug(sku)
	}
	g.urlKeys[key] = true
	return key
}

func (g *generator) stamps(id int) (created, updated string) {
	c := g.base.Add(time.Duration(id)*17*time.Minute + time.Duration(g.rng.IntN(3600))*time.Second)
	u := c.Add(time.Duration(g.rng.IntN(60*24)) * time.Hour)
	return magentoTime(c), magentoTime(u)
}

// shell is what every product has, before its type adds to it.
func (g *generator) shell(f family, sku, name string, price float64) Product {
	id := len(g.products) + 1
	created, updated := g.stamps(id)
	return Product{
		ID: id, SKU: sku, Name: name, AttributeSetID: f.attributeSet, Price: price,
		Status: StatusEnabled, Visibility: VisibilityBoth, TypeID: f.typeID,
		CreatedAt: created, UpdatedAt: updated,
		ExtensionAttributes: ProductExtension{WebsiteIDs: []int{1}, StockItem: stockItem(id, 100, true)},
		ProductLinks:        []ProductLink{}, Options: []CustomOption{},
		MediaGalleryEntries: []MediaEntry{}, TierPrices: []TierPrice{}, CustomAttributes: []CustomAttribute{},
	}
}

func stockItem(productID int, qty float64, inStock bool) StockItem {
	return StockItem{
		ItemID: productID, ProductID: productID, StockID: 1, Qty: qty, IsInStock: inStock,
		UseConfigMinQty: true, UseConfigMinSaleQty: 1, MinSaleQty: 1,
		UseConfigMaxSaleQty: true, MaxSaleQty: 10000, UseConfigBackorders: true,
		UseConfigNotifyStockQty: true, NotifyStockQty: 1, UseConfigQtyIncrements: true, QtyIncrements: 1,
		UseConfigEnableQtyInc: true, UseConfigManageStock: true, ManageStock: true,
	}
}

// standalone is a simple (gear) or virtual (video) product.
func (g *generator) standalone(f family) Product {
	sku := g.nextSKU(f)
	name := g.name(f)
	p := g.shell(f, sku, name, g.price(f))
	if g.rng.IntN(50) == 0 {
		p.Status = StatusDisabled
	}
	if f.typeID == TypeSimple {
		w := math.Round((f.minWeight+g.rng.Float64()*(f.maxWeight-f.minWeight))*10) / 10
		if g.rng.IntN(3) == 0 {
			w = math.Max(1, math.Round(w))
		}
		p.Weight = &w
		qty := float64(g.rng.IntN(1000))
		if g.rng.IntN(20) == 0 {
			qty = 0
		}
		p.ExtensionAttributes.StockItem = stockItem(p.ID, qty, qty > 0)
	}
	links := g.categorize(&p, f)
	key := g.urlKey(name, sku)
	images := 1 + g.rng.IntN(3)
	p.MediaGalleryEntries = g.gallery(sku, "", name, images, f.typeID == TypeSimple && g.rng.IntN(20) == 0)
	if f.typeID == TypeSimple && g.rng.IntN(7) == 0 {
		p.TierPrices = []TierPrice{
			{CustomerGroupID: 32000, Qty: 5, Value: cents(p.Price * 0.9)},
			{CustomerGroupID: 32000, Qty: 10, Value: cents(p.Price * 0.85)},
		}
	}
	if f.typeID == TypeSimple && g.rng.IntN(20) == 0 {
		g.optionID++
		p.Options = []CustomOption{{
			ProductSKU: sku, OptionID: g.optionID, Title: "Engraving", Type: "field", SortOrder: 1,
			Price: 5, PriceType: "fixed", MaxCharacters: 20,
		}}
	}
	g.relate(&p)
	p.CustomAttributes = g.attributes(&p, f, links, attrExtras{urlKey: key, special: g.rng.IntN(10) == 0, activity: f.typeID == TypeSimple})
	return p
}

// configurable adds a parent and its size × color children, parent first.
func (g *generator) configurable(f family) {
	sku := g.nextSKU(f)
	name := g.name(f)
	price := g.price(f)
	parent := g.shell(f, sku, name, price)
	parent.ExtensionAttributes.StockItem = stockItem(parent.ID, 0, true)
	colors := g.pickColors()
	links := g.categorize(&parent, f)
	parentKey := g.urlKey(name, sku)
	parent.MediaGalleryEntries = g.gallery(sku, strings.ToLower(colors[0]), name, 2+g.rng.IntN(3), false)
	g.relate(&parent)
	parent.CustomAttributes = g.attributes(&parent, f, links, attrExtras{urlKey: parentKey, hasOptions: true})
	g.add(parent)

	var childIDs []int
	sizeValues := make([]OptionValue, len(f.sizes))
	for i, s := range f.sizes {
		sizeValues[i] = OptionValue{ValueIndex: sizeOptionIDs[s]}
	}
	colorValues := make([]OptionValue, len(colors))
	for i, c := range colors {
		colorValues[i] = OptionValue{ValueIndex: colorOptionIDs[c]}
	}
	for _, size := range f.sizes {
		for _, color := range colors {
			child := g.shell(f, sku+"-"+size+"-"+color, name+"-"+size+"-"+color, price)
			child.TypeID = TypeSimple
			child.Visibility = VisibilityNotVisible
			w := 1.0
			child.Weight = &w
			child.ExtensionAttributes.StockItem = stockItem(child.ID, float64(g.rng.IntN(200)), true)
			child.MediaGalleryEntries = g.gallery(sku, strings.ToLower(color), name, 1, false)
			child.CustomAttributes = g.attributes(&child, f, nil, attrExtras{
				urlKey: parentKey + "-" + strings.ToLower(size) + "-" + strings.ToLower(color),
				color:  strconv.Itoa(colorOptionIDs[color]), size: strconv.Itoa(sizeOptionIDs[size]),
			})
			childIDs = append(childIDs, child.ID)
			g.add(child)
		}
	}
	p := &g.products[parent.ID-1]
	p.ExtensionAttributes.ConfigurableProductOptions = []ConfigurableOption{
		{ID: parent.ID*10 + 1, AttributeID: sizeAttributeID, Label: "Size", Position: 0, Values: sizeValues, ProductID: parent.ID},
		{ID: parent.ID*10 + 2, AttributeID: colorAttributeID, Label: "Color", Position: 1, Values: colorValues, ProductID: parent.ID},
	}
	p.ExtensionAttributes.ConfigurableProductLinks = childIDs
}

func (g *generator) pickColors() []string {
	perm := g.rng.Perm(len(colorNames))
	out := make([]string, colorsPerItem)
	for i := range out {
		out[i] = colorNames[perm[i]]
	}
	return out
}

func (g *generator) add(p Product) {
	g.products = append(g.products, p)
}

// categorize assigns the product to its family's categories and, now and
// then, to What's New and Sale.
func (g *generator) categorize(p *Product, f family) []*Category {
	cats := append([]*Category(nil), g.chains[f.code]...)
	if g.rng.IntN(10) == 0 {
		cats = append(cats, g.whatsNew)
	}
	if g.rng.IntN(12) == 0 {
		cats = append(cats, g.sale)
	}
	for _, c := range cats {
		p.ExtensionAttributes.CategoryLinks = append(p.ExtensionAttributes.CategoryLinks,
			CategoryLink{Position: len(c.ProductIDs), CategoryID: strconv.Itoa(c.ID)})
		c.ProductIDs = append(c.ProductIDs, p.ID)
	}
	return cats
}

// relate links the product to up to three earlier visible products.
func (g *generator) relate(p *Product) {
	if len(g.products) == 0 || g.rng.IntN(5) != 0 {
		return
	}
	kinds := []string{"related", "upsell", "crosssell"}
	for i := range 1 + g.rng.IntN(3) {
		target := g.products[g.rng.IntN(len(g.products))]
		if target.Visibility == VisibilityNotVisible {
			continue
		}
		p.ProductLinks = append(p.ProductLinks, ProductLink{
			SKU: p.SKU, LinkType: kinds[g.rng.IntN(len(kinds))], LinkedProductSKU: target.SKU,
			LinkedProductType: target.TypeID, Position: i + 1,
		})
	}
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }
