/*
 * The administrative tree of the synthetic province, before and after the
 * reform of 1 July 2025.
 *
 * Before: province -> districts (3 digits) -> old communes (5 digits) ->
 * villages (old commune code + 3 digits) -> areas (village code + 2
 * digits).  After: province -> new communes (5 digits, from a range that
 * no old code uses) -> the same villages -> the same areas.  Two to four
 * old communes (three on average) make one new commune; a district holds
 * about fifteen old communes (at most 999 districts: their codes have
 * three digits); an area about 150 households (at least two areas an old
 * commune); a village two or three areas.
 *
 * The new communes are one per 30,000 persons, or as many as asked
 * (--communes, for benchmarks of a province with thousands of them).  Old
 * codes are spaced three apart from a base that depends on the province;
 * when that layout would run past 99999, the codes are numbered one apart
 * from 01000 instead (never the case without --communes, whose files stay
 * byte for byte as they were).
 */
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "gen/gen_int.h"

#define HOUSEHOLDS_PER_AREA 150
#define PERSONS_PER_NEW_COMMUNE 30000
#define OLD_PER_DISTRICT 15
#define MAX_DISTRICTS 999
#define MAX_COMMUNE_CODE 99999u

static uint32_t old_base(int province)
{
	return 1000u + (uint32_t)(province * 971) % 50000u;
}

static bool urban_province(const char *name)
{
	return strncmp(name, "TP ", 3) == 0;
}

/* Kinds of the districts and old communes, and their names. */
static void name_units(struct gen_units *u, struct grng *r, bool urban)
{
	uint32_t nquan = urban ? (u->ndist * 2 + 2) / 3 : 0;
	uint32_t numbered = 0;
	for (uint32_t d = 0; d < u->ndist; d++) {
		struct gen_commune *c = &u->dist[d];
		if (urban) {
			c->kind = d < nquan ? UK_QUAN : UK_HUYEN;
			c->numbered = c->kind == UK_QUAN && d < 12 && d + 1 < nquan;
		} else {
			c->kind = d == 0 ? UK_THANHPHO : d == 1 && u->ndist >= 3 ? UK_THIXA : UK_HUYEN;
		}
		c->name = c->numbered ? ++numbered : u->name_next++;
	}
	uint32_t *seen = calloc(u->ndist, sizeof *seen);
	for (uint32_t i = 0; i < u->nold; i++) {
		struct gen_commune *c = &u->old[i];
		const struct gen_commune *d = &u->dist[c->parent];
		uint32_t k = seen ? seen[c->parent]++ : i;
		switch (d->kind) {
		case UK_QUAN: c->kind = UK_PHUONG; break;
		case UK_THANHPHO:
		case UK_THIXA: c->kind = grng_chance(r, 0.8) ? UK_PHUONG : UK_XA; break;
		default: c->kind = k == 0 ? UK_THITRAN : UK_XA; break;
		}
		c->numbered = d->kind == UK_QUAN && d->numbered && grng_chance(r, 0.5);
		c->name = c->numbered ? k + 1 : u->name_next++;
	}
	free(seen);
	for (uint32_t j = 0; j < u->nnew; j++)
		u->new_[j].name = u->name_next++;
	for (uint32_t i = 0; i < u->nold; i++) {
		struct gen_commune *n = &u->new_[u->old[i].newc];
		if (u->old[i].kind == UK_PHUONG)
			n->kind = UK_PHUONG;
	}
}

/* Areas of each old commune, then villages of two or three areas. */
static enum ds_rc plan_areas(struct gen_units *u, struct grng *r, long households)
{
	long target = (households + HOUSEHOLDS_PER_AREA / 2) / HOUSEHOLDS_PER_AREA;
	if (target < 2L * u->nold)
		target = 2L * u->nold;
	double *w = malloc(u->nold * sizeof *w), total = 0;
	uint32_t *na = malloc(u->nold * sizeof *na);
	if (!w || !na) {
		free(w);
		free(na);
		return DS_ENOMEM;
	}
	for (uint32_t i = 0; i < u->nold; i++)
		total += (w[i] = 0.6 + 0.8 * grng_f(r));
	u->narea = u->nvill = 0;
	for (uint32_t i = 0; i < u->nold; i++) {
		long a = (long)((double)target * w[i] / total + 0.5);
		na[i] = a < 2 ? 2 : (uint32_t)a;
		u->narea += na[i];
		u->nvill += (na[i] + 2) / 3;
	}
	free(w);
	u->vill = calloc(u->nvill, sizeof *u->vill);
	u->area = calloc(u->narea, sizeof *u->area);
	if (!u->vill || !u->area) {
		free(na);
		return DS_ENOMEM;
	}
	uint32_t v = 0, a = 0;
	for (uint32_t i = 0; i < u->nold; i++) {
		uint32_t nv = (na[i] + 2) / 3, threes = na[i] - 2 * nv;
		u->old[i].vill0 = v;
		u->old[i].nvill = nv;
		for (uint32_t k = 0; k < nv; k++, v++) {
			struct gen_village *vl = &u->vill[v];
			vl->old = i;
			vl->number = (uint16_t)(k + 1);
			vl->nareas = (uint8_t)(k < threes ? 3 : 2);
			vl->area0 = a;
			for (uint8_t j = 0; j < vl->nareas; j++, a++) {
				u->area[a].village = v;
				u->area[a].number = (uint8_t)(j + 1);
			}
		}
	}
	free(na);
	return DS_OK;
}

/* The codes of the old and new communes (see the top of the file). */
static void code_communes(struct gen_units *u, const uint8_t *merge, int province)
{
	uint32_t base = old_base(province), step = 3;
	if (base + 3 * u->nold + 3 * u->nnew > MAX_COMMUNE_CODE) {
		base = 1000;
		step = 1;
	}
	uint32_t i = 0;
	for (uint32_t j = 0; j < u->nnew; j++) {
		u->new_[j].code = base + step * u->nold + (step == 3) + step * j;
		u->new_[j].kind = UK_XA;
		for (int k = 0; k < merge[j]; k++, i++) {
			u->old[i].code = base + step * i;
			u->old[i].newc = j;
			u->old[i].parent = (uint32_t)((uint64_t)i * u->ndist / u->nold);
		}
	}
}

enum ds_rc gen_units_plan(struct gen_units *u, struct grng *r, long persons, long households,
			  long communes, int province, bool urban)
{
	memset(u, 0, sizeof *u);
	long nnew = communes ? communes
			     : (persons + PERSONS_PER_NEW_COMMUNE / 2) / PERSONS_PER_NEW_COMMUNE;
	u->nnew = nnew < 2 ? 2 : (uint32_t)nnew;
	uint8_t *merge = malloc(u->nnew);
	if (!merge)
		return DS_ENOMEM;
	for (uint32_t j = 0; j < u->nnew; j++) {
		merge[j] = (uint8_t)grng_range(r, 2, 4);
		u->nold += merge[j];
	}
	u->ndist = (u->nold + OLD_PER_DISTRICT - 1) / OLD_PER_DISTRICT;
	if (u->ndist > MAX_DISTRICTS)
		u->ndist = MAX_DISTRICTS;
	u->dist = calloc(u->ndist, sizeof *u->dist);
	u->old = calloc(u->nold, sizeof *u->old);
	u->new_ = calloc(u->nnew, sizeof *u->new_);
	if (!u->dist || !u->old || !u->new_) {
		free(merge);
		return DS_ENOMEM;
	}
	code_communes(u, merge, province);
	free(merge);
	for (uint32_t d = 0; d < u->ndist; d++)
		u->dist[d].code = 1 + (uint32_t)(province * 10 + (int)d) % 999;
	name_units(u, r, urban);
	return plan_areas(u, r, households);
}

void gen_units_free(struct gen_units *u)
{
	free(u->dist);
	free(u->old);
	free(u->new_);
	free(u->vill);
	free(u->area);
	memset(u, 0, sizeof *u);
}

static const char *const kind_name[] = {
	[UK_QUAN] = "Quận",      [UK_HUYEN] = "Huyện", [UK_THANHPHO] = "Thành phố",
	[UK_THIXA] = "Thị xã",   [UK_PHUONG] = "Phường", [UK_XA] = "Xã",
	[UK_THITRAN] = "Thị trấn"};
static const char *const kind_lower[] = {
	[UK_QUAN] = "quận",    [UK_HUYEN] = "huyện",   [UK_THANHPHO] = "thành phố",
	[UK_THIXA] = "thị xã", [UK_PHUONG] = "phường", [UK_XA] = "xã",
	[UK_THITRAN] = "thị trấn"};

void gen_commune_name(struct gbuf *b, const struct gen_commune *c, bool lower_prefix)
{
	gb_puts(b, (lower_prefix ? kind_lower : kind_name)[c->kind]);
	gb_putc(b, ' ');
	if (c->numbered) {
		gb_u(b, c->name);
	} else {
		char name[64];
		gen_place_name(c->name, name, sizeof name);
		gb_puts(b, name);
	}
}

void gen_village_name(struct gbuf *b, const struct gen_units *u, uint32_t v, int province)
{
	const struct gen_village *vl = &u->vill[v];
	uint8_t kind = u->old[vl->old].kind;
	bool south = gen_province_south(province);
	bool ban = province == 4 || province == 8 || province == 11 || province == 12 ||
		   province == 14 || province == 15;
	if (kind == UK_PHUONG || kind == UK_THITRAN)
		gb_puts(b, south ? "Khu phố " : "Tổ dân phố ");
	else
		gb_puts(b, south ? "Ấp " : ban ? "Bản " : "Thôn ");
	gb_u(b, vl->number);
}

static void village_code(struct gbuf *b, const struct gen_units *u, uint32_t v)
{
	gb_u0(b, u->old[u->vill[v].old].code, 5);
	gb_u0(b, u->vill[v].number, 3);
}

void gen_area_code(struct gbuf *b, const struct gen_units *u, uint32_t a)
{
	village_code(b, u, u->area[a].village);
	gb_u0(b, u->area[a].number, 2);
}

/* ",level,parent,from,to\n" */
static void row_tail(struct gbuf *b, const char *level, const char *parent, int32_t from,
		     int32_t to)
{
	gb_putc(b, ',');
	gb_puts(b, level);
	gb_putc(b, ',');
	gb_puts(b, parent);
	gb_putc(b, ',');
	if (from != DAY_NONE)
		gb_date(b, from);
	gb_putc(b, ',');
	if (to != DAY_MAX)
		gb_date(b, to);
	gb_putc(b, '\n');
}

/* The name, as a CSV field. */
static void name_field(struct gbuf *b, struct gbuf *tmp)
{
	gb_putc(tmp, '\0');
	if (!tmp->oom)
		gb_csv(b, tmp->p);
	tmp->len = 0;
}

enum ds_rc gen_units_write(const struct gen_units *u, const struct gen_ref *ref, int province,
			   struct gfile *f, long *rows)
{
	const int32_t reform = day_from_ymd(2025, 7, 1), before = reform - 1;
	struct gbuf *b = &f->b, tmp = {0};
	char prov[3] = {(char)('0' + province / 10), (char)('0' + province % 10), '\0'};
	char parent[16];
	long n = 0;
	gb_puts(b, "code,name,level,parent_code,valid_from,valid_to\n");
	gb_puts(b, prov);
	gb_putc(b, ',');
	gb_csv(b, gen_ref_province(ref, province));
	row_tail(b, "province", "", DAY_NONE, DAY_MAX);
	n++;
	for (uint32_t d = 0; d < u->ndist; d++, n++) {
		gb_u0(b, u->dist[d].code, 3);
		gb_putc(b, ',');
		gen_commune_name(&tmp, &u->dist[d], false);
		name_field(b, &tmp);
		row_tail(b, "district", prov, DAY_NONE, before);
	}
	for (uint32_t i = 0; i < u->nold; i++, n++) {
		gb_u0(b, u->old[i].code, 5);
		gb_putc(b, ',');
		gen_commune_name(&tmp, &u->old[i], false);
		name_field(b, &tmp);
		struct gbuf pb = {parent, 0, sizeof parent, false};
		gb_u0(&pb, u->dist[u->old[i].parent].code, 3);
		parent[pb.len] = '\0';
		row_tail(b, "commune", parent, DAY_NONE, before);
	}
	for (uint32_t j = 0; j < u->nnew; j++, n++) {
		gb_u0(b, u->new_[j].code, 5);
		gb_putc(b, ',');
		gen_commune_name(&tmp, &u->new_[j], false);
		name_field(b, &tmp);
		row_tail(b, "commune", prov, reform, DAY_MAX);
	}
	for (uint32_t v = 0; v < u->nvill; v++) {
		const struct gen_commune *oc = &u->old[u->vill[v].old];
		for (int link = 0; link < 2; link++, n++) {
			village_code(b, u, v);
			gb_putc(b, ',');
			gen_village_name(&tmp, u, v, province);
			name_field(b, &tmp);
			struct gbuf pb = {parent, 0, sizeof parent, false};
			gb_u0(&pb, link ? u->new_[oc->newc].code : oc->code, 5);
			parent[pb.len] = '\0';
			row_tail(b, "village", parent, link ? reform : DAY_NONE, link ? DAY_MAX : before);
		}
		struct gbuf pb = {parent, 0, sizeof parent, false};
		village_code(&pb, u, v);
		parent[pb.len] = '\0';
		for (uint32_t a = u->vill[v].area0; a < u->vill[v].area0 + u->vill[v].nareas; a++, n++) {
			gen_area_code(b, u, a);
			gb_puts(b, ",Địa bàn ");
			gb_u0(b, u->area[a].number, 2);
			row_tail(b, "area", parent, DAY_NONE, DAY_MAX);
		}
		gf_maybe_flush(f);
	}
	gb_free(&tmp);
	*rows = n;
	return b->oom ? DS_ENOMEM : DS_OK;
}

bool gen_units_urban(const char *province_name)
{
	return urban_province(province_name);
}
