# SPDX-License-Identifier: MIT
#
# protobuf-c bindings for ONNX, generated at build time from the onnx.proto
# that Debian's libonnx-dev ships (never committed). Included by every
# Makefile that reads ONNX files (compiler, conformance and unit tests).
#
#   $(ONNX_PB_C) $(ONNX_PB_H): generated sources
#   $(ONNX_PB_CFLAGS) / $(ONNX_PB_LIBS): flags to compile and link them

ONNX_PROTO     ?= /usr/include/onnx/onnx.proto
ONNX_PB_DIR    := $(BUILD)/proto
ONNX_PB_C      := $(ONNX_PB_DIR)/onnx.pb-c.c
ONNX_PB_H      := $(ONNX_PB_DIR)/onnx.pb-c.h
ONNX_PB_CFLAGS := -I$(ONNX_PB_DIR) $(shell pkg-config --cflags libprotobuf-c)
ONNX_PB_LIBS   := $(shell pkg-config --libs libprotobuf-c)

$(ONNX_PB_C) $(ONNX_PB_H) &: $(ONNX_PROTO)
	@mkdir -p $(ONNX_PB_DIR)
	cp $(ONNX_PROTO) $(ONNX_PB_DIR)/onnx.proto
	cd $(ONNX_PB_DIR) && protoc-c --c_out=. onnx.proto
