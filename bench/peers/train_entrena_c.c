/* entrena driven from C (the C ABI of capi/, libentrena) as a training peer:
 * the same work as train_numpy.py and the Go suite's epoch rows —
 * 784-128-64-10, sigmoid, MSE, plain SGD (lr 0.1), one epoch of synthetic
 * samples (uniform [0,1) inputs, random one-hot targets) per repetition,
 * batches in order (entrena_fit, shuffle off), after a warm-up of four
 * batches — and the 2-8-1 XOR step at batch 4 (entrena_train_step).
 *
 * Built by `make compare` (bench/bench.mk, target peers-entrena) or
 * bench/peers/setup.sh against build/include/entrena.h and
 * build/lib/libentrena.so (`make lib`).
 *
 * usage: train_entrena_c [--samples N] [--batches 32,256] [--reps R]
 *                        [--threads T] [--quick] [--tag S]
 * prints one JSON line (see peerlib.py). */
#define _DEFAULT_SOURCE /* madvise */
#include <entrena.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data_floats.h"

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* splitmix64: the synthetic data (same distribution as peerlib.synthetic
 * and the Go suite's, not the same numbers). */
static uint64_t rng_state = 5;
static uint64_t next64(void) {
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static float unit(void) { return (float)(next64() >> 40) / (float)(1 << 24); }

static void skip(const char *what, entrena_status st) {
	printf("{\"skipped\": \"entrena (C): %s failed: %s: %s\"}\n", what, entrena_status_string(st), entrena_last_error());
	exit(0);
}

static int nrows;
static char impl[64] = "entrena (C)";

static void row(const char *group, const char *name, double *per, int reps, long ops, double samples, const char *note) {
	qsort(per, reps, sizeof(double), cmp);
	double med = reps % 2 ? per[reps / 2] : (per[reps / 2 - 1] + per[reps / 2]) / 2;
	printf("%s{\"group\": \"%s\", \"name\": \"%s\", \"impl\": \"%s\", \"reps\": %d, \"ops_rep\": %ld, \"median_s\": %.9g, "
	       "\"min_s\": %.9g, \"max_s\": %.9g, \"metric\": %.6g, \"unit\": \"samples/s\", \"note\": \"%s\", \"version\": \"%s\"}",
	       nrows++ ? ", " : "", group, name, impl, reps, ops, med, per[0], per[reps - 1], samples / med, note, entrena_version());
}

static entrena_net *make_net(int inputs, int n, const int32_t *units, float lr, int batch, int threads) {
	int32_t acts[8];
	for (int i = 0; i < n; i++) acts[i] = ENTRENA_SIGMOID;
	entrena_spec spec;
	entrena_spec_init(&spec);
	spec.inputs = inputs;
	spec.n_layers = n;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_MSE;
	spec.optimizer = ENTRENA_OPT_SGD;
	spec.learning_rate = lr;
	spec.max_batch = batch;
	spec.threads = threads;
	spec.seed = 1;
	entrena_net *net = NULL;
	entrena_status st = entrena_create(&spec, &net);
	if (st != ENTRENA_OK) skip("entrena_create", st);
	return net;
}

int main(int argc, char **argv) {
	int samples = 60000, reps = 3, threads = 1;
	const char *batches = "32,256";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--samples") && i + 1 < argc) samples = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--batches") && i + 1 < argc) batches = argv[++i];
		else if (!strcmp(argv[i], "--tag") && i + 1 < argc) snprintf(impl, sizeof impl, "entrena (C)-%s", argv[++i]);
		else if (!strcmp(argv[i], "--quick")) continue;
		else {
			printf("{\"skipped\": \"train_entrena_c: unknown argument %s\"}\n", argv[i]);
			return 0;
		}
	}
	if (reps < 1) reps = 1;
	if (samples < 1) samples = 1;
	if (threads < 1) threads = 1;
	if (entrena_abi_version() != ENTRENA_ABI_VERSION) {
		printf("{\"skipped\": \"libentrena ABI %d, this program was built for %d: rebuild it\"}\n", entrena_abi_version(), ENTRENA_ABI_VERSION);
		return 0;
	}
	long nx = (long)samples * 784, ny = (long)samples * 10;
	float *x = data_floats(nx), *y = data_floats(ny);
	double *per = malloc(sizeof(double) * (reps > 0 ? reps : 1));
	if (!x || !y || !per) {
		printf("{\"skipped\": \"out of memory\"}\n");
		return 0;
	}
	for (long i = 0; i < nx; i++) x[i] = unit();
	for (int s = 0; s < samples; s++) y[(long)s * 10 + (long)(next64() % 10)] = 1;

	char kernel[32] = "?";
	entrena_kernel_active(kernel, sizeof kernel, NULL);
	printf("{\"rows\": [");
	const int32_t units[3] = {128, 64, 10};
	char buf[64];
	strncpy(buf, batches, sizeof buf - 1);
	buf[sizeof buf - 1] = 0;
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		int b = atoi(tok);
		if (b < 1) continue;
		entrena_net *net = make_net(784, 3, units, 0.1f, b, threads);
		entrena_fit_options o;
		entrena_fit_options_init(&o);
		o.epochs = 1;
		o.batch_size = b;
		o.shuffle = 0;
		int warm = 4 * b < samples ? 4 * b : samples;
		entrena_status st = entrena_fit(net, x, nx, y, ny, warm, &o, NULL);
		if (st != ENTRENA_OK) skip("entrena_fit", st);
		for (int r = 0; r < reps; r++) {
			double t = now();
			st = entrena_fit(net, x, nx, y, ny, samples, &o, NULL);
			per[r] = now() - t;
			if (st != ENTRENA_OK) skip("entrena_fit", st);
		}
		char name[64], note[256];
		snprintf(name, sizeof name, "784-128-64-10 b=%d", b);
		snprintf(note, sizeof note, "C ABI, entrena_fit (shuffle 0), threads %d, kernel %s; %d synthetic samples, lr 0.1, no shuffle",
		         threads, kernel, samples);
		row("epoch", name, per, reps, 1, samples, note);
		entrena_destroy(net);
	}

	/* 2-8-1 XOR, batch 4: one entrena_train_step per call, calibrated to
	 * about 20 ms per repetition (as peerlib.measure). */
	const int32_t xunits[2] = {8, 1};
	entrena_net *xnet = make_net(2, 2, xunits, 2.0f, 4, threads);
	float xx[8] = {0, 0, 0, 1, 1, 0, 1, 1}, xy[4] = {0, 1, 1, 0};
	long n = 1;
	for (;;) {
		double t = now();
		for (long i = 0; i < n; i++) entrena_train_step(xnet, xx, 8, xy, 4, 4, NULL);
		double el = now() - t;
		if (el >= 0.02 || n >= 1L << 24) break;
		n = n * 2 > (long)(n * 1.2 * 0.02 / (el > 1e-9 ? el : 1e-9)) ? n * 2 : (long)(n * 1.2 * 0.02 / (el > 1e-9 ? el : 1e-9));
	}
	for (int r = 0; r < reps; r++) {
		double t = now();
		for (long i = 0; i < n; i++) entrena_train_step(xnet, xx, 8, xy, 4, 4, NULL);
		per[r] = (now() - t) / n;
	}
	row("step", "2-8-1 b=4", per, reps, n, 4, "XOR, entrena_train_step, lr 2");
	entrena_destroy(xnet);
	printf("], \"versions\": {\"entrena\": \"%s (libentrena, C ABI %d)\"}, \"settings\": \"float32; C ABI (build/lib/libentrena.so); "
	       "spec.threads %d; kernel %s\"}\n",
	       entrena_version(), entrena_abi_version(), threads, kernel);
	free(x), free(y), free(per);
	return 0;
}
