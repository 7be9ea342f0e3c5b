package catalogue

import (
	"strconv"
	"strings"
)

// Custom attribute codes the generator writes. Magento sends every one of
// them as a string (category_ids as a list of strings).
const (
	AttrDescription      = "description"
	AttrURLKey           = "url_key"
	AttrMetaTitle        = "meta_title"
	AttrMetaKeyword      = "meta_keyword"
	AttrMetaDescription  = "meta_description"
	AttrImage            = "image"
	AttrSmallImage       = "small_image"
	AttrThumbnail        = "thumbnail"
	AttrSwatchImage      = "swatch_image"
	AttrCategoryIDs      = "category_ids"
	AttrOptionsContainer = "options_container"
	AttrRequiredOptions  = "required_options"
	AttrHasOptions       = "has_options"
	AttrTaxClassID       = "tax_class_id"
	AttrColor            = "color"
	AttrSize             = "size"
	AttrActivity         = "activity"
	AttrSpecialPrice     = "special_price"
)

var customAttributeCodes = []string{
	AttrDescription, AttrURLKey, AttrMetaTitle, AttrMetaKeyword, AttrMetaDescription, AttrImage,
	AttrSmallImage, AttrThumbnail, AttrSwatchImage, AttrCategoryIDs, AttrOptionsContainer,
	AttrRequiredOptions, AttrHasOptions, AttrTaxClassID, AttrColor, AttrSize, AttrActivity, AttrSpecialPrice,
}

type attrExtras struct {
	urlKey     string
	special    bool // a special_price below price
	activity   bool
	hasOptions bool
	color      string // option ids, for configurable children
	size       string
}

func (g *generator) attributes(p *Product, f family, cats []*Category, x attrExtras) []CustomAttribute {
	attrs := []CustomAttribute{}
	add := func(code string, v any) { attrs = append(attrs, CustomAttribute{AttributeCode: code, Value: v}) }
	visible := p.Visibility != VisibilityNotVisible
	if visible {
		add(AttrDescription, g.description(p.Name))
	}
	add(AttrURLKey, x.urlKey)
	if visible {
		add(AttrMetaTitle, p.Name)
		add(AttrMetaKeyword, p.Name)
		add(AttrMetaDescription, p.Name+" from the "+f.nouns[0]+" collection")
	}
	image, swatch := "no_selection", "no_selection"
	if len(p.MediaGalleryEntries) > 0 {
		image = p.MediaGalleryEntries[0].File
	}
	if x.color != "" {
		swatch = image
	}
	add(AttrImage, image)
	add(AttrSmallImage, image)
	add(AttrThumbnail, image)
	add(AttrSwatchImage, swatch)
	if len(cats) > 0 {
		ids := make([]string, len(cats))
		for i, c := range cats {
			ids[i] = strconv.Itoa(c.ID)
		}
		add(AttrCategoryIDs, ids)
	}
	add(AttrOptionsContainer, "container2")
	add(AttrRequiredOptions, "0")
	add(AttrHasOptions, boolString(x.hasOptions || len(p.Options) > 0))
	add(AttrTaxClassID, "2")
	if x.color != "" {
		add(AttrColor, x.color)
		add(AttrSize, x.size)
	}
	if x.activity {
		perm := g.rng.Perm(len(activityOptionIDs))
		add(AttrActivity, activityOptionIDs[perm[0]]+","+activityOptionIDs[perm[1]])
	}
	if x.special {
		add(AttrSpecialPrice, decimalString(cents(p.Price*0.8)))
	}
	return attrs
}

func (g *generator) description(name string) string {
	var b strings.Builder
	b.WriteString("<p>The " + name + " is made for " + activities[g.rng.IntN(len(activities))] + ".</p><ul>")
	perm := g.rng.Perm(len(features))
	for _, i := range perm[:3] {
		b.WriteString("<li>" + features[i] + "</li>")
	}
	b.WriteString("</ul>")
	return b.String()
}
