package legacy

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func visible(p *catalogue.Product) bool {
	return p.Visibility == catalogue.VisibilityBoth && p.Status == catalogue.StatusEnabled &&
		len(p.ExtensionAttributes.CategoryLinks) > 0
}

func assertCacheablePage(t *testing.T, r reply) {
	t.Helper()
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "public, max-age=86400, s-maxage=86400", r.Header.Get("Cache-Control"))
	assert.Equal(t, "text/html; charset=UTF-8", r.Header.Get("Content-Type"))
	_, err := http.ParseTime(r.Header.Get("Expires"))
	assert.NoError(t, err)
	assert.Regexp(t, `<input name="form_key" type="hidden" value="[A-Za-z0-9]{16}">`, string(r.Body))
}

func TestProductPageIsCacheableAndTagged(t *testing.T) {
	g := newRig(t, Options{})
	p := find(t, visible)
	byID := g.Get("/catalog/product/view/id/" + strconv.Itoa(p.ID))
	assertCacheablePage(t, byID)
	tags := strings.Split(byID.Header.Get("X-Magento-Tags"), ",")
	assert.Equal(t, "cat_p_"+strconv.Itoa(p.ID), tags[0])
	for _, l := range p.ExtensionAttributes.CategoryLinks {
		assert.Contains(t, tags, "cat_c_p_"+l.CategoryID)
	}
	assert.Contains(t, string(byID.Body), p.SKU)
	assert.Empty(t, byID.Header.Values("Set-Cookie"), "an anonymous page sets no cookie")

	key, _ := p.CustomAttribute(catalogue.AttrURLKey)
	byKey := g.Get("/" + key.(string) + ".html")
	assertCacheablePage(t, byKey)
	assert.Equal(t, byID.Header.Get("X-Magento-Tags"), byKey.Header.Get("X-Magento-Tags"))

	child := find(t, func(p *catalogue.Product) bool { return p.Visibility == catalogue.VisibilityNotVisible })
	hidden := g.Get("/catalog/product/view/id/" + strconv.Itoa(child.ID))
	assert.Equal(t, 404, hidden.Status, "a product not visible on its own has no page")
	assert.Contains(t, hidden.Header.Get("Cache-Control"), "no-store")
	assert.Equal(t, 404, g.Get("/no-such-page.html").Status)
	assert.Equal(t, 404, g.Get("/robots.txt").Status)
}

func TestCategoryPageTagsItsProducts(t *testing.T) {
	g := newRig(t, Options{})
	var bags *catalogue.Category
	for _, c := range shared().Categories {
		if c.URLPath == "gear/bags" {
			bags = c
		}
	}
	require.NotNil(t, bags)
	require.NotEmpty(t, bags.ProductIDs)
	r := g.Get("/gear/bags.html")
	assertCacheablePage(t, r)
	tags := strings.Split(r.Header.Get("X-Magento-Tags"), ",")
	id := strconv.Itoa(bags.ID)
	assert.Equal(t, []string{"cat_c_" + id, "cat_c_p_" + id}, tags[:2])
	first := shared().Products[bags.ProductIDs[0]-1]
	assert.Contains(t, tags, "cat_p_"+strconv.Itoa(first.ID))
	assert.Contains(t, string(r.Body), first.Name)
	assert.LessOrEqual(t, len(tags)-2, 12)
}

func TestSignedInCustomerGetsCookiesOnPages(t *testing.T) {
	g := newRig(t, Options{})
	form := url.Values{"login[username]": {"veronica@example.com"}, "login[password]": {"secret"}}
	login := g.Do("POST", "/customer/account/loginPost/", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusFound, login.Status)
	assert.Equal(t, "/customer/account/", login.Header.Get("Location"))
	cookies := (&http.Response{Header: login.Header}).Cookies()
	require.Len(t, cookies, 2)
	assert.Equal(t, "PHPSESSID", cookies[0].Name)
	assert.Equal(t, "X-Magento-Vary", cookies[1].Name)
	session := "PHPSESSID=" + cookies[0].Value

	p := find(t, visible)
	page := g.Get("/catalog/product/view/id/"+strconv.Itoa(p.ID), "Cookie", session)
	assertCacheablePage(t, page)
	set := page.Header.Values("Set-Cookie")
	require.Len(t, set, 2, "the session is renewed on every page")
	assert.Regexp(t, regexp.MustCompile(`^PHPSESSID=`+cookies[0].Value+`; Path=/; Expires=.*; Max-Age=3600; HttpOnly; SameSite=Lax$`), set[0])
	assert.Regexp(t, `^X-Magento-Vary=[0-9a-f]{40};`, set[1])
	assert.Contains(t, string(page.Body), "Welcome, Veronica!")

	account := g.Get("/customer/account/", "Cookie", session)
	assert.Equal(t, 200, account.Status)
	assert.Contains(t, account.Header.Get("Cache-Control"), "no-store", "the account page is private")
	assert.Equal(t, http.StatusFound, g.Get("/customer/account/").Status, "no session: to the login page")
	assert.Empty(t, g.Get("/catalog/product/view/id/"+strconv.Itoa(p.ID), "Cookie", "PHPSESSID=unknown").Header.Values("Set-Cookie"))
}
