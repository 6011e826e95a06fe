# segtex: the two entry points are `make run` and `make test`. Each does the
# whole set-up on a fresh Debian 12 machine: packages, assets, build.
BUILD ?= build
BUILD_ASAN ?= build-asan
BUILD_TSAN ?= build-tsan
SEGTEX_ASSETS ?= $(CURDIR)/assets
export SEGTEX_ASSETS
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 20

.PHONY: all deps assets test-assets build build-asan build-tsan run test test-fast deb clean

all: build

deps:
	@scripts/install-deps.sh

assets: deps
	@scripts/fetch-assets.sh

# The tests also read the labelled photos of people and the hand photo (Debian's opencv-doc, 96 MB, fetched once).
test-assets: deps
	@scripts/fetch-assets.sh --people-samples --hand-sample

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEGTEX_ASSETS=$(SEGTEX_ASSETS) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSEGTEX_SANITIZE=ON -DSEGTEX_ASSETS=$(SEGTEX_ASSETS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

build-tsan: deps
	@cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEGTEX_TSAN=ON -DSEGTEX_ASSETS=$(SEGTEX_ASSETS) >/dev/null
	@cmake --build $(BUILD_TSAN) -j $(JOBS) --target test_pipeline

# The main job: with a display and a camera, the live effect in a window;
# otherwise the demo clip (made from the sample portrait) to out/demo.mp4.
# The look: textures that live on the body (hair and face anchored to the
# face, the face painted through the face mesh, clothes on the torso from
# the pose), the background blurred.
DEMO_LOOK = --seed 1 --pose lite --paint background=blur=12 --opacity background=1
run: assets build
	@if [ -n "$$DISPLAY" ] && [ -e /dev/video0 ]; then \
	  $(BUILD)/segtex run -i /dev/video0 -o window $(DEMO_LOOK); \
	else \
	  mkdir -p out && $(BUILD)/segtex run -i demo: --frames 300 -o out/demo.mp4 $(DEMO_LOOK); \
	fi

# The whole suite: the threaded pipeline tests under ThreadSanitizer, every
# test under ASan+UBSan, then every test in the release build (its summary last).
# Each libFuzzer target also runs for FUZZ_SECONDS on its seed corpus.
# (The thread-pool test is not run under TSan: Debian's pthreadpool is not
# instrumented, so TSan cannot see its internal synchronisation and reports
# races that are not there. The pipeline's own threads meet only at
# instrumented pthread mutexes and condition variables.)
test: test-assets build build-asan build-tsan
	@cd $(BUILD_TSAN) && SEGTEX_SANITIZED=1 ctest --output-on-failure -R '^test_pipeline$$'
	@cd $(BUILD_ASAN) && SEGTEX_SANITIZED=1 ctest --output-on-failure -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_SECONDS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-fast: assets build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The Debian package of the release build: $(BUILD)/segtex_<version>_amd64.deb
# (Depends: from dpkg-shlibdeps). Install it with `sudo apt install ./$(BUILD)/segtex_*.deb`.
deb: build
	@cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) build-fuzz
