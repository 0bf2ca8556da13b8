// SPDX-License-Identifier: MIT
/*
 * axonc MODEL.onnx -o MODEL.axb [--target PROFILES] [--report FILE.json]
 *       [--dump] [--bind INPUT=TENSOR.pb]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: axonc MODEL.onnx -o MODEL.axb [--target PROFILES] [--report FILE.json]\n"
		"             [--dump] [--bind INPUT=TENSOR.pb]... [-q]\n"
		"  PROFILES: npu, dsp, dpu, cpu or combinations such as npu+dsp (default npu+dsp)\n"
		"  --bind    turn a graph input into a constant read from a TensorProto file\n");
}

int main(int argc, char **argv)
{
	struct axc_opts o;
	int i;

	memset(&o, 0, sizeof(o));
	o.targets = "npu+dsp";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
			o.output = argv[++i];
		} else if ((!strcmp(a, "--target") || !strcmp(a, "-t")) && i + 1 < argc) {
			o.targets = argv[++i];
		} else if (!strncmp(a, "--target=", 9)) {
			o.targets = a + 9;
		} else if (!strcmp(a, "--report") && i + 1 < argc) {
			o.report = argv[++i];
		} else if (!strcmp(a, "--dump")) {
			o.dump = 1;
		} else if (!strcmp(a, "-q")) {
			o.quiet = 1;
		} else if (!strcmp(a, "--bind") && i + 1 < argc) {
			char *eq = strchr(argv[++i], '=');

			if (!eq || o.nbind == 16) {
				usage();
				return 2;
			}
			*eq = 0;
			o.bind_name[o.nbind] = argv[i];
			o.bind_file[o.nbind++] = eq + 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 0;
		} else if (a[0] == '-' || o.input) {
			usage();
			return 2;
		} else {
			o.input = a;
		}
	}
	if (!o.input) {
		usage();
		return 2;
	}
	return axc_compile(&o);
}
