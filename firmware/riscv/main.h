/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* axon firmware, bare-metal RISC-V: entry called by crt0.S. */
#ifndef _AXON_FW_RISCV_MAIN_H_
#define _AXON_FW_RISCV_MAIN_H_

void axon_fw_main(void);

#endif /* _AXON_FW_RISCV_MAIN_H_ */
