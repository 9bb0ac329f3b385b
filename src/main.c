/* danso: the population register and statistics system.  See README.md. */
#include <sys/stat.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	/* Everything danso writes holds personal data or could: the database,
	 * its journal, exports, reports, rejects.  Only the owner reads it. */
	umask(077);
	return cli_main(argc, argv);
}
