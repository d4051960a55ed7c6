# Convenience entry points; the build itself is CMake.
#   make fuzz   a fuzz campaign on the default profile (PROFILE=, TIME=)
#   make test   build everything and run every test
BUILD ?= build
PROFILE ?= latest
TIME ?= 300

.PHONY: all deps build fuzz test bench clean

all: build

# Before every build, not only the first: quick when nothing is missing,
# and a machine that lacks clang-format or clang-tidy gets them before
# `make test` runs the lint (which fails without them).
deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DMMFUZZ_WERROR=ON

build: $(BUILD)/build.ninja | deps
	cmake --build $(BUILD)

fuzz: build
	$(BUILD)/mmfuzz fuzz --profile $(PROFILE) --time $(TIME)

test: build
	ctest --test-dir $(BUILD) --output-on-failure

bench: build
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
