# Teduh: `make run` serves on 127.0.0.1:8090, `make test` runs vet and every test.
# Every target uses Go 1.27.3, whatever this machine's Go defaults to
# (GOTOOLCHAIN=local included): the go command fetches that toolchain itself.
export GOTOOLCHAIN := go1.27.3
export GOFLAGS := -buildvcs=false

ADDR ?= 127.0.0.1:8090
# DIR=/path/to/pb_data: the data directory (default: pb_data/ here)
DIR ?=
ROLE ?= officer
# arg,NAME is the variable NAME as one shell word, as typed: no make or shell
# expansion, so quotes, spaces and "$" in a password are safe
arg = '$(subst ','\'',$(value $1))'
dirflag = $(if $(DIR),--dir=$(call arg,DIR))

.PHONY: run test build vet fmt bench superuser staff audit-verify

# Serves the pages from pb_public/ itself, so page edits show on reload.
run:
	@echo ""
	@echo "Teduh berjalan di http://$(ADDR)"
	@echo "  Formulir pengaduan : http://$(ADDR)/"
	@echo "  Cek status         : http://$(ADDR)/status/"
	@echo "  Konsol petugas     : http://$(ADDR)/staff/"
	@echo "  Panel admin        : http://$(ADDR)/_/"
	@echo "Superuser pertama    : make superuser EMAIL=admin@kantor.go.id PASSWORD='kata-sandi-panjang'"
	@echo "Kepala pertama       : make staff EMAIL=kepala@kantor.go.id NAME=\"Nama Kepala\" ROLE=supervisor"
	@echo ""
	go run . serve --http=$(ADDR) --publicDir=pb_public $(dirflag)

# One self-contained binary with the pages built in: ./teduh serve
build:
	go build -o teduh .

# make superuser EMAIL=admin@kantor.go.id PASSWORD='a-long-password'
superuser:
	@test -n $(call arg,EMAIL) -a -n $(call arg,PASSWORD) || { echo "Tulis: make superuser EMAIL=admin@kantor.go.id PASSWORD='kata-sandi-panjang'"; exit 2; }
	@go run . superuser upsert $(call arg,EMAIL) $(call arg,PASSWORD) $(dirflag)

# make staff EMAIL=kepala@kantor.go.id NAME="Nama Kepala" ROLE=supervisor [PHONE=0812…]
# asks for the password, or takes it from TEDUH_STAFF_PASSWORD
staff:
	@test -n $(call arg,EMAIL) -a -n $(call arg,NAME) || { echo 'Tulis: make staff EMAIL=petugas@kantor.go.id NAME="Nama Petugas" ROLE=officer (atau ROLE=supervisor)'; exit 2; }
	go run . staff add $(call arg,EMAIL) --name $(call arg,NAME) --role $(call arg,ROLE) $(if $(PHONE),--phone $(call arg,PHONE)) $(dirflag)

vet:
	go vet ./...

test: vet
	go test -count=1 ./...

# Not part of `make test`: seeds 1,000,000 cases and drives the real server;
# writes docs/benchmarks.md. BENCH_FLAGS="-cases 100000 -runs 1" for a quick look,
# BENCH_FLAGS="-only form" for the public form on a throttled phone only.
bench:
	go run ./cmd/teduh-bench $(BENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

# Walk the audit hash chain of pb_data (or DIR=...) and report the first broken link.
audit-verify:
	go run . audit verify $(dirflag)
