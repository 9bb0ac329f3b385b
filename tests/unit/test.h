/*
 * A small unit-test harness: TEST(name) { ... } registers a test; CHECK and
 * friends record a failure with file and line and go on; the runner prints
 * one line per failure and closes with "N passed, N failed".
 */
#ifndef DS_TEST_H
#define DS_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
extern int test_failures_in_current;

#define TEST(name)                                                            \
	static void test_##name(void);                                        \
	__attribute__((constructor)) static void reg_##name(void)             \
	{                                                                     \
		test_register(#name, test_##name);                            \
	}                                                                     \
	static void test_##name(void)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #cond);                             \
			test_failures_in_current++;                           \
		}                                                             \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);           \
		if (a_ != b_) {                                               \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, a_, #b, b_);          \
			test_failures_in_current++;                           \
		}                                                             \
	} while (0)

#define CHECK_STR(a, b)                                                       \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                      \
			fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", \
				__FILE__, __LINE__, #a, a_ ? a_ : "(null)",   \
				b_ ? b_ : "(null)");                          \
			test_failures_in_current++;                           \
		}                                                             \
	} while (0)

/* |a - b| <= tol, for numbers computed with rounding. */
#define CHECK_NEAR(a, b, tol)                                                       \
	do {                                                                        \
		double a_ = (a), b_ = (b);                                          \
		if (!(fabs(a_ - b_) <= (tol))) {                                    \
			fprintf(stderr, "  %s:%d: %s == %.10g, expected %.10g +- %g\n", \
				__FILE__, __LINE__, #a, a_, b_, (double)(tol));     \
			test_failures_in_current++;                                 \
		}                                                                   \
	} while (0)

/* A fresh empty directory for the test's files; the runner removes it. */
const char *test_tmpdir(void);

#endif
