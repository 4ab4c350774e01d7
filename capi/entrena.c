/* The parts of the C API written in C: they need no Go runtime (static
 * strings, versions, struct initialisers) or cannot be written in Go
 * (thread-local storage, calling a C function pointer). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* This file defines the ABI-1 symbols that the header's macros of the same
 * names stand in for. */
#undef entrena_spec_init
#undef entrena_fit_options_init

static const char *const status_strings[] = {
	[ENTRENA_OK] = "not an error",
	[ENTRENA_ERR_ARGUMENT] = "bad argument",
	[ENTRENA_ERR_SPEC] = "bad network spec",
	[ENTRENA_ERR_SHAPE] = "bad shape or buffer length",
	[ENTRENA_ERR_DATA] = "bad data (NaN, Inf or a target out of range)",
	[ENTRENA_ERR_DIVERGED] = "training diverged",
	[ENTRENA_ERR_STOPPED] = "training stopped by the progress callback",
	[ENTRENA_ERR_MODEL] = "bad model file",
	[ENTRENA_ERR_VERSION] = "unsupported model version",
	[ENTRENA_ERR_IO] = "input/output error",
	[ENTRENA_ERR_HANDLE] = "bad handle",
	[ENTRENA_ERR_BUSY] = "handle busy",
	[ENTRENA_ERR_KERNEL] = "bad kernel path",
	[ENTRENA_ERR_INTERNAL] = "internal error",
	[ENTRENA_ERR_REDUCE] = "reduce callback failed",
};

const char *entrena_status_string(entrena_status status) {
	unsigned s = (unsigned)status;
	if (s < sizeof status_strings / sizeof status_strings[0] && status_strings[s] != NULL)
		return status_strings[s];
	return "unknown status";
}

const char *const entrena__msg_null_handle = "NULL handle";
const char *const entrena__msg_bad_handle = "unknown or destroyed handle";

static __thread entrena__thread thread_state;

entrena__thread *entrena__thread_state(void) { return &thread_state; }

const char *entrena_last_error(void) { return thread_state.last_error; }

int entrena_last_errno(void) { return thread_state.last_errno; }

/* The failures of this file have no OS cause. */
static void set_error(const char *fn, const char *what) {
	snprintf(thread_state.last_error, sizeof thread_state.last_error, "%s: %s", fn, what);
	thread_state.last_errno = 0;
}

int entrena__call_progress(entrena_progress_fn fn, const entrena_progress *p, void *user_data) {
	return fn(p, user_data);
}

int entrena__call_reduce(entrena_reduce_fn fn, float *buf, int64_t n, void *user) {
	return fn(buf, n, user);
}

const char *entrena_version(void) { return ENTRENA_VERSION_STRING; }
int entrena_version_number(void) { return ENTRENA_VERSION_NUMBER; }
int entrena_abi_version(void) { return ENTRENA_ABI_VERSION; }

/* init_sized fills the caller's struct of size bytes with defaults (ours
 * bytes long): the fields it holds get theirs, any bytes past our struct
 * (a newer header's fields) zero, which is what those fields' defaults are. */
static entrena_status init_sized(const char *fn, void *dst, size_t size, const void *defaults,
                                 size_t ours, size_t min) {
	if (dst == NULL) {
		set_error(fn, "struct pointer is NULL");
		return ENTRENA_ERR_ARGUMENT;
	}
	if (size < min || size > ENTRENA__STRUCT_MAX_SIZE) {
		char what[160];
		snprintf(what, sizeof what, "struct size %zu is outside [%zu, %d]", size, min,
		         ENTRENA__STRUCT_MAX_SIZE);
		set_error(fn, what);
		return ENTRENA_ERR_ARGUMENT;
	}
	memset(dst, 0, size);
	memcpy(dst, defaults, size < ours ? size : ours);
	*(uint32_t *)dst = (uint32_t)size; /* struct_size, the first field of each */
	return ENTRENA_OK;
}

static const entrena_spec spec_defaults = {
	.loss = ENTRENA_LOSS_MSE,
	.optimizer = ENTRENA_OPT_SGD,
	.learning_rate = 0.1f,
	.max_batch = 32,
	.seed = 1,
};

static const entrena_fit_options fit_options_defaults = {
	.epochs = 1,
	.shuffle = 1,
};

entrena_status entrena_spec_init_sized(entrena_spec *spec, size_t spec_size) {
	return init_sized("entrena_spec_init", spec, spec_size, &spec_defaults, sizeof spec_defaults,
	                  ENTRENA__SPEC_MIN_SIZE);
}

entrena_status entrena_fit_options_init_sized(entrena_fit_options *opts, size_t opts_size) {
	return init_sized("entrena_fit_options_init", opts, opts_size, &fit_options_defaults,
	                  sizeof fit_options_defaults, ENTRENA__FIT_OPTIONS_MIN_SIZE);
}

/* Programs built before the _sized functions call these with structs of
 * ABI 1, whose last fields are seed and val_samples: that size, forever. */
entrena_status entrena_spec_init(entrena_spec *spec) {
	return entrena_spec_init_sized(spec, offsetof(entrena_spec, seed) + sizeof(uint64_t));
}

entrena_status entrena_fit_options_init(entrena_fit_options *opts) {
	return entrena_fit_options_init_sized(opts, offsetof(entrena_fit_options, val_samples) + sizeof(int64_t));
}
