/*
 * view: persons and households as a reader sees them: the entry record with
 * every later change applied (current household, marital status, corrected
 * name and birth date...), and the dated history of events.  The command
 * line and the API both show these objects.
 */
#ifndef DS_LEDGER_VIEW_H
#define DS_LEDGER_VIEW_H

#include <jansson.h>

#include "ledger/ledger.h"

/* The person as of today, with history when asked.  New reference. */
enum ds_rc view_person(struct ledger *lg, const struct store_person *p, bool history,
		       json_t **out);
/* The household as of today: record, members, and history when asked. */
enum ds_rc view_household(struct ledger *lg, const struct store_household *h, bool history,
			  json_t **out);
/* The short form used in lists and search results. */
json_t *view_person_brief(const struct store_person *p, const char *household_id);

#endif
