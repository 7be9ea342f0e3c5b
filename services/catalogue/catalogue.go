// Package catalogue generates the Magento-like catalogue that both the legacy
// stand-in and the new catalog service serve. Generation is a pure function of
// the seed, so two processes given the same seed agree on every product and
// category without sharing memory or a database.
package catalogue

import "math/rand/v2"

// Defaults for Options.
const (
	DefaultProducts = 3000
	DefaultSeed     = 2026
)

// Magento's two top categories: the invisible root and the store's root.
const (
	RootCategoryID    = 1
	DefaultCategoryID = 2
)

// Options choose the catalogue. The zero value is a valid seed (0) with the
// default size.
type Options struct {
	Seed     uint64
	Products int // how many products in total, configurable children included; 0 means DefaultProducts
}

// Catalogue is a generated catalogue. Treat it as read-only: services in one
// process share it, so a service that changes a product changes a Clone.
type Catalogue struct {
	Seed       uint64
	Products   []Product   // ascending id, ids 1..len
	Categories []*Category // ascending id; Categories[0] is the root, id 1
}

// Generate builds the catalogue for opts. Equal options give deeply equal
// catalogues, in any process.
func Generate(opts Options) *Catalogue {
	if opts.Products <= 0 {
		opts.Products = DefaultProducts
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6d6167656e746f32)) // second word fixed: the seed alone picks the stream
	c := &Catalogue{Seed: opts.Seed, Categories: buildTree(rng)}
	g := newGenerator(rng, c.Categories)
	c.Products = g.generate(opts.Products)
	return c
}

// Category returns the category with the id.
func (c *Catalogue) Category(id int) (*Category, bool) {
	if id < 1 || id > len(c.Categories) {
		return nil, false
	}
	return c.Categories[id-1], true
}
