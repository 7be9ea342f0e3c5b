package routes

import "sort"

func sortByIndex(rs []*Route) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Index < rs[j].Index })
}
