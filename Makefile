# The two set-up commands: `make run` and `make test`.
export GOFLAGS := -mod=mod
GO ?= go
ROUTES ?= routes/examples/magento.yaml

.PHONY: run test bench build vet fuzz golden

run: ## the whole stack on the example route file, everything embedded (strangler dev)
	$(GO) run ./cmd/strangler dev --routes $(ROUTES)

test: vet ## vet, then every test with the race detector
	$(GO) test -race -count=1 -timeout 20m ./...

vet:
	$(GO) vet ./...

bench: ## benchmarks and load tests that print figures
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

build:
	$(GO) build -o bin/strangler ./cmd/strangler

fuzz: ## a short run of each fuzz target
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./routes
	$(GO) test -run '^$$' -fuzz FuzzRouteFileToSnapshot -fuzztime 30s ./controlplane/xds
	$(GO) test -run '^$$' -fuzz FuzzCompare -fuzztime 30s ./shadow/diff
	$(GO) test -run '^$$' -fuzz FuzzStringsEqual -fuzztime 30s ./shadow/diff
	$(GO) test -run '^$$' -fuzz FuzzParseAgreesWithEncodingJSON -fuzztime 30s ./shadow/diff

golden: ## regenerate golden files; review the diff before committing
	$(GO) test ./controlplane/... -run Golden -update
