/*
 * The events: a month-by-month simulation of every person's state.
 *
 * Each month (its first day d0, last day d1):
 *   1. in January, poverty statuses for the new year;
 *   2. pregnancies move on: the "pregnant" record, screenings, and the
 *      outcome (a birth, or a miscarriage, abortion or stillbirth);
 *   3. every person present draws one number against the sum of their
 *      monthly hazards (death, conception, marriage, divorce, moving,
 *      contraception, elderly check, a correction of their record); at
 *      most one of them happens;
 *   4. those who decided to marry are paired within their commune;
 *   5. households: whole-household moves, new addresses;
 *   6. arrivals from elsewhere, into households or new ones.
 *
 * The event text is made at once and kept in a buffer per day; the days
 * before the next month's first day can no longer receive events and go
 * to the file.  A person's events are never dated before their `last`
 * day, and each event that depends on another person (a spouse, a new
 * head, the mother of a child) is dated on or after that person's last
 * day too, so the file order is an order in which the register accepts
 * every event.
 *
 * Fertility: conceptions are drawn so that each five-year age group of
 * women has the national age-specific birth rate; the rate per woman is
 * renormalised every month over the women who can conceive (not pregnant,
 * not just delivered), with 97% of births to married women, and
 * contraceptive users much less likely to conceive.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "base/grow.h"
#include "gen/gen_int.h"

#define NONE UINT32_MAX
#define MAX_AGE_IX 110
#define P_BOY (1.12 / 2.12)
#define P_LIVE 0.815 /* a pregnancy ends in a birth */

enum { OUT_BIRTH, OUT_MISCARRIAGE, OUT_ABORTION, OUT_STILLBIRTH };
static const char *const outcome_name[] = {"pregnant", "miscarriage", "abortion", "stillbirth"};

struct preg {
	uint32_t person;
	int32_t reg, s12, s21, end; /* days; 0 = none (or done) */
	uint8_t outcome, twins, screened, pad;
};

struct sim {
	struct gen *g;
	struct grng *r;
	struct gfile *ef;
	struct gbuf *days;
	int32_t day0, flushed;
	size_t ndays;
	bool bad;              /* an event outside the open days: a bug */
	size_t ev_start;       /* where the last opened event begins in its day's buffer */
	struct preg *pg;
	size_t npg, pgcap;
	int32_t d0, d1;
	int year, month;
	long present;
	/* hazards per month, [sex][age] */
	float death[2][MAX_AGE_IX + 1], mar1[2][MAX_AGE_IX + 1], mar2[2][MAX_AGE_IX + 1];
	float move[MAX_AGE_IX + 1];
	/* fertility: monthly conception per unit of weight, by ASFR group */
	double conc_m[GEN_ASFR_GROUPS], conc_u[GEN_ASFR_GROUPS];
	double acc_all[GEN_ASFR_GROUPS], acc_wm[GEN_ASFR_GROUPS], acc_u[GEN_ASFR_GROUPS];
	double boys_expected;
	long boys;
	/* marriage candidates of the month */
	uint32_t *cand[2];
	size_t ncand[2], candcap[2];
	uint32_t *area_newc, *area_oldc;
	struct gbuf tmp;
};

static const double fp_weights[10] = {0, 40, 5, 2, 15, 15, 5, 0.3, 0.5, 17};

/* ---- event text ---- */

static void put_hex(struct gbuf *b, uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char *d = gb_room(b, (size_t)digits);
	if (!d)
		return;
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		d[i] = hex[v & 15];
	b->len += (size_t)digits;
}

/* A version-4 UUID from the seed's id stream. */
static void put_uuid(struct sim *s, struct gbuf *b)
{
	uint64_t a = grng_next(&s->g->ids), c = grng_next(&s->g->ids);
	put_hex(b, a >> 32, 8);
	gb_putc(b, '-');
	put_hex(b, (a >> 16) & 0xFFFF, 4);
	gb_putc(b, '-');
	put_hex(b, 0x4000 | (a & 0x0FFF), 4);
	gb_putc(b, '-');
	put_hex(b, 0x8000 | ((c >> 48) & 0x3FFF), 4);
	gb_putc(b, '-');
	put_hex(b, c & 0xFFFFFFFFFFFFull, 12);
}

/* Starts an event: {"id":…,"type":…,"date":… ; NULL when the day is not open. */
static struct gbuf *ev_open(struct sim *s, int32_t date, const char *type)
{
	if (date < s->flushed || date > s->g->end || (size_t)(date - s->day0) >= s->ndays) {
		s->bad = true;
		s->tmp.len = 0;
		return NULL;
	}
	struct gbuf *b = &s->days[date - s->day0];
	s->ev_start = b->len;
	gb_puts(b, "{\"id\":\"");
	put_uuid(s, b);
	gb_puts(b, "\",\"type\":\"");
	gb_puts(b, type);
	gb_puts(b, "\",\"date\":\"");
	gb_date(b, date);
	gb_putc(b, '"');
	return b;
}

static void ev_close(struct sim *s, struct gbuf *b)
{
	gb_put(b, "}\n", 2);
	s->g->events++;
}

static void m_person(struct sim *s, struct gbuf *b, const char *member, uint32_t i)
{
	gb_puts(b, ",\"");
	gb_puts(b, member);
	gb_puts(b, "\":\"");
	gb_pid(b, s->g->province, i);
	gb_putc(b, '"');
}

static void m_household(struct sim *s, struct gbuf *b, const char *member, uint32_t h)
{
	gb_puts(b, ",\"");
	gb_puts(b, member);
	gb_puts(b, "\":\"");
	gb_hid(b, s->g->province, h);
	gb_putc(b, '"');
}

static void m_int(struct gbuf *b, const char *member, int v)
{
	gb_puts(b, ",\"");
	gb_puts(b, member);
	gb_puts(b, "\":");
	gb_u(b, (uint64_t)v);
}

static void m_str(struct gbuf *b, const char *member, const char *v)
{
	gb_puts(b, ",\"");
	gb_puts(b, member);
	gb_puts(b, "\":");
	gb_json(b, v);
}

/* The text in s->tmp as a string member. */
static void m_tmp(struct sim *s, struct gbuf *b, const char *member)
{
	gb_putc(&s->tmp, '\0');
	if (!s->tmp.oom)
		m_str(b, member, s->tmp.p);
	s->tmp.len = 0;
}

/* A person event with only its subject: opens it, returns the buffer. */
static struct gbuf *ev_person(struct sim *s, int32_t date, const char *type, uint32_t i)
{
	struct gbuf *b = ev_open(s, date, type);
	if (b)
		m_person(s, b, "person", i);
	return b;
}

/*
 * About one event in a thousand is entered twice: the same content under a
 * new id, cancelled by a void event on the same day or a few days later.
 * start is where the event that was just closed begins in b.
 */
static void maybe_twice(struct sim *s, struct gbuf *b, size_t start, int32_t date)
{
	if (!grng_chance(s->r, 0.004))
		return;
	size_t n = b->len - start;
	if (!gb_room(b, n))
		return;
	memcpy(b->p + b->len, b->p + start, n);
	size_t dup = b->len;
	b->len += n;
	/* A new id over the copied one: {"id":"<36>" */
	size_t save = b->len;
	b->len = dup + 7;
	put_uuid(s, b);
	b->len = save;
	s->g->events++;
	char id[37];
	memcpy(id, b->p + dup + 7, 36);
	id[36] = '\0';
	int32_t vd = date + grng_range(s->r, 0, 5);
	if (vd > s->g->end)
		vd = date;
	struct gbuf *v = ev_open(s, vd, "void");
	if (!v)
		return;
	m_str(v, "target", id);
	m_str(v, "reason", "nhập trùng");
	ev_close(s, v);
}

/* ---- places and facilities ---- */

static const struct gen_commune *commune_on(struct sim *s, uint32_t h, int32_t date)
{
	const struct gen_units *u = &s->g->units;
	uint32_t a = s->g->h[h].area;
	if (date >= day_from_ymd(2025, 7, 1))
		return &u->new_[s->area_newc[a]];
	return &u->old[s->area_oldc[a]];
}

static void station(struct sim *s, uint32_t h, int32_t date)
{
	gb_puts(&s->tmp, "Trạm y tế ");
	gen_commune_name(&s->tmp, commune_on(s, h, date), true);
}

static void hospital(struct sim *s)
{
	const char *prov = gen_ref_province(&s->g->ref, s->g->province);
	if (strncmp(prov, "TP ", 3) == 0)
		prov += 3;
	int k = grng_range(s->r, 0, 2);
	if (s->g->province == 79) {
		static const char *const hcm[3] = {"Bệnh viện Từ Dũ", "Bệnh viện Hùng Vương",
						   "Bệnh viện Nhi Đồng 1"};
		gb_puts(&s->tmp, hcm[k]);
	} else if (s->g->province == 1) {
		static const char *const hn[3] = {"Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương",
						  "Bệnh viện Nhi Trung ương"};
		gb_puts(&s->tmp, hn[k]);
	} else {
		gb_puts(&s->tmp, k ? "Bệnh viện Đa khoa " : "Bệnh viện Sản Nhi ");
		gb_puts(&s->tmp, prov);
	}
}

/* ---- persons ---- */

static int age_on(const struct gperson *p, int32_t day)
{
	return day_age(p->birth, day);
}

/* A day in [max(lo, last), hi], or DAY_NONE when empty or after the end. */
static int32_t day_in(struct sim *s, int32_t lo, int32_t hi)
{
	if (hi > s->g->end)
		hi = s->g->end;
	if (lo > hi)
		return DAY_NONE;
	return lo + grng_range(s->r, 0, hi - lo);
}

static int32_t max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

/* The person leaves the register (death or move out). */
static void leave(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	struct gperson *p = &g->p[i];
	p->flags &= (uint8_t) ~(GP_PRESENT | GP_PREG);
	if (g->h[p->hh].members)
		g->h[p->hh].members--;
	if (p->spouse) {
		g->p[p->spouse - 1].spouse = 0;
		p->spouse = 0;
	}
}

/* The member who heads h after its head left: the spouse, else the oldest adult. */
static uint32_t choose_head(struct sim *s, uint32_t h, uint32_t spouse, int32_t date)
{
	struct gen *g = s->g;
	uint32_t best = NONE;
	bool best_adult = false;
	for (uint32_t m = g->h[h].first; m; m = g->p[m - 1].next) {
		const struct gperson *q = &g->p[m - 1];
		if ((q->flags & (GP_PRESENT | GP_GHOST)) != GP_PRESENT)
			continue;
		if (m - 1 == spouse)
			return spouse;
		bool adult = age_on(q, date) >= 18;
		if (best == NONE || (adult && !best_adult) ||
		    (adult == best_adult && q->birth < g->p[best].birth)) {
			best = m - 1;
			best_adult = adult;
		}
	}
	return best;
}

/* After the head left on `date`: a present member heads the household. */
static void new_head(struct sim *s, uint32_t h, uint32_t spouse, int32_t date)
{
	struct gen *g = s->g;
	uint32_t best = choose_head(s, h, spouse, date);
	g->h[h].head = 0;
	if (best == NONE)
		return;
	int32_t d = max32(date, g->p[best].last);
	if (d > g->end)
		return;
	struct gbuf *b = ev_open(s, d, "household_change");
	if (!b)
		return;
	m_household(s, b, "household", h);
	m_person(s, b, "head", best);
	ev_close(s, b);
	g->h[h].head = best + 1;
	g->p[best].relation = 1;
	g->p[best].last = d;
}

static void die(struct sim *s, uint32_t i, int32_t date)
{
	struct gen *g = s->g;
	struct gbuf *b = ev_person(s, date, "death", i);
	if (!b)
		return;
	ev_close(s, b);
	g->deaths++;
	struct gperson *p = &g->p[i];
	p->last = date;
	uint32_t sp = p->spouse;
	uint32_t h = p->hh;
	leave(s, i);
	if (sp) {
		struct gperson *w = &g->p[sp - 1];
		int32_t wd = max32(date + grng_range(s->r, 0, 3), w->last);
		if ((w->flags & GP_PRESENT) && (w->marital == 2 || w->marital == 5) && wd <= g->end) {
			struct gbuf *e = ev_person(s, wd, "widowed", sp - 1);
			if (e) {
				ev_close(s, e);
				w->marital = 3;
				w->last = wd;
			}
		}
	}
	if (g->h[h].head == i + 1)
		new_head(s, h, sp ? sp - 1 : NONE, date);
}

static void move_out_one(struct sim *s, uint32_t i, int32_t date, const char *dest)
{
	struct gen *g = s->g;
	struct gbuf *b = ev_person(s, date, "move_out", i);
	if (!b)
		return;
	m_str(b, "destination", dest);
	ev_close(s, b);
	g->p[i].last = date;
	leave(s, i);
	if (g->h[g->p[i].hh].head == i + 1)
		g->h[g->p[i].hh].head = 0; /* it moved out alone, or with everyone */
}

/* "01/00004": a commune of another province, or abroad. */
static void destination(struct sim *s, char out[16])
{
	const struct gen_ref *ref = &s->g->ref;
	if (grng_chance(s->r, 0.06) || ref->nprov < 2) {
		snprintf(out, 16, "abroad");
		return;
	}
	int p;
	do
		p = ref->prov_code[grng_below(s->r, (uint32_t)ref->nprov)];
	while (p == s->g->province);
	struct gbuf b = {out, 0, 16, false};
	gb_u0(&b, (uint64_t)p, 2);
	gb_putc(&b, '/');
	gb_u0(&b, (uint64_t)grng_range(s->r, 1, 32200), 5);
	out[b.len] = '\0';
}

static void transfer_one(struct sim *s, uint32_t i, uint32_t to, int32_t date)
{
	struct gen *g = s->g;
	struct gbuf *b = ev_person(s, date, "transfer", i);
	if (!b)
		return;
	m_household(s, b, "household", to);
	ev_close(s, b);
	uint32_t from = g->p[i].hh;
	gen_hh_remove(g, from, i);
	gen_hh_add(g, to, i);
	g->p[i].last = date;
	if (g->h[from].head == i + 1)
		g->h[from].head = 0; /* the household is empty now */
}

/* A household to move into: in the same old commune, or in another new commune. */
static uint32_t pick_household(struct sim *s, uint32_t from, bool same)
{
	struct gen *g = s->g;
	const struct gen_units *u = &g->units;
	uint32_t a = g->h[from].area;
	const struct gen_commune *oc = &u->old[s->area_oldc[a]];
	for (int tries = 0; tries < 12; tries++) {
		uint32_t h;
		if (same) {
			if (oc->hh1 - oc->hh0 < 2)
				return NONE;
			h = oc->hh0 + grng_below(s->r, oc->hh1 - oc->hh0);
		} else {
			h = grng_below(s->r, (uint32_t)g->nhbase);
			if (s->area_newc[g->h[h].area] == s->area_newc[a])
				continue;
		}
		if (h != from && g->h[h].members && g->h[h].type == 1)
			return h;
	}
	return NONE;
}

static void transfer(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	struct gperson *p = &g->p[i];
	uint32_t from = p->hh;
	uint32_t to = pick_household(s, from, grng_chance(s->r, 0.375));
	if (to == NONE)
		return;
	/* A spouse in the same household (not its head) moves along. */
	uint32_t sp = p->spouse ? p->spouse - 1 : NONE;
	if (sp != NONE && (g->p[sp].hh != from || g->h[from].head == sp + 1 ||
			   !(g->p[sp].flags & GP_PRESENT)))
		sp = NONE;
	int32_t lo = max32(s->d0, p->last);
	if (sp != NONE)
		lo = max32(lo, g->p[sp].last);
	int32_t date = day_in(s, lo, s->d1);
	if (date == DAY_NONE)
		return;
	transfer_one(s, i, to, date);
	g->p[i].relation = 7;
	if (sp != NONE) {
		transfer_one(s, sp, to, date);
		g->p[sp].relation = 7;
	}
}

/* ---- births and pregnancies ---- */

static int draw_sex(struct sim *s)
{
	/* The sex ratio at birth is held near 1.12 without a visible pattern. */
	double p = P_BOY + 0.02 * (s->boys_expected - (double)s->boys);
	p = p < 0.35 ? 0.35 : p > 0.7 ? 0.7 : p;
	s->boys_expected += P_BOY;
	int sex = grng_chance(s->r, p) ? 1 : 2;
	s->boys += sex == 1;
	return sex;
}

static uint8_t child_relation(uint8_t mother)
{
	return mother <= 2 ? 3 : mother <= 4 ? 6 : 7;
}

static int clamp_order(int n)
{
	return n < 1 ? 1 : n > 30 ? 30 : n;
}

static void newborn_screening(struct sim *s, uint32_t c, int32_t birth)
{
	struct gen *g = s->g;
	int32_t d = birth + grng_range(s->r, 2, 7);
	if (d > g->end)
		return;
	struct gbuf *b = ev_person(s, d, "newborn_screening", c);
	if (!b)
		return;
	size_t start = s->ev_start;
	if (grng_chance(s->r, 0.8))
		hospital(s);
	else
		station(s, g->p[c].hh, d);
	m_tmp(s, b, "facility");
	static const char *const cond[5] = {"hypothyroidism", "g6pd", "cah", "hearing", "heart"};
	static const double shown[5] = {1, 1, 0.9, 0.7, 0.4};
	static const double abnormal[5] = {0.0005, 0.01, 0.0002, 0.002, 0.008};
	gb_puts(b, ",\"results\":{");
	bool first = true;
	for (int k = 0; k < 5; k++) {
		if (!grng_chance(s->r, shown[k]))
			continue;
		if (!first)
			gb_putc(b, ',');
		first = false;
		gb_putc(b, '"');
		gb_puts(b, cond[k]);
		gb_puts(b, grng_chance(s->r, abnormal[k]) ? "\":\"abnormal\"" : "\":\"normal\"");
	}
	gb_putc(b, '}');
	ev_close(s, b);
	g->p[c].last = d;
	maybe_twice(s, b, start, d);
}

/* A child born to mother m on date; returns false when out of memory. */
static bool add_child(struct sim *s, uint32_t m, int32_t date, int place)
{
	struct gen *g = s->g;
	if (!gen_person_room(g))
		return false;
	uint32_t c = (uint32_t)g->np++;
	struct gperson *mo = &g->p[m], *p = &g->p[c];
	memset(p, 0, sizeof *p);
	p->sex = (uint8_t)draw_sex(s);
	p->birth = p->last = date;
	p->marital = 1;
	p->residence = 1;
	p->eth = mo->eth;
	p->relation = child_relation(mo->relation);
	p->flags = GP_PRESENT;
	if (mo->spouse)
		p->fam = g->p[mo->spouse - 1].fam;
	else if (mo->marital == 2)
		p->fam = gen_draw_family(s->r, mo->eth, g->south);
	else
		p->fam = mo->fam;
	int y, mm, d;
	day_to_ymd(date, &y, &mm, &d);
	p->mid = gen_draw_middle(s->r, p->sex, y);
	p->mid2 = gen_draw_middle2(s->r, p->sex, y);
	if (p->mid2 == p->mid)
		p->mid2 = 0;
	p->giv = gen_draw_given(s->r, p->sex);
	gen_hh_add(g, mo->hh, c);
	mo->children = (uint8_t)(mo->children < 250 ? mo->children + 1 : mo->children);
	struct gbuf *b = ev_open(s, date, "birth");
	if (!b)
		return true;
	m_person(s, b, "mother", m);
	gb_puts(b, ",\"child\":{\"person_id\":\"");
	gb_pid(b, g->province, c);
	gb_puts(b, "\",\"full_name\":\"");
	gen_put_person_name(b, p);
	gb_puts(b, "\",\"sex\":");
	gb_u(b, p->sex);
	gb_puts(b, ",\"ethnicity\":\"");
	gb_u0(b, p->eth, 2);
	gb_puts(b, "\",\"relation\":");
	gb_u(b, p->relation);
	gb_putc(b, '}');
	m_int(b, "order", clamp_order(g->p[m].children));
	m_int(b, "place", place);
	ev_close(s, b);
	g->births++;
	if (grng_chance(s->r, 0.6))
		newborn_screening(s, c, date);
	return true;
}

static void prenatal(struct sim *s, uint32_t w, int32_t date, int week)
{
	struct gbuf *b = ev_person(s, date, "prenatal_screening", w);
	if (!b)
		return;
	size_t start = s->ev_start;
	m_int(b, "week", week);
	static const char *const cond[4] = {"down", "edwards", "patau", "thalassaemia"};
	static const double high[4] = {0.03, 0.008, 0.005, 0.02};
	gb_puts(b, ",\"results\":{");
	for (int k = 0; k < 4; k++) {
		gb_puts(b, k ? ",\"" : "\"");
		gb_puts(b, cond[k]);
		gb_puts(b, grng_chance(s->r, high[k]) ? "\":\"high\"" : "\":\"low\"");
	}
	gb_putc(b, '}');
	ev_close(s, b);
	s->g->p[w].last = date;
	maybe_twice(s, b, start, date);
}

/* Conception on day c: plans the pregnancy's records and its outcome. */
static bool conceive(struct sim *s, uint32_t w, int32_t c)
{
	struct gen *g = s->g;
	if (!ds_grow(&s->pg, sizeof *s->pg, &s->pgcap, s->npg, 1024))
		return false;
	struct preg *pr = &s->pg[s->npg++];
	memset(pr, 0, sizeof *pr);
	pr->person = w;
	double x = grng_f(s->r);
	pr->outcome = x < P_LIVE ? OUT_BIRTH : x < P_LIVE + 0.1 ? OUT_MISCARRIAGE
			: x < P_LIVE + 0.18 ? OUT_ABORTION : OUT_STILLBIRTH;
	switch (pr->outcome) {
	case OUT_BIRTH:
		pr->end = c + grng_range(s->r, 245, 280);
		pr->twins = grng_chance(s->r, 0.01);
		if (grng_chance(s->r, 0.9))
			pr->reg = pr->end - grng_range(s->r, 183, 213);
		break;
	case OUT_MISCARRIAGE: pr->end = c + grng_range(s->r, 42, 133); break;
	case OUT_ABORTION: pr->end = c + grng_range(s->r, 28, 84); break;
	default: pr->end = c + grng_range(s->r, 154, 266); break;
	}
	if (pr->outcome != OUT_BIRTH && grng_chance(s->r, 0.6))
		pr->reg = c + grng_range(s->r, 30, 60);
	if (pr->reg && pr->reg >= pr->end)
		pr->reg = 0;
	if (grng_chance(s->r, 0.5)) {
		double y = grng_f(s->r);
		if (y < 0.85)
			pr->s12 = c + 70 + grng_range(s->r, 0, 6);
		if (y >= 0.6)
			pr->s21 = c + 133 + grng_range(s->r, 0, 6);
	}
	if (pr->s12 >= pr->end)
		pr->s12 = 0;
	if (pr->s21 >= pr->end)
		pr->s21 = 0;
	g->p[w].flags |= GP_PREG;
	return true;
}

/*
 * The next record of a pregnancy that falls in the month: 0 done for now,
 * 1 something happened (call again), 2 the pregnancy is over.
 */
static int preg_step(struct sim *s, struct preg *pr)
{
	struct gen *g = s->g;
	struct gperson *w = &g->p[pr->person];
	if ((w->flags & (GP_PRESENT | GP_PREG)) != (GP_PRESENT | GP_PREG))
		return 2;
	/* The earliest pending record. */
	int32_t *next = &pr->end;
	if (pr->reg && pr->reg <= *next)
		next = &pr->reg;
	if (pr->s12 && pr->s12 < *next)
		next = &pr->s12;
	if (pr->s21 && pr->s21 < *next)
		next = &pr->s21;
	if (*next < g->start) { /* before the baseline: not recorded */
		if (next == &pr->end) {
			w->flags &= (uint8_t)~GP_PREG;
			return 2;
		}
		*next = 0;
		return 1;
	}
	int32_t date = max32(*next, w->last);
	if (date > g->end)
		return next == &pr->end ? 2 : 0;
	if (date > s->d1)
		return 0;
	int age = age_on(w, date);
	if (age < 10 || age > 60) {
		w->flags &= (uint8_t)~GP_PREG;
		return 2;
	}
	if (next == &pr->end) {
		w->flags &= (uint8_t)~GP_PREG;
		if (pr->outcome == OUT_BIRTH) {
			int place = grng_pick(s->r, (const double[]){25, 70, 4, 1}, 4) + 1;
			w->last = date;
			w->block = date + grng_range(s->r, 120, 600);
			uint32_t m = pr->person;
			if (!add_child(s, m, date, place) || (pr->twins && !add_child(s, m, date, place)))
				s->bad = true;
			return 2;
		}
		struct gbuf *b = ev_person(s, date, "pregnancy", pr->person);
		if (b) {
			m_str(b, "outcome", outcome_name[pr->outcome]);
			m_int(b, "order", clamp_order(w->children + 1));
			ev_close(s, b);
		}
		w->last = date;
		w->block = date + grng_range(s->r, 30, 200);
		return 2;
	}
	if (next == &pr->reg) {
		struct gbuf *b = ev_person(s, date, "pregnancy", pr->person);
		if (b) {
			m_str(b, "outcome", "pregnant");
			m_int(b, "order", clamp_order(w->children + 1));
			ev_close(s, b);
		}
		w->last = date;
	} else {
		prenatal(s, pr->person, date, next == &pr->s12 ? 12 : 21);
	}
	*next = 0;
	return 1;
}

static void pregnancies(struct sim *s)
{
	for (size_t k = 0; k < s->npg;) {
		int st;
		while ((st = preg_step(s, &s->pg[k])) == 1)
			;
		if (st == 2)
			s->pg[k] = s->pg[--s->npg];
		else
			k++;
	}
}

/* ---- contraception ---- */

static double fp_weight(int method)
{
	return method == 0 ? 1.0 : method == 9 ? 0.35 : 0.04;
}

static void fp_stop(struct sim *s, uint32_t i, int32_t date)
{
	struct gperson *p = &s->g->p[i];
	struct gbuf *b = ev_person(s, date, "fp_stop", i);
	if (!b)
		return;
	m_int(b, "method", p->fp);
	ev_close(s, b);
	p->fp = 0;
	p->last = date;
}

static void fp_start(struct sim *s, uint32_t i, int32_t date)
{
	struct gen *g = s->g;
	struct gperson *p = &g->p[i];
	int age = age_on(p, date);
	if (p->marital != 2 || age < 15 || age > 49)
		return;
	int method = grng_pick(s->r, fp_weights, 10);
	if (method == p->fp)
		method = grng_pick(s->r, fp_weights, 10);
	if (method == p->fp || method == 0)
		return;
	int source;
	if (g->h[p->hh].poverty && grng_chance(s->r, 0.9))
		source = 1;
	else
		source = grng_pick(s->r, (const double[]){30, 20, 50}, 3) + 1;
	struct gbuf *b = ev_person(s, date, "fp_start", i);
	if (!b)
		return;
	m_int(b, "method", method);
	m_int(b, "source", source);
	if (source == 3 && (method == 4 || method == 5))
		gb_puts(&s->tmp, "Nhà thuốc");
	else if (source == 2 && (method == 4 || method == 5))
		gb_puts(&s->tmp, "Cộng tác viên dân số");
	else if (grng_chance(s->r, 0.8))
		station(s, p->hh, date);
	else
		hospital(s);
	m_tmp(s, b, "facility");
	m_int(b, "living_children", p->children > 30 ? 30 : p->children);
	ev_close(s, b);
	p->fp = (uint8_t)method;
	p->last = date;
}

/* ---- marriage, divorce ---- */

static void candidate(struct sim *s, uint32_t i)
{
	int sx = s->g->p[i].sex - 1;
	if (!ds_grow(&s->cand[sx], sizeof *s->cand[sx], &s->candcap[sx], s->ncand[sx], 1024)) {
		s->bad = true;
		return;
	}
	s->cand[sx][s->ncand[sx]++] = i;
}

static void marriage_event(struct sim *s, uint32_t i, uint32_t spouse, int32_t date, bool cons,
			   bool pre)
{
	struct gbuf *b = ev_person(s, date, "marriage", i);
	if (!b)
		return;
	if (spouse == NONE)
		gb_puts(b, ",\"spouse\":null");
	else
		m_person(s, b, "spouse", spouse);
	gb_puts(b, cons ? ",\"consanguineous\":true" : ",\"consanguineous\":false");
	gb_puts(b, pre ? ",\"premarital_check\":true" : ",\"premarital_check\":false");
	ev_close(s, b);
	struct gperson *p = &s->g->p[i];
	p->marital = 2;
	p->last = date;
	p->spouse = spouse == NONE ? 0 : spouse + 1;
}

static bool can_leave(struct sim *s, uint32_t i)
{
	const struct ghh *h = &s->g->h[s->g->p[i].hh];
	return h->head != i + 1 || h->members <= 1;
}

static void marry_pair(struct sim *s, uint32_t w, uint32_t m)
{
	struct gen *g = s->g;
	int32_t lo = max32(s->d0, max32(g->p[w].last, g->p[m].last));
	int32_t date = day_in(s, lo, s->d1);
	if (date == DAY_NONE)
		return;
	bool cons = grng_chance(s->r, 0.005), pre = grng_chance(s->r, 0.6);
	marriage_event(s, w, m, date, cons, pre);
	marriage_event(s, m, w, date, cons, pre);
	/* The wife often moves into her husband's household. */
	uint32_t to = g->p[m].hh;
	if (g->p[w].hh != to && g->h[to].members && can_leave(s, w) && grng_chance(s->r, 0.6)) {
		int32_t td = date + grng_range(s->r, 1, 10);
		if (td <= g->end) {
			uint8_t hr = g->p[m].relation;
			transfer_one(s, w, to, td);
			g->p[w].relation = hr == 1 ? 2 : hr == 3 ? 4 : 7;
		}
	}
}

static void marry_alone(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	int32_t date = day_in(s, max32(s->d0, g->p[i].last), s->d1);
	if (date == DAY_NONE)
		return;
	marriage_event(s, i, NONE, date, grng_chance(s->r, 0.005), grng_chance(s->r, 0.6));
	/* Some brides go to live with a husband elsewhere. */
	if (g->p[i].sex == 2 && can_leave(s, i) && grng_chance(s->r, 0.25)) {
		int32_t d = date + grng_range(s->r, 1, 20);
		if (d <= g->end) {
			char dest[16];
			destination(s, dest);
			move_out_one(s, i, d, dest);
		}
	}
}

/* Pairs the month's candidates within their new commune; the others marry outside. */
static void marriages(struct sim *s)
{
	struct gen *g = s->g;
	size_t nm = s->ncand[0], nw = s->ncand[1];
	uint32_t *men = s->cand[0], *women = s->cand[1];
	uint32_t nc = g->units.nnew;
	uint32_t *start = calloc((size_t)nc + 1, sizeof *start), *fill = calloc((size_t)nc + 1, sizeof *fill);
	uint32_t *by = malloc((nm + 1) * sizeof *by);
	uint8_t *taken = calloc(nm + 1, 1);
	if (!start || !fill || !by || !taken) {
		free(start);
		free(fill);
		free(by);
		free(taken);
		s->bad = true;
		return;
	}
	for (size_t k = 0; k < nm; k++)
		start[s->area_newc[g->h[g->p[men[k]].hh].area] + 1]++;
	for (uint32_t c = 0; c < nc; c++)
		start[c + 1] += start[c];
	for (size_t k = 0; k < nm; k++) {
		uint32_t c = s->area_newc[g->h[g->p[men[k]].hh].area];
		by[start[c] + fill[c]++] = (uint32_t)k;
	}
	for (size_t k = 0; k < nw; k++) {
		uint32_t w = women[k];
		uint32_t c = s->area_newc[g->h[g->p[w].hh].area];
		bool paired = false;
		if (grng_chance(s->r, 0.9) && start[c + 1] > start[c]) {
			int wa = age_on(&g->p[w], s->d0);
			uint32_t span = start[c + 1] - start[c];
			uint32_t off = grng_below(s->r, span);
			for (uint32_t t = 0; t < span && t < 24 && !paired; t++) {
				uint32_t mk = by[start[c] + (off + t) % span];
				uint32_t m = men[mk];
				int d = age_on(&g->p[m], s->d0) - wa;
				if (taken[mk] || d < -3 || d > 15 || g->p[m].hh == g->p[w].hh)
					continue;
				taken[mk] = 1;
				paired = true;
				marry_pair(s, w, m);
			}
		}
		if (!paired)
			marry_alone(s, w);
	}
	for (size_t k = 0; k < nm; k++)
		if (!taken[k])
			marry_alone(s, men[k]);
	s->ncand[0] = s->ncand[1] = 0;
	free(start);
	free(fill);
	free(by);
	free(taken);
}

static void divorce(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	uint32_t sp = g->p[i].spouse ? g->p[i].spouse - 1 : NONE;
	bool both = sp != NONE && (g->p[sp].flags & GP_PRESENT) && (g->p[sp].marital == 2 || g->p[sp].marital == 5);
	int32_t lo = max32(s->d0, g->p[i].last);
	if (both)
		lo = max32(lo, g->p[sp].last);
	int32_t date = day_in(s, lo, s->d1);
	if (date == DAY_NONE)
		return;
	uint32_t who[2] = {i, sp};
	for (int k = 0; k < (both ? 2 : 1); k++) {
		struct gbuf *b = ev_person(s, date, "divorce", who[k]);
		if (!b)
			return;
		ev_close(s, b);
		g->p[who[k]].marital = 4;
		g->p[who[k]].last = date;
		g->p[who[k]].spouse = 0;
	}
	if (sp != NONE)
		g->p[sp].spouse = 0;
}

/* ---- other person events ---- */

static void elderly_check(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	struct gperson *p = &g->p[i];
	int32_t date = day_in(s, max32(s->d0, p->last), s->d1);
	if (date == DAY_NONE || age_on(p, date) < 60)
		return;
	struct gbuf *b = ev_person(s, date, "elderly_check", i);
	if (!b)
		return;
	size_t start = s->ev_start;
	if (grng_chance(s->r, 0.85))
		station(s, p->hh, date);
	else
		gb_puts(&s->tmp, "Trung tâm Y tế khu vực");
	m_tmp(s, b, "facility");
	ev_close(s, b);
	p->checked = (uint8_t)(s->year - 1900);
	p->last = date;
	maybe_twice(s, b, start, date);
}

static void info_change(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	struct gperson *p = &g->p[i];
	int32_t date = day_in(s, max32(s->d0, p->last), s->d1);
	if (date == DAY_NONE)
		return;
	int age = age_on(p, date);
	struct gbuf *b;
	if (age >= 14 && !(p->flags & GP_NID) && gen_nid_possible(p->birth) && grng_chance(s->r, 0.7)) {
		gen_put_nid(g, &s->tmp, g->province, p->sex, p->birth);
		if (!(b = ev_person(s, date, "info_change", i)))
			return;
		m_str(b, "field", "national_id");
		m_tmp(s, b, "value");
		p->flags |= GP_NID;
	} else if (age >= 6 && age <= 24 && p->education < 5 &&
		   p->education < (age < 11 ? 1 : age < 15 ? 2 : age < 18 ? 3 : 5)) {
		if (!(b = ev_person(s, date, "info_change", i)))
			return;
		m_str(b, "field", "education");
		p->education++;
		gb_puts(b, ",\"value\":\"");
		gb_u(b, p->education);
		gb_putc(b, '"');
	} else if (grng_chance(s->r, 0.12)) {
		p->giv = gen_draw_given(s->r, p->sex);
		gen_put_person_name(&s->tmp, p);
		if (!(b = ev_person(s, date, "info_change", i)))
			return;
		m_str(b, "field", "full_name");
		m_tmp(s, b, "value");
	} else {
		uint8_t v = p->residence == 1 ? (grng_chance(s->r, 0.5) ? 2 : 3) : 1;
		if (!(b = ev_person(s, date, "info_change", i)))
			return;
		m_str(b, "field", "residence");
		p->residence = v;
		gb_puts(b, ",\"value\":\"");
		gb_u(b, v);
		gb_putc(b, '"');
	}
	ev_close(s, b);
	p->last = date;
}

/* ---- arrivals ---- */

static void origin(struct sim *s, char out[16], int *prov)
{
	destination(s, out);
	*prov = out[0] == 'a' ? s->g->province : (out[0] - '0') * 10 + (out[1] - '0');
}

static int32_t birth_for_age(struct sim *s, int age, int32_t at)
{
	int32_t hi = day_add_months(at, -12 * age);
	int32_t lo = day_add_months(at, -12 * (age + 1)) + 1;
	return lo + grng_range(s->r, 0, hi - lo);
}

/* A new person arriving on date; returns its index or NONE. */
static uint32_t arrival(struct sim *s, int sex, int age, uint8_t rel, uint8_t marital, uint8_t eth,
			uint8_t fam, int32_t date)
{
	struct gen *g = s->g;
	if (!gen_person_room(g))
		return NONE;
	uint32_t i = (uint32_t)g->np++;
	struct gperson *p = &g->p[i];
	memset(p, 0, sizeof *p);
	p->sex = (uint8_t)sex;
	p->birth = birth_for_age(s, age, date);
	p->last = date;
	p->relation = rel;
	p->marital = marital;
	p->eth = eth;
	p->fam = fam;
	int y, m, d;
	day_to_ymd(p->birth, &y, &m, &d);
	p->mid = gen_draw_middle(s->r, sex, y);
	p->mid2 = gen_draw_middle2(s->r, sex, y);
	if (p->mid2 == p->mid)
		p->mid2 = 0;
	p->giv = gen_draw_given(s->r, sex);
	p->education = gen_draw_education(s->r, age);
	p->residence = grng_chance(s->r, 0.65) ? 1 : 3;
	p->flags = GP_PRESENT;
	if (age >= 14 && gen_nid_possible(p->birth) && grng_chance(s->r, 0.85))
		p->flags |= GP_NID;
	if (grng_chance(s->r, 0.6))
		p->flags |= GP_INS;
	if (sex == 2 && marital == 2 && age >= 15 && age <= 49 && grng_chance(s->r, 0.6))
		p->fp = (uint8_t)grng_pick(s->r, fp_weights, 10);
	return i;
}

/* The move_in event of person i (already in household h). */
static void move_in_event(struct sim *s, uint32_t i, uint32_t h, bool new_hh, int32_t date,
			  const char *from, int nid_prov)
{
	struct gen *g = s->g;
	const struct gperson *p = &g->p[i];
	struct gbuf *b = ev_open(s, date, "move_in");
	if (!b)
		return;
	if (new_hh) {
		const struct ghh *hh = &g->h[h];
		gb_puts(b, ",\"new_household\":{\"household_id\":\"");
		gb_hid(b, g->province, h);
		gb_puts(b, "\",\"area_code\":\"");
		gen_area_code(b, &g->units, hh->area);
		gb_puts(b, "\",\"number\":\"");
		gb_u(b, hh->number);
		gb_puts(b, "\",\"address\":");
		gb_puts(&s->tmp, "Số ");
		gb_u(&s->tmp, (uint64_t)grng_range(s->r, 1, 400));
		gb_puts(&s->tmp, ", ");
		gen_village_name(&s->tmp, &g->units, g->units.area[hh->area].village, g->province);
		gb_putc(&s->tmp, '\0');
		if (!s->tmp.oom)
			gb_json(b, s->tmp.p);
		s->tmp.len = 0;
		gb_puts(b, ",\"type\":1,\"poverty\":");
		gb_u(b, hh->poverty);
		gb_putc(b, '}');
	} else {
		m_household(s, b, "household", h);
	}
	gb_puts(b, ",\"person\":{\"person_id\":\"");
	gb_pid(b, g->province, i);
	gb_puts(b, "\",\"full_name\":\"");
	gen_put_person_name(b, p);
	gb_puts(b, "\",\"sex\":");
	gb_u(b, p->sex);
	gb_puts(b, ",\"birth_date\":\"");
	gb_date(b, p->birth);
	gb_puts(b, "\",\"relation\":");
	gb_u(b, p->relation);
	gb_puts(b, ",\"ethnicity\":\"");
	gb_u0(b, p->eth, 2);
	gb_puts(b, "\",\"education\":");
	gb_u(b, p->education);
	gb_puts(b, ",\"marital\":");
	gb_u(b, p->marital);
	gb_puts(b, ",\"residence\":");
	gb_u(b, p->residence);
	gb_puts(b, ",\"insurance_no\":\"");
	if (p->flags & GP_INS)
		gen_put_ins(g, b);
	gb_puts(b, "\",\"national_id\":\"");
	if (p->flags & GP_NID)
		gen_put_nid(g, b, nid_prov, p->sex, p->birth);
	gb_puts(b, "\",\"fp_method\":");
	if (p->fp) {
		gb_u(b, p->fp);
		gb_puts(b, ",\"fp_since\":\"");
		int32_t since = day_add_months(date, -grng_range(s->r, 0, 60));
		int32_t earliest = day_add_months(p->birth, 15 * 12);
		gb_month(b, since < earliest ? date : since);
		gb_puts(b, "\"}");
	} else {
		gb_puts(b, "null,\"fp_since\":null}");
	}
	m_str(b, "origin", from);
	ev_close(s, b);
}

/* A family arriving into a new household of the province. */
static void arrive_family(struct sim *s, int32_t date)
{
	struct gen *g = s->g;
	if (!gen_household_room(g)) {
		s->bad = true;
		return;
	}
	uint32_t h = (uint32_t)g->nh++;
	struct ghh *hh = &g->h[h];
	memset(hh, 0, sizeof *hh);
	hh->area = grng_below(s->r, g->units.narea);
	hh->entry = date;
	hh->type = 1;
	hh->poverty = grng_chance(s->r, 0.05) ? 1 : 0;
	hh->number = ++g->units.area[hh->area].books;
	char from[16];
	int prov;
	origin(s, from, &prov);
	uint8_t eth = gen_draw_ethnicity(s->r, prov == g->province ? g->province : prov);
	static const double sizes[5] = {40, 20, 20, 15, 5};
	int n = grng_pick(s->r, sizes, 5) + 1;
	int hsex = n == 1 ? grng_range(s->r, 1, 2) : grng_chance(s->r, 0.8) ? 1 : 2;
	int hage = grng_range(s->r, n == 1 ? 18 : 22, n == 1 ? 45 : 50);
	uint8_t fam = gen_draw_family(s->r, eth, g->south);
	uint32_t head = arrival(s, hsex, hage, 1, n == 1 ? (hage >= 28 && grng_chance(s->r, 0.15) ? 4 : 1) : 2,
				eth, fam, date);
	if (head == NONE) {
		s->bad = true;
		return;
	}
	gen_hh_add(g, h, head);
	g->h[h].head = head + 1;
	move_in_event(s, head, h, true, date, from, prov);
	if (n == 1)
		return;
	int ssex = 3 - hsex;
	int sage = hsex == 1 ? grng_range(s->r, hage - 8 > 18 ? hage - 8 : 18, hage + 2)
			     : grng_range(s->r, hage - 2, hage + 8);
	uint32_t sp = arrival(s, ssex, sage, 2, 2, eth, gen_draw_family(s->r, eth, g->south), date);
	if (sp == NONE)
		return;
	gen_hh_add(g, h, sp);
	g->p[sp].spouse = head + 1;
	g->p[head].spouse = sp + 1;
	move_in_event(s, sp, h, false, date, from, prov);
	int mage = hsex == 2 ? hage : sage;
	for (int k = 2; k < n && mage >= 19; k++) {
		int cage = grng_range(s->r, 0, mage - 18 < 17 ? mage - 18 : 17);
		int csex = grng_range(s->r, 1, 2);
		uint32_t c = arrival(s, csex, cage, 3, 1, eth, g->p[hsex == 1 ? head : sp].fam, date);
		if (c == NONE)
			return;
		gen_hh_add(g, h, c);
		move_in_event(s, c, h, false, date, from, prov);
	}
}

static void arrive_person(struct sim *s, int32_t date)
{
	struct gen *g = s->g;
	uint32_t h = NONE;
	for (int tries = 0; tries < 12 && h == NONE; tries++) {
		uint32_t k = grng_below(s->r, (uint32_t)g->nh);
		if (g->h[k].members && g->h[k].type == 1 && g->h[k].entry <= date)
			h = k;
	}
	if (h == NONE)
		return;
	char from[16];
	int prov;
	origin(s, from, &prov);
	int sex = grng_range(s->r, 1, 2);
	int age = grng_range(s->r, 16, 40);
	uint8_t eth = g->p[g->h[h].first - 1].eth;
	uint32_t i = arrival(s, sex, age, grng_chance(s->r, 0.6) ? 7 : 8, 1, eth,
			     gen_draw_family(s->r, eth, g->south), date);
	if (i == NONE) {
		s->bad = true;
		return;
	}
	gen_hh_add(g, h, i);
	move_in_event(s, i, h, false, date, from, prov);
}

static void arrivals(struct sim *s)
{
	double expected = (double)s->present * 0.011 / 12;
	/* About 2.3 persons a family: 55% of the groups are families. */
	long groups = (long)(expected / (0.55 * 2.3 + 0.45) + grng_f(s->r));
	for (long k = 0; k < groups; k++) {
		int32_t date = day_in(s, s->d0, s->d1);
		if (date == DAY_NONE)
			return;
		if (grng_chance(s->r, 0.55))
			arrive_family(s, date);
		else
			arrive_person(s, date);
	}
}

/* ---- households ---- */

static void hh_change(struct sim *s, uint32_t h, int32_t date, int kind)
{
	struct gen *g = s->g;
	struct gbuf *b = ev_open(s, date, "household_change");
	if (!b)
		return;
	m_household(s, b, "household", h);
	if (kind == 0) {
		gb_puts(&s->tmp, grng_chance(s->r, 0.8) ? "Số " : "Tổ ");
		gb_u(&s->tmp, (uint64_t)grng_range(s->r, 1, 400));
		if (grng_chance(s->r, 0.3)) {
			gb_putc(&s->tmp, '/');
			gb_u(&s->tmp, (uint64_t)grng_range(s->r, 1, 60));
		}
		gb_puts(&s->tmp, ", ");
		gen_village_name(&s->tmp, &g->units, g->units.area[g->h[h].area].village, g->province);
		m_tmp(s, b, "address");
	} else {
		g->h[h].type = g->h[h].type == 1 ? 2 : 1;
		m_int(b, "household_type", g->h[h].type);
	}
	ev_close(s, b);
}

static void whole_household_moves(struct sim *s, uint32_t h)
{
	struct gen *g = s->g;
	int32_t lo = s->d0;
	for (uint32_t m = g->h[h].first; m; m = g->p[m - 1].next)
		if ((g->p[m - 1].flags & (GP_PRESENT | GP_GHOST)) == GP_PRESENT)
			lo = max32(lo, g->p[m - 1].last);
	int32_t date = day_in(s, lo, s->d1);
	if (date == DAY_NONE)
		return;
	char dest[16];
	destination(s, dest);
	for (uint32_t m = g->h[h].first; m; m = g->p[m - 1].next)
		if ((g->p[m - 1].flags & (GP_PRESENT | GP_GHOST)) == GP_PRESENT)
			move_out_one(s, m - 1, date, dest);
	g->h[h].head = 0;
}

static void households(struct sim *s)
{
	struct gen *g = s->g;
	const double move = 0.003 / 12, addr = 0.005 / 12, type = 0.0003 / 12;
	size_t nh = g->nh;
	for (uint32_t h = 0; h < nh; h++) {
		struct ghh *hh = &g->h[h];
		if (!hh->members)
			continue;
		double x = grng_f(s->r);
		if (x >= move + addr + type)
			continue;
		if (x < move) {
			if (hh->type == 1)
				whole_household_moves(s, h);
			continue;
		}
		int32_t date = day_in(s, max32(s->d0, hh->entry), s->d1);
		if (date != DAY_NONE)
			hh_change(s, h, date, x < move + addr ? 0 : 1);
	}
}

/* Poverty statuses of the year, recorded from 1 to 15 January. */
static void poverty(struct sim *s)
{
	struct gen *g = s->g;
	int32_t jan15 = day_from_ymd(s->year, 1, 15);
	if (s->d0 > jan15)
		return;
	for (uint32_t h = 0; h < g->nh; h++) {
		struct ghh *hh = &g->h[h];
		if (!hh->members || !grng_chance(s->r, hh->poverty ? 0.5 : 0.016))
			continue;
		int32_t date = day_in(s, max32(s->d0, hh->entry), jan15);
		if (date == DAY_NONE)
			continue;
		int pov;
		double x = grng_f(s->r);
		if (hh->poverty)
			pov = x < 0.6 ? hh->poverty : x < 0.85 ? hh->poverty - 1 : 3 - hh->poverty;
		else
			pov = x < 0.6 ? 1 : x < 0.85 ? 2 : 0;
		struct gbuf *b = ev_open(s, date, "household_change");
		if (!b)
			return;
		m_household(s, b, "household", h);
		m_int(b, "poverty", pov);
		m_int(b, "year", s->year);
		ev_close(s, b);
		hh->poverty = (uint8_t)pov;
	}
}

/* ---- the person loop ---- */

#define DIVORCE (0.002 / 12)
#define TRANSFER (0.012 / 12)
#define INFO (0.005 / 12)
#define FP_STOP 0.01
#define FP_START 0.02
#define FP_SWITCH 0.003
#define ELDERLY 0.0955 /* 1 - 0.3^(1/12): 70% checked in a year */

static inline int age_ix(int32_t days)
{
	if (days < 0)
		return 0;
	int a = (int)(((uint64_t)days * 2871u) >> 20);
	return a > MAX_AGE_IX ? MAX_AGE_IX : a;
}

/* Fertility bookkeeping of woman p; her monthly conception chance. */
static double fertility(struct sim *s, const struct gperson *p, int age)
{
	if (age < 10 || age > 54)
		return 0;
	int k = (age - 10) / 5;
	s->acc_all[k] += 1;
	if ((p->flags & GP_PREG) || s->d0 < p->block)
		return 0;
	if (p->marital == 2) {
		double w = fp_weight(p->fp);
		s->acc_wm[k] += w;
		return s->conc_m[k] * w;
	}
	s->acc_u[k] += 1;
	return s->conc_u[k];
}

/* Monthly conception rates from the women counted in the last month. */
static void renormalise(struct sim *s)
{
	for (int k = 0; k < GEN_ASFR_GROUPS; k++) {
		double births = s->g->ref.asfr[k] * s->acc_all[k] / 12 / P_LIVE;
		double m = s->acc_wm[k] > 0 ? (s->acc_u[k] > 0 ? 0.97 : 1.0) : 0;
		s->conc_m[k] = s->acc_wm[k] > 0 ? fmin(0.5, m * births / s->acc_wm[k]) : 0;
		s->conc_u[k] = s->acc_u[k] > 0 ? fmin(0.5, (1 - m) * births / s->acc_u[k]) : 0;
		s->acc_all[k] = s->acc_wm[k] = s->acc_u[k] = 0;
	}
}

static void person_month(struct sim *s, uint32_t i)
{
	struct gen *g = s->g;
	struct gperson *p = &g->p[i];
	int age = age_ix(s->d0 - p->birth);
	int sx = p->sex - 1;
	s->present++;
	double h_conc = sx ? fertility(s, p, age) : 0;
	double h_death = s->death[sx][age];
	double h_mar = p->marital == 1 ? s->mar1[sx][age]
		       : p->marital == 3 || p->marital == 4 ? s->mar2[sx][age] : 0;
	double h_div = p->marital == 2 && (sx || !p->spouse) ? DIVORCE : 0;
	const struct ghh *hh = &g->h[p->hh];
	bool movable = hh->head != i + 1 || hh->members <= 1;
	double h_move = movable ? s->move[age] : 0;
	double h_trans = hh->head != i + 1 && age >= 15 ? TRANSFER : 0;
	double h_fp = 0;
	if (sx && p->fp)
		h_fp = FP_STOP;
	bool fp_ok = sx && p->marital == 2 && age >= 15 && age <= 49 && !(p->flags & GP_PREG);
	double h_fps = fp_ok ? (p->fp ? FP_SWITCH : FP_START) : 0;
	double h_eld = age >= 59 && p->checked != (uint8_t)(s->year - 1900) ? ELDERLY : 0;
	double x = grng_f(s->r);
	if (x >= h_death + h_conc + h_mar + h_div + h_move + h_trans + h_fp + h_fps + h_eld + INFO)
		return;
	int32_t lo = max32(s->d0, p->last);
	if ((x -= h_death) < 0) {
		int32_t d = day_in(s, lo, s->d1);
		if (d != DAY_NONE)
			die(s, i, d);
	} else if ((x -= h_conc) < 0) {
		int32_t c = day_in(s, lo, s->d1);
		if (c == DAY_NONE)
			return;
		if (p->fp)
			fp_stop(s, i, c); /* the method failed, or was given up */
		if (!conceive(s, i, c))
			s->bad = true;
	} else if ((x -= h_mar) < 0) {
		candidate(s, i);
	} else if ((x -= h_div) < 0) {
		divorce(s, i);
	} else if ((x -= h_move) < 0) {
		int32_t d = day_in(s, lo, s->d1);
		if (d != DAY_NONE) {
			char dest[16];
			destination(s, dest);
			move_out_one(s, i, d, dest);
		}
	} else if ((x -= h_trans) < 0) {
		transfer(s, i);
	} else if ((x -= h_fp) < 0) {
		int32_t d = day_in(s, lo, s->d1);
		if (d != DAY_NONE)
			fp_stop(s, i, d);
	} else if ((x -= h_fps) < 0) {
		int32_t d = day_in(s, lo, s->d1);
		if (d != DAY_NONE)
			fp_start(s, i, d);
	} else if ((x -= h_eld) < 0) {
		elderly_check(s, i);
	} else {
		info_change(s, i);
	}
}

/* ---- set-up, the months, the file ---- */

static float monthly(double annual)
{
	return (float)(1 - exp(-annual / 12));
}

static void hazards(struct sim *s)
{
	const struct gen_ref *ref = &s->g->ref;
	for (int sx = 0; sx < 2; sx++)
		for (int a = 0; a <= MAX_AGE_IX; a++) {
			s->death[sx][a] = monthly(ref->mx[sx][gen_mx_group(a)]);
			double m1, m2;
			if (sx) {
				m1 = a < 16 ? 0 : a < 18 ? 0.008 : a < 20 ? 0.07 : a < 25 ? 0.15 : a < 30 ? 0.17
				   : a < 35 ? 0.1 : a < 40 ? 0.05 : a < 50 ? 0.02 : a < 70 ? 0.003 : 0;
				m2 = a < 18 ? 0 : a < 40 ? 0.05 : a < 60 ? 0.015 : a < 80 ? 0.002 : 0;
			} else {
				m1 = a < 18 ? 0 : a < 20 ? 0.012 : a < 25 ? 0.08 : a < 30 ? 0.17 : a < 35 ? 0.15
				   : a < 40 ? 0.07 : a < 50 ? 0.03 : a < 70 ? 0.005 : 0;
				m2 = a < 20 ? 0 : a < 40 ? 0.08 : a < 60 ? 0.03 : a < 80 ? 0.006 : 0;
			}
			s->mar1[sx][a] = monthly(m1);
			s->mar2[sx][a] = monthly(m2);
		}
	for (int a = 0; a <= MAX_AGE_IX; a++)
		s->move[a] = monthly(a < 15 ? 0.004 : a < 18 ? 0.006 : a < 35 ? 0.015 : a < 60 ? 0.007 : 0.003);
}

/*
 * Women who conceived in the nine months before the baseline give birth in
 * its first months: their pregnancies are drawn with the same rates, and
 * only their records on or after the start date are kept.
 */
static void pregnant_at_start(struct sim *s)
{
	struct gen *g = s->g;
	s->d0 = g->start;
	for (uint32_t i = 0; i < g->nbase; i++) {
		const struct gperson *p = &g->p[i];
		if ((p->flags & (GP_PRESENT | GP_GHOST)) == GP_PRESENT && p->sex == 2)
			fertility(s, p, age_ix(g->start - p->birth));
	}
	renormalise(s);
	for (uint32_t i = 0; i < g->nbase; i++) {
		struct gperson *p = &g->p[i];
		if ((p->flags & (GP_PRESENT | GP_GHOST)) != GP_PRESENT || p->sex != 2)
			continue;
		int age = age_ix(g->start - p->birth);
		if (age < 10 || age > 54 || g->start < p->block)
			continue;
		int k = (age - 10) / 5;
		double q = p->marital == 2 ? s->conc_m[k] * fp_weight(p->fp) : s->conc_u[k];
		for (int m = 9; m >= 1; m--) {
			if (!grng_chance(s->r, q))
				continue;
			int32_t c = g->start - 30 * m + grng_range(s->r, 0, 29);
			if (!conceive(s, i, c))
				s->bad = true;
			break;
		}
	}
}

static void flush_days(struct sim *s, int32_t upto)
{
	for (; s->flushed < upto && (size_t)(s->flushed - s->day0) < s->ndays; s->flushed++) {
		struct gbuf *d = &s->days[s->flushed - s->day0];
		if (d->oom)
			s->bad = true;
		gb_put(&s->ef->b, d->p ? d->p : "", d->len);
		gb_free(d);
		gf_maybe_flush(s->ef);
	}
}

static void sim_free(struct sim *s)
{
	if (s->days)
		for (size_t k = 0; k < s->ndays; k++)
			gb_free(&s->days[k]);
	free(s->days);
	free(s->pg);
	free(s->cand[0]);
	free(s->cand[1]);
	free(s->area_newc);
	free(s->area_oldc);
	gb_free(&s->tmp);
}

enum ds_rc gen_sim_run(struct gen *g, struct gfile *ef)
{
	struct sim *s = calloc(1, sizeof *s);
	if (!s)
		return DS_ENOMEM;
	s->g = g;
	s->r = &g->r;
	s->ef = ef;
	s->day0 = s->flushed = g->start;
	s->ndays = g->end >= g->start ? (size_t)(g->end - g->start + 1) : 0;
	s->days = calloc(s->ndays + 1, sizeof *s->days);
	s->area_newc = malloc((g->units.narea + 1) * sizeof *s->area_newc);
	s->area_oldc = malloc((g->units.narea + 1) * sizeof *s->area_oldc);
	enum ds_rc rc = DS_OK;
	if (!s->days || !s->area_newc || !s->area_oldc) {
		rc = DS_ENOMEM;
		goto out;
	}
	for (uint32_t a = 0; a < g->units.narea; a++) {
		uint32_t oc = g->units.vill[g->units.area[a].village].old;
		s->area_oldc[a] = oc;
		s->area_newc[a] = g->units.old[oc].newc;
	}
	hazards(s);
	if (s->ndays)
		pregnant_at_start(s);
	for (int32_t d0 = g->start; d0 <= g->end && !s->bad; d0 = day_month_end(d0) + 1) {
		s->d0 = d0;
		s->d1 = day_month_end(d0) < g->end ? day_month_end(d0) : g->end;
		int dd;
		day_to_ymd(d0, &s->year, &s->month, &dd);
		s->present = 0;
		if (s->month == 1)
			poverty(s);
		pregnancies(s);
		size_t n = g->np;
		for (uint32_t i = 0; i < n; i++)
			if ((g->p[i].flags & (GP_PRESENT | GP_GHOST)) == GP_PRESENT)
				person_month(s, i);
		pregnancies(s); /* the records of this month's new pregnancies */
		renormalise(s);
		marriages(s);
		households(s);
		arrivals(s);
		flush_days(s, s->d1 + 1);
		progress_tick(&g->pr, (size_t)g->events, 0, "events");
	}
	flush_days(s, g->end + 1);
	if (s->bad || s->tmp.oom)
		rc = s->tmp.oom ? DS_ENOMEM : DS_EINTERNAL;
out:
	sim_free(s);
	free(s);
	return rc;
}
