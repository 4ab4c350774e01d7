/* MNIST's gzipped IDX files as entrena wants them: copy it into your
 * program (example.c and mpi_fit.c include it). Reads through `gzip -dc`,
 * so gzip must be on the PATH. */
#ifndef ENTRENA_EXAMPLE_MNIST_IDX_H
#define ENTRENA_EXAMPLE_MNIST_IDX_H

#include <stdio.h>
#include <stdlib.h>

/* Reads a gzipped IDX file through `gzip -dc`: checks the magic number
 * (0x0801 labels, 0x0803 images), returns the item count and the first
 * limit items' bytes (malloc'd) and, for images, their size in *item. */
static unsigned char *read_idx(const char *dir, const char *name, int dims, long limit, long *count,
                               long *item) {
	char cmd[4200];
	unsigned char hdr[16];
	snprintf(cmd, sizeof cmd, "gzip -dc '%s/%s'", dir, name);
	FILE *f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	unsigned char *data = NULL;
	size_t hlen = 4 + 4 * (size_t)dims;
	if (fread(hdr, 1, hlen, f) == hlen && hdr[0] == 0 && hdr[1] == 0 && hdr[2] == 8 && hdr[3] == dims) {
		long n = (long)hdr[4] << 24 | hdr[5] << 16 | hdr[6] << 8 | hdr[7];
		*item = dims == 3 ? ((long)hdr[8] << 24 | hdr[9] << 16 | hdr[10] << 8 | hdr[11]) *
		                            ((long)hdr[12] << 24 | hdr[13] << 16 | hdr[14] << 8 | hdr[15])
		                  : 1;
		*count = n < limit ? n : limit;
		data = malloc((size_t)(*count * *item));
		if (data && fread(data, 1, (size_t)(*count * *item), f) != (size_t)(*count * *item)) {
			free(data);
			data = NULL;
		}
	}
	pclose(f);
	if (data == NULL)
		fprintf(stderr, "mnist: cannot read %s/%s\n", dir, name);
	return data;
}

/* Images scaled to [0, 1] and one-hot labels, as entrena wants them. */
static int load_mnist(const char *dir, const char *prefix, long limit, float **x, float **y, long *n) {
	char name[64];
	long count = 0, item = 0, lcount = 0, one = 0;
	snprintf(name, sizeof name, "%s-images-idx3-ubyte.gz", prefix);
	unsigned char *img = read_idx(dir, name, 3, limit, &count, &item);
	snprintf(name, sizeof name, "%s-labels-idx1-ubyte.gz", prefix);
	unsigned char *lab = read_idx(dir, name, 1, limit, &lcount, &one);
	int ok = img && lab && item == 784 && lcount == count;
	if (ok) {
		*x = malloc(sizeof(float) * count * 784);
		*y = calloc((size_t)count * 10, sizeof(float));
		ok = *x && *y;
		for (long i = 0; ok && i < count * 784; i++)
			(*x)[i] = img[i] / 255.0f;
		for (long i = 0; ok && i < count; i++)
			(*y)[10 * i + (lab[i] < 10 ? lab[i] : 0)] = 1;
		*n = count;
	}
	free(img);
	free(lab);
	return ok;
}

#endif
