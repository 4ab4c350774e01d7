/* The parts of the C API written in C: they need no Go runtime (static
 * strings, versions, struct initialisers) or cannot be written in Go
 * (thread-local storage, calling a C function pointer). */
#include <string.h>

#include "internal.h"

static const char *const status_strings[] = {
	[ENTRENA_OK] = "not an error",
	[ENTRENA_ERR_ARGUMENT] = "bad argument",
	[ENTRENA_ERR_SPEC] = "bad network spec",
	[ENTRENA_ERR_SHAPE] = "bad shape or buffer length",
	[ENTRENA_ERR_DATA] = "bad data (NaN or Inf)",
	[ENTRENA_ERR_DIVERGED] = "training diverged",
	[ENTRENA_ERR_STOPPED] = "training stopped by the progress callback",
	[ENTRENA_ERR_MODEL] = "bad model file",
	[ENTRENA_ERR_VERSION] = "unsupported model version",
	[ENTRENA_ERR_IO] = "input/output error",
	[ENTRENA_ERR_HANDLE] = "bad handle",
	[ENTRENA_ERR_BUSY] = "handle busy",
	[ENTRENA_ERR_KERNEL] = "bad kernel path",
	[ENTRENA_ERR_INTERNAL] = "internal error",
};

const char *entrena_status_string(entrena_status status) {
	unsigned s = (unsigned)status;
	if (s < sizeof status_strings / sizeof status_strings[0] && status_strings[s] != NULL)
		return status_strings[s];
	return "unknown status";
}

const char *const entrena__msg_null_handle = "NULL handle";
const char *const entrena__msg_bad_handle = "unknown or destroyed handle";

static __thread char last_error[ENTRENA_ERRMSG_MAX];

const char *entrena_last_error(void) { return last_error; }

char *entrena__last_error_buf(void) { return last_error; }

int entrena__call_progress(entrena_progress_fn fn, const entrena_progress *p, void *user_data) {
	return fn(p, user_data);
}

const char *entrena_version(void) { return ENTRENA_VERSION_STRING; }
int entrena_version_number(void) { return ENTRENA_VERSION_NUMBER; }
int entrena_abi_version(void) { return ENTRENA_ABI_VERSION; }

entrena_status entrena_spec_init(entrena_spec *spec) {
	if (spec == NULL) {
		static const char msg[] = "entrena_spec_init: spec is NULL";
		memcpy(last_error, msg, sizeof msg);
		return ENTRENA_ERR_ARGUMENT;
	}
	memset(spec, 0, sizeof *spec);
	spec->struct_size = sizeof *spec;
	spec->loss = ENTRENA_LOSS_MSE;
	spec->optimizer = ENTRENA_OPT_SGD;
	spec->learning_rate = 0.1f;
	spec->max_batch = 32;
	spec->seed = 1;
	return ENTRENA_OK;
}

entrena_status entrena_fit_options_init(entrena_fit_options *opts) {
	if (opts == NULL) {
		static const char msg[] = "entrena_fit_options_init: opts is NULL";
		memcpy(last_error, msg, sizeof msg);
		return ENTRENA_ERR_ARGUMENT;
	}
	memset(opts, 0, sizeof *opts);
	opts->struct_size = sizeof *opts;
	opts->epochs = 1;
	opts->shuffle = 1;
	return ENTRENA_OK;
}
