package catalogue

// Vocabulary for names and descriptions. A few names carry non-ASCII letters
// and descriptions carry HTML, '&' and '/', so that PHP's and Go's JSON
// encoders visibly disagree on escaping.
var (
	givenNames = []string{
		"Chaz", "Jupiter", "Hollister", "Marco", "Ajax", "Zeppelin", "Orion", "Proteus", "Typhon",
		"Lando", "Argus", "Helios", "Atlas", "Hyperion", "Aether", "Apollo", "Cassius", "Livingston",
		"Oslo", "Zürich", "Montana", "Cobalt", "Echo", "Nadia", "Ariel", "Juno", "Selene", "Circe",
		"Layla", "Electra", "Phoebe", "Iris", "Daphne", "Athena", "Gaia", "Café", "Søren", "Mathilde",
		"Joust", "Strive", "Wayfarer", "Rival", "Endeavor", "Impulse", "Fusion", "Voyage", "Crown",
	}
	qualities = []string{
		"Kangeroo", "Ultra-Soft", "Lightweight", "Performance", "Ribbed", "Thermal", "Breathe-Easy",
		"Cotton", "Fleece", "Compete", "Summit", "Trail", "Endurance", "Crosstrain", "Éco", "All-Weather",
	}
	activities = []string{"running", "yoga", "hiking", "the gym", "cycling", "travel", "recovery days", "cold mornings"}
	features   = []string{
		"Machine wash & tumble dry low", "Moisture-wicking fabric", "Adjustable straps", "Reflective details",
		"Zippered pocket – fits a phone", "Recycled polyester / elastane blend", "Flatlock seams",
		"Water-resistant to 30 m", "Padded handles", "Breathable mesh panels", "Rated for −10 °C",
	}
	activityOptionIDs = []string{"8", "9", "11", "14", "16", "17", "18"}
)
