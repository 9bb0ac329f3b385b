/* Code lists (sex, relation, marital status, methods, ...) with their Vietnamese and English labels. */
#include "register/codes.h"

#include <string.h>

#define LIST(name, arr) {name, arr, sizeof arr / sizeof arr[0]}

static const struct reg_code sex[] = {
	{"1", "Nam", "Male"},
	{"2", "Nữ", "Female"},
};

static const struct reg_code relation[] = {
	{"1", "Chủ hộ", "Head"},
	{"2", "Vợ/chồng", "Spouse"},
	{"3", "Con", "Child"},
	{"4", "Con nuôi, con dâu, con rể", "Adopted child or child-in-law"},
	{"5", "Bố/mẹ", "Parent of head or spouse"},
	{"6", "Cháu", "Grandchild"},
	{"7", "Họ hàng khác", "Other relative"},
	{"8", "Không họ hàng", "Not related"},
};

static const struct reg_code education[] = {
	{"0", "Chưa đi học", "None"},
	{"1", "Tiểu học", "Primary"},
	{"2", "Trung học cơ sở", "Lower secondary"},
	{"3", "Trung học phổ thông", "Upper secondary"},
	{"4", "Trung cấp, cao đẳng", "Vocational or college"},
	{"5", "Đại học trở lên", "University or higher"},
};

static const struct reg_code marital[] = {
	{"1", "Chưa vợ/chồng", "Never married"},
	{"2", "Đang có vợ/chồng", "Currently married"},
	{"3", "Góa", "Widowed"},
	{"4", "Ly hôn", "Divorced"},
	{"5", "Ly thân", "Separated"},
};

static const struct reg_code residence[] = {
	{"1", "Thường trú", "Usual resident"},
	{"2", "Vắng mặt trên 6 tháng", "Absent more than 6 months"},
	{"3", "Tạm trú", "Temporary resident"},
};

static const struct reg_code fp_method[] = {
	{"0", "Không sử dụng", "None"},
	{"1", "Dụng cụ tử cung", "IUD"},
	{"2", "Thuốc tiêm", "Injectable"},
	{"3", "Thuốc cấy", "Implant"},
	{"4", "Thuốc uống", "Pill"},
	{"5", "Bao cao su", "Condom"},
	{"6", "Triệt sản nữ", "Female sterilisation"},
	{"7", "Triệt sản nam", "Male sterilisation"},
	{"8", "Biện pháp hiện đại khác", "Other modern method"},
	{"9", "Biện pháp truyền thống", "Traditional method"},
};

static const struct reg_code fp_source[] = {
	{"1", "Miễn phí", "Free"},
	{"2", "Tiếp thị xã hội", "Social marketing"},
	{"3", "Dịch vụ có thu phí", "Paid"},
};

static const struct reg_code place[] = {
	{"1", "Trạm y tế xã", "Commune health station"},
	{"2", "Cơ sở y tế khác", "Other health facility"},
	{"3", "Tại nhà", "At home"},
	{"4", "Nơi khác", "Elsewhere"},
};

static const struct reg_code household_type[] = {
	{"1", "Hộ gia đình", "Family household"},
	{"2", "Hộ tập thể", "Collective household"},
};

static const struct reg_code poverty[] = {
	{"0", "Không nghèo", "Not poor"},
	{"1", "Cận nghèo", "Near-poor"},
	{"2", "Nghèo", "Poor"},
};

static const struct reg_code outcome[] = {
	{"pregnant", "Có thai", "Pregnant"},
	{"miscarriage", "Sẩy thai", "Miscarriage"},
	{"abortion", "Phá thai", "Abortion"},
	{"stillbirth", "Thai chết lưu", "Stillbirth"},
};

static const struct reg_code level[] = {
	{"province", "tỉnh/thành phố", "province"},
	{"district", "huyện/quận", "district"},
	{"commune", "xã/phường/đặc khu", "commune"},
	{"village", "thôn/tổ dân phố", "village"},
	{"area", "địa bàn", "collaborator area"},
};

static const struct reg_code etype[] = {
	{"birth", "Sinh", "Birth"},
	{"newborn_screening", "Sàng lọc sơ sinh", "Newborn screening"},
	{"death", "Chết", "Death"},
	{"move_in", "Chuyển đến", "Move in"},
	{"move_out", "Chuyển đi", "Move out"},
	{"transfer", "Chuyển hộ", "Transfer between households"},
	{"marriage", "Kết hôn", "Marriage"},
	{"divorce", "Ly hôn", "Divorce"},
	{"widowed", "Góa", "Widowed"},
	{"info_change", "Thay đổi thông tin", "Change of details"},
	{"fp_start", "Bắt đầu sử dụng BPTT", "Contraceptive start"},
	{"fp_stop", "Ngừng sử dụng BPTT", "Contraceptive stop"},
	{"pregnancy", "Mang thai", "Pregnancy"},
	{"prenatal_screening", "Sàng lọc trước sinh", "Prenatal screening"},
	{"elderly_check", "Khám sức khỏe người cao tuổi", "Elderly health check"},
	{"household_change", "Thay đổi thông tin hộ", "Household change"},
	{"void", "Hủy biến động", "Cancellation"},
	{"merge", "Gộp người bị ghi trùng", "Merge of a person recorded twice"},
};

static const struct reg_code field[] = {
	{"full_name", "Họ và tên", "Full name"},
	{"birth_date", "Ngày sinh", "Birth date"},
	{"ethnicity", "Dân tộc", "Ethnicity"},
	{"education", "Trình độ học vấn", "Education"},
	{"relation", "Quan hệ với chủ hộ", "Relation to head"},
	{"residence", "Tình trạng cư trú", "Residence"},
	{"insurance_no", "Mã số BHYT", "Insurance number"},
	{"national_id", "Số định danh cá nhân", "National id"},
};

static const struct reg_code newborn_result[] = {
	{"normal", "Bình thường", "Normal"},
	{"abnormal", "Bất thường", "Abnormal"},
};

static const struct reg_code prenatal_result[] = {
	{"low", "Nguy cơ thấp", "Low risk"},
	{"high", "Nguy cơ cao", "High risk"},
};

/* Communication and clubs (workflows.md). */
static const struct reg_code comm_topic[] = {
	{"fp", "Kế hoạch hóa gia đình", "Family planning"},
	{"srb", "Mất cân bằng giới tính khi sinh", "Sex ratio at birth"},
	{"premarital", "Tư vấn, khám sức khỏe trước kết hôn", "Premarital counselling and check-up"},
	{"screening", "Sàng lọc trước sinh và sơ sinh", "Prenatal and newborn screening"},
	{"elderly", "Chăm sóc sức khỏe người cao tuổi", "Elderly care"},
	{"quality", "Nâng cao chất lượng dân số", "Population quality"},
	{"child_marriage", "Phòng, chống tảo hôn và hôn nhân cận huyết thống",
	 "Child and consanguineous marriage"},
	{"adolescent", "Sức khỏe sinh sản vị thành niên, thanh niên", "Adolescent and youth reproductive health"},
	{"other", "Chủ đề khác", "Other topic"},
};

static const struct reg_code comm_format[] = {
	{"talk", "Nói chuyện, thảo luận nhóm", "Group talk"},
	{"home_visit", "Tư vấn tại hộ gia đình", "Home visit"},
	{"loudspeaker", "Loa truyền thanh", "Loudspeaker"},
	{"event", "Sự kiện, chiến dịch", "Event or campaign"},
	{"social_media", "Mạng xã hội", "Social media"},
};

static const struct reg_code age_group[] = {
	{"under15", "Dưới 15 tuổi", "Under 15"},
	{"15-24", "15-24 tuổi", "15-24"},
	{"25-49", "25-49 tuổi", "25-49"},
	{"50-59", "50-59 tuổi", "50-59"},
	{"60plus", "Từ 60 tuổi trở lên", "60 and over"},
};

static const struct reg_code club_model[] = {
	{"no_child_marriage", "Không tảo hôn, không kết hôn cận huyết thống",
	 "No child or consanguineous marriage"},
	{"elderly_health", "Chăm sóc sức khỏe người cao tuổi", "Elderly health"},
	{"premarital_health", "Sức khỏe tiền hôn nhân", "Premarital health"},
	{"intergenerational", "Liên thế hệ tự giúp nhau", "Intergenerational self-help"},
	{"srb", "Không lựa chọn giới tính khi sinh", "No sex selection at birth"},
	{"other", "Mô hình khác", "Other model"},
};

static const struct reg_codelist lists[] = {
	LIST("sex", sex),
	LIST("relation", relation),
	LIST("education", education),
	LIST("marital", marital),
	LIST("residence", residence),
	LIST("fp_method", fp_method),
	LIST("fp_source", fp_source),
	LIST("place", place),
	LIST("household_type", household_type),
	LIST("poverty", poverty),
	LIST("outcome", outcome),
	LIST("level", level),
	LIST("event_type", etype),
	LIST("info_field", field),
	LIST("newborn_result", newborn_result),
	LIST("prenatal_result", prenatal_result),
	LIST("comm_topic", comm_topic),
	LIST("comm_format", comm_format),
	LIST("age_group", age_group),
	LIST("club_model", club_model),
};

#define NLISTS (sizeof lists / sizeof lists[0])

const struct reg_codelist *reg_codes(const char *name)
{
	for (size_t i = 0; i < NLISTS; i++)
		if (strcmp(lists[i].name, name) == 0)
			return &lists[i];
	return NULL;
}

const struct reg_codelist *const *reg_codes_all(void)
{
	static const struct reg_codelist *all[NLISTS + 1];
	if (!all[0])
		for (size_t i = 0; i < NLISTS; i++)
			all[i] = &lists[i];
	return all;
}

const char *reg_code_label(const char *list, const char *value, const char *lang)
{
	const struct reg_codelist *l = reg_codes(list);
	if (!l)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->codes[i].value, value) == 0)
			return lang && strcmp(lang, "en") == 0 ? l->codes[i].en : l->codes[i].vi;
	return NULL;
}

/* Position (1-based) of s in a list, 0 when absent. */
static int find(const struct reg_code *codes, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(codes[i].value) == len && memcmp(codes[i].value, s, len) == 0)
			return (int)i + 1;
	return 0;
}

const char *reg_level_name(enum reg_level l)
{
	return l > LVL_NONE && l < LVL_COUNT ? level[l - 1].value : "";
}

const char *reg_level_vi(enum reg_level l)
{
	return l > LVL_NONE && l < LVL_COUNT ? level[l - 1].vi : "";
}

enum reg_level reg_level_parse(const char *s, size_t n)
{
	return (enum reg_level)find(level, sizeof level / sizeof level[0], s, n);
}

const char *reg_etype_name(enum reg_etype t)
{
	return t > EV_NONE && t < EV_TYPE_COUNT ? etype[t - 1].value : "";
}

enum reg_etype reg_etype_parse(const char *s, size_t n)
{
	return (enum reg_etype)find(etype, sizeof etype / sizeof etype[0], s, n);
}

const char *reg_etype_label(enum reg_etype t, const char *lang)
{
	if (t <= EV_NONE || t >= EV_TYPE_COUNT)
		return "";
	return lang && strcmp(lang, "en") == 0 ? etype[t - 1].en : etype[t - 1].vi;
}

const char *reg_field_name(enum reg_field f)
{
	return f > FLD_NONE && f < FLD_COUNT ? field[f - 1].value : "";
}

enum reg_field reg_field_parse(const char *s, size_t n)
{
	return (enum reg_field)find(field, sizeof field / sizeof field[0], s, n);
}

const char *reg_outcome_name(enum reg_outcome o)
{
	return o >= OUT_PREGNANT && o <= OUT_STILLBIRTH ? outcome[o - 1].value : "";
}

enum reg_outcome reg_outcome_parse(const char *s, size_t n)
{
	return (enum reg_outcome)find(outcome, sizeof outcome / sizeof outcome[0], s, n);
}

const char *const reg_newborn_conditions[NEWBORN_CONDITIONS] = {
	"hypothyroidism", "g6pd", "cah", "hearing", "heart"};
const char *const reg_prenatal_conditions[PRENATAL_CONDITIONS] = {
	"down", "edwards", "patau", "thalassaemia"};

bool reg_ethnicity_valid(const char *s, size_t n)
{
	if (n != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	int v = (s[0] - '0') * 10 + (s[1] - '0');
	return v >= 1 && v <= 55;
}
