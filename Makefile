# The two commands of the README, and a few conveniences.
# `make up` builds and starts what exists of the cluster; `make test` builds and runs the tests.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: deps configure build test up clean

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

up: build
	@scripts/up.sh $(BUILD) $(ARGS)

clean:
	rm -rf $(BUILD)
