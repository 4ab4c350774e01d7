/* Per-call overhead of the C API: a trivial call, a one-sample predict and
 * a train step of a 784-128-64-10 network at batch 32, all on one thread.
 * `make bench-capi` runs it next to the Go benchmark of the same work
 * (capi/bench_test.go, BenchmarkOverhead). Prints the best of 5 runs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "entrena.h"

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define CHECK(call)                                                                              \
	do {                                                                                     \
		entrena_status st_ = (call);                                                     \
		if (st_ != ENTRENA_OK) {                                                         \
			fprintf(stderr, "%s: %s: %s\n", #call, entrena_status_string(st_),       \
			        entrena_last_error());                                           \
			exit(1);                                                                 \
		}                                                                                \
	} while (0)

enum { IN = 784, OUT = 10, BATCH = 32 };

int main(void) {
	static const int32_t units[] = {128, 64, OUT};
	static const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SIGMOID, ENTRENA_SIGMOID};
	static float x[BATCH * IN], y[BATCH * OUT], out[OUT];
	entrena_spec spec;
	entrena_net *net;
	char kernel[32];
	int64_t count;
	float cost;

	for (int i = 0; i < BATCH * IN; i++)
		x[i] = (float)(i % 255) / 255.0f;
	for (int i = 0; i < BATCH; i++)
		y[i * OUT + i % OUT] = 1;
	CHECK(entrena_spec_init(&spec));
	spec.inputs = IN;
	spec.n_layers = 3;
	spec.units = units;
	spec.activations = acts;
	spec.learning_rate = 0.1f;
	spec.max_batch = BATCH;
	spec.threads = 1;
	CHECK(entrena_create(&spec, &net));
	CHECK(entrena_kernel_active(kernel, sizeof kernel, NULL));

	const struct {
		const char *name;
		long iters;
	} cases[] = {{"trivial call (entrena_param_count)", 2000000},
	             {"predict, 1 sample", 100000},
	             {"train step, batch 32", 3000}};
	double best[3] = {1e30, 1e30, 1e30};
	for (int rep = 0; rep < 5; rep++) {
		for (int c = 0; c < 3; c++) {
			long n = cases[c].iters;
			double t0 = now();
			switch (c) {
			case 0:
				for (long i = 0; i < n; i++)
					CHECK(entrena_param_count(net, &count));
				break;
			case 1:
				for (long i = 0; i < n; i++)
					CHECK(entrena_predict(net, x, IN, 1, out, OUT));
				break;
			case 2:
				for (long i = 0; i < n; i++)
					CHECK(entrena_train_step(net, x, BATCH * IN, y, BATCH * OUT, BATCH, &cost));
				break;
			}
			double ns = (now() - t0) * 1e9 / n;
			if (ns < best[c])
				best[c] = ns;
		}
	}
	printf("C API, %s kernels, 784-128-64-10 sigmoid, 1 thread (best of 5):\n", kernel);
	for (int c = 0; c < 3; c++)
		printf("  %-36s %12.1f ns/op\n", cases[c].name, best[c]);
	CHECK(entrena_destroy(net));
	return 0;
}
