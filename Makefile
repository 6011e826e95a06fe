# segtex: the two entry points are `make run` and `make test`. Each does the
# whole set-up on a fresh Debian 12 machine: packages, assets, build.
BUILD ?= build
BUILD_ASAN ?= build-asan
SEGTEX_ASSETS ?= $(CURDIR)/assets
export SEGTEX_ASSETS
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps assets build build-asan run test test-fast test-asan clean

all: build

deps:
	@scripts/install-deps.sh

assets: deps
	@scripts/fetch-assets.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEGTEX_ASSETS=$(SEGTEX_ASSETS) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSEGTEX_SANITIZE=ON -DSEGTEX_ASSETS=$(SEGTEX_ASSETS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

# The main job: with a display and a camera, the live effect in a window;
# otherwise the demo clip (made from the sample portrait) to out/demo.mp4.
run: assets build
	@if [ -n "$$DISPLAY" ] && [ -e /dev/video0 ]; then \
	  $(BUILD)/segtex run -i /dev/video0 -o window --landmarks; \
	else \
	  mkdir -p out && $(BUILD)/segtex run -i demo: --frames 300 -o out/demo.mp4 --landmarks --seed 1; \
	fi

# The whole suite: release build, then the same suite under ASan+UBSan.
test: assets build build-asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cd $(BUILD_ASAN) && SEGTEX_SANITIZED=1 ctest --output-on-failure -j $(JOBS)

test-fast: assets build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
