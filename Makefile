# The two commands of the README, and a few conveniences.
# `make up` builds and starts what exists of the cluster; `make test` builds and runs the tests.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: deps configure build test hostile up install clean

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The hostile suite alone: the probes of issue 15 (tests tagged [hostile]).
hostile: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L hostile $(CTEST_ARGS)

up: build
	@scripts/up.sh $(BUILD) $(ARGS)

# The binaries into /usr/local/bin and the systemd unit (dist/systemd/skiff.service).
install: build
	@cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
