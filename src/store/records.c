/* The records contract's calls (records.h): each goes to the backend's records table. */
#include "store/store_int.h"

enum ds_rc store_record_add(struct store *st, struct store_record *r, const char *body)
{
	return st->be->rec->add(st, r, body);
}

enum ds_rc store_record_by_id(struct store *st, const uint8_t id[16], struct store_record *out)
{
	return st->be->rec->by_id(st, id, out);
}

enum ds_rc store_each_record(struct store *st, int64_t after,
			     enum ds_rc (*fn)(const struct store_record *, void *), void *arg)
{
	return st->be->rec->each(st, after, fn, arg);
}

int64_t store_record_last_seq(struct store *st)
{
	return st->be->rec->last_seq(st);
}
