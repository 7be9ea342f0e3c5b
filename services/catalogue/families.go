package catalogue

// family is a product line: how its skus, names, prices and variants look.
// Codes match the leaves of the category tree (tree.go).
type family struct {
	code         string
	skuPrefix    string // gear skus read "24-MB01", videos "240-LV01"
	typeID       string
	nouns        []string
	attributeSet int
	minPrice     int // whole dollars
	maxPrice     int
	sizes        []string // configurable families: one child per size and color
	minWeight    float64  // simple families; children weigh 1
	maxWeight    float64
}

var (
	topSizes      = []string{"XS", "S", "M", "L", "XL"}
	menWaists     = []string{"32", "33", "34", "36"}
	womenWaists   = []string{"28", "29"}
	colorsPerItem = 3
)

// Magento's attribute ids and option ids for the super attributes.
const (
	colorAttributeID = "93"
	sizeAttributeID  = "144"
)

var colorOptionIDs = map[string]int{
	"Black": 49, "Blue": 50, "Brown": 51, "Gray": 52, "Green": 53, "Lavender": 54,
	"Orange": 56, "Purple": 57, "Red": 58, "White": 59, "Yellow": 60,
}

var colorNames = []string{"Black", "Blue", "Brown", "Gray", "Green", "Lavender", "Orange", "Purple", "Red", "White", "Yellow"}

var sizeOptionIDs = map[string]int{
	"XS": 167, "S": 168, "M": 169, "L": 170, "XL": 171,
	"28": 172, "29": 173, "30": 174, "31": 175, "32": 176, "33": 177, "34": 178, "36": 179,
}

// standaloneFamilies is how many families at the head of families are not
// configurable; the last of them is virtual.
const standaloneFamilies = 4

var families = []family{
	{code: "MB", skuPrefix: "24-", typeID: TypeSimple, nouns: []string{"Duffle Bag", "Backpack", "Messenger Bag", "Shoulder Pack", "Tote", "Overnight Duffle"}, attributeSet: 15, minPrice: 25, maxPrice: 95, minWeight: 0.5, maxWeight: 4},
	{code: "UG", skuPrefix: "24-", typeID: TypeSimple, nouns: []string{"Yoga Strap", "Foam Roller", "Kettlebell", "Sprite Ball", "Resistance Band", "Water Bottle"}, attributeSet: 11, minPrice: 5, maxPrice: 60, minWeight: 0.2, maxWeight: 12},
	{code: "WG", skuPrefix: "24-", typeID: TypeSimple, nouns: []string{"Watch", "Chronograph", "Fitness Tracker", "Sport Watch"}, attributeSet: 11, minPrice: 40, maxPrice: 120, minWeight: 0.1, maxWeight: 0.5},
	{code: "LV", skuPrefix: "240-", typeID: TypeVirtual, nouns: []string{"Yoga Workout", "Pilates Session", "Stretching Guide", "Spin Class"}, attributeSet: 4, minPrice: 10, maxPrice: 40},
	{code: "MH", typeID: TypeConfigurable, nouns: []string{"Hoodie", "Sweatshirt", "Pullover"}, attributeSet: 9, minPrice: 40, maxPrice: 75, sizes: topSizes},
	{code: "MJ", typeID: TypeConfigurable, nouns: []string{"Jacket", "Shell", "Windbreaker"}, attributeSet: 9, minPrice: 45, maxPrice: 110, sizes: topSizes},
	{code: "MS", typeID: TypeConfigurable, nouns: []string{"Tee", "Crewneck", "Short-Sleeve Tee"}, attributeSet: 9, minPrice: 18, maxPrice: 40, sizes: topSizes},
	{code: "MT", typeID: TypeConfigurable, nouns: []string{"Tank", "Sleeveless Top"}, attributeSet: 9, minPrice: 18, maxPrice: 35, sizes: topSizes},
	{code: "MP", typeID: TypeConfigurable, nouns: []string{"Pant", "Jogger", "Sweatpant"}, attributeSet: 10, minPrice: 35, maxPrice: 80, sizes: menWaists},
	{code: "MSH", typeID: TypeConfigurable, nouns: []string{"Short", "Running Short"}, attributeSet: 10, minPrice: 25, maxPrice: 50, sizes: menWaists},
	{code: "WJ", typeID: TypeConfigurable, nouns: []string{"Jacket", "Shell", "Parka"}, attributeSet: 9, minPrice: 45, maxPrice: 110, sizes: topSizes},
	{code: "WH", typeID: TypeConfigurable, nouns: []string{"Hoodie", "Sweatshirt", "Zip Hoodie"}, attributeSet: 9, minPrice: 40, maxPrice: 75, sizes: topSizes},
	{code: "WS", typeID: TypeConfigurable, nouns: []string{"Tee", "V-Neck Tee", "Crew Tee"}, attributeSet: 9, minPrice: 18, maxPrice: 40, sizes: topSizes},
	{code: "WT", typeID: TypeConfigurable, nouns: []string{"Bra Top", "Tank", "Racerback"}, attributeSet: 9, minPrice: 18, maxPrice: 45, sizes: topSizes},
	{code: "WP", typeID: TypeConfigurable, nouns: []string{"Pant", "Legging", "Capri"}, attributeSet: 10, minPrice: 35, maxPrice: 80, sizes: womenWaists},
	{code: "WSH", typeID: TypeConfigurable, nouns: []string{"Short", "Bike Short"}, attributeSet: 10, minPrice: 25, maxPrice: 50, sizes: womenWaists},
}

// size is how many products one pick of the family adds.
func (f family) size() int {
	if f.typeID != TypeConfigurable {
		return 1
	}
	return 1 + len(f.sizes)*colorsPerItem
}
