package edge

// view is one consistent configuration the data path reads: the listener,
// the route table its connection manager uses, and the clusters. A request
// loads the current view once and keeps it to the end, so a config push
// never changes a request half way.
type view struct {
	listener *listenerSpec
	routes   *routeTable
	clusters map[string]*upstream
}

func (v *view) cluster(name string) *upstream { return v.clusters[name] }
