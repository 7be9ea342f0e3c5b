package legacy

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected strings are what PHP 8 prints for json_encode of the same value.
func TestPHPFloat(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: constant arithmetic would be exact
	cases := map[float64]string{
		34:              "34",
		45.99:           "45.99",
		tenth + fifth:   "0.30000000000000004",
		-2.5:            "-2.5",
		0.0001:          "0.0001",
		0.00001:         "1.0e-5",
		0.000015:        "1.5e-5",
		1e16:            "10000000000000000",
		1e17:            "1.0e+17",
		1.25e20:         "1.25e+20",
		123456789.12345: "123456789.12345",
		math.MaxFloat64: "1.7976931348623157e+308",
		5e-324:          "5.0e-324",
	}
	for f, want := range cases {
		assert.Equal(t, want, phpFloat(f), "%v", f)
	}
}

func TestEncodePHP(t *testing.T) {
	type inner struct {
		A []int          `json:"a"`
		M map[string]int `json:"m"`
	}
	v := struct {
		URL    string   `json:"url"`
		HTML   string   `json:"html"`
		Name   string   `json:"name"`
		Emoji  string   `json:"emoji"`
		Ctrl   string   `json:"ctrl"`
		Price  float64  `json:"price"`
		Whole  float64  `json:"whole"`
		Tiny   float64  `json:"tiny"`
		Count  int      `json:"count"`
		Empty  struct{} `json:"empty"`
		List   []string `json:"list"`
		Null   *string  `json:"null"`
		Nested inner    `json:"nested"`
	}{
		URL: "/m/b/mb01.jpg", HTML: `<p>Tom & "Jerry"</p>`, Name: "Zürich Café", Emoji: "😀",
		Ctrl: "a\tb\u0001\n", Price: 45.99, Whole: 34.0, Tiny: 0.00001, Count: 3, List: []string{},
		Nested: inner{A: []int{}, M: map[string]int{}},
	}
	got, err := encodePHP(v)
	require.NoError(t, err)
	want := `{"url":"\/m\/b\/mb01.jpg","html":"<p>Tom & \"Jerry\"<\/p>","name":"Z\u00fcrich Caf\u00e9",` +
		`"emoji":"\ud83d\ude00","ctrl":"a\tb\u0001\n","price":45.99,"whole":34,"tiny":1.0e-5,"count":3,` +
		`"empty":[],"list":[],"null":null,"nested":{"a":[],"m":[]}}`
	assert.Equal(t, want, string(got))

	var back map[string]any
	require.NoError(t, json.Unmarshal(got, &back), "PHP's output is valid JSON")
	assert.Equal(t, "Zürich Café", back["name"])
	assert.Equal(t, "😀", back["emoji"])
}

func TestEncodePHPScalars(t *testing.T) {
	got, err := encodePHP("0123456789abcdef0123456789abcdef")
	require.NoError(t, err)
	assert.Equal(t, `"0123456789abcdef0123456789abcdef"`, string(got), "a cart id is a quoted JSON string")
	got, err = encodePHP(17)
	require.NoError(t, err)
	assert.Equal(t, "17", string(got))
}
