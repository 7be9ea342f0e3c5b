package legacy

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func inStockSimple(p *catalogue.Product) bool {
	return p.TypeID == catalogue.TypeSimple && p.Status == catalogue.StatusEnabled &&
		p.ExtensionAttributes.StockItem.IsInStock && p.ExtensionAttributes.StockItem.Qty >= 10
}

func itemBody(sku string, qty float64) string {
	return fmt.Sprintf(`{"cartItem":{"sku":%q,"qty":%v,"quote_id":"x"}}`, sku, qty)
}

func unquote(t *testing.T, r reply) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(r.Body, &s), "a quoted JSON string: %s", r.Body)
	return s
}

func TestGuestCartFlow(t *testing.T) {
	g := newRig(t, Options{})
	created := g.Do("POST", "/rest/V1/guest-carts", "")
	require.Equal(t, 200, created.Status)
	id := unquote(t, created)
	assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9]{32}$`), id)
	base := "/rest/V1/guest-carts/" + id

	first := find(t, inStockSimple)
	second := find(t, func(p *catalogue.Product) bool { return inStockSimple(p) && p.SKU != first.SKU })

	added := g.Do("POST", base+"/items", itemBody(first.SKU, 2))
	require.Equal(t, 200, added.Status, "%s", added.Body)
	item := added.Object(t)
	assert.Equal(t, first.SKU, item["sku"])
	assert.EqualValues(t, 2, item["qty"])
	assert.Equal(t, first.FinalPrice(), item["price"])

	again := g.Do("POST", base+"/items", itemBody(first.SKU, 1)).Object(t)
	assert.Equal(t, item["item_id"], again["item_id"], "the same sku lands on the same line")
	assert.EqualValues(t, 3, again["qty"])
	require.Equal(t, 200, g.Do("POST", base+"/items", itemBody(second.SKU, 1)).Status)

	items := g.Get(base + "/items").JSON(t).([]any)
	require.Len(t, items, 2)

	totals := g.Get(base + "/totals")
	require.Equal(t, 200, totals.Status)
	tv := totals.Object(t)
	want := math.Round(first.FinalPrice()*3*100)/100 + math.Round(second.FinalPrice()*100)/100
	assert.InDelta(t, want, tv["subtotal"], 1e-9)
	assert.Equal(t, tv["subtotal"], tv["grand_total"])
	assert.EqualValues(t, 4, tv["items_qty"])
	var codes []string
	for _, seg := range tv["total_segments"].([]any) {
		codes = append(codes, seg.(map[string]any)["code"].(string))
	}
	assert.Equal(t, []string{"subtotal", "shipping", "tax", "grand_total"}, codes)
	assert.Contains(t, string(totals.Body), `"options":"[]"`, "item options are a JSON string")
	assert.Contains(t, string(totals.Body), `"title":"Shipping & Handling"`)
	assert.Contains(t, string(totals.Body), `"extension_attributes":{"tax_grandtotal_details":[]}`)

	cart := g.Get(base).Object(t)
	assert.Equal(t, true, cart["customer_is_guest"])
	assert.EqualValues(t, 2, cart["items_count"])
}

func TestGuestCartRefusals(t *testing.T) {
	g := newRig(t, Options{})
	id := unquote(t, g.Do("POST", "/rest/V1/guest-carts", ""))
	base := "/rest/V1/guest-carts/" + id
	configurable := find(t, func(p *catalogue.Product) bool { return p.TypeID == catalogue.TypeConfigurable })
	cases := []struct {
		body    string
		status  int
		message string
	}{
		{itemBody(configurable.SKU, 1), 400, "You need to choose options for your item."},
		{itemBody("NO-SUCH-SKU", 1), 404, catalogue.MessageProductNotFound},
		{itemBody(find(t, inStockSimple).SKU, 0), 400, "Please enter a number greater than 0 in this field."},
		{itemBody(find(t, inStockSimple).SKU, 1e6), 400, "The requested qty is not available"},
		{`{"sku":"x"}`, 400, `"%fieldName" is required. Enter and try again.`},
		{`not json`, 400, "Decoding error: Syntax error"},
	}
	for _, c := range cases {
		r := g.Do("POST", base+"/items", c.body)
		assert.Equal(t, c.status, r.Status, c.body)
		assert.Equal(t, c.message, r.Object(t)["message"], c.body)
	}
	assert.Empty(t, g.Get(base+"/items").JSON(t), "nothing refused stays in the cart")

	missing := g.Get("/rest/V1/guest-carts/nope/totals")
	assert.Equal(t, 404, missing.Status)
	assert.JSONEq(t, `{"message":"No such entity with %fieldName = %fieldValue","parameters":{"fieldName":"cartId","fieldValue":"nope"}}`, string(missing.Body))
}

func TestCustomerCartFlow(t *testing.T) {
	g := newRig(t, Options{})
	assert.Equal(t, 401, g.Get("/rest/V1/carts/mine").Status)
	denied := g.Get("/rest/V1/carts/mine/totals", "Authorization", "Bearer not-a-token")
	assert.Equal(t, 401, denied.Status)
	assert.JSONEq(t, `{"message":"The consumer isn't authorized to access %resources.","parameters":{"resources":"self"}}`, string(denied.Body))

	tokenReply := g.Do("POST", "/rest/V1/integration/customer/token", `{"username":"roni_cost@example.com","password":"roni_cost3@example.com"}`)
	require.Equal(t, 200, tokenReply.Status)
	token := unquote(t, tokenReply)
	auth := []string{"Authorization", "Bearer " + token}

	idReply := g.Do("POST", "/rest/V1/carts/mine", "", auth...)
	require.Equal(t, 200, idReply.Status)
	var quoteID int
	require.NoError(t, json.Unmarshal(idReply.Body, &quoteID), "a bare number: %s", idReply.Body)

	p := find(t, inStockSimple)
	require.Equal(t, 200, g.Do("POST", "/rest/V1/carts/mine/items", itemBody(p.SKU, 2), auth...).Status)
	cart := g.Get("/rest/V1/carts/mine", auth...).Object(t)
	assert.EqualValues(t, quoteID, cart["id"])
	assert.Equal(t, false, cart["customer_is_guest"])
	assert.Equal(t, "roni_cost@example.com", cart["customer"].(map[string]any)["email"])
	totals := g.Get("/rest/V1/carts/mine/totals", auth...).Object(t)
	assert.InDelta(t, math.Round(p.FinalPrice()*2*100)/100, totals["grand_total"], 1e-9)

	other := unquote(t, g.Do("POST", "/rest/V1/integration/customer/token", `{"username":"ROni_cost@example.com","password":"x"}`))
	assert.NotEqual(t, token, other)
	items := g.Get("/rest/V1/carts/mine/items", "Authorization", "Bearer "+other).JSON(t).([]any)
	assert.Len(t, items, 1, "the same customer signs in to the same cart")

	noPassword := g.Do("POST", "/rest/V1/integration/customer/token", `{"username":"a@b.c"}`)
	assert.Equal(t, 400, noPassword.Status)
}
