# The Makefile only wraps meson.  Every target installs what is missing
# first, so each works on a fresh Debian 12 machine.

BUILD ?= build
SAN_BUILD ?= build-sanitize
KILN ?= $(BUILD)/kiln-system-riscv64

.PHONY: all deps build run check check-sanitize bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

# The default job: the bundled demo firmware on the virt board.
run: build
	$(KILN) -M virt -bios $(BUILD)/firmware/demo.elf -nographic

check: build
	scripts/run-tests.sh $(BUILD)

# kiln and QEMU side by side on the workloads in bench/ (docs/performance.md).
bench: build
	python3 bench/run.py $(BUILD)

$(SAN_BUILD)/build.ninja: | deps
	meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false

check-sanitize: deps $(SAN_BUILD)/build.ninja
	meson compile -C $(SAN_BUILD)
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1 \
	scripts/run-tests.sh $(SAN_BUILD)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
