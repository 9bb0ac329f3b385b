/* The error codes and the table of reasons, in English and Vietnamese, with their HTTP and exit codes. */
#include "base/err.h"

#include <stdio.h>
#include <string.h>

struct rc_info {
	const char *name;
	int exit_code;
	int http;
};

/* Exit codes are part of the command line's contract (README, "Exit codes"). */
static const struct rc_info rc_table[DS_RC_COUNT] = {
	[DS_OK] = {"ok", 0, 200},
	[DS_EUSAGE] = {"usage", 2, 400},
	[DS_EINPUT] = {"invalid input", 3, 422},
	[DS_ENOTFOUND] = {"not found", 4, 404},
	[DS_ECONFLICT] = {"conflict", 5, 409},
	[DS_EIO] = {"i/o error", 6, 500},
	[DS_EDB] = {"store error", 7, 500},
	[DS_ENOMEM] = {"out of memory", 8, 503},
	[DS_EAUTH] = {"not authenticated", 9, 401},
	[DS_EDENIED] = {"forbidden", 10, 403},
	[DS_ELIMIT] = {"limit exceeded", 11, 413},
	[DS_EBUSY] = {"busy", 12, 429},
	[DS_EINTERNAL] = {"internal error", 1, 500},
	[DS_EOFFLINE] = {"the database cannot be reached", 7, 503},
};

const char *ds_rc_str(enum ds_rc rc)
{
	return rc < DS_RC_COUNT ? rc_table[rc].name : "unknown";
}

int ds_rc_exit(enum ds_rc rc)
{
	return rc < DS_RC_COUNT ? rc_table[rc].exit_code : 1;
}

int ds_rc_http(enum ds_rc rc)
{
	return rc < DS_RC_COUNT ? rc_table[rc].http : 500;
}

struct why_info {
	const char *code;
	const char *en;
	const char *vi;
};

static const struct why_info why_table[W_WHY_COUNT] = {
	[W_NONE] = {"none", "no problem", "không có lỗi"},
	[W_FILE_OPEN] = {"file_open", "cannot open the file", "không mở được tệp"},
	[W_FILE_READ] = {"file_read", "cannot read the file", "không đọc được tệp"},
	[W_FILE_WRITE] = {"file_write", "cannot write the file", "không ghi được tệp"},
	[W_CSV_QUOTE] = {"csv_quote", "unbalanced quotes: a quoted field is never closed",
			 "dấu ngoặc kép không cân: trường trong ngoặc kép không được đóng"},
	[W_CSV_AFTER_QUOTE] = {"csv_after_quote", "text after a closing quote",
			       "có ký tự sau dấu ngoặc kép đóng"},
	[W_CSV_COLUMNS] = {"csv_columns", "wrong number of columns",
			   "số cột không đúng"},
	[W_CSV_LINE_TOO_LONG] = {"csv_line_too_long", "line too long",
				 "dòng quá dài"},
	[W_CSV_HEADER] = {"csv_header", "header line does not have the expected columns",
			  "dòng tiêu đề không có đúng các cột theo quy định"},
	[W_UTF8] = {"utf8", "not valid UTF-8 text", "văn bản không phải UTF-8 hợp lệ"},
	[W_CONTROL_CHAR] = {"control_char", "contains a control character",
			    "chứa ký tự điều khiển"},
	[W_JSON_SYNTAX] = {"json_syntax", "not valid JSON", "không phải JSON hợp lệ"},
	[W_JSON_NOT_OBJECT] = {"json_not_object", "must be a JSON object",
			       "phải là một đối tượng JSON"},
	[W_JSON_UNKNOWN_MEMBER] = {"unknown_member", "unknown member",
				   "trường không được phép"},
	[W_JSON_TYPE] = {"json_type", "wrong JSON type", "sai kiểu dữ liệu JSON"},
	[W_TOO_LONG] = {"too_long", "value too long", "giá trị quá dài"},
	[W_REQUIRED] = {"required", "required value is missing",
			"thiếu giá trị bắt buộc"},
	[W_EMPTY_FILE] = {"empty_file", "the file is empty", "tệp rỗng"},
	[W_BAD_CODE] = {"bad_code", "unknown code", "mã không hợp lệ"},
	[W_BAD_DATE] = {"bad_date", "not a valid date (YYYY-MM-DD)",
			"ngày không hợp lệ (YYYY-MM-DD)"},
	[W_BAD_PARTIAL_DATE] = {"bad_birth_date",
				"not a valid date (YYYY-MM-DD, YYYY-MM or YYYY)",
				"ngày không hợp lệ (YYYY-MM-DD, YYYY-MM hoặc YYYY)"},
	[W_BAD_MONTH] = {"bad_month", "not a valid month (YYYY-MM)",
			 "tháng không hợp lệ (YYYY-MM)"},
	[W_BAD_NUMBER] = {"bad_number", "not a valid whole number in range",
			  "không phải số nguyên hợp lệ trong khoảng cho phép"},
	[W_BAD_ID] = {"bad_id",
		      "not a valid id (1-32 letters, digits, '.', '-' or '_')",
		      "mã định danh không hợp lệ (1-32 chữ cái, chữ số, '.', '-' hoặc '_')"},
	[W_BAD_UUID] = {"bad_uuid", "not a valid UUID", "không phải UUID hợp lệ"},
	[W_BAD_NATIONAL_ID] = {"bad_national_id",
			       "a national id (CCCD) must be exactly 12 digits",
			       "số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số"},
	[W_BAD_INSURANCE_NO] = {"bad_insurance_no",
				"an insurance number has 10 to 15 letters or digits",
				"mã số bảo hiểm y tế gồm 10 đến 15 chữ cái hoặc chữ số"},
	[W_BAD_HOUSEHOLD_NUMBER] = {"bad_household_number",
				    "a household number is like 123 or 123.1",
				    "số hộ phải có dạng 123 hoặc 123.1"},
	[W_BAD_UNIT_CODE] = {"bad_unit_code",
			     "unit code has the wrong number of digits for its level",
			     "mã đơn vị không đúng số chữ số theo cấp"},
	[W_BAD_LEVEL] = {"bad_level",
			 "level must be province, district, commune, village or area",
			 "cấp phải là province, district, commune, village hoặc area"},
	[W_DATE_FUTURE] = {"date_future", "date is in the future",
			   "ngày ở tương lai"},
	[W_DATE_TOO_OLD] = {"date_too_old", "date is before 1880",
			    "ngày trước năm 1880"},
	[W_DATE_ORDER] = {"date_order", "end date is before start date",
			  "ngày kết thúc trước ngày bắt đầu"},
	[W_DUP_ID] = {"duplicate_id", "this id is already used", "mã này đã được dùng"},
	[W_DUP_NATIONAL_ID] = {"duplicate_national_id",
			       "this national id is already used by another person",
			       "số định danh cá nhân này đã được dùng cho người khác"},
	[W_NO_HOUSEHOLD] = {"no_household", "no such household",
			    "không có hộ này"},
	[W_NO_PERSON] = {"no_person", "no such person", "không có người này"},
	[W_NO_UNIT] = {"no_unit", "no such administrative unit",
		       "không có đơn vị hành chính này"},
	[W_NO_PARENT] = {"no_parent", "the parent unit does not exist on these dates",
			 "đơn vị cấp trên không tồn tại trong khoảng thời gian này"},
	[W_NOT_AREA] = {"not_area", "a household must belong to a collaborator area",
			"hộ phải thuộc một địa bàn cộng tác viên"},
	[W_UNIT_OVERLAP] = {"unit_overlap",
			    "this unit already has a row covering these dates",
			    "đơn vị này đã có dòng trùng khoảng thời gian"},
	[W_PARENT_LEVEL] = {"parent_level",
			    "the parent unit is not of the level above",
			    "đơn vị cấp trên không đúng cấp"},
	[W_NO_EVENT] = {"no_event", "no such event", "không có biến động này"},
	[W_EVENT_ID_REUSED] = {"event_id_reused",
			       "this event id was already used for a different event",
			       "mã biến động này đã được dùng cho một biến động khác"},
	[W_BORN_AFTER_BASELINE] = {"born_after_baseline",
				   "birth date is after the baseline date",
				   "ngày sinh sau ngày lập sổ"},
	[W_FP_MALE] = {"fp_male",
		       "contraception is recorded for women only",
		       "biện pháp tránh thai chỉ ghi cho phụ nữ"},
	[W_FP_SINCE_NO_METHOD] = {"fp_since_no_method",
				  "a start month is given without a method",
				  "có tháng bắt đầu nhưng không có biện pháp"},
	[W_FP_NOT_ELIGIBLE] = {"fp_not_eligible",
			       "the woman is not married or not aged 15-49",
			       "người phụ nữ không có chồng hoặc không trong độ tuổi 15-49"},
	[W_NOT_PRESENT] = {"not_present",
			   "the person is not in the register on this date",
			   "người này không có trong sổ vào ngày này"},
	[W_BEFORE_ENTRY] = {"before_entry",
			    "the date is before the person entered the register",
			    "ngày trước khi người này được ghi vào sổ"},
	[W_ALREADY_DEAD] = {"already_dead", "the person has already died",
			    "người này đã chết"},
	[W_AFTER_EXIT] = {"after_exit",
			  "the person had died or left before this date",
			  "người này đã chết hoặc chuyển đi trước ngày này"},
	[W_MOTHER_MALE] = {"mother_male", "the mother is recorded as male",
			   "người mẹ được ghi là nam"},
	[W_MOTHER_TOO_YOUNG] = {"mother_too_young",
				"the mother would be younger than 10",
				"người mẹ dưới 10 tuổi"},
	[W_MOTHER_TOO_OLD] = {"mother_too_old", "the mother would be older than 60",
			      "người mẹ trên 60 tuổi"},
	[W_NOT_FEMALE] = {"not_female", "this event is for women only",
			  "biến động này chỉ dành cho phụ nữ"},
	[W_ALREADY_MARRIED] = {"already_married", "the person is already married",
			       "người này đang có vợ/chồng"},
	[W_NOT_MARRIED] = {"not_married", "the person is not married",
			   "người này không có vợ/chồng"},
	[W_TOO_YOUNG_TO_MARRY] = {"too_young_to_marry",
				  "the person would be younger than 10",
				  "người này dưới 10 tuổi"},
	[W_SELF_SPOUSE] = {"self_spouse", "a person cannot marry themselves",
			   "một người không thể kết hôn với chính mình"},
	[W_SAME_SEX_SPOUSE] = {"same_sex_spouse", "the spouse has the same sex",
			       "vợ/chồng cùng giới tính"},
	[W_NOT_USING_FP] = {"not_using_fp",
			    "the woman is not using a contraceptive method",
			    "người phụ nữ không đang sử dụng biện pháp tránh thai"},
	[W_FP_METHOD_MISMATCH] = {"fp_method_mismatch",
				  "the woman is using a different method",
				  "người phụ nữ đang sử dụng biện pháp khác"},
	[W_NOT_ELDERLY] = {"not_elderly", "the person is younger than 60",
			   "người này dưới 60 tuổi"},
	[W_SAME_HOUSEHOLD] = {"same_household",
			      "the person is already in this household",
			      "người này đã ở trong hộ này"},
	[W_HEAD_NOT_MEMBER] = {"head_not_member",
			       "the head is not a member of the household",
			       "chủ hộ không phải thành viên của hộ"},
	[W_NOTHING_TO_CHANGE] = {"nothing_to_change", "nothing to change",
				 "không có gì thay đổi"},
	[W_VOID_VOID] = {"void_void", "a correction cannot be cancelled",
			 "không thể hủy một lần hủy"},
	[W_ALREADY_VOIDED] = {"already_voided", "the event is already cancelled",
			      "biến động này đã bị hủy"},
	[W_MERGE_SELF] = {"merge_self", "a person cannot be merged with themselves",
			  "không thể gộp một người với chính người đó"},
	[W_MERGE_SEX] = {"merge_sex", "the two persons are of different sex",
			 "hai người khác giới tính, không thể là một người"},
	[W_ALREADY_MERGED] = {"already_merged", "the person has already been merged into another",
			      "người này đã được gộp vào một người khác"},
	[W_MERGED] = {"merged", "the person was merged into another: record on the person who remains",
		      "người này đã được gộp vào người khác: hãy ghi cho người còn lại"},
	[W_MERGE_CHAIN] = {"merge_chain", "other persons were merged into the duplicate: void those merges first",
			   "đã có người khác được gộp vào người này: hãy hủy các lần gộp đó trước"},
	[W_VOID_BREAKS] = {"void_breaks_later",
			   "cancelling it would make a later event impossible",
			   "hủy biến động này làm một biến động sau trở nên vô lý"},
	[W_BREAKS_LATER] = {"breaks_later",
			    "this would make a later recorded event impossible",
			    "biến động này làm một biến động đã ghi sau đó trở nên vô lý"},
	[W_NOT_NEWBORN] = {"not_newborn", "the child is older than one year",
			   "trẻ đã trên một tuổi"},
	[W_DEATH_BEFORE_BIRTH] = {"death_before_birth", "the date is before the birth",
				  "ngày trước ngày sinh"},
	[W_CHILD_BEFORE_MOTHER] = {"child_before_mother",
				   "the child would be born before the mother",
				   "con sinh trước mẹ"},
	[W_AREA_CLOSED] = {"area_closed", "the area does not exist on this date",
			   "địa bàn không tồn tại vào ngày này"},
	[W_AGE_NEGATIVE] = {"born_later", "the person was not yet born on this date",
			    "người này chưa sinh vào ngày này"},
	[W_NOT_A_NUMBER] = {"not_a_number", "not a valid number",
			    "không phải số hợp lệ"},
	[W_NEGATIVE] = {"negative", "must not be negative", "không được là số âm"},
	[W_NOT_POSITIVE] = {"not_positive", "must be above zero", "phải lớn hơn 0"},
	[W_OUT_OF_RANGE] = {"out_of_range", "value out of range",
			    "giá trị nằm ngoài khoảng cho phép"},
	[W_DUP_ROW] = {"duplicate_row", "repeats an earlier row for the same group",
		       "trùng với một dòng trước cho cùng nhóm"},
	[W_AGE_MISSING] = {"age_group_missing", "an age group is missing next to this one",
			   "thiếu một nhóm tuổi liền kề nhóm này"},
	[W_AGE_TILING] = {"age_tiling",
			  "the widths do not tile the ages (0,1,5,10,... or 0,1,2,..., each group "
			  "reaching the next, only the last one open with an empty width)",
			  "độ rộng nhóm tuổi không khớp các tuổi (0,1,5,10,... hoặc 0,1,2,..., mỗi "
			  "nhóm nối liền nhóm sau, chỉ nhóm cuối để trống độ rộng)"},
	[W_AGE_NOT_GROUP] = {"age_not_group",
			     "not the first age of a group of the projection's width",
			     "không phải tuổi đầu của một nhóm theo độ rộng bước dự báo"},
	[W_GROUPS_DO_NOT_FIT] = {"groups_do_not_fit",
				 "the life table's age groups do not fit the projection's",
				 "nhóm tuổi của bảng sống không khớp nhóm tuổi của dự báo"},
	[W_SEX_MISSING] = {"sex_missing", "no rows for one of the sexes M and F",
			   "không có dòng nào cho một trong hai giới M và F"},
	[W_OPEN_RATE] = {"open_rate",
			 "the open age group needs a death rate above zero (everyone in it dies)",
			 "nhóm tuổi mở cần tỷ suất chết lớn hơn 0 (mọi người trong nhóm đều chết)"},
	[W_ASFR_AGE] = {"asfr_age", "a fertility rate outside the childbearing ages 10-54",
			"tỷ suất sinh ngoài độ tuổi sinh đẻ 10-54"},
	[W_SRB_RANGE] = {"srb_range",
			 "the sex ratio at birth must be between 0.9 and 1.3 (male births per "
			 "female birth)",
			 "tỷ số giới tính khi sinh phải từ 0,9 đến 1,3 (số bé trai trên một bé gái)"},
	[W_STEP_MISSING] = {"step_missing", "there are no rates for the first step",
			    "không có tỷ suất cho bước đầu tiên"},
	[W_MORTALITY_TWICE] = {"mortality_twice",
			       "both lifetable.csv and survival.csv are there: keep one",
			       "có cả lifetable.csv và survival.csv: chỉ giữ một tệp"},
	[W_RECORD_ID_REUSED] = {"record_id_reused",
				"this record id was already used for a different record",
				"mã bản ghi này đã được dùng cho một bản ghi khác"},
	[W_NO_RECORD] = {"no_record", "no such record", "không có bản ghi này"},
	[W_RECORD_STALE] = {"record_stale",
			    "someone changed this in the meantime: reload it and try again",
			    "người khác vừa thay đổi mục này: hãy tải lại rồi làm lại"},
	[W_RECORD_LEVEL] = {"record_level",
			    "this kind of record is not kept for a unit of this level",
			    "loại bản ghi này không dùng cho đơn vị cấp này"},
	[W_HORIZON_BEFORE_BASE] = {"horizon_before_base",
				   "the horizon must be a year after the base date's year",
				   "năm dự báo cuối phải sau năm của ngày gốc"},
	[W_PATH_BEFORE_BASE] = {"path_before_base",
				"a scenario's path cannot reach its value in a year before the base year",
				"lộ trình của kịch bản không thể đạt giá trị trước năm gốc"},
	[W_NO_SCENARIO] = {"no_scenario", "no saved scenario of this name for this unit",
			   "đơn vị này không có kịch bản nào mang tên này"},
	[W_PERIOD_NOT_ENDED] = {"period_not_ended", "the period has not ended yet: it can be submitted from the day after its last day",
				"kỳ báo cáo chưa kết thúc: chỉ gửi được từ ngày sau ngày cuối kỳ"},
	[W_FORM_NOT_SUBMITTED] = {"form_not_submitted", "this form is not submitted and approved",
				  "mẫu này không phải là báo cáo gửi duyệt"},
	[W_FORM_LEVEL] = {"form_level", "this form is not reported by a unit of this level for this period",
			  "đơn vị cấp này không báo cáo mẫu này cho kỳ này"},
	[W_FORM_PERIOD] = {"form_period", "this form is not reported for a period of this length",
			   "mẫu này không báo cáo cho loại kỳ này"},
	[W_WRONG_LEVEL] = {"wrong_level", "this account is not at the level that does this for the unit",
			   "tài khoản này không thuộc cấp có thẩm quyền với đơn vị này"},
	[W_OWN_SUBMISSION] = {"own_submission", "a report cannot be approved or returned by the person who submitted it",
			      "người gửi báo cáo không được tự duyệt hoặc trả lại báo cáo của mình"},
	[W_ALREADY_SUBMITTED] = {"already_submitted", "this report is already submitted and waits for a decision",
				 "báo cáo này đã được gửi và đang chờ duyệt"},
	[W_ALREADY_APPROVED] = {"already_approved", "this version of the report is already approved",
				"phiên bản báo cáo này đã được duyệt"},
	[W_ALREADY_RETURNED] = {"already_returned", "this version of the report was already returned",
				"phiên bản báo cáo này đã bị trả lại"},
	[W_NOT_SUBMITTED] = {"not_submitted", "this report has not been submitted",
			     "báo cáo này chưa được gửi"},
	[W_NEWER_VERSION] = {"newer_version", "a newer version of this report was submitted: reload it",
			     "đã có phiên bản mới hơn của báo cáo này: hãy tải lại"},
	[W_NOTHING_CHANGED] = {"nothing_changed", "the approved report is still today's: there is nothing to revise",
			       "báo cáo đã duyệt không có gì thay đổi: không cần gửi bản điều chỉnh"},
	[W_COMMENT_REQUIRED] = {"comment_required", "a returned report needs a comment saying what to correct",
				"trả lại báo cáo phải ghi rõ nội dung cần sửa"},
	[W_TEXT_REQUIRED] = {"text_required", "write the text", "hãy nhập nội dung"},
	[W_NOT_APPROVED] = {"not_approved", "this report has no approved version",
			    "báo cáo này chưa có phiên bản được duyệt"},
	[W_MAPPING_FORM] = {"mapping_form", "no such report form", "không có mẫu báo cáo này"},
	[W_MAPPING_ROW] = {"mapping_row", "the form has no such row", "mẫu báo cáo không có dòng này"},
	[W_MAPPING_COLUMN] = {"mapping_column", "the column is total, male or female (male and female only for a row split by sex)",
			      "cột là total, male hoặc female (male, female chỉ cho dòng chia theo giới)"},
	[W_MAPPING_UNIT] = {"mapping_unit", "no such unit", "không có đơn vị này"},
	[W_MAPPING_TWICE] = {"mapping_twice", "this row or unit is mapped twice", "dòng hoặc đơn vị này được ánh xạ hai lần"},
	[W_QUERY_ANSWERED] = {"query_answered", "this question was already answered", "câu hỏi này đã được trả lời"},
	[W_THROTTLED] = {"throttled", "too many ids already in use; send it again in a few minutes",
			 "quá nhiều mã trùng; vui lòng gửi lại sau ít phút"},
	[W_NO_CLUB] = {"no_club", "no club of this code in this commune",
		       "xã này không có câu lạc bộ mang mã này"},
	[W_NO_PARTICIPANTS] = {"no_participants", "give the number of participants (at least one)",
			       "hãy nhập số người tham dự (ít nhất một người)"},
	[W_NOT_OPEN] = {"not_open", "the unit is not open on the day before the effective date",
			"đơn vị không còn hiệu lực vào ngày trước ngày có hiệu lực"},
	[W_CODE_TAKEN] = {"code_taken",
			  "this code is or was another unit's: codes are never given again (Decision 19/2025); "
			  "to keep the unit, give its code as old_code too",
			  "mã này đã thuộc về một đơn vị khác: mã không bao giờ được cấp lại (Quyết định 19/2025); "
			  "muốn giữ đơn vị, ghi mã của nó ở cả cột old_code"},
	[W_ORPHAN] = {"orphan", "this unit would be left without a parent: say where it goes",
		      "đơn vị này sẽ không còn đơn vị cấp trên: cần ghi rõ chuyển về đâu"},
	[W_NOT_CHILD] = {"not_child", "this unit is not directly under the old unit on the day before",
			 "đơn vị này không trực thuộc đơn vị cũ vào ngày trước ngày có hiệu lực"},
	[W_CHILD_TWICE] = {"child_twice", "this unit is sent to two new units",
			   "đơn vị này được chuyển về hai đơn vị mới"},
	[W_LINES_DISAGREE] = {"lines_disagree", "this differs from an earlier line of the same unit",
			      "giá trị này khác với một dòng trước của cùng đơn vị"},
	[W_LEVEL_CHANGE] = {"level_change", "a unit keeps its level: another level needs a new code",
			    "đơn vị giữ nguyên cấp: cấp khác cần mã mới"},
	[W_AREA_HOLDS] = {"area_holds",
			  "an area holds households: it can be renamed or moved, not closed, merged or split",
			  "địa bàn có hộ gia đình: chỉ có thể đổi tên hoặc chuyển, không thể giải thể, sáp nhập hay chia tách"},
	[W_NO_CODES] = {"no_codes", "a line needs an old code, a new code or both",
			"mỗi dòng cần mã cũ, mã mới hoặc cả hai"},
	[W_UNIT_CHANGED] = {"unit_changed", "the map was changed meanwhile: preview again",
			    "địa giới hành chính vừa được thay đổi: hãy xem trước lại"},
	[W_SESSION_PAST] = {"session_past", "the session's date has passed: invite to a session to come",
			    "buổi khám đã qua; hãy mời vào buổi khám sắp tới"},
	[W_SESSION_NOT_HELD] = {"session_not_held", "the session has not been held yet",
				"buổi khám chưa diễn ra"},
	[W_OUTSIDE_SESSION] = {"outside_session", "the person does not live in an area the session invites",
			       "người này không sống ở địa bàn được mời của buổi khám"},
	[W_NOT_INVITED] = {"not_invited", "the person was not invited to this session",
			   "người này chưa được mời vào buổi khám này"},
	[W_SESSION_FULL] = {"session_full", "more persons than the session's capacity",
			    "số người mời vượt quá sức chứa của buổi khám"},
	[W_SHARES_DO_NOT_ADD_UP] = {"shares_do_not_add_up", "the communes' targets do not add up to the province's",
				    "tổng chỉ tiêu các xã không bằng chỉ tiêu của tỉnh"},
	[W_AREA_COVERED] = {"area_covered", "the area already has a collaborator on these dates",
			    "địa bàn đã có cộng tác viên trong thời gian này"},
	[W_COURSE_REQUIRED] = {"course_required", "a training needs its course", "cần ghi tên khóa tập huấn"},
};

const char *ds_why_code(enum ds_why w)
{
	return w < W_WHY_COUNT && why_table[w].code ? why_table[w].code : "unknown";
}

const char *ds_why_en(enum ds_why w)
{
	return w < W_WHY_COUNT && why_table[w].en ? why_table[w].en : "unknown problem";
}

const char *ds_why_vi(enum ds_why w)
{
	return w < W_WHY_COUNT && why_table[w].vi ? why_table[w].vi : "lỗi không xác định";
}

static void copy_str(char *dst, size_t n, const char *src)
{
	if (!src)
		src = "";
	size_t len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

void ds_problem_set(struct ds_problem *p, const char *file, long line,
		    const char *field, enum ds_why why)
{
	copy_str(p->file, sizeof p->file, file);
	copy_str(p->field, sizeof p->field, field);
	p->line = line;
	p->why = why;
	p->severity = DS_SEV_ERROR;
}

void ds_problem_format(const struct ds_problem *p, const char *lang, char *out,
		       size_t outsz)
{
	int vi = lang && strcmp(lang, "vi") == 0;
	const char *reason = vi ? ds_why_vi(p->why) : ds_why_en(p->why);
	const char *sev = p->severity == DS_SEV_WARNING ? (vi ? "cảnh báo: " : "warning: ") : "";
	char where[DS_FILE_MAX + 32] = "";
	if (p->file[0] && p->line > 0)
		snprintf(where, sizeof where, "%s:%ld: ", p->file, p->line);
	else if (p->file[0])
		snprintf(where, sizeof where, "%s: ", p->file);
	else if (p->line > 0)
		snprintf(where, sizeof where, "%s %ld: ", vi ? "dòng" : "line", p->line);
	if (p->field[0])
		snprintf(out, outsz, "%s%s%s: %s", where, sev, p->field, reason);
	else
		snprintf(out, outsz, "%s%s%s", where, sev, reason);
}
