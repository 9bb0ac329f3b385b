/* A strict RFC 4180 CSV reader over a mapped file, with file, line and column in every problem. */
#include "base/csv.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"

static void set_name(struct csv *c, const char *name)
{
	size_t n = strlen(name);
	if (n >= sizeof c->name)
		n = sizeof c->name - 1;
	memcpy(c->name, name, n);
	c->name[n] = '\0';
}

static enum ds_rc init_common(struct csv *c, const char *name)
{
	set_name(c, name);
	c->line = 1;
	c->scratch = malloc(CSV_MAX_RECORD);
	if (!c->scratch)
		return DS_ENOMEM;
	/* A UTF-8 byte order mark, as Excel writes it, is not data. */
	if (c->size >= 3 && memcmp(c->data, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	return DS_OK;
}

enum ds_rc csv_open_mem(struct csv *c, const char *data, size_t size, const char *name)
{
	memset(c, 0, sizeof *c);
	c->data = data;
	c->size = size;
	return init_common(c, name);
}

enum ds_rc csv_open(struct csv *c, const char *path, const char *name,
		    struct ds_problem *pb)
{
	memset(c, 0, sizeof *c);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		ds_problem_set(pb, name, 0, NULL, W_FILE_OPEN);
		return DS_EIO;
	}
	c->size = (size_t)st.st_size;
	if (c->size > 0) {
		void *m = mmap(NULL, c->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			ds_problem_set(pb, name, 0, NULL, W_FILE_READ);
			return DS_EIO;
		}
		madvise(m, c->size, MADV_SEQUENTIAL);
		c->data = m;
		c->mapped = true;
	} else {
		c->data = "";
	}
	close(fd);
	return init_common(c, name);
}

void csv_close(struct csv *c)
{
	if (c->mapped)
		munmap((void *)c->data, c->size);
	free(c->scratch);
	c->scratch = NULL;
	c->mapped = false;
}

/* The record ends before pos, less its line break. */
static void set_end(struct csv *c, size_t pos)
{
	if (pos > c->rec_start && c->data[pos - 1] == '\n')
		pos--;
	if (pos > c->rec_start && c->data[pos - 1] == '\r')
		pos--;
	c->rec_end = pos;
}

const char *csv_raw(const struct csv *c, size_t *len)
{
	*len = c->rec_end - c->rec_start;
	return c->data + c->rec_start;
}

/* Moves past the end of the current physical line. */
static void skip_line(struct csv *c)
{
	const char *nl = memchr(c->data + c->pos, '\n', c->size - c->pos);
	if (nl) {
		c->pos = (size_t)(nl - c->data) + 1;
		c->line++;
	} else {
		c->pos = c->size;
	}
}

static int fail(struct csv *c, struct ds_problem *pb, size_t field, enum ds_why why,
		size_t resume, long resume_line)
{
	const char *col = field < c->ncols ? c->cols[field] : NULL;
	ds_problem_set(pb, c->name, c->rec_line, col, why);
	set_end(c, resume);
	c->pos = resume;
	c->line = resume_line;
	return -1;
}

/*
 * Parses one record starting at c->pos.  On a syntax problem the reader
 * resumes at the line after the record's first line.
 */
static int parse_record(struct csv *c, struct ds_problem *pb)
{
	const char *d = c->data;
	size_t end = c->size, p = c->pos;
	size_t start = p;
	c->rec_start = c->rec_end = p;
	c->rec_line = c->line;
	c->nf = 0;
	c->scratch_used = 0;
	const char *first_nl = memchr(d + start, '\n', end - start);
	size_t resume = first_nl ? (size_t)(first_nl - d) + 1 : end;
	long resume_line = c->line + (first_nl != NULL);

	for (;;) {
		if (c->nf == CSV_MAX_FIELDS)
			return fail(c, pb, c->nf, W_CSV_COLUMNS, resume, resume_line);
		struct csv_field *f = &c->f[c->nf++];
		if (p < end && d[p] == '"') {
			/* Quoted: copy into scratch, undoubling quotes. */
			char *out = c->scratch + c->scratch_used;
			size_t o = 0;
			p++;
			for (;;) {
				if (p >= end)
					return fail(c, pb, c->nf - 1, W_CSV_QUOTE, resume, resume_line);
				if (p - start >= CSV_MAX_RECORD || c->scratch_used + o >= CSV_MAX_RECORD)
					return fail(c, pb, c->nf - 1, W_CSV_LINE_TOO_LONG, resume,
						    resume_line);
				char ch = d[p];
				if (ch == '"') {
					if (p + 1 < end && d[p + 1] == '"') {
						out[o++] = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (ch == '\n')
					c->line++;
				out[o++] = ch;
				p++;
			}
			f->p = out;
			f->n = o;
			c->scratch_used += o;
			if (p < end && d[p] != ',' && d[p] != '\n' &&
			    !(d[p] == '\r' && (p + 1 == end || d[p + 1] == '\n'))) {
				return fail(c, pb, c->nf - 1, W_CSV_AFTER_QUOTE, resume, resume_line);
			}
		} else {
			size_t q = p;
			while (q < end && d[q] != ',' && d[q] != '\n')
				q++;
			size_t n = q - p;
			if (n && d[q - 1] == '\r' && (q == end || d[q] == '\n'))
				n--;
			if (memchr(d + p, '"', n)) {
				return fail(c, pb, c->nf - 1, W_CSV_QUOTE, resume, resume_line);
			}
			f->p = d + p;
			f->n = n;
			p = q;
		}
		if (p - start > CSV_MAX_RECORD) {
			return fail(c, pb, c->nf - 1, W_CSV_LINE_TOO_LONG, resume, resume_line);
		}
		if (p < end && d[p] == ',') {
			p++;
			continue;
		}
		if (p < end && d[p] == '\r')
			p++;
		if (p < end && d[p] == '\n') {
			p++;
			c->line++;
		}
		break;
	}
	set_end(c, p);
	c->pos = p;
	return 1;
}

static bool blank_line(const struct csv *c)
{
	size_t p = c->pos;
	if (p < c->size && c->data[p] == '\r')
		p++;
	return p == c->size || c->data[p] == '\n';
}

int csv_next(struct csv *c, struct ds_problem *pb)
{
	while (c->pos < c->size && blank_line(c))
		skip_line(c);
	if (c->pos >= c->size)
		return 0;
	int r = parse_record(c, pb);
	if (r < 0)
		return r;
	if (c->ncols && c->nf != c->ncols) {
		ds_problem_set(pb, c->name, c->rec_line, NULL, W_CSV_COLUMNS);
		return -1;
	}
	for (size_t i = 0; i < c->nf; i++) {
		if (!txt_utf8_valid(c->f[i].p, c->f[i].n)) {
			ds_problem_set(pb, c->name, c->rec_line, i < c->ncols ? c->cols[i] : NULL,
				       W_UTF8);
			return -1;
		}
	}
	return 1;
}

enum ds_rc csv_header(struct csv *c, const char *const *expected, size_t n,
		      struct ds_problem *pb)
{
	int r = csv_next(c, pb);
	if (r == 0) {
		ds_problem_set(pb, c->name, 0, NULL, W_EMPTY_FILE);
		return DS_EINPUT;
	}
	if (r < 0)
		return DS_EINPUT;
	c->ncols = c->nf;
	for (size_t i = 0; i < n; i++)
		c->col_of[i] = -1;
	for (size_t j = 0; j < c->nf; j++) {
		size_t len = c->f[j].n < CSV_NAME_MAX - 1 ? c->f[j].n : CSV_NAME_MAX - 1;
		memcpy(c->cols[j], c->f[j].p, len);
		c->cols[j][len] = '\0';
		size_t i = 0;
		while (i < n && !(strlen(expected[i]) == c->f[j].n &&
				  memcmp(expected[i], c->f[j].p, c->f[j].n) == 0))
			i++;
		if (i == n || c->col_of[i] >= 0) {
			ds_problem_set(pb, c->name, c->rec_line, c->cols[j], W_CSV_HEADER);
			return DS_EINPUT;
		}
		c->col_of[i] = (int)j;
	}
	for (size_t i = 0; i < n; i++) {
		if (c->col_of[i] < 0) {
			ds_problem_set(pb, c->name, c->rec_line, expected[i], W_CSV_HEADER);
			return DS_EINPUT;
		}
	}
	return DS_OK;
}
