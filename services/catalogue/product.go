package catalogue

// Product is one catalogue product in the shape Magento's REST API returns it
// (GET /V1/products/{sku}). Field order follows Magento's output so that two
// encoders walking the struct emit keys in the same order.
type Product struct {
	ID                  int               `json:"id"`
	SKU                 string            `json:"sku"`
	Name                string            `json:"name"`
	AttributeSetID      int               `json:"attribute_set_id"`
	Price               float64           `json:"price"`
	Status              int               `json:"status"`
	Visibility          int               `json:"visibility"`
	TypeID              string            `json:"type_id"`
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
	Weight              *float64          `json:"weight,omitempty"` // configurable and virtual products have none, and Magento omits the key
	ExtensionAttributes ProductExtension  `json:"extension_attributes"`
	ProductLinks        []ProductLink     `json:"product_links"`
	Options             []CustomOption    `json:"options"`
	MediaGalleryEntries []MediaEntry      `json:"media_gallery_entries"`
	TierPrices          []TierPrice       `json:"tier_prices"`
	CustomAttributes    []CustomAttribute `json:"custom_attributes"`
}

// Magento's values for status, visibility and type_id.
const (
	StatusEnabled  = 1
	StatusDisabled = 2

	VisibilityNotVisible = 1
	VisibilityCatalog    = 2
	VisibilitySearch     = 3
	VisibilityBoth       = 4

	TypeSimple       = "simple"
	TypeConfigurable = "configurable"
	TypeVirtual      = "virtual"
)

// ProductExtension is the product's extension_attributes object.
type ProductExtension struct {
	WebsiteIDs                 []int                `json:"website_ids"`
	CategoryLinks              []CategoryLink       `json:"category_links,omitempty"`
	StockItem                  StockItem            `json:"stock_item"`
	ConfigurableProductOptions []ConfigurableOption `json:"configurable_product_options,omitempty"`
	ConfigurableProductLinks   []int                `json:"configurable_product_links,omitempty"`
}

// CategoryLink assigns a product to a category; Magento sends the category id
// as a string here although it is an integer everywhere else.
type CategoryLink struct {
	Position   int    `json:"position"`
	CategoryID string `json:"category_id"`
}

// StockItem is the legacy CatalogInventory stock item Magento still returns.
type StockItem struct {
	ItemID                         int     `json:"item_id"`
	ProductID                      int     `json:"product_id"`
	StockID                        int     `json:"stock_id"`
	Qty                            float64 `json:"qty"`
	IsInStock                      bool    `json:"is_in_stock"`
	IsQtyDecimal                   bool    `json:"is_qty_decimal"`
	ShowDefaultNotificationMessage bool    `json:"show_default_notification_message"`
	UseConfigMinQty                bool    `json:"use_config_min_qty"`
	MinQty                         float64 `json:"min_qty"`
	UseConfigMinSaleQty            int     `json:"use_config_min_sale_qty"`
	MinSaleQty                     float64 `json:"min_sale_qty"`
	UseConfigMaxSaleQty            bool    `json:"use_config_max_sale_qty"`
	MaxSaleQty                     float64 `json:"max_sale_qty"`
	UseConfigBackorders            bool    `json:"use_config_backorders"`
	Backorders                     int     `json:"backorders"`
	UseConfigNotifyStockQty        bool    `json:"use_config_notify_stock_qty"`
	NotifyStockQty                 float64 `json:"notify_stock_qty"`
	UseConfigQtyIncrements         bool    `json:"use_config_qty_increments"`
	QtyIncrements                  float64 `json:"qty_increments"`
	UseConfigEnableQtyInc          bool    `json:"use_config_enable_qty_inc"`
	EnableQtyIncrements            bool    `json:"enable_qty_increments"`
	UseConfigManageStock           bool    `json:"use_config_manage_stock"`
	ManageStock                    bool    `json:"manage_stock"`
	LowStockDate                   *string `json:"low_stock_date"` // always null, as Magento sends it
	IsDecimalDivided               bool    `json:"is_decimal_divided"`
	StockStatusChangedAuto         int     `json:"stock_status_changed_auto"`
}

// ConfigurableOption is one super attribute (color, size) of a configurable product.
type ConfigurableOption struct {
	ID          int           `json:"id"`
	AttributeID string        `json:"attribute_id"`
	Label       string        `json:"label"`
	Position    int           `json:"position"`
	Values      []OptionValue `json:"values"`
	ProductID   int           `json:"product_id"`
}

// OptionValue is one allowed value of a configurable option.
type OptionValue struct {
	ValueIndex int `json:"value_index"`
}

// ProductLink is a related, up-sell or cross-sell link.
type ProductLink struct {
	SKU               string `json:"sku"`
	LinkType          string `json:"link_type"`
	LinkedProductSKU  string `json:"linked_product_sku"`
	LinkedProductType string `json:"linked_product_type"`
	Position          int    `json:"position"`
}

// CustomOption is a customisable option (an engraving text field, say).
type CustomOption struct {
	ProductSKU    string  `json:"product_sku"`
	OptionID      int     `json:"option_id"`
	Title         string  `json:"title"`
	Type          string  `json:"type"`
	SortOrder     int     `json:"sort_order"`
	IsRequire     bool    `json:"is_require"`
	Price         float64 `json:"price"`
	PriceType     string  `json:"price_type"`
	MaxCharacters int     `json:"max_characters"`
	ImageSizeX    int     `json:"image_size_x"`
	ImageSizeY    int     `json:"image_size_y"`
}

// MediaEntry is one image or video of the product gallery.
type MediaEntry struct {
	ID        int      `json:"id"`
	MediaType string   `json:"media_type"`
	Label     *string  `json:"label"` // Magento sends null for most images
	Position  int      `json:"position"`
	Disabled  bool     `json:"disabled"`
	Types     []string `json:"types"`
	File      string   `json:"file"`
	// Empty for images: an empty object, which PHP's json_encode writes as [].
	ExtensionAttributes MediaExtension `json:"extension_attributes"`
}

// MediaExtension carries the video of an external-video gallery entry.
type MediaExtension struct {
	VideoContent *VideoContent `json:"video_content,omitempty"`
}

// VideoContent describes an external (YouTube) video.
type VideoContent struct {
	MediaType        string `json:"media_type"`
	VideoProvider    string `json:"video_provider"`
	VideoURL         string `json:"video_url"`
	VideoTitle       string `json:"video_title"`
	VideoDescription string `json:"video_description"`
	VideoMetadata    string `json:"video_metadata"`
}

// TierPrice is a quantity discount for a customer group.
type TierPrice struct {
	CustomerGroupID     int                `json:"customer_group_id"`
	Qty                 float64            `json:"qty"`
	Value               float64            `json:"value"`
	ExtensionAttributes TierPriceExtension `json:"extension_attributes"`
}

// TierPriceExtension is a tier price's extension_attributes object.
type TierPriceExtension struct {
	WebsiteID int `json:"website_id"`
}

// CustomAttribute is an EAV attribute outside the fixed product fields. Value
// is a string, or a []string for category_ids, as Magento sends them.
type CustomAttribute struct {
	AttributeCode string `json:"attribute_code"`
	Value         any    `json:"value"`
}

// CustomAttribute returns the value of the custom attribute code.
func (p *Product) CustomAttribute(code string) (any, bool) {
	for _, a := range p.CustomAttributes {
		if a.AttributeCode == code {
			return a.Value, true
		}
	}
	return nil, false
}

// FinalPrice is what a cart charges: the special price when there is a lower one.
func (p *Product) FinalPrice() float64 {
	v, ok := p.CustomAttribute(AttrSpecialPrice)
	if s, isString := v.(string); ok && isString {
		if special, err := parseNumber(s); err == nil && special < p.Price {
			return special
		}
	}
	return p.Price
}
