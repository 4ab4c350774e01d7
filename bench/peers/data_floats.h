/* data_floats: n zeroed floats for a C peer's operands or data set, in the
 * memory numpy gives the Python peers (and entrena.h advises C callers):
 * from 4 MiB on, aligned to 2 MiB and advised to transparent huge pages
 * before anything is written, so that no side of a comparison reads
 * through more TLB misses than another. NULL when out of memory; free()
 * releases it. */
#ifndef ENTRENA_BENCH_DATA_FLOATS_H
#define ENTRENA_BENCH_DATA_FLOATS_H

#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

static float *data_floats(long n) {
	size_t bytes = sizeof(float) * (size_t)(n > 0 ? n : 1);
	if (bytes < (4u << 20)) return calloc(1, bytes);
	void *p = NULL;
	size_t huge = 2u << 20, whole = (bytes + huge - 1) / huge * huge;
	if (posix_memalign(&p, huge, whole) != 0) return NULL;
#ifdef __linux__
	madvise(p, whole, MADV_HUGEPAGE); /* only about speed: an error leaves small pages */
#endif
	memset(p, 0, bytes);
	return p;
}

#endif
