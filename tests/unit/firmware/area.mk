# SPDX-License-Identifier: MIT
# firmware area: the firmware sources rebuilt here with the sanitizers (so
# ASan/UBSan watch the firmware itself), the ONNX bindings for the node
# tests, libm for the tests' float scale computations.
FW_SRCS      ?= $(wildcard $(TOP)/firmware/*.c)
FW_SAN_OBJS  := $(patsubst $(TOP)/firmware/%.c,$(OUT)/fwsan/%.o,$(FW_SRCS))
FW_CPPFLAGS  := -I$(TOP)/firmware/include -I$(TOP)/firmware -I$(TOP)/uapi

$(OUT)/fwsan/%.o: $(TOP)/firmware/%.c $(wildcard $(TOP)/firmware/*.h $(TOP)/firmware/include/*.h) $(TOP)/uapi/drm/axon_isa.h
	@mkdir -p $(@D)
	$(CC) $(FW_CPPFLAGS) -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra $(SAN) -c $< -o $@

firmware_CPPFLAGS := $(FW_CPPFLAGS) $(ONNX_PB_CFLAGS)
firmware_OBJS     := $(FW_SAN_OBJS) $(ONNX_PB_OBJ)
firmware_LIBS     := $(ONNX_PB_LIBS) -lm
firmware_DEPS     := $(ONNX_PB_H)
