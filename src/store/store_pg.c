/*
 * The PostgreSQL backend (libpq).  Not built yet: selecting a postgresql://
 * URL reports that clearly instead of pretending.
 */
#include "store/store.h"

static enum ds_rc pg_open(struct store *st, const char *target, bool create)
{
	(void)target;
	(void)create;
	store_seterr(st, "postgresql: this build does not include the PostgreSQL backend yet");
	return DS_EUSAGE;
}

static void pg_close(struct store *st)
{
	st->impl = NULL;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
};
