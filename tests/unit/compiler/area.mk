# SPDX-License-Identifier: MIT
# compiler area: axonc's sources (all but main.c) rebuilt here with the
# sanitizers, the ONNX bindings, and the ASan/UBSan libaxon to run what it
# compiles on the CPU backend.
# the compiler's own source list (compiler/Makefile SRCS), not a wildcard:
# files in progress there are not built until the compiler builds them
AXC_SRCS := $(addprefix $(TOP)/compiler/,$(filter-out main.c,$(filter %.c,\
	    $(shell sed -n '/^SRCS/,/^MAIN/p' $(TOP)/compiler/Makefile))))
AXC_SAN_OBJS := $(patsubst $(TOP)/compiler/%.c,$(OUT)/axcsan/%.o,$(AXC_SRCS))
AXC_CPPFLAGS := -I$(TOP)/compiler -I$(TOP)/runtime/include -I$(TOP)/uapi $(ONNX_PB_CFLAGS)

$(OUT)/axcsan/%.o: $(TOP)/compiler/%.c $(wildcard $(TOP)/compiler/*.h) | $(ONNX_PB_H)
	@mkdir -p $(@D)
	$(CC) $(AXC_CPPFLAGS) -std=c11 -D_DEFAULT_SOURCE -O1 -g -fno-omit-frame-pointer \
		-Wall -Wextra -Werror $(SAN) -c $< -o $@

compiler_CPPFLAGS := $(AXC_CPPFLAGS) -DAXON_TOP='"$(TOP)"'
compiler_OBJS     := $(AXC_SAN_OBJS) $(ONNX_PB_OBJ) $(BUILD)/runtime/san/libaxon.a
compiler_LIBS     := $(ONNX_PB_LIBS) $(shell pkg-config --libs libdrm) -lpthread -lm
compiler_DEPS     := $(ONNX_PB_H)
