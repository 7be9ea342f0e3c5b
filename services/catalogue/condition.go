package catalogue

import (
	"regexp"
	"slices"
	"strings"
)

// Filter is one searchCriteria filter: field, value and condition_type.
type Filter struct {
	Field         string `json:"field"`
	Value         string `json:"value"`
	ConditionType string `json:"condition_type"`

	like *regexp.Regexp // the compiled like pattern, once parsed
}

// conditions are the condition types Magento's SQL layer understands; from
// and to are its range bounds, moreq its old spelling of gteq.
var conditions = []string{
	"eq", "neq", "like", "nlike", "in", "nin", "gt", "lt", "gteq", "moreq", "lteq", "from", "to",
	"null", "notnull", "finset", "nfinset",
}

func (f *Filter) normalize() error {
	if f.Field == "" {
		return RequiredField("field")
	}
	if !IsAttribute(f.Field) {
		return invalidAttribute(f.Field)
	}
	f.ConditionType = strings.ToLower(f.ConditionType)
	if f.ConditionType == "" {
		f.ConditionType = "eq" // what Magento's Filter getter answers when none was given
	}
	if !slices.Contains(conditions, f.ConditionType) {
		return &InputError{Message: "Condition type \"%1\" is not supported.", Parameters: []any{f.ConditionType}}
	}
	if f.ConditionType == "like" || f.ConditionType == "nlike" {
		f.like = likePattern(f.Value)
	}
	return nil
}

// Matches applies the filter to an attribute's values with MySQL's
// semantics: case-insensitive text, numbers compared as numbers, and a
// missing value (NULL) matching no comparison, negated ones included.
func (f Filter) Matches(values []string) bool {
	switch f.ConditionType {
	case "eq", "":
		return anyOf(values, func(v string) bool { return compareText(v, f.Value) == 0 })
	case "neq":
		return len(values) > 0 && !f.with("eq").Matches(values)
	case "like":
		re := f.like
		if re == nil {
			re = likePattern(f.Value)
		}
		return anyOf(values, re.MatchString)
	case "nlike":
		return len(values) > 0 && !f.with("like").Matches(values)
	case "in":
		list := strings.Split(f.Value, ",")
		return anyOf(values, func(v string) bool {
			return slices.ContainsFunc(list, func(item string) bool { return compareText(v, strings.TrimSpace(item)) == 0 })
		})
	case "nin":
		return len(values) > 0 && !f.with("in").Matches(values)
	case "gt":
		return anyOf(values, func(v string) bool { return compareText(v, f.Value) > 0 })
	case "lt":
		return anyOf(values, func(v string) bool { return compareText(v, f.Value) < 0 })
	case "gteq", "moreq", "from":
		return anyOf(values, func(v string) bool { return compareText(v, f.Value) >= 0 })
	case "lteq", "to":
		return anyOf(values, func(v string) bool { return compareText(v, f.Value) <= 0 })
	case "null":
		return !anyOf(values, func(v string) bool { return v != "" })
	case "notnull":
		return anyOf(values, func(v string) bool { return v != "" })
	case "finset":
		return anyOf(values, func(v string) bool {
			return slices.ContainsFunc(strings.Split(v, ","), func(item string) bool { return compareText(item, f.Value) == 0 })
		})
	case "nfinset":
		return len(values) > 0 && !f.with("finset").Matches(values)
	}
	return false
}

func (f Filter) with(condition string) Filter {
	f.ConditionType = condition
	return f
}

func anyOf(values []string, pred func(string) bool) bool {
	return slices.ContainsFunc(values, pred)
}

// compareText compares numerically when both sides are numbers, otherwise as
// case-insensitive text, the way MySQL's default collation does.
func compareText(a, b string) int {
	x, errA := parseNumber(a)
	y, errB := parseNumber(b)
	if errA == nil && errB == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// likePattern turns a SQL LIKE pattern (% any run, _ one character, \ escapes)
// into an anchored, case-insensitive regular expression.
func likePattern(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?is)^")
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()) // every literal is quoted, so the expression is valid
}
