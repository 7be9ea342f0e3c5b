package legacy

import "html/template"

// The storefront pages: just enough Luma markup for an edge cache and a
// shadow diff to have a real page with a form_key in it.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body class="{{.BodyClass}}">
<header class="page-header">{{if .Customer}}<span class="logged-in">Welcome, {{.Customer}}!</span>{{else}}<a href="/customer/account/login/">Sign In</a>{{end}}</header>
{{end}}
{{define "foot"}}<input name="form_key" type="hidden" value="{{.FormKey}}">
<footer class="page-footer">Copyright © 2013-present Magento, Inc. All rights reserved.</footer>
</body></html>
{{end}}
{{define "product"}}{{template "head" .}}<main>
<h1 class="page-title">{{.Product.Name}}</h1>
<div class="price-box"><span class="price">{{.Product.Price}}</span></div>
<div class="product attribute sku">SKU: {{.Product.SKU}}</div>
<form action="/checkout/cart/add/product/{{.Product.ID}}/" method="post" id="product_addtocart_form">
<input name="product" type="hidden" value="{{.Product.ID}}"><input name="qty" value="1">
<button type="submit">Add to Cart</button></form>
<div class="product attribute description">{{.Product.Description}}</div>
</main>{{template "foot" .}}{{end}}
{{define "category"}}{{template "head" .}}<main>
<h1 class="page-title">{{.Category.Name}}</h1>
<ol class="products list items product-items">{{range .Category.Products}}
<li class="item product product-item"><a href="/{{.URLKey}}.html">{{.Name}}</a> <span class="price">{{.Price}}</span></li>{{end}}
</ol></main>{{template "foot" .}}{{end}}
{{define "account"}}{{template "head" .}}<main><h1 class="page-title">My Account</h1>
<p>Hello, {{.Customer}}!</p></main>{{template "foot" .}}{{end}}
{{define "login"}}{{template "head" .}}<main><h1 class="page-title">Customer Login</h1>
<form action="/customer/account/loginPost/" method="post">
<input name="login[username]" type="email"><input name="login[password]" type="password">
<button type="submit">Sign In</button></form></main>{{template "foot" .}}{{end}}
{{define "404"}}{{template "head" .}}<main><h1 class="page-title">Whoops, our bad...</h1>
<p>The page you requested was not found.</p></main>{{template "foot" .}}{{end}}
`))

type pageData struct {
	Title     string
	BodyClass string
	Customer  string // first name of a signed-in customer
	FormKey   string
	Product   *pageProduct
	Category  *pageCategory
}

type pageProduct struct {
	ID          int
	SKU         string
	Name        string
	Price       string
	URLKey      string
	Description template.HTML // the catalogue's own markup
}

type pageCategory struct {
	Name     string
	Products []pageProduct
}
