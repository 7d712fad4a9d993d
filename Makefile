# Teduh: `make run` serves on 127.0.0.1:8090, `make test` runs vet and every test.
export GOTOOLCHAIN := go1.27.3
export GOFLAGS := -buildvcs=false

ADDR ?= 127.0.0.1:8090

.PHONY: run test build vet fmt

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

fmt:
	gofmt -w $$(git ls-files '*.go')
