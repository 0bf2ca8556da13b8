// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: platform_driver.remove returns void (6.11).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <linux/platform_device.h>

static void axon_probe_remove(struct platform_device *pdev)
{
}

struct platform_driver axon_probe_driver;
struct platform_driver axon_probe_driver = {
	.remove = axon_probe_remove,
};
