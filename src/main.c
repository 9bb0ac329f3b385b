/* danso: the population register and statistics system.  See README.md. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
