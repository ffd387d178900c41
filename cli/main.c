/* cli/main.c - npusim, the program: dispatches to its commands. */
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: npusim --help | --version\n"
		"npusim simulates an XLS416 NPU doing TCP LRO as a 10 GbE NIC, the hosts\n"
		"on both sides and the fiber between them. See README.md.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("npusim %s\n", NPUSIM_VERSION);
		return 0;
	}
	fprintf(stderr, "npusim: unknown command '%s' (see npusim --help)\n", argv[1]);
	return 2;
}
