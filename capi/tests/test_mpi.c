/* Data-parallel entrena_fit over MPI (run by capi.mk under
 * `mpirun --oversubscribe -np 2`):
 *
 *   test_mpi equal  size ranks with batch b train the parameters that one
 *                   process does with batch size×b over the same sample
 *                   order, within 1e-5 relative after 100 steps, for SGD,
 *                   momentum and Adam; every rank ends with the same ones.
 *   test_mpi fail   rank 1's reduce fails on its third call without
 *                   taking part: rank 1 returns ENTRENA_ERR_REDUCE at once,
 *                   the others after the reduce's timeout, none hangs.
 *   test_mpi data   a NaN in rank 1's shard: rank 1 returns
 *                   ENTRENA_ERR_DATA naming the sample, the others
 *                   ENTRENA_ERR_DATA too, at once, every network unchanged.
 *
 * Each rank prints its verdict; the exit status is non-zero on a failure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrena.h"

#include "../examples/mpi_reduce.h"

enum { IN = 12, OUT = 4, SAMPLES = 320, BATCH = 16, EPOCHS = 10 };

static int rank, size, failures;
static float X[SAMPLES * IN], Y[SAMPLES * OUT];

#define EXPECT(cond)                                                                          \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "rank %d: %s:%d: FAILED: %s\n", rank, __FILE__, __LINE__, #cond); \
			failures++;                                                           \
		}                                                                             \
	} while (0)

#define OK(net, call)                                                                         \
	do {                                                                                  \
		entrena_status st_ = (call);                                                  \
		if (st_ != ENTRENA_OK) {                                                      \
			fprintf(stderr, "rank %d: %s:%d: %s: %s\n", rank, __FILE__, __LINE__, #call, \
			        (net) ? entrena_errmsg(net) : entrena_last_error());          \
			MPI_Abort(MPI_COMM_WORLD, 1);                                         \
		}                                                                             \
	} while (0)

/* Four blobs in 12 dimensions, the same on every rank. */
static void make_data(void) {
	unsigned s = 12345;
	for (int i = 0; i < SAMPLES; i++) {
		int c = i % OUT;
		for (int j = 0; j < IN; j++) {
			s = s * 1103515245u + 12345u;
			X[i * IN + j] = (float)((c * 7 + j * 3) % 5) - 2 + (float)((s >> 16) % 1000) / 1000.0f;
		}
		Y[i * OUT + c] = 1;
	}
}

static entrena_net *make_net(int32_t optimizer, int32_t max_batch) {
	static const int32_t units[] = {24, 16, OUT};
	static const int32_t acts[] = {ENTRENA_TANH, ENTRENA_SIGMOID, ENTRENA_SOFTMAX};
	entrena_spec spec;
	entrena_net *net;
	OK(NULL, entrena_spec_init(&spec));
	spec.inputs = IN;
	spec.n_layers = 3;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_CCE;
	spec.optimizer = optimizer;
	spec.learning_rate = optimizer == ENTRENA_OPT_ADAM ? 0.01f : 0.1f;
	spec.momentum = optimizer == ENTRENA_OPT_MOMENTUM ? 0.9f : 0;
	spec.max_batch = max_batch;
	spec.threads = 1;
	spec.seed = 7;
	OK(NULL, entrena_create(&spec, &net));
	return net;
}

static int test_equal(MPI_Comm comm) {
	static const int32_t optimizers[] = {ENTRENA_OPT_SGD, ENTRENA_OPT_MOMENTUM, ENTRENA_OPT_ADAM};
	static const char *const names[] = {"sgd", "momentum", "adam"};
	struct mpi_reduce reduce = {.comm = comm, .timeout_seconds = 30};
	for (int k = 0; k < 3; k++) {
		entrena_net *dist = make_net(optimizers[k], BATCH * size);
		entrena_net *one = make_net(optimizers[k], BATCH * size);
		entrena_fit_options o;
		OK(dist, entrena_fit_options_init(&o));
		o.epochs = EPOCHS;
		o.batch_size = BATCH;
		o.reduce = mpi_reduce_sum;
		o.reduce_user = &reduce;
		o.rank = rank;
		o.size = size;
		float cost_dist, cost_one;
		OK(dist, entrena_fit(dist, X, SAMPLES * IN, Y, SAMPLES * OUT, SAMPLES, &o, &cost_dist));
		/* One process, batch size×b, the same seed: the same order. */
		OK(one, entrena_fit_options_init(&o));
		o.epochs = EPOCHS;
		o.batch_size = BATCH * size;
		OK(one, entrena_fit(one, X, SAMPLES * IN, Y, SAMPLES * OUT, SAMPLES, &o, &cost_one));

		int64_t count;
		OK(dist, entrena_param_count(dist, &count));
		float *a = malloc(sizeof(float) * (size_t)count), *b = malloc(sizeof(float) * (size_t)count);
		OK(dist, entrena_get_params(dist, a, count));
		OK(one, entrena_get_params(one, b, count));
		double diff = 0, scale = 0, sum = 0, lo, hi, moved = 0;
		float *init = malloc(sizeof(float) * (size_t)count);
		entrena_net *fresh = make_net(optimizers[k], BATCH * size);
		OK(fresh, entrena_get_params(fresh, init, count));
		for (int64_t i = 0; i < count; i++) {
			diff = fmax(diff, fabs((double)a[i] - b[i]));
			scale = fmax(scale, fabs((double)b[i]));
			moved = fmax(moved, fabs((double)a[i] - init[i]));
			sum += a[i] * (double)(i % 5 + 1);
		}
		MPI_Allreduce(&sum, &lo, 1, MPI_DOUBLE, MPI_MIN, comm);
		MPI_Allreduce(&sum, &hi, 1, MPI_DOUBLE, MPI_MAX, comm);
		long steps = EPOCHS * ((SAMPLES + BATCH * size - 1) / (BATCH * size));
		printf("rank %d: %s: %d ranks × batch %d vs 1 process × batch %d, %ld steps: max relative "
		       "difference %.2e, epoch cost %.6f vs %.6f, ranks %s\n",
		       rank, names[k], size, BATCH, BATCH * size, steps, diff / scale, cost_dist, cost_one,
		       lo == hi ? "identical" : "DIFFERENT");
		EXPECT(steps >= 100);
		EXPECT(diff / scale <= 1e-5);
		EXPECT(moved > 1e-3); /* training changed the parameters */
		EXPECT(lo == hi);
		EXPECT(fabsf(cost_dist - cost_one) <= 1e-5f * cost_one);
		free(a);
		free(b);
		free(init);
		OK(NULL, entrena_destroy(fresh));
		OK(NULL, entrena_destroy(dist));
		OK(NULL, entrena_destroy(one));
	}
	return failures;
}

/* Rank 1's reduce fails on its third call, as a rank whose own work broke
 * would: it never joins that all-reduce. */
struct failing_reduce {
	struct mpi_reduce mpi;
	int calls;
};

static int fail_third(float *buf, int64_t n, void *user) {
	struct failing_reduce *f = user;
	if (++f->calls == 3 && rank == 1)
		return -1;
	return mpi_reduce_sum(buf, n, &f->mpi);
}

static int test_fail(MPI_Comm comm) {
	struct failing_reduce f = {.mpi = {.comm = comm, .timeout_seconds = 2}};
	entrena_net *net = make_net(ENTRENA_OPT_SGD, BATCH);
	entrena_fit_options o;
	OK(net, entrena_fit_options_init(&o));
	o.epochs = EPOCHS;
	o.batch_size = BATCH;
	o.reduce = fail_third;
	o.reduce_user = &f;
	o.rank = rank;
	o.size = size;
	double t0 = MPI_Wtime();
	entrena_status st = entrena_fit(net, X, SAMPLES * IN, Y, SAMPLES * OUT, SAMPLES, &o, NULL);
	double seconds = MPI_Wtime() - t0;
	printf("rank %d: entrena_fit returned %s after %.2f s: %s\n", rank, entrena_status_string(st),
	       seconds, entrena_errmsg(net));
	EXPECT(st == ENTRENA_ERR_REDUCE);
	EXPECT(f.calls == 3);
	EXPECT(rank == 1 ? !f.mpi.timed_out : f.mpi.timed_out);
	EXPECT(seconds < 10);
	OK(NULL, entrena_destroy(net));
	return failures;
}

static int test_data(MPI_Comm comm) {
	struct mpi_reduce reduce = {.comm = comm, .timeout_seconds = 30};
	entrena_net *net = make_net(ENTRENA_OPT_ADAM, BATCH);
	int64_t count;
	OK(net, entrena_param_count(net, &count));
	float *before = malloc(sizeof(float) * (size_t)count), *after = malloc(sizeof(float) * (size_t)count);
	OK(net, entrena_get_params(net, before, count));
	/* Sample 3·size·b + b + 2: rank 1's in the fourth step, without shuffling. */
	long bad = 3L * size * BATCH + BATCH + 2;
	float saved = X[bad * IN + 5];
	if (rank == 1)
		X[bad * IN + 5] = NAN;
	entrena_fit_options o;
	OK(net, entrena_fit_options_init(&o));
	o.batch_size = BATCH;
	o.shuffle = 0;
	o.reduce = mpi_reduce_sum;
	o.reduce_user = &reduce;
	o.rank = rank;
	o.size = size;
	entrena_status st = entrena_fit(net, X, SAMPLES * IN, Y, SAMPLES * OUT, SAMPLES, &o, NULL);
	X[bad * IN + 5] = saved;
	printf("rank %d: entrena_fit returned %s: %s\n", rank, entrena_status_string(st), entrena_errmsg(net));
	EXPECT(st == ENTRENA_ERR_DATA);
	char want[64];
	snprintf(want, sizeof want, "sample %ld", bad);
	EXPECT(rank != 1 || strstr(entrena_errmsg(net), want) != NULL);
	EXPECT(!reduce.timed_out);
	OK(net, entrena_get_params(net, after, count));
	EXPECT(memcmp(before, after, sizeof(float) * (size_t)count) == 0);
	free(before);
	free(after);
	OK(NULL, entrena_destroy(net));
	return failures;
}

int main(int argc, char **argv) {
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	const char *mode = argc > 1 ? argv[1] : "";
	make_data();
	/* The fits get a communicator of their own: after a timed-out
	 * reduce leaves a request behind on it, MPI_COMM_WORLD still works. */
	MPI_Comm comm;
	MPI_Comm_dup(MPI_COMM_WORLD, &comm);
	if (size < 2) {
		fprintf(stderr, "test_mpi: run under mpirun -np 2 (or more)\n");
		failures++;
	} else if (strcmp(mode, "equal") == 0)
		test_equal(comm);
	else if (strcmp(mode, "fail") == 0)
		test_fail(comm);
	else if (strcmp(mode, "data") == 0)
		test_data(comm);
	else {
		fprintf(stderr, "usage: mpirun -np 2 test_mpi equal|fail|data\n");
		failures++;
	}
	int total = 0;
	MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	if (rank == 0)
		printf("test_mpi %s: %d ranks, %d failures\n", mode, size, total);
	fflush(stdout);
	if (strcmp(mode, "fail") == 0) {
		/* The timed-out request can never complete: MPI_Finalize could
		 * wait for it. End the job here, with the verdict as status. */
		MPI_Abort(MPI_COMM_WORLD, total ? 1 : 0);
	}
	MPI_Comm_free(&comm);
	MPI_Finalize();
	return total ? 1 : 0;
}
