# SPDX-License-Identifier: MIT
# libaxon unit tests: link the ASan/UBSan build of libaxon (runtime/Makefile san).
runtime_CPPFLAGS := -I$(TOP)/runtime/include -I$(TOP)/firmware/include
runtime_OBJS := $(BUILD)/runtime/san/libaxon.a
runtime_LIBS := $(shell pkg-config --libs libdrm) -lpthread -lm
$(BUILD)/runtime/san/libaxon.a: FORCE
	$(MAKE) -C $(TOP)/runtime san
.PHONY: FORCE
FORCE:
