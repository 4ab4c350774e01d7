/* FANN peer: the 784-128-64-10 sigmoid network trained with FANN's
 * incremental (per-sample) backpropagation — FANN has no mini-batch SGD;
 * FANN_TRAIN_INCREMENTAL is plain SGD at batch 1 — on synthetic data, plus
 * the tiny 2-8-1 XOR net (one sample per step).
 *
 * usage: train_fann [--samples N] [--reps R]; prints one JSON line. */
#include <fann.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static void row(const char *group, const char *name, double *per, int reps, long ops, double samples, const char *note, int first) {
	qsort(per, reps, sizeof(double), cmp);
	double med = reps % 2 ? per[reps / 2] : (per[reps / 2 - 1] + per[reps / 2]) / 2;
	printf("%s{\"group\": \"%s\", \"name\": \"%s\", \"impl\": \"fann-c\", \"reps\": %d, \"ops_rep\": %ld, \"median_s\": %.9g, "
	       "\"min_s\": %.9g, \"max_s\": %.9g, \"metric\": %.6g, \"unit\": \"samples/s\", \"note\": \"%s\", \"version\": \"2.2\"}",
	       first ? "" : ", ", group, name, reps, ops, med, per[0], per[reps - 1], samples / med, note);
}

int main(int argc, char **argv) {
	int samples = 20000, reps = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--samples") && i + 1 < argc) samples = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc) i++;
	}
	if (reps < 1) reps = 1;
	srand(5);
	fann_type *x = malloc(sizeof(fann_type) * samples * 784), *y = calloc(samples * 10, sizeof(fann_type));
	for (long i = 0; i < (long)samples * 784; i++) x[i] = (fann_type)rand() / RAND_MAX;
	for (int s = 0; s < samples; s++) y[s * 10 + rand() % 10] = 1;

	struct fann *ann = fann_create_standard(4, 784, 128, 64, 10);
	fann_set_activation_function_hidden(ann, FANN_SIGMOID);
	fann_set_activation_function_output(ann, FANN_SIGMOID);
	fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
	fann_set_learning_rate(ann, 0.1f);
	fann_set_learning_momentum(ann, 0);
	double *per = malloc(sizeof(double) * reps);
	for (int s = 0; s < 100 && s < samples; s++) fann_train(ann, x + (long)s * 784, y + s * 10); /* warm-up */
	for (int r = 0; r < reps; r++) {
		double t = now();
		for (int s = 0; s < samples; s++) fann_train(ann, x + (long)s * 784, y + s * 10);
		per[r] = now() - t;
	}
	printf("{\"rows\": [");
	char note[160];
	snprintf(note, sizeof note, "FANN_TRAIN_INCREMENTAL (per-sample SGD, batch 1), lr 0.1, %d synthetic samples", samples);
	row("step", "784-128-64-10 b=1", per, reps, 1, samples, note, 1);
	fann_destroy(ann);

	struct fann *xor = fann_create_standard(3, 2, 8, 1);
	fann_set_activation_function_hidden(xor, FANN_SIGMOID);
	fann_set_activation_function_output(xor, FANN_SIGMOID);
	fann_set_training_algorithm(xor, FANN_TRAIN_INCREMENTAL);
	fann_set_learning_rate(xor, 2.0f);
	fann_set_learning_momentum(xor, 0);
	fann_type xx[8] = {0, 0, 0, 1, 1, 0, 1, 1}, xy[4] = {0, 1, 1, 0};
	long steps = 2000000;
	for (int r = 0; r < reps; r++) {
		double t = now();
		for (long i = 0; i < steps; i++) fann_train(xor, xx + 2 * (i & 3), xy + (i & 3));
		per[r] = (now() - t) / (steps / 4); /* four one-sample steps = one batch of 4 */
	}
	row("step", "2-8-1 b=4", per, reps, steps / 4, 4, "XOR, four per-sample FANN steps per batch of 4, lr 2", 0);
	fann_destroy(xor);
	printf("], \"versions\": {\"fann\": \"2.2 (Debian libfann-dev)\"}, \"settings\": \"float fann, FANN_SIGMOID, incremental training, single-threaded\"}\n");
	free(x), free(y), free(per);
	return 0;
}
