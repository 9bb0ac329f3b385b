/*
 * comm: communication sessions and clubs (workflows.md), from the records
 * book.  A session (record comm_session) is held in a commune or an area on
 * its date; a club (record club, keyed by its code within the commune) has a
 * model and a number of members; each meeting is a record club_meeting.
 * A club that has not met for three months (nor been set up in them) is
 * inactive.  Nothing here is kept: lists and summaries are computed from
 * the records whenever they are asked for.
 */
#ifndef DS_WORKFLOW_COMM_H
#define DS_WORKFLOW_COMM_H

#include <jansson.h>

#include "base/buf.h"
#include "records/book.h"
#include "report/report.h"

struct store;
/*
 * Records r (comm_session, club or club_meeting) in the caller's
 * transaction, as any record (rec_record), after the checks that need the
 * log: a meeting names a club of its own commune that is not closed
 * (W_NO_CLUB, field "body.club"); a club record takes the place of the club's
 * current one.
 */
enum ds_rc wf_comm_record(struct store *st, const struct reg_units *u, struct rec *r, const char *by,
			  struct rec_result *res);

/* True when a club is active on day: met, or was set up, in the three months to day. */
bool wf_club_active(int32_t day, int32_t since, int32_t last_meeting);

/*
 * The sessions held in unit's communes and areas (the map of p->to) dated
 * in the period, oldest first:
 *   {"unit", "period", "sessions": [{"id", "date", "unit": {"code", "name"},
 *    "topic", "topic_label", "format", "format_label", "participants",
 *    "male", "female", "total", "held_by", "recorded_by"}]}
 */
json_t *wf_comm_sessions(struct rec_book *b, const struct reg_units *u, const char *unit,
			 const struct rpt_period *p, const char *lang);

/* The clubs of unit's communes as they stand on day, with their last meeting
 * and whether they are active:
 *   {"unit", "date", "clubs": [{"club", "name", "model", "model_label", "members",
 *    "commune": {"code", "name"}, "since", "last_meeting", "meetings", "active"}]} */
json_t *wf_comm_clubs(struct rec_book *b, const struct reg_units *u, const char *unit, int32_t day,
		      const char *lang);

/*
 * The period's summary, one column per commune under unit (the unit
 * itself at or below the commune level) and the total:
 *   {"unit": {"code", "name"}, "period": {"code", "label", "from", "to"},
 *    "columns": [{"code", "name", "total": bool, "sessions", "male", "female",
 *      "participants", "by_age": {group: n}, "by_topic": {code: n},
 *      "by_format": {code: n}, "clubs", "active_clubs", "meetings",
 *      "attendance"}],
 *    "topics": [{"code", "label"}], "formats": [...], "age_groups": [...]}
 * Clubs are those standing on the period's last day.
 */
json_t *wf_comm_summary(struct rec_book *b, const struct reg_units *u, const char *unit,
			const struct rpt_period *p, const char *lang);
/* One line per column: the counts, then sessions by topic and format. */
void wf_comm_summary_csv(const json_t *s, const char *lang, struct buf *out);
enum ds_rc wf_comm_summary_xlsx(const json_t *s, const char *lang, const char *path);

#endif
