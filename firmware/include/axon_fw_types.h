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

#define FW_READ_ONCE(x)		READ_ONCE(x)
#define FW_WRITE_ONCE(x, v)	WRITE_ONCE(x, v)
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

/* one access, not torn, not repeated (memory shared with another agent) */
#define FW_READ_ONCE(x)		(*(const __volatile__ __typeof__(x) *)&(x))
#define FW_WRITE_ONCE(x, v)	(*(__volatile__ __typeof__(x) *)&(x) = (v))
#endif /* __KERNEL__ */

#define FW_ATTR(a)		__attribute__((a))
/* use as "static inline FW_FORCE_INLINE" */
#define FW_FORCE_INLINE		FW_ATTR(__always_inline__)
/* keeps the caller's stack frame small */
#define FW_NOINLINE		FW_ATTR(__noinline__)

#define AXON_FW_UPTR(p)	((__UINTPTR_TYPE__)(p))

#endif /* _AXON_FW_TYPES_H_ */
