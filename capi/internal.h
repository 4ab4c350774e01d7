/* Private declarations shared by entrena.c and the Go files of package capi.
 * Not installed. */
#ifndef ENTRENA_INTERNAL_H
#define ENTRENA_INTERNAL_H

#include <stdlib.h>
#include "include/entrena.h"

/* Internal symbols are not exported from libentrena.so. */
#define ENTRENA_INTERNAL __attribute__((visibility("hidden")))

/* Per-handle C memory: the message returned by entrena_errmsg, the reason
 * returned by entrena_thread_stats and the struct passed to progress
 * callbacks. Allocated at create, freed at destroy, so that C never holds a
 * Go pointer. */
typedef struct entrena__mem {
	char msg[ENTRENA_ERRMSG_MAX];
	char threads_reason[ENTRENA_ERRMSG_MAX];
	entrena_progress progress;
} entrena__mem;

/* Static messages for entrena_errmsg on bad handles. */
ENTRENA_INTERNAL extern const char *const entrena__msg_null_handle;
ENTRENA_INTERNAL extern const char *const entrena__msg_bad_handle;

/* The calling thread's last-error buffer (ENTRENA_ERRMSG_MAX bytes), which
 * Go fills in place: no Go pointer ever reaches C. */
ENTRENA_INTERNAL char *entrena__last_error_buf(void);

/* Calls a progress callback (cgo cannot call C function pointers itself). */
ENTRENA_INTERNAL int entrena__call_progress(entrena_progress_fn fn, const entrena_progress *p, void *user_data);

#endif
