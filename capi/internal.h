/* Private declarations shared by entrena.c and the Go files of package capi.
 * Not installed. */
#ifndef ENTRENA_INTERNAL_H
#define ENTRENA_INTERNAL_H

#include <stdlib.h>
#include "include/entrena.h"

/* Internal symbols are not exported from libentrena.so. */
#define ENTRENA_INTERNAL __attribute__((visibility("hidden")))

/* Per-handle C memory: the message of the handle's last call and the struct
 * passed to progress callbacks. Allocated at create, freed at destroy, so
 * that C never holds a Go pointer. */
typedef struct entrena__mem {
	char msg[ENTRENA_ERRMSG_MAX];
	entrena_progress progress;
} entrena__mem;

/* Per-thread C memory, filled by Go in place (no Go pointer reaches C):
 * what entrena_last_error and entrena_last_errno return, and the copies that
 * entrena_errmsg and entrena_thread_stats hand out, so that a string another
 * thread rewrites is never read half-written. */
typedef struct entrena__thread {
	char last_error[ENTRENA_ERRMSG_MAX];
	int last_errno;
	char errmsg[ENTRENA_ERRMSG_MAX];
	char threads_reason[ENTRENA_ERRMSG_MAX];
} entrena__thread;

/* Static messages for entrena_errmsg on bad handles. */
ENTRENA_INTERNAL extern const char *const entrena__msg_null_handle;
ENTRENA_INTERNAL extern const char *const entrena__msg_bad_handle;

/* The calling thread's entrena__thread. */
ENTRENA_INTERNAL entrena__thread *entrena__thread_state(void);

/* Calls a progress callback (cgo cannot call C function pointers itself). */
ENTRENA_INTERNAL int entrena__call_progress(entrena_progress_fn fn, const entrena_progress *p, void *user_data);

/* Calls a fit's reduce callback. */
ENTRENA_INTERNAL int entrena__call_reduce(entrena_reduce_fn fn, float *buf, int64_t n, void *user);

/* The smallest struct_size each versioned struct may have: the fields a
 * caller must give (see CONVENTIONS, Versioned structs, in entrena.h). */
#define ENTRENA__SPEC_MIN_SIZE (offsetof(entrena_spec, activations) + sizeof(const int32_t *))
#define ENTRENA__FIT_OPTIONS_MIN_SIZE (offsetof(entrena_fit_options, epochs) + sizeof(int32_t))
/* The largest struct_size accepted: a newer header's struct, far beyond. */
#define ENTRENA__STRUCT_MAX_SIZE 4096

#endif
