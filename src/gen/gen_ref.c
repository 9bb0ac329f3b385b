/*
 * Reference data (the embedded shared/data CSV files), the name tables and
 * the place names.  Every Vietnamese string here is NFC (precomposed).
 */
#include <stdlib.h>
#include <string.h>

#include "base/asset.h"
#include "gen/gen_int.h"

/* ---- randomness ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void grng_seed(struct grng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

int grng_pick(struct grng *r, const double *w, int n)
{
	double t = 0;
	for (int i = 0; i < n; i++)
		t += w[i];
	double x = grng_f(r) * t;
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- reference data ---- */

/* The next line of [*p, end) without its line break, into line (capacity n). */
static bool next_line(const char **p, const char *end, char *line, size_t n)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	if (len >= n)
		len = n - 1;
	memcpy(line, *p, len);
	line[len] = '\0';
	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	*p = nl ? nl + 1 : end;
	return true;
}

/* Splits line at commas in place: up to max fields; returns how many. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *c = line; *c && n < max; c++)
		if (*c == ',') {
			*c = '\0';
			f[n++] = c + 1;
		}
	return n;
}

static bool number(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out >= 0;
}

/* Calls the rows of an embedded CSV file (header skipped) with their fields. */
static enum ds_rc each_row(const char *path, int nf, bool (*row)(void *, char **, int), void *arg)
{
	size_t len;
	const char *s = (const char *)asset_get(path, &len);
	if (!s)
		return DS_EINTERNAL;
	const char *end = s + len;
	char line[256], *f[8];
	next_line(&s, end, line, sizeof line);
	int i = 0;
	while (next_line(&s, end, line, sizeof line)) {
		if (!line[0])
			continue;
		if (split(line, f, 8) != nf || !row(arg, f, i++))
			return DS_EINTERNAL;
	}
	return DS_OK;
}

struct row_ctx {
	struct gen_ref *r;
	int n;
};

static bool pop_row(void *arg, char **f, int i)
{
	struct row_ctx *c = arg;
	c->n++;
	return i < GEN_AGE_GROUPS && number(f[2], &c->r->pop[0][i]) && number(f[3], &c->r->pop[1][i]);
}

static bool asfr_row(void *arg, char **f, int i)
{
	struct row_ctx *c = arg;
	c->n++;
	return i < GEN_ASFR_GROUPS && number(f[1], &c->r->asfr[i]);
}

static bool mx_row(void *arg, char **f, int i)
{
	struct row_ctx *c = arg;
	c->n++;
	return i < GEN_MX_GROUPS && number(f[1], &c->r->mx[0][i]) && number(f[2], &c->r->mx[1][i]);
}

static bool prov_row(void *arg, char **f, int i)
{
	struct row_ctx *c = arg;
	struct gen_ref *r = c->r;
	if (i >= GEN_MAX_PROVINCES || strlen(f[0]) != 2 || f[0][0] < '0' || f[0][0] > '9' ||
	    f[0][1] < '0' || f[0][1] > '9' || strlen(f[1]) >= sizeof r->prov_name[0])
		return false;
	r->prov_code[i] = (f[0][0] - '0') * 10 + (f[0][1] - '0');
	snprintf(r->prov_name[i], sizeof r->prov_name[i], "%s", f[1]);
	r->nprov = ++c->n;
	return true;
}

enum ds_rc gen_ref_load(struct gen_ref *r)
{
	memset(r, 0, sizeof *r);
	struct row_ctx c = {r, 0};
	enum ds_rc rc = each_row("data/vn-population-2020-by-age-sex.csv", 5, pop_row, &c);
	if (rc || c.n != GEN_AGE_GROUPS)
		return DS_EINTERNAL;
	c.n = 0;
	rc = each_row("data/vn-fertility-2020.csv", 2, asfr_row, &c);
	if (rc || c.n != GEN_ASFR_GROUPS)
		return DS_EINTERNAL;
	c.n = 0;
	rc = each_row("data/vn-mortality-2020-2025.csv", 3, mx_row, &c);
	if (rc || c.n != GEN_MX_GROUPS)
		return DS_EINTERNAL;
	c.n = 0;
	rc = each_row("data/provinces-2025.csv", 2, prov_row, &c);
	if (rc || c.n == 0)
		return DS_EINTERNAL;
	return DS_OK;
}

const char *gen_ref_province(const struct gen_ref *r, int code)
{
	for (int i = 0; i < r->nprov; i++)
		if (r->prov_code[i] == code)
			return r->prov_name[i];
	return NULL;
}

bool gen_province_valid(int code)
{
	struct gen_ref r;
	return gen_ref_load(&r) == DS_OK && gen_ref_province(&r, code) != NULL;
}

/* ---- family names ---- */

#define FAMILIES(X)                                                                           \
	X(NGUYEN, "Nguyễn") X(TRAN, "Trần") X(LE, "Lê") X(PHAM, "Phạm") X(HOANG, "Hoàng")     \
	X(HUYNH, "Huỳnh") X(PHAN, "Phan") X(VU, "Vũ") X(VO, "Võ") X(DANG, "Đặng")             \
	X(BUI, "Bùi") X(DO, "Đỗ") X(HO, "Hồ") X(NGO, "Ngô") X(DUONG, "Dương") X(LY, "Lý")     \
	X(DINH, "Đinh") X(TRUONG, "Trương") X(DAO, "Đào") X(DOAN, "Đoàn") X(LUONG, "Lương")   \
	X(MAI, "Mai") X(CAO, "Cao") X(HA, "Hà") X(LAM, "Lâm") X(TO, "Tô") X(TRINH, "Trịnh")   \
	X(TA, "Tạ") X(KIEU, "Kiều") X(THAI, "Thái") X(CHAU, "Châu") X(QUACH, "Quách")         \
	X(LUU, "Lưu") X(LA, "La") X(CHU, "Chu") X(PHUNG, "Phùng") X(TANG, "Tăng")             \
	X(HUA, "Hứa") X(MA, "Mã") X(VUONG, "Vương") X(TRIEU, "Triệu") X(THACH, "Thạch")       \
	X(SON, "Sơn") X(DANH, "Danh") X(KIM, "Kim") X(TRA, "Trà") X(DANG2, "Đàng")           \
	X(THANH, "Thành") X(QUANG, "Quảng") X(BA, "Bá") X(NONG, "Nông") X(LUC, "Lục")         \
	X(MA2, "Ma") X(DAM, "Đàm") X(VI, "Vi") X(LANG, "Lăng") X(LO, "Lò") X(CAM, "Cầm")      \
	X(QUANG2, "Quàng") X(LUONG2, "Lường") X(TONG, "Tòng") X(DIEU, "Điêu") X(XA, "Xa")    \
	X(GIANG, "Giàng") X(VANG, "Vàng") X(THAO, "Thào") X(SUNG, "Sùng") X(LAU, "Lầu")       \
	X(HO2, "Hờ") X(MUA, "Mua") X(VU2, "Vừ") X(BAN, "Bàn") X(CHAO, "Chảo") X(KSOR, "Ksor") \
	X(SIU, "Siu") X(ROMAH, "Rơ Mah") X(NAY, "Nay") X(NIE, "Niê") X(MLO, "Mlô")            \
	X(KPA, "Kpă") X(DIEU2, "Điểu") X(HOANG2, "Hoàng")

#define F_ENUM(id, s) F_##id,
#define F_STR(id, s) s,
enum { FAMILIES(F_ENUM) NFAMILY };
const char *const gen_family[] = {FAMILIES(F_STR)};
const int gen_nfamily = NFAMILY;

struct wname {
	uint8_t fam;
	float w;
};

/* Kinh family names (north and centre; the south swaps Hoàng/Vũ for Huỳnh/Võ). */
static const struct wname kinh[] = {
	{F_NGUYEN, 38},  {F_TRAN, 11},   {F_LE, 9.5f},   {F_PHAM, 7},    {F_HOANG, 4.6f},
	{F_HUYNH, 0.4f}, {F_PHAN, 4.5f}, {F_VU, 3.6f},   {F_VO, 0.4f},   {F_DANG, 2.1f},
	{F_BUI, 2},      {F_DO, 1.4f},   {F_HO, 1.3f},   {F_NGO, 1.3f},  {F_DUONG, 1},
	{F_LY, 0.5f},    {F_DINH, 1},    {F_TRUONG, 0.6f}, {F_DAO, 0.6f}, {F_DOAN, 0.6f},
	{F_LUONG, 0.5f}, {F_MAI, 0.5f},  {F_CAO, 0.4f},  {F_HA, 0.5f},   {F_LAM, 0.3f},
	{F_TO, 0.2f},    {F_TRINH, 0.5f}, {F_TA, 0.3f},  {F_KIEU, 0.1f}, {F_THAI, 0.2f},
	{F_CHAU, 0.2f},  {F_QUACH, 0.1f}, {F_LUU, 0.3f}, {F_LA, 0.1f},   {F_CHU, 0.2f},
	{F_PHUNG, 0.3f}, {F_TANG, 0.1f}, {F_VUONG, 0.2f}};
static const struct wname hoa[] = {
	{F_LY, 10},   {F_TRUONG, 10}, {F_LAM, 12}, {F_QUACH, 6}, {F_HUA, 6},    {F_MA, 6},
	{F_TANG, 6},  {F_LA, 6},      {F_CHAU, 8}, {F_LUU, 8},   {F_TRAN, 8},   {F_HOANG, 6},
	{F_DUONG, 4}, {F_LUONG, 4},   {F_VUONG, 4}};
static const struct wname khmer[] = {{F_THACH, 25}, {F_SON, 20}, {F_DANH, 15}, {F_KIM, 10},
				     {F_LAM, 8},    {F_CHAU, 8}, {F_TRA, 6},   {F_LY, 4},
				     {F_HUYNH, 4}};
static const struct wname cham[] = {{F_DANG2, 20}, {F_THANH, 15}, {F_LUU, 10}, {F_CHAU, 10},
				    {F_QUANG, 10}, {F_BA, 10},    {F_NGUYEN, 15}, {F_KIEU, 10}};
static const struct wname tay[] = {{F_HOANG2, 25}, {F_NONG, 20}, {F_LUC, 8}, {F_MA2, 6},
				   {F_TRIEU, 8},   {F_LUONG, 8}, {F_DAM, 6}, {F_LA, 5},
				   {F_HA, 5},      {F_VI, 5},    {F_LANG, 4}};
static const struct wname thai[] = {{F_LO, 25},     {F_CAM, 15}, {F_QUANG2, 12},
				    {F_LUONG2, 12}, {F_VI, 8},   {F_HA, 10},
				    {F_LE, 5},      {F_TONG, 8}, {F_DIEU, 5}};
static const struct wname muong[] = {{F_BUI, 40}, {F_DINH, 25}, {F_QUACH, 10},
				     {F_HA, 10},  {F_XA, 5},    {F_NGUYEN, 10}};
static const struct wname hmong[] = {{F_GIANG, 20}, {F_VANG, 20}, {F_THAO, 15},
				     {F_SUNG, 12},  {F_LY, 10},   {F_LAU, 8},
				     {F_HO2, 5},    {F_MUA, 5},   {F_VU2, 5}};
static const struct wname dao[] = {{F_TRIEU, 30}, {F_BAN, 25},  {F_DANG, 20},
				   {F_LY, 10},    {F_PHUNG, 8}, {F_CHAO, 7}};
static const struct wname highland[] = {{F_KSOR, 15}, {F_SIU, 12}, {F_ROMAH, 8}, {F_NAY, 8},
					{F_NIE, 10},  {F_MLO, 6},  {F_KPA, 6},   {F_DINH, 10},
					{F_DIEU2, 8}, {F_NGUYEN, 5}};

#define NW(a) ((int)(sizeof a / sizeof a[0]))

static uint8_t draw_w(struct grng *r, const struct wname *t, int n, bool south)
{
	float total = 0;
	for (int i = 0; i < n; i++)
		total += t[i].w;
	float x = (float)grng_f(r) * total;
	int k = n - 1;
	for (int i = 0; i < n; i++) {
		if (x < t[i].w) {
			k = i;
			break;
		}
		x -= t[i].w;
	}
	uint8_t f = t[k].fam;
	if (south && t == kinh) {
		if (f == F_HOANG)
			f = F_HUYNH;
		else if (f == F_VU)
			f = F_VO;
	}
	return f;
}

uint8_t gen_draw_family(struct grng *r, int eth, bool south)
{
	switch (eth) {
	case 4: return draw_w(r, hoa, NW(hoa), false);
	case 5: return draw_w(r, khmer, NW(khmer), false);
	case 17: return draw_w(r, cham, NW(cham), false);
	case 2:
	case 7:
	case 15:
	case 18:
	case 25: return draw_w(r, tay, NW(tay), false);
	case 3:
	case 29:
	case 37: return draw_w(r, thai, NW(thai), false);
	case 6: return draw_w(r, muong, NW(muong), false);
	case 8: return draw_w(r, hmong, NW(hmong), false);
	case 9:
	case 35: return draw_w(r, dao, NW(dao), false);
	case 10:
	case 12:
	case 13:
	case 14:
	case 16:
	case 19:
	case 20:
	case 21:
	case 22:
	case 26:
	case 27:
	case 28:
	case 30:
	case 31:
	case 32:
	case 36: return draw_w(r, highland, NW(highland), false);
	default: return draw_w(r, kinh, NW(kinh), south);
	}
}

/* ---- middle and given names ---- */

const char *const gen_middle[2][24] = {
	{"", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Quang", "Xuân", "Đình",
	 "Hoàng", "Ngọc", "Tuấn", "Gia", "Anh", "Trung", "Thành", "Bảo", "Nhật", "Hoài", "Duy",
	 "Tấn", "Phước"},
	{"", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thùy", "Phương", "Bích", "Mỹ", "Hồng",
	 "Minh", "Khánh", "Bảo", "Gia", "Hoài", "Diệu", "Tường", "Quỳnh", "Hải", "Thảo", "Ánh",
	 "Lan", "Tuyết"}};
#define NMIDDLE 24

uint8_t gen_draw_middle(struct grng *r, int sex, int year)
{
	/* Văn and Thị are the names of the older generations. */
	double classic = sex == 1 ? (year < 1970 ? 0.55 : year < 1990 ? 0.35 : year < 2005 ? 0.15 : 0.05)
				  : (year < 1970 ? 0.75 : year < 1990 ? 0.55 : year < 2005 ? 0.3 : 0.1);
	if (grng_chance(r, classic))
		return 1;
	return (uint8_t)grng_range(r, 2, NMIDDLE - 1);
}

uint8_t gen_draw_middle2(struct grng *r, int sex, int year)
{
	if (sex != 2 || year < 1965 || !grng_chance(r, 0.18))
		return 0;
	return (uint8_t)grng_range(r, 2, 12);
}

const char *const gen_given[2][128] = {
	{"An",    "Bảo",   "Bình",  "Cường", "Chiến", "Công",  "Dũng",  "Duy",   "Dương", "Đạt",
	 "Đông",  "Đức",   "Giang", "Hải",   "Hào",   "Hậu",   "Hiếu",  "Hiển",  "Hòa",   "Hoàng",
	 "Hùng",  "Huy",   "Hưng",  "Khang", "Khánh", "Khoa",  "Khôi",  "Kiên",  "Lâm",   "Lực",
	 "Long",  "Lộc",   "Luân",  "Mạnh",  "Minh",  "Nam",   "Nghĩa", "Nguyên", "Nhân", "Nhật",
	 "Phát",  "Phong", "Phúc",  "Phước", "Quân",  "Quang", "Quốc",  "Quý",   "Sang",  "Sơn",
	 "Tài",   "Tâm",   "Tân",   "Thái",  "Thắng", "Thanh", "Thành", "Thiện", "Thịnh", "Thông",
	 "Tiến",  "Tín",   "Toàn",  "Trí",   "Trọng", "Trung", "Tú",    "Tuấn",  "Tùng",  "Vinh",
	 "Việt",  "Vũ",    "Khải",  "Kha",   "Lợi",   "Hiệp",  "Hòa",   "Định",  "Đăng",  "Điền",
	 "Hà",    "Hạnh",  "Khiêm", "Lâm",   "Linh",  "Nhựt",  "Nhơn",  "Phụng", "Quyết", "Sỹ",
	 "Tạo",   "Thuận", "Tính",  "Triều", "Trường", "Tường", "Uy",    "Văn",   "Vĩnh",  "Xuân",
	 "Bảy",   "Tám",   "Chín",  "Mười",  "Hổ",    "Lương", "Nghị",  "Phú",   "Quảng", "Sinh",
	 "Tâm",   "Thạch", "Thọ",   "Toản",  "Trực",  "Tuệ",   "Vương", "Hưởng", "Kỳ",    "Lập",
	 "Mẫn",   "Nhàn",  "Phi",   "Sáng",  "Thìn",  "Thủy",  "Tuyên", "Ý"},
	{"An",    "Anh",   "Ánh",   "Bích",  "Châu",  "Chi",   "Cúc",   "Diễm",  "Diệp",  "Dung",
	 "Duyên", "Đào",   "Giang", "Hà",    "Hạnh",  "Hằng",  "Hân",   "Hiền",  "Hoa",   "Hồng",
	 "Huệ",   "Hương", "Hường", "Huyền", "Khánh", "Khuê",  "Lan",   "Liên",  "Liễu",  "Linh",
	 "Loan",  "Lụa",   "Ly",    "Mai",   "My",    "Mỹ",    "Nga",   "Ngân",  "Ngọc",  "Nguyệt",
	 "Nhi",   "Nhung", "Nhàn",  "Oanh",  "Phượng", "Phương", "Quyên", "Quỳnh", "Sương", "Tâm",
	 "Thảo",  "Thanh", "Thơ",   "Thu",   "Thủy",  "Thùy",  "Thư",   "Thương", "Tiên",  "Trang",
	 "Trâm",  "Trinh", "Tuyết", "Uyên",  "Vân",   "Vy",    "Xuân",  "Yến",   "Hậu",   "Ngà",
	 "Lệ",    "Tú",    "Diệu",  "Hoài",  "Như",   "Bình",  "Cẩm",   "Dạ",    "Đan",   "Gấm",
	 "Hảo",   "Hiếu",  "Kiều",  "Lài",   "Lành",  "Lý",    "Mận",   "Mơ",    "Nương", "Phúc",
	 "Quế",   "Sen",   "Sang",  "Tám",   "Thắm",  "Thoa",  "Thúy",  "Tình",  "Trúc",  "Vui",
	 "Xinh",  "Yên",   "Ái",    "Bảo",   "Cần",   "Diệp",  "Hoàn",  "Huyên", "Khanh", "Lam",
	 "Lợi",   "Minh",  "Nhạn",  "Ninh",  "Quý",   "Son",   "Thêu",  "Thi",   "Thục",  "Tươi",
	 "Vàng",  "Vinh",  "Xuyến", "Yên",   "Hạ",    "Hòa",   "Nhã",   "Uyển"}};
const int gen_ngiven[2] = {128, 128};

uint8_t gen_draw_given(struct grng *r, int sex)
{
	return (uint8_t)grng_below(r, (uint32_t)gen_ngiven[sex - 1]);
}

void gen_put_name(struct gbuf *b, uint8_t fam, int sex, uint8_t mid, uint8_t mid2, uint8_t giv)
{
	gb_puts(b, gen_family[fam]);
	if (mid) {
		gb_putc(b, ' ');
		gb_puts(b, gen_middle[sex - 1][mid]);
	}
	if (mid2 && mid2 != mid) {
		gb_putc(b, ' ');
		gb_puts(b, gen_middle[sex - 1][mid2]);
	}
	gb_putc(b, ' ');
	gb_puts(b, gen_given[sex - 1][giv]);
}

/* ---- ethnicity by province ---- */

struct weth {
	uint8_t code;
	float w;
};

struct prov_eth {
	int province;
	struct weth e[10];
};

static const struct prov_eth prov_eth[] = {
	{79, {{1, 93.4f}, {4, 5}, {5, 0.6f}, {17, 0.3f}, {2, 0.2f}, {7, 0.2f}, {6, 0.1f}, {55, 0.2f}}},
	{1, {{1, 98.6f}, {6, 0.8f}, {2, 0.3f}, {3, 0.1f}, {9, 0.1f}, {7, 0.1f}}},
	{4, {{2, 40}, {7, 30}, {8, 10}, {9, 10}, {1, 5}, {25, 1}}},
	{8, {{1, 35}, {2, 25}, {8, 15}, {9, 12}, {7, 5}, {15, 3}, {25, 2}}},
	{11, {{3, 38}, {8, 35}, {1, 18}, {29, 3}, {9, 1}, {37, 1}, {35, 1}}},
	{12, {{3, 33}, {8, 25}, {1, 15}, {9, 14}, {35, 4}, {25, 2}, {29, 1}}},
	{14, {{3, 54}, {1, 17}, {8, 17}, {6, 7}, {29, 1}, {9, 1}}},
	{15, {{1, 50}, {8, 15}, {2, 12}, {9, 12}, {3, 5}, {7, 3}, {25, 2}}},
	{19, {{1, 70}, {2, 18}, {7, 6}, {9, 3}, {15, 1}, {18, 1}}},
	{20, {{7, 42}, {2, 35}, {1, 16}, {9, 4}, {4, 1}}},
	{22, {{1, 88}, {9, 5}, {2, 4}, {18, 2}, {4, 1}}},
	{24, {{1, 88}, {7, 5}, {2, 3}, {15, 2}, {18, 2}}},
	{25, {{1, 75}, {6, 20}, {9, 2}, {3, 1}, {2, 1}}},
	{38, {{1, 85}, {6, 9}, {3, 6}}},
	{40, {{1, 85}, {3, 10}, {29, 3}, {8, 2}}},
	{44, {{1, 95}, {23, 4}, {31, 1}}},
	{46, {{1, 97}, {31, 1.5f}, {26, 1}}},
	{48, {{1, 96}, {26, 2}, {14, 1}, {27, 1}}},
	{51, {{1, 75}, {14, 10}, {19, 8}, {13, 4}, {30, 2}}},
	{52, {{1, 70}, {10, 18}, {13, 10}, {2, 1}, {7, 1}}},
	{56, {{1, 85}, {17, 8}, {21, 6}, {4, 1}}},
	{66, {{1, 75}, {12, 12}, {7, 3}, {2, 3}, {20, 2}, {10, 2}, {8, 1}}},
	{68, {{1, 82}, {16, 6}, {20, 3}, {28, 2}, {17, 2}, {21, 1}, {2, 2}, {7, 2}}},
	{75, {{1, 88}, {4, 3}, {22, 3}, {7, 2}, {2, 1.5f}, {5, 1}, {32, 0.5f}}},
	{80, {{1, 98.5f}, {5, 0.5f}, {17, 0.3f}, {4, 0.3f}}},
	{82, {{1, 99.5f}, {5, 0.2f}, {4, 0.3f}}},
	{86, {{1, 88}, {5, 11}, {4, 1}}},
	{91, {{1, 88}, {5, 9}, {4, 1.5f}, {17, 0.5f}}},
	{92, {{1, 80}, {5, 16}, {4, 3}}},
	{96, {{1, 94}, {5, 4}, {4, 1.5f}}},
};

uint8_t gen_draw_ethnicity(struct grng *r, int province)
{
	for (size_t i = 0; i < sizeof prov_eth / sizeof prov_eth[0]; i++) {
		if (prov_eth[i].province != province)
			continue;
		const struct weth *e = prov_eth[i].e;
		float total = 0;
		for (int k = 0; k < 10 && e[k].code; k++)
			total += e[k].w;
		float x = (float)grng_f(r) * total;
		for (int k = 0; k < 10 && e[k].code; k++) {
			if (x < e[k].w)
				return e[k].code;
			x -= e[k].w;
		}
		return 1;
	}
	double x = grng_f(r);
	return x < 0.99 ? 1 : x < 0.995 ? 4 : 6;
}

bool gen_province_south(int province)
{
	switch (province) {
	case 75:
	case 79:
	case 80:
	case 82:
	case 86:
	case 91:
	case 92:
	case 96: return true;
	default: return false;
	}
}

/* ---- place names ---- */

static const char *const syllables[] = {
	"An",    "Bình",  "Hòa",   "Phú",   "Tân",   "Thạnh", "Long",  "Hưng",  "Mỹ",    "Phước",
	"Đông",  "Tây",   "Nam",   "Bắc",   "Trung", "Lộc",   "Thuận", "Khánh", "Vĩnh",  "Hiệp",
	"Xuân",  "Đức",   "Thới",  "Lợi",   "Thành", "Quang", "Hải",   "Sơn",   "Lâm",   "Hà",
	"Thịnh", "Phong", "Nghĩa", "Tiến",  "Định",  "Hữu",   "Lạc",   "Điền",  "Thắng", "Cát",
	"Minh",  "Hồng",  "Thái",  "Yên",   "Kim",   "Ngọc",  "Gia",   "Cường", "Tường", "Bảo",
	"Châu",  "Thủy",  "Quý",   "Hội",   "Phụng", "Linh",  "Nhơn",  "Lập",   "Giang", "Hạnh"};
#define NSYL ((uint32_t)(sizeof syllables / sizeof syllables[0]))

void gen_place_name(uint32_t k, char *out, size_t outsz)
{
	/* A bijection of [0, S(S-1)) onto ordered pairs of distinct syllables. */
	uint32_t pairs = NSYL * (NSYL - 1);
	uint32_t idx = (uint32_t)(((uint64_t)k * 7919u + 101u) % pairs);
	uint32_t a = idx / (NSYL - 1), b = idx % (NSYL - 1);
	if (b >= a)
		b++;
	size_t la = strlen(syllables[a]), lb = strlen(syllables[b]);
	if (la + lb + 2 > outsz) {
		out[0] = '\0';
		return;
	}
	memcpy(out, syllables[a], la);
	out[la] = ' ';
	memcpy(out + la + 1, syllables[b], lb + 1);
}

/* ---- education ---- */

uint8_t gen_draw_education(struct grng *r, int age)
{
	if (age < 6)
		return 0;
	if (age <= 10)
		return 1;
	if (age <= 14)
		return 2;
	if (age <= 17)
		return grng_chance(r, 0.85) ? 3 : 2;
	static const double young[6] = {1, 4, 20, 50, 12, 13};
	static const double adult[6] = {2, 8, 25, 30, 15, 20};
	static const double middle[6] = {4, 18, 35, 25, 10, 8};
	static const double older[6] = {10, 35, 30, 15, 5, 5};
	static const double oldest[6] = {30, 40, 18, 8, 2, 2};
	const double *w = age < 25 ? young : age < 40 ? adult : age < 60 ? middle : age < 75 ? older : oldest;
	int e = grng_pick(r, w, 6);
	if (age < 22 && e == 5)
		e = 4;
	return (uint8_t)e;
}
