/*
 * text: Vietnamese text done right.
 *
 * Names are stored in Unicode NFC, so that "Nguyễn" typed with a combining
 * accent and "Nguyễn" typed precomposed are the same stored string.  Search
 * uses a folded key: no diacritics, lower case, đ/Đ as d, runs of white space
 * as one space, trimmed.  "Nguyễn Văn Đức" and "nguyen van duc" have the
 * same key.  Case folding and mark stripping come from utf8proc; the đ rule
 * is ours because đ is a letter of its own, not d with a mark.
 */
#ifndef DS_BASE_TEXT_H
#define DS_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
bool txt_utf8_valid(const char *s, size_t len);
/* True when s holds a C0 control character or DEL (tab included). */
bool txt_has_control(const char *s, size_t len);
/* Number of code points, assuming valid UTF-8. */
size_t txt_chars(const char *s, size_t len);

/*
 * NFC of s[0..len) into out (capacity outsz, NUL-terminated), with leading
 * and trailing white space removed and inner runs collapsed to one space.
 * Returns DS_EINPUT for invalid UTF-8, DS_ELIMIT when it does not fit.
 */
enum ds_rc txt_nfc(const char *s, size_t len, char *out, size_t outsz);

/* The search key of s (see above) into out.  Same errors as txt_nfc. */
enum ds_rc txt_fold(const char *s, size_t len, char *out, size_t outsz);

/*
 * An ASCII spelling of s (for a file name's fallback): marks stripped, case
 * kept, đ/Đ as d/D, anything else outside printable ASCII and the quote,
 * backslash, slash and percent signs as '_'.  Same errors as txt_nfc.
 */
enum ds_rc txt_ascii(const char *s, size_t len, char *out, size_t outsz);

/* The last word of a folded key (the given name), a pointer into key. */
const char *txt_last_word(const char *key);

/*
 * True when s[0..la) and b[0..lb) (valid UTF-8, NFC) are the same letters
 * and marks, upper or lower case: "Lý" and "lý" are, "Lý" and "Ly" are not.
 */
bool txt_same_caseless(const char *a, size_t la, const char *b, size_t lb);

/*
 * The optimal string alignment distance of a[0..la) and b[0..lb) (valid
 * UTF-8) in code points, upper and lower case alike: the fewest letters
 * deleted, inserted, replaced or swapped with the next.  Strings of more
 * than TXT_EDIT_MAX code points give TXT_EDIT_MAX + 1 (too far apart to say).
 */
#define TXT_EDIT_MAX 48
int txt_edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* Strings longer than this are compared on their first TXT_JW_MAX bytes. */
#define TXT_JW_MAX 128
/* Jaro-Winkler similarity (0..1) of a[0..la) and b[0..lb), bytewise: for folded keys. */
double txt_jaro_winkler(const char *a, size_t la, const char *b, size_t lb);

#endif
