/* Tests of the entrena C API: every function, every status. Built with
 * -fsanitize=address,undefined and, separately, run under valgrind memcheck
 * (see capi/capi.mk and capi/README.md).
 *
 *   test_capi [scratch-folder [quick]]
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "entrena.h"

#include "expect.h"

static const char *scratch = "/tmp";
static int quick; /* fewer repetitions, for valgrind */

/* A spec of a 4-3-2 sigmoid network, MSE, the defaults of entrena_spec_init. */
static void small_spec(entrena_spec *spec) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SIGMOID};
	OK(entrena_spec_init(spec));
	spec->inputs = 4;
	spec->n_layers = 2;
	spec->units = units;
	spec->activations = acts;
}

/* A 4-3-2 sigmoid network, MSE, SGD, max batch 8, one thread. */
static entrena_net *small_net(uint64_t seed) {
	entrena_spec spec;
	entrena_net *net = NULL;
	small_spec(&spec);
	spec.learning_rate = 0.5f;
	spec.max_batch = 8;
	spec.threads = 1;
	spec.seed = seed;
	OK(entrena_create(&spec, &net));
	EXPECT(net != NULL);
	return net;
}

/* Data for small_net: 16 samples. */
static float X[16 * 4], Y[16 * 2];
static void make_data(void) {
	for (int i = 0; i < 16; i++) {
		for (int j = 0; j < 4; j++)
			X[4 * i + j] = (float)((i >> j) & 1);
		Y[2 * i] = (float)(((i >> 0) ^ (i >> 1)) & 1);
		Y[2 * i + 1] = (float)((i >> 2) & 1);
	}
}

static void test_static(void) {
	EXPECT(strcmp(entrena_status_string(ENTRENA_OK), "not an error") == 0);
	for (int s = ENTRENA_OK; s <= ENTRENA_ERR_INTERNAL; s++) {
		const char *str = entrena_status_string((entrena_status)s);
		EXPECT(str != NULL && strlen(str) > 0 && strcmp(str, "unknown status") != 0);
	}
	EXPECT(strcmp(entrena_status_string((entrena_status)-1), "unknown status") == 0);
	EXPECT(strcmp(entrena_status_string((entrena_status)1000), "unknown status") == 0);
	EXPECT(strcmp(entrena_version(), ENTRENA_VERSION_STRING) == 0);
	EXPECT(entrena_version_number() == ENTRENA_VERSION_NUMBER);
	EXPECT(entrena_abi_version() == ENTRENA_ABI_VERSION);
	EXPECT(entrena_last_error() != NULL);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_spec_init((entrena_spec *)NULL));
	EXPECT(strstr(entrena_last_error(), "NULL") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit_options_init((entrena_fit_options *)NULL));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_debug_mallocs(NULL));
	uint64_t m = 0;
	OK(entrena_debug_mallocs(&m));
	EXPECT(m > 0);
}

static void test_strings(entrena_status (*fn)(char *, size_t, size_t *), int may_be_empty) {
	char buf[1024], tiny[1];
	size_t need = 0;
	OK(fn(NULL, 0, &need)); /* size query */
	EXPECT(need >= 1 && need <= sizeof buf);
	OK(fn(NULL, 0, NULL));
	OK(fn(buf, sizeof buf, NULL));
	EXPECT(strlen(buf) + 1 == need);
	EXPECT(may_be_empty || strlen(buf) > 0);
	memset(buf, 'x', sizeof buf);
	OK(fn(buf, need, &need));
	EXPECT(strlen(buf) + 1 == need);
	if (need > 1) {
		tiny[0] = 'z';
		EXPECT_STATUS(ENTRENA_ERR_SHAPE, fn(tiny, sizeof tiny, &need));
		EXPECT(tiny[0] == 'z'); /* untouched */
	}
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, fn(NULL, 10, &need));
}

static void test_kernels(void) {
	char active[64], avail[256], use[64];
	test_strings(entrena_kernel_active, 0);
	test_strings(entrena_kernels_available, 0);
	test_strings(entrena_cpu_features, 1);
	test_strings(entrena_cpu_model, 1);
	OK(entrena_kernel_active(active, sizeof active, NULL));
	OK(entrena_kernels_available(avail, sizeof avail, NULL));
	EXPECT(strncmp(avail, "generic", 7) == 0);
	EXPECT(strstr(avail, active) != NULL);

	/* Every available path can be forced, and a network trains on it. */
	char *save = NULL;
	for (char *tok = strtok_r(avail, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		OK(entrena_kernel_use(tok));
		OK(entrena_kernel_active(use, sizeof use, NULL));
		EXPECT(strcmp(use, tok) == 0);
		entrena_net *net = small_net(1);
		float cost = -1;
		OK(entrena_train_step(net, X, 16 * 4, Y, 16 * 2, 8, &cost));
		EXPECT(cost > 0 && isfinite(cost));
		OK(entrena_destroy(net));
	}
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_kernel_use("bogus"));
	EXPECT(strstr(entrena_last_error(), "bogus") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_kernel_use(""));
#if defined(__x86_64__)
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_kernel_use("neon")); /* known, not available */
#endif
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_kernel_use(NULL));
	OK(entrena_kernel_use(active)); /* restore */
}

static void test_create(void) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SIGMOID};
	static const int32_t bad_acts[] = {99, ENTRENA_SIGMOID};
	static const int32_t neg_acts[] = {-1, ENTRENA_SIGMOID};
	static const int32_t softmax_acts[] = {ENTRENA_SIGMOID, ENTRENA_SOFTMAX};
	static const int32_t zero_units[] = {0, 2};
	entrena_spec spec, s;
	entrena_net *net = (entrena_net *)0x1;

	OK(entrena_spec_init(&spec));
	EXPECT(spec.struct_size == sizeof spec && spec.max_batch == 32 && spec.learning_rate > 0);
	spec.inputs = 4;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;

	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(NULL, &net));
	EXPECT(net == NULL); /* cleared on failure */
	EXPECT(strstr(entrena_last_error(), "spec is NULL") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&spec, NULL));

	s = spec;
	s.struct_size = 8;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&s, &net));
	s = spec;
	s.units = NULL;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&s, &net));
	s = spec;
	s.activations = NULL;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&s, &net));

	s = spec;
	s.inputs = 0;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s.inputs = -5;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.n_layers = 0;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s.n_layers = -1;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.units = zero_units;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.activations = bad_acts;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s.activations = neg_acts;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.activations = softmax_acts; /* softmax needs cross-entropy */
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.loss = 7;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s.loss = -1;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.optimizer = 9;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.learning_rate = -1;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s.learning_rate = NAN;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.max_batch = 0;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.threads = -1;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.optimizer = ENTRENA_OPT_MOMENTUM;
	s.momentum = 1.5f;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	EXPECT(net == NULL);

	/* Every optimizer and activation builds. */
	for (int opt = 0; opt <= ENTRENA_OPT_ADAM; opt++) {
		for (int a = ENTRENA_SIGMOID; a <= ENTRENA_LINEAR; a++) {
			int32_t aa[] = {a, ENTRENA_SIGMOID};
			s = spec;
			s.activations = aa;
			s.optimizer = opt;
			OK(entrena_create(&s, &net));
			float cost;
			OK(entrena_train_step(net, X, 16 * 4, Y, 16 * 2, 8, &cost));
			OK(entrena_destroy(net));
		}
	}

	/* Same seed, same weights; different seed, different weights. */
	entrena_net *a = small_net(5), *b = small_net(5), *c = small_net(6);
	float pa[32], pb[32], pc[32];
	int64_t n = 0;
	OK(entrena_param_count(a, &n));
	EXPECT(n == 4 * 3 + 3 + 3 * 2 + 2);
	OK(entrena_get_params(a, pa, 32));
	OK(entrena_get_params(b, pb, 32));
	OK(entrena_get_params(c, pc, 32));
	EXPECT(memcmp(pa, pb, n * sizeof(float)) == 0);
	EXPECT(memcmp(pa, pc, n * sizeof(float)) != 0);
	OK(entrena_destroy(a));
	OK(entrena_destroy(b));
	OK(entrena_destroy(c));
}

static void test_handles(void) {
	entrena_net *net = small_net(1);
	entrena_net *fake = (entrena_net *)(uintptr_t)0x7fff1234;
	int64_t n;

	EXPECT(strcmp(entrena_errmsg(net), "not an error") == 0);
	OK(entrena_destroy(NULL));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_param_count(NULL, &n));
	EXPECT(strcmp(entrena_errmsg(NULL), "NULL handle") == 0);
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_param_count(fake, &n));
	EXPECT(strstr(entrena_errmsg(fake), "unknown") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_destroy(fake));

	OK(entrena_destroy(net));
	/* Use after destroy and double destroy are detected. */
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_destroy(net));
	EXPECT(strstr(entrena_last_error(), "destroyed") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_param_count(net, &n));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_train_step(net, X, 64, Y, 32, 8, NULL));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_predict(net, X, 64, 1, Y, 2));
	EXPECT(strstr(entrena_errmsg(net), "destroyed") != NULL);

	/* Handles are not reused. */
	entrena_net *again = small_net(1);
	EXPECT(again != net);
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_param_count(net, &n));
	OK(entrena_destroy(again));
}

/* small_spec's network with an optimizer's hyper-parameters: its handle, or NULL. */
static entrena_net *net_with_optimizer(int32_t optimizer, float momentum, float beta1, float beta2,
                                       float epsilon, float rho) {
	entrena_spec s;
	entrena_net *net = NULL;
	small_spec(&s);
	s.optimizer = optimizer;
	s.momentum = momentum;
	s.beta1 = beta1;
	s.beta2 = beta2;
	s.epsilon = epsilon;
	s.rho = rho;
	OK(entrena_create(&s, &net));
	return net;
}

/* entrena_optimizer_config gives what the spec set, defaults filled in,
 * and an explicit 0 back as -0.0f, so a rebuilt network steps alike. */
static void test_optimizer_config(void) {
	float m = -1, b1 = -1, b2 = -1, eps = -1, rho = -1;
	entrena_net *net = net_with_optimizer(ENTRENA_OPT_ADAM, 0, 0.8f, 0, 1e-6f, 0);
	OK(entrena_optimizer_config(net, &m, &b1, &b2, &eps, &rho));
	EXPECT(m == 0 && b1 == 0.8f && b2 == 0.999f && eps == 1e-6f && rho == 0);
	OK(entrena_optimizer_config(net, NULL, NULL, NULL, NULL, NULL));
	OK(entrena_destroy(net));
	net = net_with_optimizer(ENTRENA_OPT_MOMENTUM, 0, 0, 0, 0, 0);
	OK(entrena_optimizer_config(net, &m, NULL, NULL, &eps, NULL));
	EXPECT(m == 0.9f && eps == 0);
	OK(entrena_destroy(net));
	net = net_with_optimizer(ENTRENA_OPT_RMSPROP, 0, 0, 0, 0, -0.0f);
	OK(entrena_optimizer_config(net, NULL, NULL, NULL, &eps, &rho));
	EXPECT(rho == 0 && signbit(rho) && eps == 1e-7f);
	OK(entrena_destroy(net));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_optimizer_config(net, &m, NULL, NULL, NULL, NULL));
}

static void test_describe(void) {
	entrena_net *net = small_net(1);
	int64_t in = 0, out = 0, mb = 0, layers = 0, units = 0;
	int32_t act = -1, loss = -1, opt = -1;
	float lr = 0;

	OK(entrena_shape(net, &in, &out, &mb, &layers));
	EXPECT(in == 4 && out == 2 && mb == 8 && layers == 2);
	OK(entrena_shape(net, NULL, NULL, NULL, NULL));
	OK(entrena_layer(net, 0, &units, &act));
	EXPECT(units == 3 && act == ENTRENA_SIGMOID);
	OK(entrena_layer(net, 1, &units, NULL));
	EXPECT(units == 2);
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_layer(net, 2, &units, &act));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_layer(net, -1, &units, &act));
	EXPECT(strstr(entrena_errmsg(net), "out of range") != NULL);
	OK(entrena_training_config(net, &loss, &opt, &lr));
	EXPECT(loss == ENTRENA_LOSS_MSE && opt == ENTRENA_OPT_SGD && lr == 0.5f);
	EXPECT(strcmp(entrena_errmsg(net), "not an error") == 0); /* reset by success */
	OK(entrena_set_learning_rate(net, 0.25f));
	OK(entrena_training_config(net, NULL, NULL, &lr));
	EXPECT(lr == 0.25f);
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_learning_rate(net, 0));
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_learning_rate(net, INFINITY));
	OK(entrena_training_config(net, NULL, NULL, &lr));
	EXPECT(lr == 0.25f);
	OK(entrena_set_threads(net, 2));
	OK(entrena_set_threads(net, 0));
	OK(entrena_set_threads(net, 1));
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_threads(net, -1));
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_threads(net, 100000));
	OK(entrena_destroy(net));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_set_seed(net, 1));
	test_optimizer_config();
}

/* entrena_thread_stats: the ceiling, the cores, the threads in use and why
 * fewer, through optional out-pointers. */
static void test_thread_stats(void) {
	entrena_net *net = small_net(1); /* one thread */
	int32_t threads = -1, cores = -1, in_use = -1;
	const char *reason = NULL;

	OK(entrena_thread_stats(net, &threads, &cores, &in_use, &reason));
	EXPECT(threads == 1 && in_use == 1 && cores >= 1);
	EXPECT(reason != NULL && strcmp(reason, "") == 0);
	OK(entrena_thread_stats(net, NULL, NULL, NULL, NULL));
	EXPECT(strcmp(entrena_errmsg(net), "not an error") == 0);

	/* 0: as many as the process can use, all of them in use. */
	OK(entrena_set_threads(net, 0));
	OK(entrena_thread_stats(net, &threads, &cores, &in_use, &reason));
	EXPECT(threads == cores && in_use == cores && strcmp(reason, "") == 0);

	/* One more than the cores: the pool runs on the cores, and says why. */
	OK(entrena_set_threads(net, cores + 1));
	OK(entrena_thread_stats(net, &threads, NULL, &in_use, &reason));
	EXPECT(threads == cores + 1 && in_use == cores);
	EXPECT(strncmp(reason, "this process can use ", 21) == 0);
	EXPECT(strlen(reason) < ENTRENA_ERRMSG_MAX);

	/* Failures touch no out-pointer. */
	threads = in_use = -7;
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_thread_stats(NULL, &threads, &cores, &in_use, &reason));
	EXPECT(strstr(entrena_last_error(), "entrena_thread_stats") != NULL);
	OK(entrena_destroy(net));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_thread_stats(net, &threads, &cores, &in_use, &reason));
	EXPECT(threads == -7 && in_use == -7);
}

/* entrena_set_seed: two networks with the same weights and the same shuffle
 * seed train identically; another seed gives another order. */
static void test_set_seed(void) {
	entrena_net *a = small_net(5), *b = small_net(5);
	float ca = 0, cb = 0, cc = 0;
	entrena_fit_options opts;
	OK(entrena_fit_options_init(&opts));
	opts.epochs = 3;
	opts.batch_size = 4;
	OK(entrena_fit(a, X, 64, Y, 32, 16, &opts, NULL)); /* advance a's generator */
	OK(entrena_destroy(a));
	a = small_net(5);
	OK(entrena_fit(b, X, 64, Y, 32, 16, &opts, NULL));
	OK(entrena_destroy(b));
	b = small_net(5);
	OK(entrena_set_seed(a, 42));
	OK(entrena_set_seed(b, 42));
	OK(entrena_fit(a, X, 64, Y, 32, 16, &opts, &ca));
	OK(entrena_fit(b, X, 64, Y, 32, 16, &opts, &cb));
	EXPECT(ca == cb);
	OK(entrena_set_seed(a, 43));
	OK(entrena_set_seed(b, 42));
	OK(entrena_fit(a, X, 64, Y, 32, 16, &opts, &cc));
	OK(entrena_fit(b, X, 64, Y, 32, 16, &opts, &cb));
	EXPECT(cc != cb);
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_set_seed(NULL, 1));
	OK(entrena_destroy(a));
	OK(entrena_destroy(b));

	/* As if created with the seed: a new network of seed 5 and one given
	 * set_seed(5) train to the same parameters. */
	float pa[23], pb[23];
	a = small_net(5);
	b = small_net(5);
	OK(entrena_set_seed(b, 5));
	OK(entrena_fit(a, X, 64, Y, 32, 16, &opts, NULL));
	OK(entrena_fit(b, X, 64, Y, 32, 16, &opts, NULL));
	OK(entrena_get_params(a, pa, 23));
	OK(entrena_get_params(b, pb, 23));
	EXPECT(memcmp(pa, pb, sizeof pa) == 0);
	OK(entrena_destroy(a));
	OK(entrena_destroy(b));
}

static void test_train_predict(void) {
	entrena_net *net = small_net(3);
	float cost = -1, first = 0, out[16 * 2], loss = -1, acc = -1, bad[8 * 4];

	/* Training lowers the cost. */
	for (int i = 0; i < 300; i++) {
		OK(entrena_train_step(net, X + (i % 2) * 32, 32, Y + (i % 2) * 16, 16, 8, &cost));
		if (i == 0)
			first = cost;
	}
	EXPECT(cost < first);
	OK(entrena_train_step(net, X, 64, Y, 32, 8, NULL)); /* cost optional */
	OK(entrena_train_step(net, X, 4, Y, 2, 1, &cost));  /* batch of 1, exact lengths */

	/* Argument and shape errors. */
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_train_step(net, X, 64, Y, 32, 0, &cost));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_train_step(net, X, 64, Y, 32, 9, &cost)); /* > max batch */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_train_step(net, X, 64, Y, 32, -1, &cost));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_train_step(net, X, 31, Y, 32, 8, &cost)); /* short x */
	EXPECT(strstr(entrena_errmsg(net), "need 32") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_train_step(net, X, 32, Y, 15, 8, &cost)); /* short y */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_train_step(net, X, -1, Y, 16, 8, &cost));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_train_step(net, NULL, 32, Y, 16, 8, &cost));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_train_step(net, X, 32, NULL, 16, 8, &cost));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_train_step(net, X, INT64_MAX, Y, INT64_MAX, INT64_MAX / 2, &cost)); /* overflow */
	memcpy(bad, X, sizeof bad);
	bad[5] = NAN;
	float before[32], after[32];
	OK(entrena_get_params(net, before, 32));
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_train_step(net, bad, 32, Y, 16, 8, &cost));
	bad[5] = INFINITY;
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_train_step(net, bad, 32, Y, 16, 8, &cost));
	OK(entrena_get_params(net, after, 32));
	EXPECT(memcmp(before, after, 23 * sizeof(float)) == 0); /* nothing updated */

	/* Predict: any number of samples, more than max batch too. */
	OK(entrena_predict(net, X, 64, 16, out, 32));
	for (int i = 0; i < 32; i++)
		EXPECT(out[i] > 0 && out[i] < 1);
	float one[2];
	OK(entrena_predict(net, X + 4, 4, 1, one, 2));
	EXPECT(one[0] == out[2] && one[1] == out[3]);
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_predict(net, X, 64, 16, out, 31));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_predict(net, X, 63, 16, out, 32));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_predict(net, X, 64, 0, out, 32));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_predict(net, X, 64, -2, out, 32));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_predict(net, X, 64, 16, NULL, 32));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_predict(net, X, 64, 16, out, -1));
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_predict(net, bad, 32, 8, out, 32));

	/* Evaluate. */
	OK(entrena_evaluate(net, X, 64, Y, 32, 16, &loss, &acc));
	EXPECT(loss > 0 && isfinite(loss) && acc >= 0 && acc <= 1);
	OK(entrena_evaluate(net, X, 64, Y, 32, 16, NULL, NULL));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_evaluate(net, X, 64, Y, 31, 16, &loss, &acc));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_evaluate(net, X, 64, Y, 32, 0, &loss, &acc));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_evaluate(net, X, 64, NULL, 32, 16, &loss, &acc));
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_evaluate(net, bad, 32, Y, 32, 8, &loss, &acc));
	OK(entrena_destroy(net));
}

static int progress_calls, progress_batches, stop_at;
static entrena_net *progress_net;
static int64_t last_epoch;
static float costs[1000];

static int on_progress(const entrena_progress *p, void *user_data) {
	int64_t n;
	EXPECT(user_data == (void *)&progress_calls);
	EXPECT(p->epochs > 0 && p->batches > 0 && p->batch >= 1 && p->batch <= p->batches);
	if (!p->epoch_done) {
		progress_batches++;
		return 0;
	}
	progress_calls++;
	EXPECT(p->epoch == last_epoch + 1);
	last_epoch = p->epoch;
	costs[p->epoch - 1] = p->cost;
	EXPECT(p->elapsed_seconds >= 0);
	/* Calls on the same handle from a callback are refused, not deadlocked. */
	EXPECT_STATUS(ENTRENA_ERR_BUSY, entrena_param_count(progress_net, &n));
	EXPECT_STATUS(ENTRENA_ERR_BUSY, entrena_destroy(progress_net));
	EXPECT(strstr(entrena_last_error(), "busy") != NULL);
	return stop_at > 0 && p->epoch >= stop_at;
}

static void test_fit(void) {
	entrena_net *net = small_net(11);
	entrena_fit_options opts, o;
	float cost = -1, hist[100];
	int64_t count = -1;

	OK(entrena_fit_options_init(&opts));
	EXPECT(opts.struct_size == sizeof opts && opts.epochs == 1 && opts.shuffle == 1);
	OK(entrena_history(net, NULL, 0, &count));
	EXPECT(count == 0);

	/* NULL options: one epoch with defaults. */
	OK(entrena_fit(net, X, 64, Y, 32, 16, NULL, &cost));
	EXPECT(cost > 0);

	progress_net = net;
	opts.epochs = 50;
	opts.batch_size = 4;
	opts.progress = on_progress;
	opts.user_data = &progress_calls;
	opts.progress_every_batch = 1;
	progress_calls = progress_batches = 0;
	last_epoch = 0;
	OK(entrena_fit(net, X, 64, Y, 32, 16, &opts, &cost));
	EXPECT(progress_calls == 50);
	EXPECT(progress_batches == 50 * 3); /* 4 batches per epoch, the last reported as epoch_done */
	EXPECT(costs[49] < costs[0]);
	EXPECT(cost == costs[49]);
	OK(entrena_history(net, NULL, 0, &count));
	EXPECT(count == 51);
	OK(entrena_history(net, hist, 100, &count));
	EXPECT(hist[50] == costs[49] && hist[1] == costs[0]);
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_history(net, hist, 10, &count));
	EXPECT(count == 51);
	OK(entrena_history(net, hist, 100, NULL)); /* needed is optional */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_history(net, NULL, 100, &count));

	/* The callback stops training. */
	progress_calls = 0;
	last_epoch = 0;
	stop_at = 3;
	opts.progress_every_batch = 0;
	EXPECT_STATUS(ENTRENA_ERR_STOPPED, entrena_fit(net, X, 64, Y, 32, 16, &opts, &cost));
	EXPECT(progress_calls == 3);
	EXPECT(cost == costs[2]);
	OK(entrena_history(net, NULL, 0, &count));
	EXPECT(count == 54);
	/* Asked at the end of the last epoch: stopped all the same. */
	o = opts;
	o.epochs = 1;
	progress_calls = 0;
	last_epoch = 0;
	stop_at = 1;
	EXPECT_STATUS(ENTRENA_ERR_STOPPED, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	EXPECT(progress_calls == 1);
	OK(entrena_history(net, NULL, 0, &count));
	EXPECT(count == 55);
	stop_at = 0;
	/* The handle works again after the callback. */
	OK(entrena_param_count(net, &count));

	/* Validation data. */
	o = opts;
	o.progress = NULL;
	o.val_x = X;
	o.val_x_len = 64;
	o.val_y = Y;
	o.val_y_len = 32;
	o.val_samples = 16;
	OK(entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	o.val_y_len = 31;
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	o.val_y = NULL;
	o.val_y_len = 32;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	o.val_samples = -1;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));

	/* Option and shape errors. */
	o = opts;
	o.epochs = 0;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	o = opts;
	o.batch_size = 9; /* over max_batch: a shape error, as for entrena_train_step */
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	o.batch_size = -1;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	o = opts;
	o.struct_size = 4;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_fit(net, X, 63, Y, 32, 16, &opts, &cost));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_fit(net, X, 64, Y, 31, 16, &opts, &cost));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_fit(net, X, 64, Y, 32, 0, &opts, &cost));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, X, 64, Y, 32, -16, &opts, &cost));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, NULL, 64, Y, 32, 16, &opts, &cost));
	float bad[64];
	memcpy(bad, X, sizeof bad);
	bad[63] = NAN;
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_fit(net, bad, 64, Y, 32, 16, &opts, &cost));

	/* Bad validation data is found before any training: the network, its
	 * history and *cost are as before the call. */
	float vbad[32], before[23], after[23];
	int64_t epochs_before = -1;
	memcpy(vbad, Y, sizeof vbad);
	vbad[31] = INFINITY;
	OK(entrena_get_params(net, before, 23));
	OK(entrena_history(net, NULL, 0, &epochs_before));
	o = opts;
	o.progress = NULL;
	o.val_samples = 16;
	for (int which = 0; which < 2; which++) {
		o.val_x = which == 0 ? bad : X;
		o.val_x_len = 64;
		o.val_y = which == 0 ? Y : vbad;
		o.val_y_len = 32;
		cost = -1;
		EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
		EXPECT(strstr(entrena_errmsg(net), which == 0 ? "validation data: bad data: input 63 (sample 15, feature 3) is NaN"
		                                              : "validation data: bad data: target 31 (sample 15, output 1) is +Inf") != NULL);
		EXPECT(cost == -1);
		OK(entrena_history(net, NULL, 0, &count));
		EXPECT(count == epochs_before);
		OK(entrena_get_params(net, after, 23));
		EXPECT(memcmp(before, after, sizeof before) == 0);
	}
	OK(entrena_destroy(net));

	/* Divergence: a linear output with a huge learning rate. */
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_LINEAR, ENTRENA_LINEAR};
	entrena_spec spec;
	OK(entrena_spec_init(&spec));
	spec.inputs = 4;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.learning_rate = 1e30f;
	spec.max_batch = 8;
	spec.threads = 1;
	OK(entrena_create(&spec, &net));
	float p0[32], p1[32];
	OK(entrena_get_params(net, p0, 32));
	OK(entrena_fit_options_init(&o));
	o.epochs = 20;
	o.shuffle = 0;
	EXPECT_STATUS(ENTRENA_ERR_DIVERGED, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	EXPECT(strstr(entrena_errmsg(net), "diverged") != NULL);
	OK(entrena_get_params(net, p1, 32));
	for (int i = 0; i < 23; i++)
		EXPECT(isfinite(p1[i]));
	OK(entrena_destroy(net));
}

static void test_params(void) {
	entrena_net *a = small_net(1), *b = small_net(2);
	float pa[64], pb[64], out_a[32], out_b[32];
	int64_t n = 0;

	OK(entrena_param_count(a, &n));
	EXPECT(n == 23);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_param_count(a, NULL));
	OK(entrena_get_params(a, pa, 64)); /* longer buffer is fine */
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_get_params(a, pa, 22));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_get_params(a, NULL, 23));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_get_params(a, pa, -1));

	/* Copy a's weights into b: same predictions. */
	OK(entrena_set_params(b, pa, 23));
	OK(entrena_get_params(b, pb, 64));
	EXPECT(memcmp(pa, pb, 23 * sizeof(float)) == 0);
	OK(entrena_predict(a, X, 64, 16, out_a, 32));
	OK(entrena_predict(b, X, 64, 16, out_b, 32));
	EXPECT(memcmp(out_a, out_b, sizeof out_a) == 0);

	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_set_params(b, pa, 22));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_set_params(b, pa, 24)); /* exactly */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_set_params(b, NULL, 23));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_set_params(b, pa, -1));
	pa[7] = NAN;
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_set_params(b, pa, 23));
	OK(entrena_get_params(b, pb, 64));
	EXPECT(!isnan(pb[7])); /* unchanged */
	OK(entrena_destroy(a));
	OK(entrena_destroy(b));
}

static void test_models(void) {
	entrena_net *net = small_net(21), *copy = NULL;
	char path[4096], bad_path[4096];
	float out1[32], out2[32];
	size_t size = 0, written = 0;

	for (int i = 0; i < 50; i++)
		OK(entrena_train_step(net, X, 64, Y, 32, 8, NULL));
	OK(entrena_predict(net, X, 64, 16, out1, 32));

	/* File. */
	snprintf(path, sizeof path, "%s/test_capi.entrena", scratch);
	OK(entrena_save(net, path));
	OK(entrena_load(path, &copy));
	OK(entrena_predict(copy, X, 64, 16, out2, 32));
	EXPECT(memcmp(out1, out2, sizeof out1) == 0);
	OK(entrena_destroy(copy));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_save(net, NULL));
	snprintf(bad_path, sizeof bad_path, "%s/no/such/dir/x.entrena", scratch);
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save(net, bad_path));
	copy = (entrena_net *)0x1;
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_load(bad_path, &copy));
	EXPECT(copy == NULL);
	EXPECT(strstr(entrena_last_error(), "no/such/dir") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_load(NULL, &copy));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_load(path, NULL));

	/* ONNX: the file starts with ir_version 7 and holds the operators; the
	 * Python suite runs it in onnxruntime. */
	char onnx_path[4096];
	unsigned char head[2];
	snprintf(onnx_path, sizeof onnx_path, "%s/test_capi.onnx", scratch);
	OK(entrena_save_onnx(net, onnx_path));
	FILE *of = fopen(onnx_path, "rb");
	EXPECT(of != NULL && fread(head, 1, 2, of) == 2 && head[0] == 0x08 && head[1] == 7);
	if (of)
		fclose(of);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_save_onnx(net, NULL));
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save_onnx(net, bad_path));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_save_onnx(NULL, onnx_path));

	/* Memory buffer. */
	OK(entrena_model_size(net, &size));
	EXPECT(size > 23 * 4);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_model_size(net, NULL));
	unsigned char *buf = malloc(size + 16);
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_save_buffer(net, buf, size - 1, &written));
	EXPECT(written == size);
	written = 0;
	OK(entrena_save_buffer(net, NULL, 0, &written)); /* size query */
	EXPECT(written == size);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_save_buffer(net, NULL, size, &written));
	OK(entrena_save_buffer(net, buf, size + 16, &written));
	EXPECT(written == size);
	OK(entrena_save_buffer(net, buf, size, NULL));
	OK(entrena_load_buffer(buf, size, &copy));
	OK(entrena_predict(copy, X, 64, 16, out2, 32));
	EXPECT(memcmp(out1, out2, sizeof out1) == 0);
	OK(entrena_destroy(copy));

	/* The file and the buffer hold the same bytes. */
	FILE *f = fopen(path, "rb");
	EXPECT(f != NULL);
	if (f) {
		unsigned char *fbuf = malloc(size + 1);
		EXPECT(fread(fbuf, 1, size + 1, f) == size);
		EXPECT(memcmp(fbuf, buf, size) == 0);
		free(fbuf);
		fclose(f);
	}

	/* Corrupted, truncated, foreign and newer-version buffers. */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_load_buffer(NULL, size, &copy));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_load_buffer(buf, size, NULL));
	EXPECT_STATUS(ENTRENA_ERR_MODEL, entrena_load_buffer(buf, 0, &copy));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_load_buffer(buf, SIZE_MAX, &copy)); /* beyond any address space */
	EXPECT(copy == NULL);
	EXPECT_STATUS(ENTRENA_ERR_MODEL, entrena_load_buffer(buf, size - 1, &copy));
	EXPECT_STATUS(ENTRENA_ERR_MODEL, entrena_load_buffer(buf, 20, &copy));
	for (size_t i = 0; i < size; i += quick ? 61 : 7) { /* flip one byte anywhere */
		buf[i] ^= 0x40;
		entrena_status st = seen(entrena_load_buffer(buf, size, &copy));
		EXPECT(st == ENTRENA_ERR_MODEL || st == ENTRENA_ERR_VERSION);
		EXPECT(copy == NULL);
		buf[i] ^= 0x40;
	}
	buf[8] = 99; /* format version */
	EXPECT_STATUS(ENTRENA_ERR_VERSION, entrena_load_buffer(buf, size, &copy));
	/* Version 0 is older than any entrena reads: unsupported, not "newer". */
	buf[8] = 0;
	EXPECT_STATUS(ENTRENA_ERR_VERSION, entrena_load_buffer(buf, size, &copy));
	EXPECT(strstr(entrena_last_error(), "version 0") != NULL);
	EXPECT(strstr(entrena_last_error(), "newer") == NULL && strstr(entrena_last_error(), "upgrade") == NULL);
	buf[8] = 1;
	memcpy(buf, "GARBAGE!", 8);
	EXPECT_STATUS(ENTRENA_ERR_MODEL, entrena_load_buffer(buf, size, &copy));
	f = fopen(path, "wb");
	if (f) {
		fwrite(buf, 1, size, f);
		fclose(f);
	}
	EXPECT_STATUS(ENTRENA_ERR_MODEL, entrena_load(path, &copy));
	remove(path);
	free(buf);
	OK(entrena_destroy(net));
}

/* The data schema: none on a new network; set, read back, saved (format
 * version 2) and loaded with the model; refused when it does not fit. */
static void test_schema(void) {
	static const char doc[] =
		"{\"version\":1,\"task\":\"multi-label\",\"features\":[\"a\",\"b\",\"c\",\"d\"],"
		"\"header\":true,\"label_column\":-1,\"columns\":4,\"classes\":[\"red\",\"round\"],"
		"\"class_type\":\"string\",\"feature_scaling\":{\"method\":\"minmax\","
		"\"offset\":[0,0,0,1],\"scale\":[1,2,4,8]}}";
	entrena_net *net = small_net(3), *copy = NULL;
	char buf[1024];
	size_t needed = 0, size = 0;

	OK(entrena_schema_json(net, buf, sizeof buf, &needed));
	EXPECT(needed == 1 && buf[0] == 0); /* none */
	OK(entrena_model_size(net, &size));
	OK(entrena_set_schema_json(net, doc));
	OK(entrena_schema_json(net, NULL, 0, &needed)); /* size query */
	EXPECT(needed == sizeof doc);
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_schema_json(net, buf, needed - 1, &needed));
	OK(entrena_schema_json(net, buf, sizeof buf, NULL));
	EXPECT(strcmp(buf, doc) == 0);

	/* Saved with the model: format version 2, 4 bytes of length and the document more. */
	size_t with = 0;
	OK(entrena_model_size(net, &with));
	EXPECT(with == size + 4 + strlen(doc));
	unsigned char *file = malloc(with);
	OK(entrena_save_buffer(net, file, with, NULL));
	EXPECT(file[8] == 2);
	OK(entrena_load_buffer(file, with, &copy));
	memset(buf, 0, sizeof buf);
	OK(entrena_schema_json(copy, buf, sizeof buf, &needed));
	EXPECT(strcmp(buf, doc) == 0);
	OK(entrena_destroy(copy));
	free(file);

	/* Refused: a feature short, unknown fields, a newer version; the schema stays. */
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_schema_json(net,
		"{\"version\":1,\"task\":\"multi-label\",\"features\":[\"a\"],\"classes\":[\"x\",\"y\"],\"class_type\":\"string\",\"label_column\":-1,\"columns\":0,\"header\":false}"));
	EXPECT(strstr(entrena_errmsg(net), "1 feature names for a network of 4 inputs") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_schema_json(net, "{\"version\":1,\"colour\":1}"));
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_schema_json(net, "not json"));
	EXPECT_STATUS(ENTRENA_ERR_VERSION, entrena_set_schema_json(net, "{\"version\":3}"));
	/* A scale that is 0 as a float32 (the ONNX export's type) is refused
	 * here, so that entrena_save_onnx cannot fail on it later. */
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_set_schema_json(net,
		"{\"version\":1,\"task\":\"multi-label\",\"features\":[\"a\",\"b\",\"c\",\"d\"],"
		"\"header\":true,\"label_column\":-1,\"columns\":4,\"classes\":[\"red\",\"round\"],"
		"\"class_type\":\"string\",\"feature_scaling\":{\"method\":\"zscore\","
		"\"offset\":[0,0,0,1],\"scale\":[1,1e-50,4,8]}}"));
	EXPECT(strstr(entrena_errmsg(net), "scale 1e-50") != NULL);
	OK(entrena_schema_json(net, buf, sizeof buf, NULL));
	EXPECT(strcmp(buf, doc) == 0);

	/* Removed: the model is version 1 again. */
	OK(entrena_set_schema_json(net, NULL));
	OK(entrena_model_size(net, &with));
	EXPECT(with == size);
	OK(entrena_set_schema_json(net, doc));
	OK(entrena_set_schema_json(net, ""));
	OK(entrena_schema_json(net, buf, sizeof buf, &needed));
	EXPECT(needed == 1);
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_schema_json(NULL, buf, sizeof buf, &needed));
	OK(entrena_destroy(net));
}

static void test_panic(void) {
	entrena_net *net = small_net(1);
	int64_t n;
	EXPECT_STATUS(ENTRENA_ERR_INTERNAL, entrena_debug_panic(NULL));
	EXPECT(strstr(entrena_last_error(), "panic") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_INTERNAL, entrena_debug_panic(net));
	EXPECT(strstr(entrena_errmsg(net), "panic") != NULL);
	OK(entrena_param_count(net, &n)); /* unlocked and usable */
	OK(entrena_destroy(net));
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_debug_panic(net));
}

static int count_progress(const entrena_progress *p, void *user_data) {
	(void)p;
	++*(long *)user_data;
	return 0;
}

/* A reduce callback of one rank: the sum over one rank is buf itself. It
 * records the calls and fails the call numbered fail_at (1-based). */
struct reduce_log {
	long calls;
	long fail_at;
	int64_t n;
};

static int log_reduce(float *buf, int64_t n, void *user) {
	struct reduce_log *log = user;
	(void)buf;
	log->n = n;
	return ++log->calls == log->fail_at ? -7 : 0;
}

/* Allocation: steady-state calls allocate nothing on the Go heap. */
static void test_allocs(void) {
	static const int32_t units[] = {64, 10};
	static const int32_t acts[] = {ENTRENA_RELU, ENTRENA_SOFTMAX};
	enum { IN = 32, N = 256 };
	static float x[N * IN], y[N * 10], out[N * 10];
	entrena_spec spec;
	entrena_net *net;
	uint64_t m0, m1;
	float cost, loss, acc, params[IN * 64 + 64 + 64 * 10 + 10];
	/* One thread: no reason to format, so thread_stats must allocate nothing. */
	entrena_net *one_thread = small_net(1);
	int32_t threads, in_use;
	const char *reason;

	for (int i = 0; i < N * IN; i++)
		x[i] = (float)((i * 7919) % 101) / 101.0f;
	for (int i = 0; i < N; i++)
		y[i * 10 + i % 10] = 1;
	OK(entrena_spec_init(&spec));
	spec.inputs = IN;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_CCE;
	spec.optimizer = ENTRENA_OPT_ADAM;
	spec.learning_rate = 0.001f;
	spec.max_batch = 32;
	spec.threads = 2;
	OK(entrena_create(&spec, &net));

	/* Warm up every path once. */
	OK(entrena_train_step(net, x, N * IN, y, N * 10, 32, &cost));
	OK(entrena_predict(net, x, N * IN, N, out, N * 10));
	OK(entrena_predict(net, x, IN, 1, out, 10));
	OK(entrena_evaluate(net, x, N * IN, y, N * 10, N, &loss, &acc));
	OK(entrena_get_params(net, params, sizeof params / sizeof params[0]));
	OK(entrena_thread_stats(one_thread, &threads, NULL, &in_use, &reason));

	/* The counter is the whole process's Go heap, so a one-off runtime
	 * allocation (a new OS thread's M, the first GC's workers) can land in
	 * a window. Per-call allocations would show in every window; require
	 * one clean window out of three. */
	uint64_t best = UINT64_MAX;
	for (int window = 0; window < 3 && best != 0; window++) {
		OK(entrena_debug_mallocs(&m0));
		for (int i = 0; i < (quick ? 10 : 100); i++) {
			OK(entrena_train_step(net, x, N * IN, y, N * 10, 32, &cost));
			OK(entrena_predict(net, x, N * IN, N, out, N * 10));
			OK(entrena_predict(net, x, IN, 1, out, 10));
			OK(entrena_evaluate(net, x, N * IN, y, N * 10, N, &loss, &acc));
			OK(entrena_get_params(net, params, sizeof params / sizeof params[0]));
			OK(entrena_thread_stats(one_thread, &threads, NULL, &in_use, &reason));
		}
		OK(entrena_debug_mallocs(&m1));
		printf("  mallocs over %d × (train step, 2 predicts, evaluate, get params, thread stats), window %d: %llu\n",
		       quick ? 10 : 100, window + 1, (unsigned long long)(m1 - m0));
		if (m1 - m0 < best)
			best = m1 - m0;
	}
	EXPECT(best == 0);
	OK(entrena_destroy(one_thread));

	/* fit: the allocations of one call do not grow with the epochs. */
	entrena_fit_options o;
	OK(entrena_fit_options_init(&o));
	o.batch_size = 32;
	o.epochs = 1;
	OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m0));
	OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m1));
	uint64_t one = m1 - m0;
	o.epochs = 20;
	OK(entrena_debug_mallocs(&m0));
	for (int i = 0; i < (quick ? 2 : 10); i++)
		OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m1));
	uint64_t twenty = m1 - m0;
	printf("  mallocs: %llu for one entrena_fit call of 1 epoch, %llu for 10 calls of 20 epochs "
	       "× 8 batches\n", (unsigned long long)one, (unsigned long long)twenty);
	/* core.Fit allocates its returned History once per call, and the
	 * network's history grows by doubling: nothing per epoch or batch. */
	EXPECT(one <= 2);
	EXPECT(twenty <= (quick ? 2 : 10) * one + 20); /* not per epoch: 200 epochs, 1600 batches */

	/* The same with a progress callback after every batch (the path the
	 * Python binding always takes): the callback adds nothing. */
	long calls = 0;
	o.progress = count_progress;
	o.user_data = &calls;
	o.progress_every_batch = 1;
	OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m0));
	for (int i = 0; i < (quick ? 2 : 10); i++)
		OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m1));
	printf("  mallocs: %llu for 10 calls of 20 epochs × 8 batches with a progress callback per batch\n",
	       (unsigned long long)(m1 - m0));
	EXPECT(calls == (1 + (quick ? 2 : 10)) * 20 * 8);
	EXPECT(m1 - m0 <= (uint64_t)(quick ? 2 : 10) * one + 20);

	/* And with a reduce callback on every step (a data-parallel fit of one
	 * rank): no more than without. */
	struct reduce_log log = {0};
	o.reduce = log_reduce;
	o.reduce_user = &log;
	OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m0));
	for (int i = 0; i < (quick ? 2 : 10); i++)
		OK(entrena_fit(net, x, N * IN, y, N * 10, N, &o, &cost));
	OK(entrena_debug_mallocs(&m1));
	printf("  mallocs: %llu for 10 calls of 20 epochs × 8 batches with a reduce callback per batch\n",
	       (unsigned long long)(m1 - m0));
	EXPECT(log.calls == (1 + (quick ? 2 : 10)) * 20 * 8);
	EXPECT(m1 - m0 <= (uint64_t)(quick ? 2 : 10) * one + 20);
	OK(entrena_destroy(net));
}

/* The reduce callback: called once a step with more floats than the
 * parameters (the gradients and the step's bookkeeping); a single rank
 * trains as without it; a failure stops the fit with ENTRENA_ERR_REDUCE,
 * keeping the steps applied before it; bad rank and size options. */
static void test_reduce(void) {
	entrena_net *plain = small_net(3), *hooked = small_net(3);
	entrena_fit_options o;
	struct reduce_log log = {0};
	float a[4 * 3 + 3 + 3 * 2 + 2], b[sizeof a / sizeof a[0]], cost;
	int64_t count;

	OK(entrena_fit_options_init(&o));
	EXPECT(o.reduce == NULL && o.reduce_user == NULL && o.rank == 0 && o.size == 0);
	o.epochs = 5;
	o.batch_size = 4;
	OK(entrena_fit(plain, X, 64, Y, 32, 16, &o, &cost));
	o.reduce = log_reduce;
	o.reduce_user = &log;
	o.size = 1;
	OK(entrena_fit(hooked, X, 64, Y, 32, 16, &o, &cost));
	OK(entrena_param_count(hooked, &count));
	EXPECT(log.calls == 5 * 4 && log.n > count);
	OK(entrena_get_params(plain, a, count));
	OK(entrena_get_params(hooked, b, count));
	for (int i = 0; i < count; i++)
		EXPECT(fabsf(a[i] - b[i]) <= 1e-5f * (1 + fabsf(a[i])));

	/* The third call fails: two steps applied (those of train_step on the
	 * first two batches, in order without shuffling), then ENTRENA_ERR_REDUCE. */
	entrena_net *failing = small_net(3), *two_steps = small_net(3);
	log = (struct reduce_log){.fail_at = 3};
	o.shuffle = 0;
	EXPECT_STATUS(ENTRENA_ERR_REDUCE, entrena_fit(failing, X, 64, Y, 32, 16, &o, &cost));
	EXPECT(strstr(entrena_errmsg(failing), "reduce callback returned -7") != NULL);
	EXPECT(strcmp(entrena_status_string(ENTRENA_ERR_REDUCE), "reduce callback failed") == 0);
	OK(entrena_train_step(two_steps, X, 16, Y, 8, 4, &cost));
	OK(entrena_train_step(two_steps, X + 16, 16, Y + 8, 8, 4, &cost));
	OK(entrena_get_params(two_steps, a, count));
	OK(entrena_get_params(failing, b, count));
	for (int i = 0; i < count; i++)
		EXPECT(fabsf(a[i] - b[i]) <= 1e-5f * (1 + fabsf(a[i])));
	OK(entrena_destroy(two_steps));

	/* Two ranks need a reduce; the rank must lie in [0, size). */
	o.reduce = NULL;
	o.size = 2;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_fit(failing, X, 64, Y, 32, 16, &o, &cost));
	o.reduce = log_reduce;
	o.rank = 2;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_fit(failing, X, 64, Y, 32, 16, &o, &cost));
	o.rank = -1;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_fit(failing, X, 64, Y, 32, 16, &o, &cost));

	/* A struct from the header before the reduce fields trains as one process. */
	const size_t before_reduce = offsetof(entrena_fit_options, reduce);
	OK(entrena_fit_options_init_sized(&o, before_reduce));
	void *old = malloc(before_reduce);
	memcpy(old, &o, before_reduce);
	OK(entrena_fit(failing, X, 64, Y, 32, 16, old, &cost));
	free(old);
	OK(entrena_destroy(plain));
	OK(entrena_destroy(hooked));
	OK(entrena_destroy(failing));
}

/* Threads: separate handles in parallel; one handle shared (serialised). */
struct worker {
	entrena_net *net;
	int steps;
	float cost;
	int failures;
};

static void *train_worker(void *arg) {
	struct worker *w = arg;
	for (int i = 0; i < w->steps; i++)
		if (seen(entrena_train_step(w->net, X, 64, Y, 32, 8, &w->cost)) != ENTRENA_OK)
			w->failures++;
	return NULL;
}

static void test_threads(void) {
	enum { T = 4 };
	const int STEPS = quick ? 20 : 200;
	pthread_t th[T];
	struct worker w[T];
	entrena_net *shared = small_net(9), *ref = small_net(9);
	float p_shared[23], p_ref[23];

	/* Separate handles, same seed: identical results, in parallel. */
	for (int i = 0; i < T; i++) {
		w[i] = (struct worker){.net = small_net(9), .steps = STEPS};
		pthread_create(&th[i], NULL, train_worker, &w[i]);
	}
	for (int i = 0; i < T; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < T; i++) {
		EXPECT(w[i].failures == 0);
		EXPECT(w[i].cost == w[0].cost);
		OK(entrena_destroy(w[i].net));
	}

	/* One handle from T threads: calls are serialised, so the result equals
	 * T×200 steps in a row. */
	for (int i = 0; i < T; i++) {
		w[i] = (struct worker){.net = shared, .steps = STEPS};
		pthread_create(&th[i], NULL, train_worker, &w[i]);
	}
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		EXPECT(w[i].failures == 0);
	}
	for (int i = 0; i < T * STEPS; i++)
		OK(entrena_train_step(ref, X, 64, Y, 32, 8, NULL));
	OK(entrena_get_params(shared, p_shared, 23));
	OK(entrena_get_params(ref, p_ref, 23));
	EXPECT(memcmp(p_shared, p_ref, sizeof p_ref) == 0);
	OK(entrena_destroy(shared));
	OK(entrena_destroy(ref));
}

/* While a progress callback runs, a call on the same handle from another
 * thread is refused with ENTRENA_ERR_BUSY at once (it does not wait). */
struct busy_probe {
	entrena_net *net;
	entrena_status status;
	int calls;
};

static void *probe_thread(void *arg) {
	struct busy_probe *b = arg;
	int64_t n;
	b->status = entrena_param_count(b->net, &n);
	return NULL;
}

static int busy_callback(const entrena_progress *p, void *user_data) {
	struct busy_probe *b = user_data;
	pthread_t th;
	(void)p;
	b->calls++;
	pthread_create(&th, NULL, probe_thread, b);
	pthread_join(th, NULL); /* would deadlock if the other thread waited for the handle */
	EXPECT_STATUS(ENTRENA_ERR_BUSY, b->status);
	/* Read-only calls follow the same rule. */
	int32_t threads = -7;
	EXPECT_STATUS(ENTRENA_ERR_BUSY, entrena_thread_stats(b->net, &threads, NULL, NULL, NULL));
	EXPECT(threads == -7);
	return 0;
}

static void test_busy_other_thread(void) {
	entrena_net *net = small_net(4);
	entrena_fit_options o;
	struct busy_probe b = {.net = net, .status = ENTRENA_OK};
	int64_t n;
	OK(entrena_fit_options_init(&o));
	o.epochs = 2;
	o.batch_size = 8;
	o.progress = busy_callback;
	o.user_data = &b;
	OK(entrena_fit(net, X, 64, Y, 32, 16, &o, NULL));
	EXPECT(b.calls == 2);
	pthread_t th; /* after fit: the other thread's call goes through */
	pthread_create(&th, NULL, probe_thread, &b);
	pthread_join(th, NULL);
	EXPECT(b.status == ENTRENA_OK);
	OK(entrena_param_count(net, &n));
	OK(entrena_destroy(net));
}

/* Lengths and counts near INT64_MAX: an argument or shape error, checked
 * before anything is read, never ENTRENA_ERR_INTERNAL (a recovered panic). */
static void test_huge_lengths(void) {
	entrena_net *net = small_net(1); /* 4 inputs, 2 outputs, max batch 8 */
	static const int64_t counts[] = {INT64_MAX, INT64_MAX / 2, INT64_MAX / 3, INT64_MAX / 4,
	                                 INT64_MAX / 4 + 1, INT64_MAX / 16, (int64_t)1 << 61,
	                                 ((int64_t)1 << 55) + 1};
	static const int64_t lengths[] = {INT64_MAX, INT64_MAX - 3, ((int64_t)1 << 55) + 1, 64};
	float out[32], cost, loss, acc;
	entrena_fit_options o;

	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		for (size_t j = 0; j < sizeof lengths / sizeof lengths[0]; j++) {
			int64_t n = counts[i], len = lengths[j];
			entrena_status st[4] = {
				seen(entrena_predict(net, X, len, n, out, len)),
				seen(entrena_evaluate(net, X, len, Y, len, n, &loss, &acc)),
				seen(entrena_fit(net, X, len, Y, len, n, NULL, &cost)),
				seen(entrena_train_step(net, X, len, Y, len, n, &cost)),
			};
			for (int k = 0; k < 4; k++)
				EXPECT(st[k] == ENTRENA_ERR_ARGUMENT || st[k] == ENTRENA_ERR_SHAPE);
		}
	}
	/* A length no buffer can have, with a count that fits the real one. */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_predict(net, X, INT64_MAX, 16, out, 32));
	EXPECT(strstr(entrena_errmsg(net), "x_len") != NULL);
	/* A count whose buffer no address space holds, with real lengths. */
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_evaluate(net, X, 64, Y, 32, INT64_MAX / 4, &loss, &acc));
	/* train_step: the batch is checked first, whatever the lengths say. */
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_train_step(net, X, (int64_t)1 << 55, Y, (int64_t)1 << 55,
	                                                    INT64_MAX / 4 - 1, &cost));
	EXPECT(strstr(entrena_errmsg(net), "max batch 8") != NULL);
	/* Validation data goes through the same checks. */
	OK(entrena_fit_options_init(&o));
	o.val_x = X;
	o.val_x_len = INT64_MAX;
	o.val_y = Y;
	o.val_y_len = INT64_MAX;
	o.val_samples = INT64_MAX / 4;
	entrena_status st = seen(entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	EXPECT(st == ENTRENA_ERR_ARGUMENT || st == ENTRENA_ERR_SHAPE);
	o.val_x_len = 64;
	o.val_y_len = 32;
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_fit(net, X, 64, Y, 32, 16, &o, &cost));
	/* Byte sizes likewise. */
	char buf[64];
	size_t needed;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_save_buffer(net, buf, SIZE_MAX, &needed));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_cpu_model(buf, SIZE_MAX, &needed));
	OK(entrena_predict(net, X, 64, 16, out, 32)); /* still usable */
	OK(entrena_destroy(net));
}

/* Handles are not guessable: neighbours of a live handle, or handles
 * created in a row, are not handles. */
static void test_handles_not_guessable(void) {
	entrena_net *a = small_net(1), *b = small_net(2);
	uintptr_t ua = (uintptr_t)a, ub = (uintptr_t)b;
	entrena_net *forged[] = {
		(entrena_net *)(ua + 1), (entrena_net *)(ua - 1), (entrena_net *)(ua ^ 0x100),
		(entrena_net *)(ua + ((uintptr_t)1 << 32)), (entrena_net *)(ub + 1), (entrena_net *)(ub - 1),
		(entrena_net *)(ua + (ub - ua) / 2),
	};
	int64_t n;
	float cost;
	EXPECT(ub != ua + 1 && ub != ua - 1);
	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		if (forged[i] == a || forged[i] == b)
			continue;
		EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_param_count(forged[i], &n));
		EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_train_step(forged[i], X, 64, Y, 32, 8, &cost));
		EXPECT(strcmp(entrena_errmsg(forged[i]), "unknown or destroyed handle") == 0);
	}
	EXPECT_STATUS(ENTRENA_ERR_HANDLE, entrena_destroy(forged[0]));
	OK(entrena_param_count(a, &n)); /* the real ones are untouched */
	OK(entrena_param_count(b, &n));
	OK(entrena_destroy(a));
	OK(entrena_destroy(b));
}

/* entrena_errmsg from two threads that share a handle and make failing
 * calls on it: every message read is one of the two, whole. */
struct errmsg_hammer {
	entrena_net *net;
	int which, iters;
	const char *msgs[2];
	long torn, own_torn;
	char example[ENTRENA_ERRMSG_MAX];
};

static entrena_status errmsg_hammer_call(entrena_net *net, int which) {
	float out[2];
	if (which == 0)
		return entrena_predict(net, X, 3, 1, out, 2); /* x short by one float */
	return entrena_evaluate(net, X, 64, Y, 31, 16, NULL, NULL); /* y short by one float */
}

/* slow_copy copies a string the way a caller that logs it might: slowly,
 * so that a writer on another thread would be caught in the middle. */
static void slow_copy(char *dst, const char *src, size_t size) {
	size_t i = 0;
	for (; i + 1 < size && src[i]; i++) {
		dst[i] = src[i];
		for (volatile int spin = 0; spin < 8; spin++)
			;
	}
	dst[i] = 0;
}

static void *errmsg_hammer_thread(void *arg) {
	struct errmsg_hammer *h = arg;
	char m[ENTRENA_ERRMSG_MAX];
	for (int i = 0; i < h->iters; i++) {
		seen(errmsg_hammer_call(h->net, h->which));
		slow_copy(m, entrena_errmsg(h->net), sizeof m);
		if (strcmp(m, h->msgs[0]) != 0 && strcmp(m, h->msgs[1]) != 0) {
			if (h->torn++ == 0)
				snprintf(h->example, sizeof h->example, "%s", m);
		}
		if (strcmp(entrena_last_error(), h->msgs[h->which]) != 0)
			h->own_torn++;
	}
	return NULL;
}

static void test_errmsg_threads(void) {
	entrena_net *net = small_net(1);
	char msgs[2][ENTRENA_ERRMSG_MAX];
	struct errmsg_hammer h[2];
	pthread_t th[2];
	for (int i = 0; i < 2; i++) {
		EXPECT_STATUS(ENTRENA_ERR_SHAPE, errmsg_hammer_call(net, i));
		snprintf(msgs[i], sizeof msgs[i], "%s", entrena_errmsg(net));
	}
	EXPECT(strcmp(msgs[0], msgs[1]) != 0);
	for (int i = 0; i < 2; i++) {
		h[i] = (struct errmsg_hammer){.net = net, .which = i, .iters = quick ? 2000 : 50000,
		                              .msgs = {msgs[0], msgs[1]}};
		pthread_create(&th[i], NULL, errmsg_hammer_thread, &h[i]);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		EXPECT(h[i].torn == 0);
		EXPECT(h[i].own_torn == 0);
		if (h[i].torn)
			fprintf(stderr, "  thread %d read %ld torn messages, e.g. \"%s\"\n", i, h[i].torn, h[i].example);
	}
	OK(entrena_destroy(net));
}

/* A bad ENTRENA_KERNELS is recoverable: test_kernel_env runs this in a
 * child process with the variable set. */
static int kernel_env_child(void) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SIGMOID};
	char path[4096], active[64], avail[256];
	entrena_spec spec;
	entrena_net *net = (entrena_net *)0x1;
	float cost;
	snprintf(path, sizeof path, "%s/kernel_env.entrena", scratch);
	OK(entrena_spec_init(&spec));
	spec.inputs = 4;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.max_batch = 8;

	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_create(&spec, &net));
	EXPECT(net == NULL);
	EXPECT(strstr(entrena_last_error(), "ENTRENA_KERNELS") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_load(path, &net));
	/* No path is in use, and kernel_active says so rather than a name. */
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_kernel_active(active, sizeof active, NULL));
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_kernel_use("bogus"));
	EXPECT_STATUS(ENTRENA_ERR_KERNEL, entrena_create(&spec, &net));

	/* A valid choice replaces the variable. */
	OK(entrena_kernels_available(avail, sizeof avail, NULL));
	const char *best = strrchr(avail, ',') ? strrchr(avail, ',') + 1 : avail;
	OK(entrena_kernel_use(best));
	OK(entrena_kernel_active(active, sizeof active, NULL));
	EXPECT(strcmp(active, best) == 0);
	OK(entrena_create(&spec, &net));
	OK(entrena_train_step(net, X, 64, Y, 32, 8, &cost));
	OK(entrena_destroy(net));
	OK(entrena_load(path, &net));
	OK(entrena_destroy(net));
	printf("test_capi (ENTRENA_KERNELS=bogus child): %d checks, %d failures\n", checks, failures);
	return failures == 0 && internal_errors == 0 ? 0 : 1;
}

extern char **environ;

static void test_kernel_env(void) {
	char self[4096], path[4096], *envp[512];
	char *argv[] = {self, (char *)scratch, "kernel-env-child", NULL};
	int n = 0, status = -1;
	pid_t pid = -1;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	EXPECT(len > 0);
	if (len <= 0)
		return;
	self[len] = 0;
	entrena_net *net = small_net(1); /* the model the child loads */
	snprintf(path, sizeof path, "%s/kernel_env.entrena", scratch);
	OK(entrena_save(net, path));
	OK(entrena_destroy(net));
	for (char **e = environ; *e && n < 510; e++)
		if (strncmp(*e, "ENTRENA_KERNELS=", 16) != 0)
			envp[n++] = *e;
	envp[n++] = "ENTRENA_KERNELS=bogus";
	envp[n] = NULL;
	EXPECT(posix_spawn(&pid, self, NULL, NULL, argv, envp) == 0);
	EXPECT(waitpid(pid, &status, 0) == pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	remove(path);
}

/* Versioned structs: an older (smaller) struct gets defaults for the
 * fields it lacks; a newer (larger) one is accepted when its extra bytes
 * are zero; the _sized initialisers fill only what they are told. */
static void test_struct_versions(void) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SIGMOID};
	const size_t older = offsetof(entrena_spec, optimizer); /* up to activations */
	entrena_spec s;
	entrena_net *net;
	int64_t max_batch = 0;
	int32_t opt = -1;
	float lr = 0, cost;

	/* An older spec, in a block of exactly its size (valgrind sees any read past it). */
	OK(entrena_spec_init(&s));
	s.struct_size = (uint32_t)older;
	s.inputs = 4;
	s.n_layers = 2;
	s.units = units;
	s.activations = acts;
	entrena_spec *small = malloc(older);
	memcpy(small, &s, older);
	OK(entrena_create(small, &net));
	OK(entrena_shape(net, NULL, NULL, &max_batch, NULL));
	OK(entrena_training_config(net, NULL, &opt, &lr));
	EXPECT(max_batch == 32 && opt == ENTRENA_OPT_SGD && lr == 0.1f);
	OK(entrena_destroy(net));
	free(small);
	s.struct_size = (uint32_t)older - 1; /* below the required fields */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&s, &net));
	s.struct_size = 8;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&s, &net));
	s.struct_size = 1 << 20;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&s, &net));

	/* A newer spec: zero bytes past ours are new fields at their defaults. */
	struct {
		entrena_spec spec;
		unsigned char newer[24];
	} big;
	memset(&big, 0x77, sizeof big);
	OK(entrena_spec_init_sized(&big.spec, sizeof big));
	EXPECT(big.spec.struct_size == sizeof big && big.newer[23] == 0 && big.spec.max_batch == 32);
	big.spec.inputs = 4;
	big.spec.n_layers = 2;
	big.spec.units = units;
	big.spec.activations = acts;
	OK(entrena_create(&big.spec, &net));
	OK(entrena_destroy(net));
	big.newer[5] = 1;
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_create(&big.spec, &net));
	EXPECT(strstr(entrena_last_error(), "struct_size") != NULL);

	/* The _sized initialiser writes struct_size bytes, no more. */
	union {
		entrena_spec spec;
		unsigned char bytes[sizeof(entrena_spec) + 16];
	} guard;
	memset(&guard, 0x5a, sizeof guard);
	OK(entrena_spec_init_sized(&guard.spec, older));
	EXPECT(guard.spec.struct_size == older && guard.spec.n_layers == 0);
	for (size_t i = older; i < sizeof guard; i++)
		EXPECT(guard.bytes[i] == 0x5a);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_spec_init_sized(&s, 8));
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_spec_init_sized(NULL, sizeof s));

	/* The functions of ABI 1, which programs built before the macros call. */
	memset(&s, 0, sizeof s);
	OK((entrena_spec_init)(&s));
	EXPECT(s.struct_size == offsetof(entrena_spec, seed) + sizeof(uint64_t) && s.max_batch == 32 && s.seed == 1);
	entrena_fit_options o;
	memset(&o, 0, sizeof o);
	OK((entrena_fit_options_init)(&o));
	/* ABI 1's struct ends at val_samples, where the reduce fields begin. */
	EXPECT(o.struct_size == offsetof(entrena_fit_options, reduce) && o.epochs == 1 && o.shuffle == 1);

	/* An older fit options struct: no progress callback nor validation
	 * fields, in a block of exactly its size. */
	const size_t older_opts = offsetof(entrena_fit_options, progress);
	OK(entrena_fit_options_init_sized(&o, older_opts));
	o.epochs = 3;
	o.batch_size = 4;
	void *small_opts = malloc(older_opts);
	memcpy(small_opts, &o, older_opts);
	int64_t before = 0, after = 0;
	net = small_net(1);
	OK(entrena_history(net, NULL, 0, &before));
	OK(entrena_fit(net, X, 64, Y, 32, 16, small_opts, &cost));
	OK(entrena_history(net, NULL, 0, &after));
	EXPECT(after == before + 3);
	memcpy(small_opts, &(uint32_t){4}, sizeof(uint32_t)); /* struct_size below epochs */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_fit(net, X, 64, Y, 32, 16, small_opts, &cost));
	free(small_opts);
	OK(entrena_destroy(net));
}

/* Weight decay, dropout and RMSprop through the spec's newer fields: they
 * build, train, change the reported loss as documented, survive a save and
 * load, and bad values are ENTRENA_ERR_SPEC. */
static void test_regularization(void) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_TANH, ENTRENA_SIGMOID};
	const float l2[] = {0.25f, 0.5f}, dropout[] = {0.5f, 0};
	entrena_spec spec;
	entrena_net *net, *plain, *copy;
	float loss, plain_loss, acc, v2, vd, cost;
	OK(entrena_spec_init(&spec));
	EXPECT(spec.l2 == NULL && spec.dropout == NULL && spec.rho == 0);
	spec.inputs = 4;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.max_batch = 16;
	spec.threads = 1;
	OK(entrena_create(&spec, &plain));
	spec.l2 = l2;
	spec.dropout = dropout;
	spec.optimizer = ENTRENA_OPT_RMSPROP;
	spec.learning_rate = 0.01f;
	OK(entrena_create(&spec, &net));

	/* Same seed, same weights: the loss differs by λ·Σw², which is positive. */
	OK(entrena_evaluate(net, X, 64, Y, 32, 16, &loss, &acc));
	OK(entrena_evaluate(plain, X, 64, Y, 32, 16, &plain_loss, NULL));
	EXPECT(loss > plain_loss + 0.01f);
	OK(entrena_layer_regularization(net, 0, &v2, &vd));
	EXPECT(v2 == 0.25f && vd == 0.5f);
	OK(entrena_layer_regularization(net, 1, &v2, &vd));
	EXPECT(v2 == 0.5f && vd == 0);
	OK(entrena_layer_regularization(plain, 0, &v2, &vd));
	EXPECT(v2 == 0 && vd == 0);
	OK(entrena_layer_regularization(net, 1, NULL, NULL));
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_layer_regularization(net, 2, &v2, &vd));
	int32_t opt = -1;
	OK(entrena_training_config(net, NULL, &opt, NULL));
	EXPECT(opt == ENTRENA_OPT_RMSPROP);
	for (int i = 0; i < 20; i++)
		OK(entrena_train_step(net, X, 64, Y, 32, 16, &cost));
	EXPECT(isfinite(cost));

	size_t size = 0;
	OK(entrena_model_size(net, &size));
	unsigned char *buf = malloc(size);
	OK(entrena_save_buffer(net, buf, size, NULL));
	EXPECT(buf[8] == 3); /* format version 3: the training section */
	OK(entrena_load_buffer(buf, size, &copy));
	OK(entrena_layer_regularization(copy, 0, &v2, &vd));
	EXPECT(v2 == 0.25f && vd == 0.5f);
	float a, b;
	OK(entrena_evaluate(net, X, 64, Y, 32, 16, &a, NULL));
	OK(entrena_evaluate(copy, X, 64, Y, 32, 16, &b, NULL));
	EXPECT(a == b);
	free(buf);
	OK(entrena_destroy(copy));
	OK(entrena_destroy(net));
	OK(entrena_destroy(plain));

	entrena_spec s = spec;
	const float neg[] = {-1e-3f, 0}, one[] = {1, 0}, out[] = {0, 0.5f};
	s.l2 = neg;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	EXPECT(strstr(entrena_last_error(), "l2 must be non-negative") != NULL);
	s = spec;
	s.dropout = one;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s.dropout = out;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	EXPECT(strstr(entrena_last_error(), "output layer") != NULL);
	s = spec;
	s.optimizer = ENTRENA_OPT_ADAM;
	s.rho = 0.5f; /* rho is RMSprop's alone */
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));
	s = spec;
	s.epsilon = -0.0f;
	EXPECT_STATUS(ENTRENA_ERR_SPEC, entrena_create(&s, &net));

	/* A spec of ABI 1's size (up to seed) has no such fields: off. */
	const size_t abi1 = offsetof(entrena_spec, seed) + sizeof(uint64_t);
	s = spec;
	s.struct_size = (uint32_t)abi1;
	s.optimizer = ENTRENA_OPT_SGD;
	s.learning_rate = 0.1f;
	entrena_spec *small = malloc(abi1);
	memcpy(small, &s, abi1);
	OK(entrena_create(small, &net));
	OK(entrena_layer_regularization(net, 0, &v2, &vd));
	EXPECT(v2 == 0 && vd == 0);
	OK(entrena_destroy(net));
	free(small);
}

/* One size-query convention: (buf, buf_len, needed) everywhere. */
static void test_size_queries(void) {
	entrena_net *net = small_net(1);
	entrena_fit_options o;
	float hist[8];
	int64_t count = -1;
	size_t size = 0, needed = 0;

	OK(entrena_fit_options_init(&o));
	o.epochs = 3;
	OK(entrena_fit(net, X, 64, Y, 32, 16, &o, NULL));
	/* History, in floats. */
	OK(entrena_history(net, NULL, 0, &count)); /* a size query */
	EXPECT(count == 3);
	OK(entrena_history(net, NULL, 0, NULL));
	hist[0] = 42;
	count = -1;
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_history(net, hist, 2, &count));
	EXPECT(count == 3 && hist[0] == 42); /* needed set, buffer untouched */
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_history(net, NULL, 3, &count));
	OK(entrena_history(net, hist, 3, NULL));
	count = -1;
	OK(entrena_history(net, hist, 8, &count));
	EXPECT(count == 3);
	/* The model buffer, in bytes. */
	OK(entrena_model_size(net, &size));
	OK(entrena_save_buffer(net, NULL, 0, &needed)); /* a size query */
	EXPECT(needed == size);
	OK(entrena_save_buffer(net, NULL, 0, NULL));
	unsigned char *buf = malloc(size);
	buf[0] = 0xab;
	needed = 0;
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_save_buffer(net, buf, size - 1, &needed));
	EXPECT(needed == size && buf[0] == 0xab);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_save_buffer(net, NULL, size, &needed));
	needed = 0;
	OK(entrena_save_buffer(net, buf, size, &needed));
	EXPECT(needed == size && buf[0] == 'E');
	free(buf);
	/* Strings, in bytes (test_strings checks each in full). */
	char tiny[2] = "z";
	needed = 0;
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_kernels_available(tiny, sizeof tiny, &needed));
	EXPECT(needed > 2 && tiny[0] == 'z');
	OK(entrena_destroy(net));
}

/* A message longer than ENTRENA_ERRMSG_MAX keeps its start and the OS
 * reason at its end; entrena_last_errno gives the OS error. */
static void test_long_messages(void) {
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/no-such-dir", scratch);
	while (n < 2500)
		n += snprintf(path + n, sizeof path - n, "/%s",
		              "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz");
	snprintf(path + n, sizeof path - n, "/model.entrena");
	const char *reason = "no such file or directory";
	size_t rlen = strlen(reason);
	entrena_net *net = NULL;

	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_load(path, &net));
	const char *m = entrena_last_error();
	size_t len = strlen(m);
	EXPECT(len < ENTRENA_ERRMSG_MAX && len > ENTRENA_ERRMSG_MAX / 2);
	EXPECT(strncmp(m, "entrena_load: ", 14) == 0);
	EXPECT(strstr(m, "...") != NULL);
	EXPECT(len > rlen && strcmp(m + len - rlen, reason) == 0);
	EXPECT(entrena_last_errno() == ENOENT);

	net = small_net(1);
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save(net, path));
	m = entrena_errmsg(net);
	len = strlen(m);
	EXPECT(len < ENTRENA_ERRMSG_MAX && strncmp(m, "entrena_save: ", 14) == 0);
	EXPECT(len > rlen && strcmp(m + len - rlen, reason) == 0);
	EXPECT(entrena_last_errno() == ENOENT);
	/* A failure with no OS cause sets it to 0; a success leaves it. */
	EXPECT_STATUS(ENTRENA_ERR_SHAPE, entrena_layer(net, 99, NULL, NULL));
	EXPECT(entrena_last_errno() == 0);
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save(net, path));
	int64_t count;
	OK(entrena_param_count(net, &count));
	EXPECT(entrena_last_errno() == ENOENT);
	EXPECT_STATUS(ENTRENA_ERR_ARGUMENT, entrena_spec_init_sized(NULL, 0));
	EXPECT(entrena_last_errno() == 0);
	OK(entrena_destroy(net));
}

int main(int argc, char **argv) {
	if (argc > 1)
		scratch = argv[1];
	quick = argc > 2 && strcmp(argv[2], "quick") == 0;
	make_data();
	if (argc > 2 && strcmp(argv[2], "kernel-env-child") == 0)
		return kernel_env_child();
	printf("test_capi: entrena %s, ABI %d\n", entrena_version(), entrena_abi_version());
	test_static();
	test_kernels();
	test_create();
	test_handles();
	test_describe();
	test_thread_stats();
	test_train_predict();
	test_fit();
	test_set_seed();
	test_params();
	test_models();
	test_schema();
	test_panic();
	test_allocs();
	test_threads();
	test_busy_other_thread();
	test_huge_lengths();
	test_handles_not_guessable();
	test_errmsg_threads();
	test_kernel_env();
	test_struct_versions();
	test_reduce();
	test_regularization();
	test_size_queries();
	test_long_messages();
	return report("test_capi");
}
