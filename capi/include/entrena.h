/*
 * entrena.h — the C API of entrena, a dense neural-network training core.
 *
 * Link with -lentrena (shared: libentrena.so, a link to libentrena.so.N,
 * N = ENTRENA_ABI_VERSION, its SONAME) or libentrena.a (static; then also
 * -lpthread). Both define no global symbol but the functions below. `pkg-config --cflags --libs entrena` gives the flags of an
 * installed copy.
 *
 * CONVENTIONS (they hold for every function below unless its comment says
 * otherwise)
 *
 *  - Status: every function that can fail returns an entrena_status
 *    (all but the seven that cannot, which return their value directly:
 *    entrena_status_string, entrena_errmsg, entrena_last_error,
 *    entrena_last_errno, entrena_version, entrena_version_number,
 *    entrena_abi_version). ENTRENA_OK (0) is success; anything else is an
 *    error, and no call returns ENTRENA_ERR_INTERNAL unless entrena has a
 *    bug. entrena_status_string() names a status; entrena_errmsg() (per
 *    network) and entrena_last_error() (per thread) give the detailed
 *    message, entrena_last_errno() the OS error behind it.
 *
 *  - Handles: an entrena_net* is an opaque handle, not a pointer to memory:
 *    never dereference it. A handle is a 64-bit value drawn from a random
 *    permutation of a creation counter, checked on every call: handles are
 *    never reused within a process, and a destroyed, made-up or altered
 *    handle (a live one plus one, say) gives ENTRENA_ERR_HANDLE instead of
 *    undefined behaviour (it names another live network with odds of about
 *    one in 2^64 per live network). NULL gives ENTRENA_ERR_HANDLE too
 *    (except entrena_destroy(NULL), which is a no-op returning ENTRENA_OK).
 *
 *  - Data layout: float32, row-major, one sample per row (numpy C order).
 *    x is samples×inputs, y and predictions samples×outputs.
 *
 *  - Buffer lengths: every buffer argument comes with its length, counted in
 *    elements (floats) for float buffers and in bytes for byte buffers.
 *    A buffer shorter than the call needs gives ENTRENA_ERR_SHAPE; a longer
 *    one is fine (only the needed prefix is used). A negative count gives
 *    ENTRENA_ERR_ARGUMENT; zero samples give ENTRENA_ERR_SHAPE. Sizes are
 *    checked before any buffer is touched, against what any address space
 *    holds (2^57 bytes): a length beyond that gives ENTRENA_ERR_ARGUMENT, a
 *    count whose buffer would be larger (or run past the end of memory)
 *    ENTRENA_ERR_SHAPE.
 *
 *  - Size queries: a function whose result has a size the caller cannot
 *    know in advance (entrena_kernel_active, entrena_kernels_available,
 *    entrena_cpu_features, entrena_cpu_model, entrena_history,
 *    entrena_save_buffer, entrena_schema_json) takes (buf, buf_len, needed). *needed (optional)
 *    always receives the length the whole result needs, on success too.
 *    buf == NULL with buf_len == 0 is a size query: ENTRENA_OK, nothing
 *    written. A buffer shorter than that gives ENTRENA_ERR_SHAPE, *needed
 *    still set and buf untouched. buf == NULL with buf_len > 0 gives
 *    ENTRENA_ERR_ARGUMENT. Results whose size the network fixes take no
 *    needed pointer: entrena_param_count and entrena_shape give their sizes.
 *
 *  - Out-parameters: a pointer named out_* or documented "required" must not
 *    be NULL (ENTRENA_ERR_ARGUMENT). Those documented "optional" may be NULL.
 *    Out-parameters are written only on ENTRENA_OK unless stated.
 *
 *  - Ownership: the library never keeps a pointer the caller passes in after
 *    the call returns (data buffers, strings, spec arrays, callbacks' user
 *    data beyond the entrena_fit call). Data buffers are read (or written)
 *    in place during the call: no copy. (A data set of many megabytes reads
 *    faster on Linux from memory aligned to 2 MiB and advised with
 *    madvise(MADV_HUGEPAGE) before it is filled, as numpy does for its
 *    arrays: shuffled batches and the first layer's products then touch
 *    far fewer pages.) Strings the library returns
 *    (const char*) are owned by the library; their lifetime is documented
 *    at each function. The caller frees nothing the library returns except
 *    handles, with entrena_destroy().
 *
 *  - Versioned structs (entrena_spec, entrena_fit_options) start with
 *    struct_size, which their initialisers set: entrena_spec_init(&spec)
 *    is a macro passing sizeof spec to entrena_spec_init_sized, so a program
 *    records the size of the struct it was compiled with. The library
 *    accepts a smaller struct_size (a program built against an older
 *    header): the fields past it take their defaults. A larger one (a newer
 *    header) is accepted when every byte past the library's own struct is
 *    zero, the default of any field added later; otherwise, and below each
 *    struct's required fields, ENTRENA_ERR_ARGUMENT.
 *
 *  - Threads: any function may be called from any thread. Separate handles
 *    are independent and may be used from different threads at the same
 *    time. Concurrent calls on the same handle are serialised by a
 *    per-handle mutex: the second call waits for the first to finish, and
 *    a call waiting for entrena_fit() waits for the whole fit, through any
 *    progress callbacks. One exception, decided once, when a call starts:
 *    a call on the handle that starts while one of its progress callbacks
 *    is running (from the callback itself or from another thread) returns
 *    ENTRENA_ERR_BUSY at once instead of waiting. A call that started
 *    before the callback did (while the fit was between callbacks) is
 *    already waiting and keeps waiting until entrena_fit() returns; it is
 *    not turned into ENTRENA_ERR_BUSY. So a callback cannot deadlock on
 *    the library by itself (its own calls on the handle never wait), but
 *    it must not wait for another thread that may be in a call on the same
 *    handle: that thread may be waiting for the fit.
 *    entrena_destroy() follows the same rule: ENTRENA_ERR_BUSY if it
 *    starts while a callback runs; otherwise it removes the handle at once
 *    (calls starting after that, the fit's own callbacks' included, get
 *    ENTRENA_ERR_HANDLE), then waits for the call in progress; calls that
 *    were already waiting run before it or return ENTRENA_ERR_HANDLE.
 *    entrena_errmsg() never waits for a call in progress and never fails.
 *    Process-wide functions (kernel paths, versions) are safe at any time;
 *    entrena_kernel_use() affects calls that start after it returns.
 *
 *  - Allocation: entrena_train_step(), entrena_predict(),
 *    entrena_evaluate(), entrena_get_params() and the batches and epochs of
 *    entrena_fit() allocate no memory in steady state (after the first call
 *    with the same sizes). entrena_debug_mallocs() exposes the Go heap's
 *    allocation counter so that tests can check it.
 *
 *  - The library contains a Go runtime. Load at most one Go-built shared
 *    library per process, do not dlclose() it, and do not fork() without
 *    exec() after the first call (use "spawn" in Python multiprocessing).
 *    Go's signal handlers are installed at load time (see capi/README.md for
 *    sanitizer and valgrind notes).
 */
#ifndef ENTRENA_H
#define ENTRENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- version */

#define ENTRENA_VERSION_MAJOR 0
#define ENTRENA_VERSION_MINOR 1
#define ENTRENA_VERSION_PATCH 0
/* MAJOR*10000 + MINOR*100 + PATCH, as returned by entrena_version_number(). */
#define ENTRENA_VERSION_NUMBER \
	(ENTRENA_VERSION_MAJOR * 10000 + ENTRENA_VERSION_MINOR * 100 + ENTRENA_VERSION_PATCH)
#define ENTRENA_VERSION_STRING "0.1.0"

/* ABI version: incremented whenever a function signature, a struct layout
 * or an enum value of this header changes incompatibly. A program built
 * against this header should check entrena_abi_version() == ENTRENA_ABI_VERSION
 * at start-up. Adding functions or enum values does not change it. */
#define ENTRENA_ABI_VERSION 1

/* Maximum length, NUL included, of any message the library produces
 * (entrena_errmsg, entrena_last_error); a longer message loses its middle,
 * marked "...", so that its start (the function) and its end (the OS
 * reason after a long path) remain. */
#define ENTRENA_ERRMSG_MAX 512

/* ----------------------------------------------------------------- status */

typedef enum entrena_status {
	ENTRENA_OK = 0,
	ENTRENA_ERR_ARGUMENT = 1,  /* NULL pointer, negative count, bad enum value or struct_size */
	ENTRENA_ERR_SPEC = 2,      /* invalid network spec or training option */
	ENTRENA_ERR_SHAPE = 3,     /* sizes or buffer lengths that do not match the network */
	ENTRENA_ERR_DATA = 4,      /* NaN or Inf in inputs, targets or parameters; a target outside
	                            * the loss's range (binary cross-entropy: outside [0, 1];
	                            * categorical: a row not summing to 1) */
	ENTRENA_ERR_DIVERGED = 5,  /* the loss became NaN or Inf; weights restored (see entrena_fit) */
	ENTRENA_ERR_STOPPED = 6,   /* the progress callback asked to stop */
	ENTRENA_ERR_MODEL = 7,     /* model file or buffer truncated, corrupted or not an entrena model */
	ENTRENA_ERR_VERSION = 8,   /* model file of an unsupported format version */
	ENTRENA_ERR_IO = 9,        /* file could not be opened, read or written */
	ENTRENA_ERR_HANDLE = 10,   /* NULL, unknown or destroyed handle */
	ENTRENA_ERR_BUSY = 11,     /* handle in use by a running progress callback */
	ENTRENA_ERR_KERNEL = 12,   /* unknown or unavailable kernel path (or bad ENTRENA_KERNELS) */
	ENTRENA_ERR_INTERNAL = 13, /* a bug in entrena (a recovered Go panic); please report */
	ENTRENA_ERR_REDUCE = 14    /* the fit's reduce callback failed (returned non-zero) */
} entrena_status;

/* A short static description of status ("not an error", "bad argument",
 * …); never NULL, "unknown status" for values outside the enum.
 * Thread-safe; the string lives for the life of the process. */
const char *entrena_status_string(entrena_status status);

/* ----------------------------------------------------------------- handle */

/* Opaque network handle (see CONVENTIONS). */
typedef struct entrena_net entrena_net;

/* The message of the last call on net: "not an error" after a successful
 * call, the detailed reason after a failed one. The string is a copy in
 * storage of the calling thread, whole even while other threads make calls
 * on net, and stays valid until this thread's next entrena_errmsg call or
 * its exit. With several threads on one handle, "the last call" may be
 * another thread's: entrena_last_error() always holds the calling thread's
 * own. For a NULL, unknown or destroyed handle it returns a static message
 * saying so. Never NULL. Calls that fail with ENTRENA_ERR_HANDLE or
 * ENTRENA_ERR_BUSY do not touch it (they report through entrena_last_error()
 * only). */
const char *entrena_errmsg(const entrena_net *net);

/* The message of the most recent failed call made by the calling thread,
 * with or without a handle (use it after entrena_create, entrena_load,
 * entrena_kernel_use, or when a call returned ENTRENA_ERR_HANDLE).
 * Successful calls leave it unchanged; it is "" before any failure. The
 * string is thread-local storage, valid until the thread's next failing
 * call or the thread's exit. Never NULL. */
const char *entrena_last_error(void);

/* The OS error number (errno: ENOENT, EACCES, ENOSPC, …) behind the most
 * recent failed call made by the calling thread, 0 when that failure had
 * no OS cause. Like entrena_last_error(): successful calls leave it
 * unchanged; thread-local. */
int entrena_last_errno(void);

/* ---------------------------------------------------------------- version */

/* Returns ENTRENA_VERSION_STRING of the library (static string). */
const char *entrena_version(void);
/* Returns ENTRENA_VERSION_NUMBER of the library. */
int entrena_version_number(void);
/* Returns ENTRENA_ABI_VERSION of the library. */
int entrena_abi_version(void);

/* ---------------------------------------------------------------- kernels
 *
 * String results follow CONVENTIONS, Size queries: the function writes the
 * NUL-terminated string into buf (buf_size bytes, NUL included) and stores
 * strlen+1 in *needed. */

/* The kernel path in use now: "generic", "avx2", "avx512" or "neon".
 * ENTRENA_ERR_KERNEL while no path can be used: the environment variable
 * ENTRENA_KERNELS named one that cannot run and entrena_kernel_use() has
 * not chosen one since (entrena_create and entrena_load fail likewise). */
entrena_status entrena_kernel_active(char *buf, size_t buf_size, size_t *needed);

/* The paths this CPU and build can run, comma-separated, generic first and
 * the best last (e.g. "generic,avx2,avx512"). */
entrena_status entrena_kernels_available(char *buf, size_t buf_size, size_t *needed);

/* The CPU features entrena looks at, as cpuid names them, comma-separated
 * (e.g. "SSE2,AVX,AVX2,FMA3,AVX512F,AVX512DQ,AVX512BW,AVX512VL"). */
entrena_status entrena_cpu_features(char *buf, size_t buf_size, size_t *needed);

/* The CPU brand string (e.g. "AMD EPYC 9B14"), possibly empty. */
entrena_status entrena_cpu_model(char *buf, size_t buf_size, size_t *needed);

/* Make path ("generic", "avx2", "avx512", "neon") the kernel path of the
 * whole process. ENTRENA_ERR_KERNEL when the name is unknown or this CPU
 * cannot run it (the active path is unchanged). A path chosen here
 * replaces a bad ENTRENA_KERNELS: networks can be created again.
 * path: required, NUL-terminated. Results of a network do not depend on
 * the path beyond rounding. */
entrena_status entrena_kernel_use(const char *path);

/* ---------------------------------------------------------------- network */

typedef enum entrena_activation {
	ENTRENA_SIGMOID = 0,
	ENTRENA_TANH = 1,
	ENTRENA_RELU = 2,
	ENTRENA_LINEAR = 3,
	ENTRENA_SOFTMAX = 4 /* output layer only, with ENTRENA_LOSS_CCE */
} entrena_activation;

typedef enum entrena_loss {
	ENTRENA_LOSS_MSE = 0, /* J = (1/m)·Σ_samples Σ_outputs (y − ŷ)² */
	ENTRENA_LOSS_BCE = 1, /* binary cross-entropy; needs a sigmoid output layer */
	ENTRENA_LOSS_CCE = 2  /* categorical cross-entropy; needs a softmax output layer */
} entrena_loss;

typedef enum entrena_optimizer {
	ENTRENA_OPT_SGD = 0,      /* w −= lr·g */
	ENTRENA_OPT_MOMENTUM = 1, /* v = momentum·v + g; w −= lr·v */
	ENTRENA_OPT_ADAM = 2,     /* Adam with beta1, beta2, epsilon */
	ENTRENA_OPT_RMSPROP = 3   /* v = rho·v + (1−rho)·g²; w −= lr·g/√(v + epsilon) (Keras's RMSprop) */
} entrena_optimizer;

/* Everything that defines a network. Initialise with entrena_spec_init(),
 * then set the fields. The arrays are read during entrena_create() only. */
typedef struct entrena_spec {
	uint32_t struct_size;       /* set by entrena_spec_init (CONVENTIONS, Versioned structs) */
	int32_t inputs;             /* features per sample, 1 … 1048576 */
	int32_t n_layers;           /* hidden layers + output layer, 1 … 1024 */
	int32_t loss;               /* entrena_loss */
	const int32_t *units;       /* n_layers unit counts, each 1 … 1048576 */
	const int32_t *activations; /* n_layers entrena_activation values */
	int32_t optimizer;          /* entrena_optimizer */
	float learning_rate;        /* > 0 and finite */
	/* Optimizer hyper-parameters: 0 means the default; -0.0f asks for an
	 * actual 0. One the optimizer does not use must be 0 (else
	 * ENTRENA_ERR_SPEC: a value there is never silently ignored). */
	float momentum;             /* ENTRENA_OPT_MOMENTUM; 0 means 0.9 */
	float beta1;                /* ENTRENA_OPT_ADAM; 0 means 0.9 */
	float beta2;                /* ENTRENA_OPT_ADAM; 0 means 0.999 */
	float epsilon;              /* ENTRENA_OPT_ADAM, 0 means 1e-8; ENTRENA_OPT_RMSPROP, 0 means 1e-7 (-0.0f refused by both) */
	int32_t max_batch;          /* largest batch of a step; buffers are sized for it */
	int32_t threads;            /* cores one step may use; 0 = all, 1 = calling thread only */
	uint64_t seed;              /* weight initialisation, shuffling and dropout */
	/* Regularization, per layer (optional: NULL means 0 for every layer).
	 * l2[i] ≥ 0 and finite is layer i's weight decay λ, as Keras's
	 * kernel_regularizer l2(λ): the loss gains λ·Σw² over the layer's
	 * weights (not its biases), and the loss every step, fit and evaluate
	 * report includes it. dropout[i] in [0, 1) is the rate of Keras's
	 * Dropout(rate) after layer i, a hidden layer: while training, each of
	 * its outputs is zeroed with that probability and the others scaled by
	 * 1/(1−rate), with masks drawn from seed and the step count (the same
	 * for any thread count); predict and evaluate use every output. */
	const float *l2;
	const float *dropout;
	float rho;                  /* ENTRENA_OPT_RMSPROP; 0 means 0.9 */
} entrena_spec;

/* Fill the spec_size bytes at spec with defaults: struct_size =
 * spec_size, no layers, MSE, SGD with learning rate 0.1, max_batch 32,
 * threads 0, seed 1, other fields and any bytes past this library's struct
 * 0. spec: required. spec_size: at least the fields up to activations,
 * at most 4096 bytes, else ENTRENA_ERR_ARGUMENT. Call it through the
 * entrena_spec_init macro, which passes sizeof *spec. */
entrena_status entrena_spec_init_sized(entrena_spec *spec, size_t spec_size);
/* The function of ABI 1, for programs built before the macro: it fills the
 * struct of ABI 1. */
entrena_status entrena_spec_init(entrena_spec *spec);
#define entrena_spec_init(spec) entrena_spec_init_sized((spec), sizeof *(spec))

/* Build a network from *spec with every buffer allocated and the weights
 * initialised from spec->seed (same seed, same weights). On success *out_net
 * is a new handle; on failure it is set to NULL and entrena_last_error()
 * says why (ENTRENA_ERR_SPEC for an invalid spec, or for one whose buffers
 * need more memory than this machine allows, with both sizes in the message;
 * ENTRENA_ERR_ARGUMENT for
 * NULL pointers or a bad struct_size, ENTRENA_ERR_KERNEL when the
 * environment variable ENTRENA_KERNELS names a path that cannot run and
 * entrena_kernel_use() has not chosen one since).
 * spec, out_net: required. */
entrena_status entrena_create(const entrena_spec *spec, entrena_net **out_net);

/* Release net and everything it owns. NULL is a no-op (ENTRENA_OK); a handle
 * already destroyed or unknown gives ENTRENA_ERR_HANDLE and has no other
 * effect. If another thread is in a call on net, destroy waits for it
 * (see CONVENTIONS, Threads; ENTRENA_ERR_BUSY while a progress callback of
 * net runs). */
entrena_status entrena_destroy(entrena_net *net);

/* Dimensions of net. Every out-pointer is optional. */
entrena_status entrena_shape(const entrena_net *net, int64_t *inputs, int64_t *outputs,
                             int64_t *max_batch, int64_t *n_layers);

/* Layer index (0-based, output layer last): its units and activation
 * (entrena_activation). Out-pointers optional; index out of range:
 * ENTRENA_ERR_SHAPE. */
entrena_status entrena_layer(const entrena_net *net, int64_t index, int64_t *units,
                             int32_t *activation);

/* Layer index's weight decay λ and dropout rate (0 when off; see
 * entrena_spec). Out-pointers optional; index out of range:
 * ENTRENA_ERR_SHAPE. */
entrena_status entrena_layer_regularization(const entrena_net *net, int64_t index, float *l2,
                                            float *dropout);

/* Loss (entrena_loss), optimizer (entrena_optimizer) and the current learning
 * rate. Out-pointers optional. */
entrena_status entrena_training_config(const entrena_net *net, int32_t *loss, int32_t *optimizer,
                                       float *learning_rate);

/* The optimizer's hyper-parameters as the network uses them: the defaults
 * of entrena_spec filled in, an explicit 0 as -0.0f, one the optimizer
 * does not use 0. Passed back in an entrena_spec with the same optimizer
 * they make the same steps (a program that rebuilds a loaded network keeps
 * its optimizer this way). Out-pointers optional. */
entrena_status entrena_optimizer_config(const entrena_net *net, float *momentum, float *beta1,
                                        float *beta2, float *epsilon, float *rho);

/* Change the learning rate of later steps (> 0 and finite, else
 * ENTRENA_ERR_SPEC). */
entrena_status entrena_set_learning_rate(entrena_net *net, float learning_rate);

/* Change how many cores later steps may use (0 = all, 1 = calling thread
 * only, at most 256, else ENTRENA_ERR_SPEC). Results do not depend on it. */
entrena_status entrena_set_threads(entrena_net *net, int32_t threads);

/* How many threads the steps of net use now, and why fewer than they may:
 * the process can use fewer cores, or extra threads did not make recent
 * steps faster (another program keeps the cores busy), in which case steps
 * run on the calling thread for a while and try again later. Every
 * out-pointer is optional.
 *   *threads  the ceiling: spec.threads or entrena_set_threads, and when
 *             that is 0 the cores this process can use
 *   *cores    the cores this process can use: the smallest of GOMAXPROCS,
 *             its CPU affinity mask and its cgroup CPU quota rounded down
 *   *in_use   the threads steps use now, 1 … *threads
 *   *reason   why *in_use is below *threads, "" when it is not, e.g.
 *             "contended: the machine has no free core (the caller waited
 *             for a CPU 35% of the time); trying again later". The string
 *             is in storage of the calling thread and stays valid until
 *             this thread's next entrena_thread_stats call or its exit;
 *             at most ENTRENA_ERRMSG_MAX bytes, NUL included.
 * Like other calls on net it waits for a running entrena_fit (it then reads
 * what the fit left) and gives ENTRENA_ERR_BUSY from a progress callback
 * (CONVENTIONS, Threads). Allocates nothing unless there is a reason. */
entrena_status entrena_thread_stats(const entrena_net *net, int32_t *threads, int32_t *cores,
                                    int32_t *in_use, const char **reason);

/* Make seed the network's seed from now on, as if the network had been
 * created with it: entrena_fit's shuffling goes on as a new network's of
 * that seed would, and dropout masks are drawn from it; a saved model
 * records it. Weights and optimizer state are untouched. The same seed
 * gives the same order again. It takes about as long as entrena_create's
 * weight initialisation, whose random draws it replays. */
entrena_status entrena_set_seed(entrena_net *net, uint64_t seed);

/* --------------------------------------------------------------- training */

/* One step of mini-batch gradient descent on `batch` samples (1 … max_batch,
 * checked before anything else: ENTRENA_ERR_SHAPE): forward, loss, backward, parameter update. x holds batch×inputs floats
 * (x_len ≥ that), y batch×outputs (y_len ≥ that), both read in place.
 * *cost (optional) receives the batch's loss before the update: J by the
 * network's loss function (the seed's cost function), plus λ·Σw² of the
 * layers with weight decay, as everywhere a loss is reported.
 * ENTRENA_ERR_DATA when x or y holds NaN or Inf, or y a target outside the
 * loss's range (see ENTRENA_ERR_DATA), and when the step diverges:
 * its loss is NaN or Inf, or its update would make a parameter or the
 * optimizer state NaN or Inf (a learning rate too large). Either way the
 * network is left exactly as it was before the call: parameters, optimizer
 * state and step count. */
entrena_status entrena_train_step(entrena_net *net, const float *x, int64_t x_len,
                                  const float *y, int64_t y_len, int64_t batch, float *cost);

/* What entrena_fit() reports to its progress callback. The struct is valid
 * during the callback only. */
typedef struct entrena_progress {
	int64_t epoch;         /* 1-based epoch */
	int64_t epochs;        /* total epochs of this entrena_fit call */
	int64_t batch;         /* 1-based batch within the epoch */
	int64_t batches;       /* batches per epoch */
	int64_t samples;       /* samples seen in this epoch so far */
	float cost;            /* mean loss of the epoch so far (the epoch's loss when epoch_done) */
	int32_t epoch_done;    /* 1 at the end of an epoch, 0 after a batch */
	float val_loss;        /* validation loss, when epoch_done and validation data was given */
	float val_accuracy;    /* validation accuracy, likewise */
	double elapsed_seconds; /* since the epoch started */
} entrena_progress;

/* Progress callback: return 0 to go on, non-zero to stop training after the
 * current batch (entrena_fit then returns ENTRENA_ERR_STOPPED, keeping the
 * updates made so far). It runs on the thread that called entrena_fit; its
 * calls on the same handle get ENTRENA_ERR_BUSY, and it must not wait for
 * another thread's call on that handle (see CONVENTIONS, Threads). */
typedef int (*entrena_progress_fn)(const entrena_progress *progress, void *user_data);

/* All-reduce callback of a data-parallel fit (see entrena_fit_options and
 * docs/DISTRIBUTED.md): sum the n floats at buf element-wise over every
 * rank, in place, leaving the same sums on every rank, then return 0 —
 * MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, comm) is one.
 * buf holds a step's gradients in the library's internal layout followed
 * by a few floats of bookkeeping (so n is a little more than the parameter
 * count), or at the end of an epoch the validation sums: sum them all.
 * buf is valid during the call only. Each rank makes the same calls with
 * the same n. It runs on the thread that called entrena_fit; its calls on
 * the same handle get ENTRENA_ERR_BUSY. Non-zero: that rank's entrena_fit stops with
 * ENTRENA_ERR_REDUCE without applying the step. A callback must not wait
 * forever for a rank that has failed: give up after a timeout (for MPI:
 * MPI_Iallreduce, then MPI_Test until a deadline) and return non-zero. */
typedef int (*entrena_reduce_fn)(float *buf, int64_t n, void *user);

/* Options of entrena_fit(). Initialise with entrena_fit_options_init(). */
typedef struct entrena_fit_options {
	uint32_t struct_size;         /* set by the init function (CONVENTIONS, Versioned structs) */
	int32_t epochs;               /* passes over the data, ≥ 1 (default 1) */
	int32_t batch_size;           /* samples per step; 0 = max_batch (default 0); more than max_batch: ENTRENA_ERR_SHAPE */
	int32_t shuffle;              /* non-zero: new seeded random order every epoch (default 1) */
	int32_t progress_every_batch; /* non-zero: call progress after every batch too (default 0) */
	entrena_progress_fn progress; /* optional; called at the end of every epoch */
	void *user_data;              /* passed to progress, never dereferenced */
	const float *val_x;           /* optional validation inputs, val_samples×inputs */
	int64_t val_x_len;            /* floats in val_x */
	const float *val_y;           /* validation targets, val_samples×outputs */
	int64_t val_y_len;            /* floats in val_y */
	int64_t val_samples;          /* 0: no validation */
	/* Data-parallel training over `size` processes (ranks), each with the
	 * same data, the same network (same seed, or parameters broadcast from
	 * rank 0) and the same options but `rank`: each step takes batch_size
	 * samples per rank (a global batch of batch_size × size, in the same
	 * shuffled order on every rank), sums the ranks' gradients through
	 * reduce, and applies the same update everywhere. Epoch costs and
	 * validation metrics are those of the whole data. The progress
	 * callback must decide alike on every rank (stop on all or none). */
	entrena_reduce_fn reduce;     /* optional; required when size > 1 */
	void *reduce_user;            /* passed to reduce, never dereferenced */
	int32_t rank;                 /* this process's rank, 0 ≤ rank < size (default 0) */
	int32_t size;                 /* number of ranks; 0 or 1: one (default 0) */
} entrena_fit_options;

/* Fill the opts_size bytes at opts with the defaults above (struct_size =
 * opts_size; bytes past this library's struct 0). opts: required.
 * opts_size: at least the fields up to epochs, at most 4096 bytes, else
 * ENTRENA_ERR_ARGUMENT. Call it through the entrena_fit_options_init macro,
 * which passes sizeof *opts. */
entrena_status entrena_fit_options_init_sized(entrena_fit_options *opts, size_t opts_size);
/* The function of ABI 1, for programs built before the macro. */
entrena_status entrena_fit_options_init(entrena_fit_options *opts);
#define entrena_fit_options_init(opts) entrena_fit_options_init_sized((opts), sizeof *(opts))

/* Train for opts->epochs epochs over `samples` rows of x (samples×inputs,
 * x_len ≥ that) and y (samples×outputs), at most 2^31 − 1 samples
 * (ENTRENA_ERR_SHAPE beyond; any number of floats), read in place (when shuffling,
 * each batch is gathered into the network's own buffer, on more than one
 * thread the next batch during the current step: x and y must not change
 * until entrena_fit returns, progress callbacks included). Each epoch's mean
 * loss is appended to the network's history (entrena_history); *cost
 * (optional) receives the last completed epoch's loss, also when the call
 * fails with ENTRENA_ERR_STOPPED or ENTRENA_ERR_DIVERGED after completing at
 * least one epoch (an exception to the out-parameter rule). opts may be NULL
 * (the defaults). ENTRENA_ERR_DATA when x, y, val_x or val_y holds NaN or
 * Inf, or a target out of the loss's range: the network is left as it was
 * before the call (validation data and targets are checked before
 * training, inputs batch by batch during the first epoch). On
 * ENTRENA_ERR_DIVERGED the parameters are restored to the start of the
 * failing epoch; on ENTRENA_ERR_STOPPED the updates made so far are kept
 * and the completed epochs are in the history. */
entrena_status entrena_fit(entrena_net *net, const float *x, int64_t x_len, const float *y,
                           int64_t y_len, int64_t samples, const entrena_fit_options *opts,
                           float *cost);

/* Run `samples` rows of x through the network (any number of samples; they
 * go max_batch at a time) and write samples×outputs floats to out
 * (out_len ≥ that). x is read in place, out written in place. */
entrena_status entrena_predict(entrena_net *net, const float *x, int64_t x_len, int64_t samples,
                               float *out, int64_t out_len);

/* Loss (by the network's loss function, plus the weight decay's λ·Σw²;
 * dropout off) and accuracy over `samples` rows of x and y.
 * Accuracy: share of samples whose largest output is at the index of the
 * largest target; with one output, output and target compared at 0.5.
 * loss, accuracy: optional. */
entrena_status entrena_evaluate(entrena_net *net, const float *x, int64_t x_len, const float *y,
                                int64_t y_len, int64_t samples, float *loss, float *accuracy);

/* ------------------------------------------------------------- parameters
 *
 * Order: for each layer, its out×in weights row-major, then its out biases. */

/* Number of weights and biases. out_count: required. */
entrena_status entrena_param_count(const entrena_net *net, int64_t *out_count);

/* Copy the parameters into dst (dst_len ≥ param count). */
entrena_status entrena_get_params(const entrena_net *net, float *dst, int64_t dst_len);

/* Replace the parameters with src (src_len == param count exactly). NaN or
 * Inf gives ENTRENA_ERR_DATA and leaves the network unchanged. The optimizer
 * state is reset. */
entrena_status entrena_set_params(entrena_net *net, const float *src, int64_t src_len);

/* The loss of every epoch completed by entrena_fit on this handle, oldest
 * first, into dst (dst_len floats). *needed (optional) receives the number
 * of epochs (CONVENTIONS, Size queries). */
entrena_status entrena_history(const entrena_net *net, float *dst, int64_t dst_len,
                               int64_t *needed);

/* ------------------------------------------------------------ model files
 *
 * The format is versioned, little-endian and CRC-checked (described field
 * by field in docs/MODEL_FORMAT.md); it holds the spec and parameters, not
 * the optimizer state or history. A network with a NaN or Inf parameter is
 * not saved (ENTRENA_ERR_DATA), so every file saved loads again. */

/* Save to the file at path (NUL-terminated, required) atomically: a reader,
 * or the disk after a crash, sees the old file or the new one, never a mix.
 *  - A symbolic link is followed to its final target, which is replaced;
 *    the link stays a link (a link to a missing file creates that file).
 *  - A folder, device, FIFO or socket at the path (or at the link's target)
 *    gives ENTRENA_ERR_IO and is left untouched.
 *  - The data goes to a new temporary file in the target's folder, which is
 *    fsynced, renamed over the target, and the folder fsynced.
 *  - A replaced file keeps its permission bits; a new file gets 0666 less
 *    the umask. The file is a new inode: a hard link to the old file keeps
 *    the old contents.
 * ENTRENA_ERR_IO when the file cannot be written (the old file is then
 * intact); ENTRENA_ERR_DATA when a parameter is NaN or Inf. */
entrena_status entrena_save(const entrena_net *net, const char *path);

/* Write the network as an ONNX model file (IR version 7, operator set 13),
 * for any ONNX runtime: per layer a Gemm (the out×in weights, transB = 1)
 * and its activation; input "input" [batch, inputs], output "output"
 * [batch, outputs]. With a data schema (entrena_schema_json), the graph
 * applies its feature scaling to the input and undoes a regression's target
 * scaling on the output, and the schema's JSON is stored as the metadata
 * entry "entrena.schema". The file is replaced atomically, as by
 * entrena_save. ENTRENA_ERR_IO when it cannot be written; ENTRENA_ERR_DATA
 * when a parameter is NaN or Inf. */
entrena_status entrena_save_onnx(const entrena_net *net, const char *path);

/* Load a model file into a new handle *out_net (NULL on failure). Only a
 * regular file is read: a folder, device (/dev/zero), FIFO or socket gives
 * ENTRENA_ERR_IO before it is opened, so nothing blocks. The file is read
 * as a stream: its header, and the file's size against it, are checked
 * before anything is allocated, so a large file that is not a model fails
 * at once.
 * ENTRENA_ERR_IO (cannot read), ENTRENA_ERR_MODEL (not a valid model),
 * ENTRENA_ERR_VERSION (a format version this library does not read: newer,
 * or older and unsupported), ENTRENA_ERR_SPEC (its network needs
 * more memory than this machine allows). path, out_net: required. */
entrena_status entrena_load(const char *path, entrena_net **out_net);

/* Exact size in bytes of the model file of net. out_size: required. */
entrena_status entrena_model_size(const entrena_net *net, size_t *out_size);

/* Write the model file into buf (buf_size bytes). *needed (optional)
 * receives its size, entrena_model_size's, which is also the number of
 * bytes written (CONVENTIONS, Size queries). */
entrena_status entrena_save_buffer(const entrena_net *net, void *buf, size_t buf_size,
                                   size_t *needed);

/* Build a new handle *out_net from a model file held in buf (buf_size bytes;
 * buf is not retained). ENTRENA_ERR_MODEL for truncated or corrupted data,
 * ENTRENA_ERR_VERSION for a format version it does not read (newer, or
 * older and unsupported), ENTRENA_ERR_SPEC when its network
 * needs more memory than this machine allows. buf, out_net: required. */
entrena_status entrena_load_buffer(const void *buf, size_t buf_size, entrena_net **out_net);

/* ---------------------------------------------------------- data schema
 *
 * A model trained on CSV data (entrena train) holds its data schema in the
 * model file (format version 2, docs/MODEL_FORMAT.md): a JSON object saying
 * what the inputs and outputs mean, e.g.
 *   {"version":1,"task":"classification","features":["a","b"],"header":true,
 *    "label":"species","label_column":2,"columns":3,
 *    "classes":["setosa","versicolor","virginica"],"class_type":"string",
 *    "feature_scaling":{"method":"minmax","offset":[…],"scale":[…]}}
 * task is "classification", "regression" or "multi-label"; classes are the
 * labels of the outputs in order (two classes for one sigmoid output: the
 * second at an output >= 0.5); feature_scaling maps feature j to
 * (x - offset[j]) / scale[j] before entrena_predict; a regression model's
 * target_scaling maps an output y to y * scale[0] + offset[0].
 * entrena_predict itself applies neither: the caller scales inputs and
 * outputs as the schema says (the Python package does). */

/* The schema of net as its JSON document, "" when it has none (a network
 * from entrena_create, or a model file of format version 1). A string
 * result (CONVENTIONS, Size queries). */
entrena_status entrena_schema_json(const entrena_net *net, char *buf, size_t buf_size,
                                   size_t *needed);

/* Attach the schema given as its JSON document (NUL-terminated), as
 * entrena_schema_json returns it; NULL or "" removes it. It is saved with
 * the model (entrena_save writes format version 2 when a schema is set).
 * ENTRENA_ERR_SPEC when the document does not parse, names an unknown
 * field, or does not fit net (a feature name per input, a class per output,
 * scalings of those lengths whose offsets and scales are finite as float32
 * and whose scales are > 0 as float32, as entrena_save_onnx stores them);
 * ENTRENA_ERR_VERSION for a newer schema version. */
entrena_status entrena_set_schema_json(entrena_net *net, const char *json);

/* ------------------------------------------------------------------ debug */

/* For tests: the cumulative count of heap objects the library's Go runtime
 * has allocated (runtime.MemStats.Mallocs). Compare it before and after a
 * call to check that the call allocates nothing. Costs a few microseconds
 * (briefly stops the Go runtime). out_mallocs: required. */
entrena_status entrena_debug_mallocs(uint64_t *out_mallocs);

/* For tests: panic inside the library, to check that Go panics come back
 * as ENTRENA_ERR_INTERNAL. With a non-NULL net the panic happens while net
 * is locked, and net stays usable afterwards. Always returns
 * ENTRENA_ERR_INTERNAL (or ENTRENA_ERR_HANDLE for a bad handle). */
entrena_status entrena_debug_panic(entrena_net *net);

#ifdef __cplusplus
}
#endif

#endif /* ENTRENA_H */
