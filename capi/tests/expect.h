/* Checks shared by the C test programs: each counts into checks and
 * failures, and a status of ENTRENA_ERR_INTERNAL (a recovered panic) that
 * no check asked for fails the run (see report). Include once, after
 * entrena.h. */
#include <stdio.h>

static int failures, checks;
/* Calls that returned ENTRENA_ERR_INTERNAL without a test asking for one. */
static int internal_errors;

/* seen records a status that no EXPECT checks and returns it. */
static entrena_status seen(entrena_status st) {
	if (st == ENTRENA_ERR_INTERNAL) {
		__atomic_add_fetch(&internal_errors, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "internal error: %s\n", entrena_last_error());
	}
	return st;
}

#define EXPECT(cond)                                                                  \
	do {                                                                          \
		checks++;                                                             \
		if (!(cond)) {                                                        \
			failures++;                                                   \
			fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                     \
	} while (0)

/* EXPECT_STATUS checks a call's status; on a mismatch it prints the messages. */
#define EXPECT_STATUS(want, call)                                                          \
	do {                                                                               \
		entrena_status got_ = (call);                                              \
		checks++;                                                                  \
		if ((want) != ENTRENA_ERR_INTERNAL)                                        \
			seen(got_);                                                        \
		if (got_ != (want)) {                                                      \
			failures++;                                                        \
			fprintf(stderr, "%s:%d: %s: got %d (%s), want %d (%s); last error: %s\n", \
			        __FILE__, __LINE__, #call, got_, entrena_status_string(got_),     \
			        (int)(want), entrena_status_string(want), entrena_last_error()); \
		}                                                                          \
	} while (0)

#define OK(call) EXPECT_STATUS(ENTRENA_OK, call)

/* report prints the totals of program name and returns its exit status:
 * 1 on any failure or unasked-for internal error. */
static int report(const char *name) {
	checks++;
	if (internal_errors) {
		failures++;
		fprintf(stderr, "%s: %d calls returned ENTRENA_ERR_INTERNAL (a recovered panic)\n", name, internal_errors);
	}
	printf("%s: %d checks, %d failures\n", name, checks, failures);
	return failures == 0 ? 0 : 1;
}
