/* entrena over MPI: data-parallel training of MNIST digits (784-64-10) on
 * every rank of an MPI job. Each rank reads the same data and builds the
 * same network; each step takes --batch images per rank and sums the
 * ranks' gradients with MPI (mpi_reduce.h), so that every rank applies the
 * same update: 2 ranks with batch 32 train as 1 process with batch 64.
 *
 *   mpicc -O2 mpi_fit.c $(pkg-config --cflags --libs entrena) -o mpi_fit
 *   mpirun -np 2 ./mpi_fit MNIST-FOLDER [--epochs 3] [--limit 10000] [--batch 32]
 *       [--threads 1] [--min-accuracy 0] [--no-validation] [--timeout 60]
 *
 * MNIST-FOLDER holds the four gzipped IDX files (see example.c). Rank 0
 * prints the progress, the time per step and the test accuracy; the exit
 * status is non-zero when the ranks' parameters differ at the end or the
 * accuracy is below --min-accuracy. A failure on any rank ends the job
 * (MPI_Abort) after printing why.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* popen */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <entrena.h>
#include <mpi.h>

#include "mnist_idx.h"
#include "mpi_reduce.h"

static int rank, size;

/* On failure: say which rank and why, then end every rank. */
#define CHECK(net, call)                                                                          \
	do {                                                                                      \
		entrena_status st_ = (call);                                                      \
		if (st_ != ENTRENA_OK) {                                                          \
			fprintf(stderr, "rank %d: %s:%d: %s: %s (%s)\n", rank, __FILE__, __LINE__, #call, \
			        entrena_status_string(st_),                                       \
			        (net) ? entrena_errmsg(net) : entrena_last_error());              \
			MPI_Abort(MPI_COMM_WORLD, 1);                                             \
		}                                                                                 \
	} while (0)

/* Rank 0 prints each epoch: the cost and validation figures are already
 * those of all ranks together. */
static int print_progress(const entrena_progress *p, void *user_data) {
	(void)user_data;
	if (rank == 0)
		printf("  epoch %lld/%lld  cost %.5f  val loss %.4f  val acc %.4f  (%.2f s)\n",
		       (long long)p->epoch, (long long)p->epochs, p->cost, p->val_loss, p->val_accuracy,
		       p->elapsed_seconds);
	return 0; /* every rank must decide alike: all go on */
}

int main(int argc, char **argv) {
	const char *dir = NULL;
	long limit = 10000, epochs = 3, batch = 32, threads = 1;
	double min_accuracy = 0, timeout = 60;
	int validation = 1;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--no-validation") == 0)
			validation = 0;
		else if (v && strcmp(a, "--epochs") == 0 && ++i)
			epochs = atol(v);
		else if (v && strcmp(a, "--limit") == 0 && ++i)
			limit = atol(v);
		else if (v && strcmp(a, "--batch") == 0 && ++i)
			batch = atol(v);
		else if (v && strcmp(a, "--threads") == 0 && ++i)
			threads = atol(v);
		else if (v && strcmp(a, "--min-accuracy") == 0 && ++i)
			min_accuracy = atof(v);
		else if (v && strcmp(a, "--timeout") == 0 && ++i)
			timeout = atof(v);
		else if (a[0] != '-' && dir == NULL)
			dir = a;
		else {
			if (rank == 0)
				fprintf(stderr, "usage: mpirun -np N %s MNIST-FOLDER [--epochs E] [--limit N] "
				                "[--batch B] [--threads T] [--min-accuracy A] [--no-validation] "
				                "[--timeout S]\n", argv[0]);
			MPI_Finalize();
			return 2;
		}
	}
	if (dir == NULL || epochs < 1 || batch < 1 || threads < 0 || limit < 1) {
		if (rank == 0)
			fprintf(stderr, "%s: need an MNIST folder and positive --epochs, --batch, --limit\n", argv[0]);
		MPI_Finalize();
		return 2;
	}

	float *x = NULL, *y = NULL, *tx = NULL, *ty = NULL;
	long n = 0, nt = 0;
	if (!load_mnist(dir, "train", limit, &x, &y, &n) || !load_mnist(dir, "t10k", 10000, &tx, &ty, &nt))
		MPI_Abort(MPI_COMM_WORLD, 1);

	const int32_t units[] = {64, 10};
	const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SOFTMAX};
	entrena_spec spec;
	entrena_net *net = NULL;
	CHECK(NULL, entrena_spec_init(&spec));
	spec.inputs = 784;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_CCE;
	spec.optimizer = ENTRENA_OPT_SGD;
	spec.learning_rate = 0.5f;
	spec.max_batch = (int32_t)batch;
	spec.threads = (int32_t)threads;
	spec.seed = 1; /* the same on every rank: the same shuffled order */
	CHECK(NULL, entrena_create(&spec, &net));

	/* Start every rank from rank 0's parameters (the same seed already
	 * gives the same ones; a model loaded on rank 0 alone would not). */
	int64_t count = 0;
	CHECK(net, entrena_param_count(net, &count));
	float *params = malloc(sizeof(float) * (size_t)count);
	if (params == NULL)
		MPI_Abort(MPI_COMM_WORLD, 1);
	CHECK(net, entrena_get_params(net, params, count));
	MPI_Bcast(params, (int)count, MPI_FLOAT, 0, MPI_COMM_WORLD);
	CHECK(net, entrena_set_params(net, params, count));

	MPI_Comm fit_comm;
	MPI_Comm_dup(MPI_COMM_WORLD, &fit_comm);
	struct mpi_reduce reduce = {.comm = fit_comm, .timeout_seconds = timeout};
	entrena_fit_options opts;
	CHECK(net, entrena_fit_options_init(&opts));
	opts.epochs = (int32_t)epochs;
	opts.batch_size = (int32_t)batch;
	opts.progress = print_progress;
	if (validation) {
		opts.val_x = tx;
		opts.val_x_len = nt * 784;
		opts.val_y = ty;
		opts.val_y_len = nt * 10;
		opts.val_samples = nt;
	}
	opts.reduce = mpi_reduce_sum;
	opts.reduce_user = &reduce;
	opts.rank = rank;
	opts.size = size;
	if (rank == 0)
		printf("mpi_fit: %d ranks × %ld threads, batch %ld per rank (%ld a step), %ld images, %ld epochs\n",
		       size, threads, batch, batch * size, n, epochs);

	MPI_Barrier(MPI_COMM_WORLD);
	double t0 = MPI_Wtime();
	float cost = 0;
	CHECK(net, entrena_fit(net, x, n * 784, y, n * 10, n, &opts, &cost));
	double seconds = MPI_Wtime() - t0;
	long steps = epochs * ((n + batch * size - 1) / (batch * size));

	/* Every rank must hold the same parameters: compare checksums. */
	CHECK(net, entrena_get_params(net, params, count));
	double sum = 0, lo, hi;
	for (int64_t i = 0; i < count; i++)
		sum += params[i] * (double)(i % 7 + 1);
	MPI_Allreduce(&sum, &lo, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
	MPI_Allreduce(&sum, &hi, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);

	int ok = lo == hi;
	if (rank == 0) {
		float loss, acc;
		CHECK(net, entrena_evaluate(net, tx, nt * 784, ty, nt * 10, nt, &loss, &acc));
		printf("mpi_fit: %ld steps in %.3f s: %.3f ms per step (%d ranks × %ld threads, %ld images a step)%s\n",
		       steps, seconds, 1e3 * seconds / (double)steps, size, threads, batch * size,
		       validation ? ", validation included" : "");
		printf("mpi_fit: test loss %.4f, accuracy %.4f; ranks' parameters %s\n", loss, acc,
		       ok ? "identical" : "DIFFERENT");
		ok = ok && acc >= min_accuracy;
	}
	MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
	CHECK(net, entrena_destroy(net));
	free(params);
	free(x);
	free(y);
	free(tx);
	free(ty);
	MPI_Comm_free(&fit_comm);
	MPI_Finalize();
	return ok ? 0 : 1;
}
