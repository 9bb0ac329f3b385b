/* The audit contract's calls (audit.h): each goes to the backend's audit table. */
#include "store/store_int.h"

enum ds_rc store_audit_add(struct store *st, const struct store_audit *a)
{
	return st->be->audit->add(st, a);
}

enum ds_rc store_audit_list(struct store *st, const char *object, const char *object_id,
			    size_t offset, size_t limit,
			    enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	return st->be->audit->list(st, object, object_id, offset, limit, fn, arg);
}

enum ds_rc store_audit_search(struct store *st, const struct store_audit_query *q, size_t limit,
			      enum ds_rc (*fn)(const struct store_audit *, void *), void *arg)
{
	return st->be->audit->search(st, q, limit, fn, arg);
}
