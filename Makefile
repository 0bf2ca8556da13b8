# SPDX-License-Identifier: MIT
#
# axon top-level build. Userspace parts build into build/; the kernel
# module builds in tree through the top-level Kbuild (make modules).
#
#   make demo        install deps, build, boot QEMU and show the devices
#   make check       install deps, build, run every test
#   make bench       libaxon per-run overhead over raw SUBMIT + wait (QEMU)
#   make bench-cpu   cpu backend latency, reference vs fast kernels vs ONNX Runtime
#   make modules     build axon.ko against KDIR
#   make qemu-test T=name   run one kselftest binary in the guest
#                    (EMULATE=npu,dsp sets axon.ko's emulate=; see
#                    tests/qemu/run.sh --help)

SHELL    := /bin/bash
TOP      := $(CURDIR)
BUILD    ?= $(TOP)/build
export TOP BUILD

# The kernel QEMU boots and the module is built against: newest 6.12 headers
# installed, overridable with KDIR= / KVER=.
KVER     ?= $(shell ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | \
		sed 's|.*/linux-headers-||' | sort -V | tail -n 1)
KDIR     ?= /lib/modules/$(KVER)/build
export KVER KDIR

# Kernel sources we use but never commit (kselftest harness, checkpatch)
# are extracted from Debian's linux-source-6.12 into $(KSRC).
KSRC     ?= $(BUILD)/linux-src
export KSRC

.PHONY: all deps modules userspace firmware runtime compiler tools \
	ksrc kselftest unit fuzz-replay riscv-test checkpatch sparse qemu-test cpu-identity check check-steps demo bench bench-cpu clean \
	compat-check dkms-install dkms-remove dkms-check package package-check \
	ship-check tools/axon-trace

all: modules userspace

deps:
	@$(TOP)/tools/install-deps.sh

ksrc:
	@$(TOP)/tools/extract-ksrc.sh $(KSRC)

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

# Userspace sub-builds. Each subdirectory owns its Makefile; a part that
# does not exist yet is skipped.
SUBDIRS := firmware runtime compiler tools tools/axon-trace tools/bench \
	   tests/runtime-guest tests/demo
userspace: $(SUBDIRS)
$(SUBDIRS):
	@if [ -f $@/Makefile ]; then $(MAKE) -C $@; fi

# runtime links the firmware library; the compiler emits the runtime's
# package format and runs streams through the firmware; tools link libaxon.
runtime: firmware
compiler: firmware runtime
tools: runtime
# libaxon's guest tests (into $(BUILD)/kselftest) and the demo model need
# libaxon, axonc and axon-run.
tests/runtime-guest tests/demo: runtime compiler tools

kselftest: ksrc
	$(MAKE) -C tests/kselftest
	$(MAKE) -C tests/trace

# The CPU backend's fast kernels against the firmware's reference kernels on
# every model case and target: outputs must be byte-identical.
cpu-identity: userspace
	$(TOP)/tools/bench-cpu/identity.sh

# Replays the committed fuzz corpora of the stream validator/interpreter
# and of the ONNX importer (no fuzzing; gcc + ASan/UBSan).
fuzz-replay:
	$(MAKE) -C tests/fuzz fuzz-replay
	$(MAKE) -C tests/fuzz/importer replay

unit: userspace
	@if [ -f tests/unit/Makefile ]; then $(MAKE) -C tests/unit check; fi

# The bare-metal RISC-V firmware image in qemu-system-riscv64, bit-exact
# against libaxonfw.a (tests/riscv).
riscv-test: firmware
	$(MAKE) -C tests/riscv check

checkpatch: ksrc
	@$(TOP)/tools/checkpatch.sh

# C=2 checks every source, built or not; all warnings are collected in the
# log and any of them fails the target (as does a failed build).
sparse:
	@mkdir -p $(BUILD)
	set -o pipefail; $(MAKE) -C $(KDIR) M=$(TOP) C=2 CHECK=sparse modules 2>&1 | \
		tee $(BUILD)/sparse.log
	@if grep -E 'warning:|error:' $(BUILD)/sparse.log; then \
		echo "sparse: see $(BUILD)/sparse.log"; exit 1; \
	else echo "sparse: clean"; fi

qemu-test: modules kselftest userspace
	$(TOP)/tests/qemu/run.sh $(if $(T),--test $(T)) $(if $(EMULATE),--emulate $(EMULATE))

# Every test, its output also in $(BUILD)/check.log, closed by the totals
# of all suites (tools/check-summary.sh).
check:
	@mkdir -p $(BUILD)
	set -o pipefail; $(MAKE) check-steps 2>&1 | tee $(BUILD)/check.log
	@$(TOP)/tools/check-summary.sh $(BUILD)/check.log

check-steps: deps
	$(MAKE) modules
	$(MAKE) userspace
	$(MAKE) checkpatch
	$(MAKE) sparse
	$(MAKE) unit
	$(MAKE) -C tests/conformance check
	$(MAKE) cpu-identity
	$(MAKE) fuzz-replay
	$(MAKE) riscv-test
	$(MAKE) qemu-test
	$(MAKE) ship-check

# libaxon's per-run overhead over a raw SUBMIT + wait of the same stream,
# in the guest (tests/runtime-guest/bench_overhead.c); prints the ratios.
bench: modules userspace
	$(TOP)/tests/qemu/run.sh --bench

# cpu backend latency: reference vs fast kernels (runtime/src/cpu_kernels.c)
# vs ONNX Runtime from npm, 1 thread; first checks the fast kernels are
# byte-identical on every model case (tools/bench-cpu/).
bench-cpu: userspace
	BUILD=$(BUILD) $(TOP)/tools/bench-cpu/identity.sh
	BUILD=$(BUILD) $(TOP)/tools/bench-cpu/bench.sh

demo: deps
	$(MAKE) modules
	$(MAKE) userspace
	$(MAKE) kselftest
	$(TOP)/tests/qemu/run.sh --demo

# axon.ko against Debian's 6.12 headers and the newest kernel headers Debian
# publishes (sid, in a debootstrap chroot cached in $(BUILD)/compat), both
# warning-free; see kernel/compat/compat-check.sh.
compat-check:
	$(TOP)/kernel/compat/compat-check.sh

# DKMS from this tree: install builds and installs axon.ko for $(KVER)
# (KVERS="a b" for several kernels); dkms-check builds in private trees
# under $(BUILD)/dkms without touching the system (tools/dkms.sh).
dkms-install:
	$(TOP)/tools/dkms.sh install $(or $(KVERS),$(KVER))

dkms-remove:
	$(TOP)/tools/dkms.sh remove

dkms-check:
	$(TOP)/tools/dkms.sh check $(KVER)

# Debian packages (tools/debian/, built in a staged copy under
# $(BUILD)/package) with lintian; package-check also installs them into a
# cached bookworm chroot and runs their autopkgtest smoke test.
package:
	$(TOP)/tools/debian/build-debs.sh

package-check:
	$(TOP)/tests/package/run.sh

# Issue 7's checks in one target for `make check`: both kernels, DKMS and
# the packages in a chroot (package-check runs dkms-check). About 2 min
# warm; about 7 min on a fresh machine, which creates the two chroots
# under $(BUILD).
ship-check: compat-check package-check

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)
