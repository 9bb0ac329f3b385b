/*
 * render: what `danso lifetable` and `danso project` write, as CSV or JSON
 * text appended to a buffer; no I/O.
 *
 * Life tables: CSV `sex,age,width,mx,ax,qx,lx,dx,Lx,Tx,ex,Sx`, one row per
 * age group, the tables in the order given; JSON an array of objects with
 * the same names, one per row.  Projections: CSV in two sections, each
 * with its header, a blank line between them: `step,sex,age,count` (the
 * population at the end of every step) and `step,mother_age,births`; JSON
 * `{"population":[{"step","sex","age","count"}...],"births":[{"step",
 * "mother_age","births"}...]}`.  Steps count from 1.
 *
 * Numbers have a fixed number of decimals per column, the same in CSV and
 * JSON, at least two more than published tables print, so that a result
 * can be compared with a publication within the publication's rounding:
 *   mx, qx, Sx        10 (published with 4 to 6; a rate of 0.00001 keeps
 *                        six significant digits)
 *   ax, ex            4 (published with 2 or 3)
 *   lx, dx, Lx, Tx    3 (radix 100,000; published as whole numbers)
 *   count, births     3 (published as whole persons)
 * Fixed decimals rather than %g so that a column reads the same all the
 * way down and never turns to exponents, which spreadsheets and readers
 * misread.  A value that does not exist (the open group's width, the Sx of
 * an abridged table's group 1-4) is empty in CSV and null in JSON.
 */
#ifndef DS_DEMOG_RENDER_H
#define DS_DEMOG_RENDER_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "demog/lifetable.h"
#include "demog/project.h"

enum dm_format { DM_CSV = 0, DM_JSON = 1 };

/* The n tables t[0..n-1] (borrowed). */
enum ds_rc dm_render_lifetables(const struct dm_lt *const *t, size_t n, enum dm_format f,
				struct buf *b);

/*
 * A projection of width n (years); births are written for the mother's
 * age groups first..last of every step.
 */
enum ds_rc dm_render_projection(const struct dm_proj_out *o, int n, size_t first, size_t last,
				enum dm_format f, struct buf *b);

#endif
