# The two commands of README.md. Each runs scripts/setup.sh first, which
# installs what is missing (cold: ~15 min) and skips what is present.
.PHONY: serve test setup build bench bench-page lighthouse size

## make serve: build the page and serve it on http://127.0.0.1:8080
serve: setup
	@scripts/serve.sh

## make test: fmt, clippy, native tests, wasm tests, release build, e2e tests
test: setup
	@scripts/test.sh

## make setup: only install the tools
setup:
	@scripts/setup.sh

## make build: only the release build into dist/
build: setup
	@bash -c 'source scripts/env.sh && trunk build --release'

## make bench: one table, CPU time beside budgets (core proposals/s, simulated s per CPU s, seek, memory)
bench:
	cargo build --profile fast -p raftlab-core --example bench_core
	cargo run --profile fast -p raftlab-sim --bin raftlab-sim -- bench

## make bench-page: frames per second of the release page, 9 nodes under load
bench-page: build
	node web/bench/fps.mjs

## make size: what the first screen loads from dist/, gzipped, beside its budget
size: build
	node scripts/size-budget.mjs dist

## make lighthouse: Lighthouse 12.2.3 mobile performance of the release page, served gzipped
lighthouse: build
	node web/bench/lighthouse.mjs
