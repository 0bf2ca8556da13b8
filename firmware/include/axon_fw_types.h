/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Kernel-style fixed-width types for the axon firmware, in the kernel
 * (<linux/types.h>) and in freestanding userspace / bare-metal builds.
 */
#ifndef _AXON_FW_TYPES_H_
#define _AXON_FW_TYPES_H_

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/compiler.h>
#else
#include <stddef.h>
#include <stdbool.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#endif /* __KERNEL__ */

#define AXON_FW_UPTR(p)	((__UINTPTR_TYPE__)(p))

#endif /* _AXON_FW_TYPES_H_ */
