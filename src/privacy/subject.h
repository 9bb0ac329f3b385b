/*
 * privacy: what the Personal Data Protection Law (91/2025/QH15, in force
 * 1 January 2026) owes one person whose data the register holds.
 *
 * - The subject file: everything held on the person (the record as of
 *   today with every correction, the dated events that name them, their
 *   household's address, the officers' questions and the collaborators'
 *   answers on those events, the requests they made) and every access to
 *   it from the audit log, oldest first.  An officer hands it over on
 *   request; making it is itself audited.
 * - A deletion request is refused, with its legal basis: the register is
 *   kept under law.  A wrong fact is corrected with an info_change event,
 *   as any other correction.  The request and the refusal are recorded as
 *   a subject_request record (records/kinds.c) and show in the file.
 *
 * Other members of the household are not in the file: their data are
 * theirs.  A birth's event names the child, and a marriage the spouse,
 * as the events were recorded.
 */
#ifndef DS_PRIVACY_SUBJECT_H
#define DS_PRIVACY_SUBJECT_H

#include <jansson.h>

#include "base/err.h"
#include "store/register.h"

struct rec_book;

/*
 * The subject file of p as a new JSON object in *out, made by `by` now.
 * book holds the workflow records (queries, answers, requests).  The
 * access log is read whole from st.
 */
enum ds_rc subject_file(struct store *st, struct rec_book *book, const struct store_person *p,
			const char *by, json_t **out);

/* Why a deletion is refused: the legal basis, in "vi" or "en". */
const char *subject_deletion_basis(const char *lang);

#endif
