# AccessPointRouter. Two commands matter:
#   make run    install what is missing, build a release binary, start aprouter on the embedded default lab
#   make test   install what is missing, build, and run every check and test (what CI runs via .ci/run)

SWIFT ?= swift
CONFIG ?=

.PHONY: all deps build release test test-swift test-dns check lint format run clean-state fuzz

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product aprouter

# The fixture checks and the lint run first: they take seconds, a wrong fixture or a style slip fails fast.
test: deps check test-swift test-dns

check:
	python3 scripts/botocore_hosts.py --check
	python3 scripts/sigv4_fixtures.py --check
	python3 fuzz/seeds.py --check
	scripts/check-pure.sh
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

# The suites that reach the HTTPS listener through real clients run a second time with it on the socket engine
# (`aprouter serve --engine socket`; see Tests/IntegrationTests/ServeTests.swift, RunningServer).
ENGINE_SUITES = IntegrationTests.(DataPlaneTests|AdminListenerTests|ServeTests|ForwardingTests|ForwardProxyTests|ControlPlaneTests|TryItTests|StreamingMemoryTests|FuzzTests)

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	APROUTER_TEST_ENGINE=socket $(SWIFT) test --skip-build --filter '$(ENGINE_SUITES)'

# The DNS emulator against NSD on the same zones (needs the debug binary test-swift built; a few seconds).
test-dns:
	python3 scripts/dns_differential.py

# Coverage-guided fuzzing (libFuzzer, AddressSanitizer) of every reader of network input, 60 s per harness; not
# part of `make test`, whose FuzzHarnessesTests replay the corpus and every input that once failed (fuzz/README.md).
fuzz: deps
	fuzz/run.sh

format:
	$(SWIFT) format format --in-place --recursive Package.swift Sources Tests

run: release
	.build/release/aprouter serve $(if $(CONFIG),--config $(CONFIG))

clean-state:
	rm -rf state
