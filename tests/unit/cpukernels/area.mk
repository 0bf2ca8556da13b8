# SPDX-License-Identifier: MIT
# cpukernels area: the cpu backend's fast kernels (runtime/src/cpu_*.c)
# against the firmware's reference kernels, both built with ASan/UBSan; the
# firmware area's memory and stream builders are reused.
CPUK_SRCS := cpu_kernels cpu_eltwise cpu_pool cpu_lut cpu_norm
CPUK_OBJ := $(patsubst %,$(OUT)/cpukernels/obj/ck/%.o,$(CPUK_SRCS))
cpukernels_CPPFLAGS := -I$(TOP)/firmware/include -I$(TOP)/runtime/src \
		       -I$(TOP)/tests/unit/firmware
cpukernels_OBJS = $(FW_SAN_OBJS) $(OUT)/firmware/obj/tmem.o \
		  $(OUT)/firmware/obj/stream_builder.o $(CPUK_OBJ)
cpukernels_LIBS := -lpthread

$(CPUK_OBJ): $(OUT)/cpukernels/obj/ck/%.o: $(TOP)/runtime/src/%.c \
	     $(TOP)/runtime/src/cpu_kernels.h $(TOP)/runtime/src/cpu_simd.h \
	     $(TOP)/firmware/include/axon_fw.h $(TOP)/uapi/drm/axon_isa.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -I$(TOP)/firmware/include -I$(TOP)/uapi \
		-O2 -g -fno-omit-frame-pointer -Wall -Wextra -Werror $(SAN) -c $< -o $@
