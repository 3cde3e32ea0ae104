# Ultimus Workbench. Set-up is two commands: `make run` and `make test`.
# Both install any missing Debian packages first (only when something is missing).

APT_PACKAGES := libedit-dev libopenblas-dev libpng-dev libjpeg62-turbo-dev libzmq3-dev pkg-config
SWIFT        ?= swift
# The Swift driver leaves an empty TemporaryDirectory.XXXXXX folder in $TMPDIR on every run:
# keep them (and the tests' temporary files) inside .build, which 'make clean' removes.
SWIFT_TMP    := $(CURDIR)/.build/tmp
export TMPDIR := $(SWIFT_TMP)
$(shell mkdir -p "$(SWIFT_TMP)")
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check-release bench build deps fixtures clean library-example fuzz

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

# TORCH_PYTHON=/path/to/bin/python (a Python with torch, numpy and safetensors; optional): the export
# tests then run the generated PyTorch scripts for real, torch.distributed.run with two ranks included.
test: deps
	$(if $(TORCH_PYTHON),ULTIMUS_TORCH_PYTHON="$(TORCH_PYTHON)") $(SWIFT) test

# Heavier checks, run by CI after `make test`: hostile files, hostile input, paths and signals against
# the release binary (the build users run, where file parsers keep their bounds checks), with the
# hostile-input fuzzer over every argument of every command and 200 mutated session files.
check-release: deps
	$(SWIFT) build -c release --product ultimus-repl
	bin="$$($(SWIFT) build -c release --show-bin-path)/ultimus-repl"; \
	ULTIMUS_RELEASE_BIN="$$bin" ULTIMUS_REPL="$$bin" ULTIMUS_HOSTILE_FUZZ=1 \
		$(SWIFT) test --filter 'ReleaseBinaryTests|TypedPathTests|TerminationSignalTests|KillTests|HostileInputFuzzTests'

# The fuzzers at length, against the release binary: many more mutated session files and command
# lines than 'make test' and 'make check-release' run.
fuzz: deps
	$(SWIFT) build -c release --product ultimus-repl
	bin="$$($(SWIFT) build -c release --show-bin-path)/ultimus-repl"; \
	ULTIMUS_REPL="$$bin" ULTIMUS_HOSTILE_FUZZ=1 ULTIMUS_SESSION_FUZZ_COUNT=3000 ULTIMUS_FUZZ_COUNT=100000 \
		$(SWIFT) test --filter 'HostileInputFuzzTests|FuzzTests'

# The engine as a library: Examples/LibraryExample built as a separate package against a file://
# clone of this repository by a version tag (outside 'make test': it builds the engine in release).
library-example: deps
	bash Examples/library-example.sh

# `make bench ARGS=quick`: kernels and training only (no batch sweep, breakdown or data figures);
# `ARGS="train --kernels direct"` measures training without Winograd, to compare in one sitting.
bench: deps
	$(SWIFT) build -c release --product ultimus-bench
	$(SWIFT) build -c release --product ultimus-repl
	@"$$($(SWIFT) build -c release --show-bin-path)/ultimus-bench" $(ARGS)

clean:
	rm -rf .build
