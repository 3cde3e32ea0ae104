# Ultimus Workbench. Set-up is two commands: `make run` and `make test`.
# Both install any missing Debian packages first (only when something is missing).

APT_PACKAGES := libedit-dev libopenblas-dev libpng-dev libjpeg62-turbo-dev pkg-config
SWIFT        ?= swift
# The Swift driver leaves an empty TemporaryDirectory.XXXXXX folder in $TMPDIR on every run:
# keep them (and the tests' temporary files) inside .build, which 'make clean' removes.
SWIFT_TMP    := $(CURDIR)/.build/tmp
export TMPDIR := $(SWIFT_TMP)
$(shell mkdir -p "$(SWIFT_TMP)")
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench build deps fixtures clean fuzz check-release

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing missing packages: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product ultimus-repl

run: build
	@"$$($(SWIFT) build -c release --show-bin-path)/ultimus-repl" $(ARGS)

test: deps
	$(SWIFT) test

# The fuzzers at length: many more mutated session files and command lines than 'make test' runs.
fuzz: deps
	ULTIMUS_HOSTILE_FUZZ=1 ULTIMUS_SESSION_FUZZ_COUNT=3000 ULTIMUS_FUZZ_COUNT=400000 ULTIMUS_FUZZ_SECONDS=3000 \
		$(SWIFT) test --filter 'HostileInputFuzzTests|FuzzTests'

# Hostile files, signals and paths against the release binary (what users run).
check-release: deps
	$(SWIFT) build -c release --product ultimus-repl
	ULTIMUS_REPL="$$($(SWIFT) build -c release --show-bin-path)/ultimus-repl" ULTIMUS_HOSTILE_FUZZ=1 ULTIMUS_SESSION_FUZZ_COUNT=1000 \
		$(SWIFT) test --filter 'HostileInputFuzzTests|TypedPathTests|TerminationSignalTests|KillTests'

bench: deps
	$(SWIFT) build -c release --product ultimus-bench
	$(SWIFT) build -c release --product ultimus-repl
	@"$$($(SWIFT) build -c release --show-bin-path)/ultimus-bench" $(ARGS)

clean:
	rm -rf .build
