/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* axon firmware, bare-metal RISC-V start-up: clear .bss (stack included), main. */
	.section .text.start, "ax"
	.globl _start
_start:
	la	sp, __stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	axon_fw_main
3:	wfi
	j	3b
