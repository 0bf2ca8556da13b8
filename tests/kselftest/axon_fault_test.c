// SPDX-License-Identifier: GPL-2.0-only
#include "axon_job_test.h"
#include "kselftest_harness.h"
TEST_HARNESS_MAIN
