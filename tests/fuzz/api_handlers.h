/*
 * The route handlers that src/api/routes.c's table names from other files,
 * as an X-macro, for the fuzz targets that compile routes.c without those
 * files: each target makes the stub it needs with X (fuzz_json: a trap,
 * since it never dispatches; fuzz_http: an echo).  A handler added to the
 * table and missing here fails the fuzz build at link time.
 */
#ifndef DS_FUZZ_API_HANDLERS_H
#define DS_FUZZ_API_HANDLERS_H

#define API_HANDLERS(X) \
	X(h_units) X(h_codes) X(h_forms) X(h_person_search) X(h_person_get) \
	X(h_person_history) X(h_person_access) X(h_household_list) X(h_household_get) \
	X(h_event_get) X(h_event_post) X(h_event_batch) X(h_report) X(h_check) X(h_slip) \
	X(h_dashboard) X(h_targets) X(h_users) X(h_user_add) X(h_user_update) \
	X(h_token_add) X(h_tokens) X(h_token_revoke) X(h_audit) X(h_audit_search) X(h_person_file) \
	X(h_person_deletion) X(h_projection) X(h_scenarios) X(h_scenario_save) X(h_comm_sessions) \
	X(h_comm_session_add) X(h_comm_summary) X(h_clubs) X(h_club_add) X(h_club_meeting_add) X(h_cycle_submit) \
	X(h_cycle_approve) X(h_cycle_return) X(h_cycle_report) X(h_cycle_timeliness) \
	X(h_cycle_rollup) X(h_dhis2_export) X(h_review) X(h_review_mark) X(h_query_add) \
	X(h_queries) X(h_query_answer) X(h_static) X(h_login) X(h_logout) X(h_me) \
	X(h_password) X(h_quality) X(h_worklist) X(h_units_preview) X(h_units_apply) X(h_series) \
	X(h_book) X(h_book_changes) \
	X(h_elderly_schedule) X(h_elderly_sessions) \
	X(h_elderly_lists) X(h_elderly_invite) X(h_elderly_attend) X(h_elderly_followup) X(h_elderly_coverage) \
	X(h_target_status) X(h_target_share) X(h_workforce) X(h_workforce_collaborator) \
	X(h_workforce_assignment) X(h_workforce_training) \
	X(h_duplicates) X(h_duplicates_plan) X(h_duplicates_decision) \
	X(h_duplicates_match) X(h_reconcile)

#endif
