package legacy

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

const (
	pageTTL        = 86400 // what Magento's full page cache sends, in seconds
	categoryListed = 12    // products on the first page of a category
	sessionCookie  = "PHPSESSID"
	varyCookie     = "X-Magento-Vary"
	sessionMaxAge  = 3600
)

// varySignedIn is the X-Magento-Vary value of a signed-in customer of the
// general group: a hash of the context Varnish keeps separate cache entries by.
var varySignedIn = func() string {
	sum := sha1.Sum([]byte("customer_group=1&customer_logged_in=1"))
	return hex.EncodeToString(sum[:])
}()

func (s *Server) productPage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		s.notFoundPage(w, r)
		return
	}
	p, ok := s.store.productByID(id)
	s.showProduct(w, r, p, ok)
}

// storefront serves /{url_key}.html for categories (by url path, e.g.
// /gear/bags.html) and products, and the 404 page for everything else.
func (s *Server) storefront(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".html")
	if !ok || r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.notFoundPage(w, r)
		return
	}
	if c, ok := s.store.byURLPath[key]; ok {
		s.showCategory(w, r, c)
		return
	}
	p, ok := s.store.productByURLKey(key)
	s.showProduct(w, r, p, ok)
}

func (s *Server) showProduct(w http.ResponseWriter, r *http.Request, p catalogue.Product, found bool) {
	if !found || p.Status != catalogue.StatusEnabled || p.Visibility == catalogue.VisibilityNotVisible {
		s.notFoundPage(w, r)
		return
	}
	tags := []string{"cat_p_" + strconv.Itoa(p.ID)}
	for _, l := range p.ExtensionAttributes.CategoryLinks {
		tags = append(tags, "cat_c_p_"+l.CategoryID)
	}
	pp := pageOf(p)
	s.writePage(w, r, http.StatusOK, "product", pageData{Title: p.Name, BodyClass: "catalog-product-view", Product: &pp}, tags)
}

func (s *Server) showCategory(w http.ResponseWriter, r *http.Request, c *catalogue.Category) {
	id := strconv.Itoa(c.ID)
	tags := []string{"cat_c_" + id, "cat_c_p_" + id}
	pc := pageCategory{Name: c.Name}
	for _, pid := range c.ProductIDs {
		if len(pc.Products) == categoryListed {
			break
		}
		p, ok := s.store.productByID(pid)
		if !ok || p.Status != catalogue.StatusEnabled {
			continue
		}
		pc.Products = append(pc.Products, pageOf(p))
		tags = append(tags, "cat_p_"+strconv.Itoa(p.ID))
	}
	s.writePage(w, r, http.StatusOK, "category", pageData{Title: c.Name, BodyClass: "catalog-category-view", Category: &pc}, tags)
}

func pageOf(p catalogue.Product) pageProduct {
	key, _ := p.CustomAttribute(catalogue.AttrURLKey)
	desc, _ := p.CustomAttribute(catalogue.AttrDescription)
	keyText, _ := key.(string)
	descText, _ := desc.(string)
	return pageProduct{ID: p.ID, SKU: p.SKU, Name: p.Name, Price: fmt.Sprintf("$%.2f", p.Price),
		URLKey: keyText, Description: template.HTML(descText)} // #nosec G203 -- markup from our own catalogue
}

func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	s.writePrivatePage(w, r, http.StatusNotFound, "404", pageData{Title: "404 Not Found", BodyClass: "cms-no-route"})
}

// writePage sends a cacheable page as Magento's full page cache marks it:
// public for a day, tagged for purges, and for a signed-in customer the
// renewed session and vary cookies an edge cache must not store.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, name string, data pageData, tags []string) {
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d, s-maxage=%d", pageTTL, pageTTL))
	h.Set("Pragma", "cache")
	h.Set("Expires", time.Now().Add(pageTTL*time.Second).UTC().Format(http.TimeFormat))
	h.Set("X-Magento-Tags", strings.Join(tags, ","))
	s.renderPage(w, r, status, name, data)
}

// writePrivatePage sends a page no cache may keep, with PHP's session headers.
func (s *Server) writePrivatePage(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	h := w.Header()
	h.Set("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0")
	h.Set("Pragma", "no-cache")
	h.Set("Expires", "Thu, 19 Nov 1981 08:52:00 GMT")
	s.renderPage(w, r, status, name, data)
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	if cu, sid, ok := s.session(r); ok {
		data.Customer = cu.Firstname
		s.setSessionCookies(w, sid)
	}
	data.FormKey = s.pageFormKey()
	var body bytes.Buffer
	if err := pages.ExecuteTemplate(&body, name, data); err != nil {
		s.log.Error("render page", "page", name, "error", err)
		http.Error(w, "There has been an error processing your request", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	if s.noise.Load() {
		h.Set("X-Magento-Cache-Debug", "MISS")
	}
	w.WriteHeader(status)
	if _, err := w.Write(body.Bytes()); err != nil {
		s.log.Debug("page not delivered", "error", err)
	}
}

// session finds the signed-in customer of the request's PHPSESSID cookie.
func (s *Server) session(r *http.Request) (*customer, string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, "", false
	}
	cu, ok := s.customers.lookup(s.customers.sessions, c.Value)
	return cu, c.Value, ok
}

func (s *Server) setSessionCookies(w http.ResponseWriter, sid string) {
	expires := time.Now().Add(sessionMaxAge * time.Second)
	for _, c := range [][2]string{{sessionCookie, sid}, {varyCookie, varySignedIn}} {
		http.SetCookie(w, &http.Cookie{Name: c[0], Value: c[1], Path: "/", Expires: expires, MaxAge: sessionMaxAge,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
}
