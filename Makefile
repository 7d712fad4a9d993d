# Teduh: `make run` serves on 127.0.0.1:8090, `make test` runs vet and every test.
export GOTOOLCHAIN := go1.27.3
export GOFLAGS := -buildvcs=false

ADDR ?= 127.0.0.1:8090

.PHONY: run test build vet fmt bench audit-verify

run:
	@echo ""
	@echo "Teduh berjalan di http://$(ADDR)"
	@echo "  Formulir pengaduan : http://$(ADDR)/"
	@echo "  Cek status         : http://$(ADDR)/status/"
	@echo "  Konsol petugas     : http://$(ADDR)/staff/"
	@echo "  Panel admin        : http://$(ADDR)/_/"
	@echo "Superuser pertama    : go run . superuser upsert EMAIL PASSWORD"
	@echo "Akun petugas pertama : go run . staff add EMAIL --name 'Nama' --role supervisor"
	@echo ""
	go run . serve --http=$(ADDR)

build:
	go build -o teduh .

vet:
	go vet ./...

test: vet
	go test -count=1 ./...

# Not part of `make test`: seeds 1,000,000 cases and drives the real server;
# writes docs/benchmarks.md. BENCH_FLAGS="-cases 100000 -runs 1" for a quick look.
bench:
	go run ./cmd/teduh-bench $(BENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

# Walk the audit hash chain of pb_data (or DIR=...) and report the first broken link.
audit-verify:
	go run . audit verify $(if $(DIR),--dir=$(DIR))
