/* SGEMM peer from C: cblas_sgemm of OpenBLAS (default), BLIS (-DUSE_BLIS)
 * or MKL (-DUSE_MKL) on entrena's shapes, row-major, transposes passed as
 * CBLAS flags.
 *
 * usage: gemm_openblas --shapes NN:m:n:k,... [--reps R] [--threads N] [--quick]
 * The thread count comes from OPENBLAS_NUM_THREADS / BLIS_NUM_THREADS /
 * MKL_NUM_THREADS, which the suite sets; --threads is only echoed. Prints one JSON line (see
 * peerlib.py for the format). */
#define _DEFAULT_SOURCE /* madvise */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data_floats.h"

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
#ifdef USE_BLIS
#define IMPL "blis-c"
const char *bli_info_get_version_str(void);
const char *bli_arch_string(int id);
int bli_arch_query_id(void);
#elif defined(USE_MKL)
#define IMPL "mkl-c"
/* oneMKL 2026's MKLVersion (mkl_types.h); setup.sh pins the wheel. */
typedef struct {
	int major, minor, update, patch;
	char *status, *build, *processor, *platform;
} MKLVersion;
void MKL_Get_Version(MKLVersion *v);
void MKL_Get_Version_String(char *buf, int len);
#else
#define IMPL "openblas-c"
char *openblas_get_config(void);
char *openblas_get_corename(void);
#endif

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int main(int argc, char **argv) {
	const char *shapes = NULL;
	int reps = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--shapes") && i + 1 < argc) shapes = argv[++i];
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc) i++;
	}
	if (!shapes) {
		printf("{\"skipped\": \"no --shapes given\"}\n");
		return 0;
	}
	if (reps < 1) reps = 1;
	char *list = strdup(shapes), *save = NULL;
	char impl[64];
	const char *forced = getenv("OPENBLAS_CORETYPE");
#if !defined(USE_BLIS) && !defined(USE_MKL)
	if (forced && *forced) {
		snprintf(impl, sizeof impl, "%s-%s", IMPL, forced);
		for (char *p = impl; *p; p++) *p = (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p;
	} else
#endif
		snprintf(impl, sizeof impl, "%s", IMPL);
	(void)forced;
	/* Per-row note: the library and the kernel it runs (the suite's table of
	 * kernel targets picks OpenBLAS rows and the Haswell kernel by it). */
	char note[160];
#ifdef USE_BLIS
	snprintf(note, sizeof note, "blis arch=%s", bli_arch_string(bli_arch_query_id()));
#elif defined(USE_MKL)
	/* MKL's version and its name for the processors it dispatched for. */
	MKLVersion ver = {0};
	MKL_Get_Version(&ver);
	char version[64] = "?";
	{
		char full[256] = "";
		MKL_Get_Version_String(full, sizeof full);
		const char *v = strstr(full, "Version ");
		if (v) snprintf(version, sizeof version, "%.*s", (int)strcspn(v + 8, "- "), v + 8);
	}
	snprintf(note, sizeof note, "mkl %s for %s", version, ver.processor ? ver.processor : "?");
#else
	snprintf(note, sizeof note, "openblas kernel=%s", openblas_get_corename());
#endif
	printf("{\"rows\": [");
	int first = 1;
	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char ta, tb;
		int m, n, k;
		if (sscanf(tok, "%c%c:%d:%d:%d", &ta, &tb, &m, &n, &k) != 5) continue;
		float *a = data_floats((long)m * k), *b = data_floats((long)k * n), *c = data_floats((long)m * n);
		for (long i = 0; i < (long)m * k; i++) a[i] = (float)rand() / RAND_MAX;
		for (long i = 0; i < (long)k * n; i++) b[i] = (float)rand() / RAND_MAX;
		int lda = ta == 'T' ? m : k, ldb = tb == 'T' ? k : n;
		int fa = ta == 'T' ? Trans : NoTrans, fb = tb == 'T' ? Trans : NoTrans;
#define CALL cblas_sgemm(RowMajor, fa, fb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n)
		CALL;
		long calls = 1;
		double *per = malloc(sizeof(double) * reps);
		for (;;) { /* calibrate about 20 ms per repetition; the block that reaches it is the first */
			double t = now();
			for (long i = 0; i < calls; i++) CALL;
			double el = now() - t;
			per[0] = el / calls;
			if (el >= 0.02 || calls >= (1L << 24)) break;
			long next = (long)(calls * 1.2 * 0.02 / (el > 1e-9 ? el : 1e-9));
			calls = next <= calls ? calls + 1 : (next > 100 * calls ? 100 * calls : next);
		}
		for (int r = 1; r < reps; r++) {
			double t = now();
			for (long i = 0; i < calls; i++) CALL;
			per[r] = (now() - t) / calls;
		}
		qsort(per, reps, sizeof(double), cmp);
		double med = reps % 2 ? per[reps / 2] : (per[reps / 2 - 1] + per[reps / 2]) / 2;
		printf("%s{\"group\": \"gemm\", \"name\": \"sgemm %c%c %dx%dx%d\", \"impl\": \"%s\", \"reps\": %d, \"ops_rep\": %ld, "
		       "\"median_s\": %.9g, \"min_s\": %.9g, \"max_s\": %.9g, \"metric\": %.6g, \"unit\": \"GFLOPS\", \"note\": \"%s\"}",
		       first ? "" : ", ", ta, tb, m, n, k, impl, reps, calls, med, per[0], per[reps - 1], 2.0 * m * n * k / med / 1e9, note);
		first = 0;
		free(a), free(b), free(c), free(per);
	}
#ifdef USE_BLIS
	printf("], \"versions\": {\"blis\": \"%s\"}, \"settings\": \"cblas_sgemm row-major; arch %s; BLIS_NUM_THREADS=%s\"}\n",
	       bli_info_get_version_str(), bli_arch_string(bli_arch_query_id()), getenv("BLIS_NUM_THREADS") ? getenv("BLIS_NUM_THREADS") : "unset");
#elif defined(USE_MKL)
	printf("], \"versions\": {\"mkl\": \"%s\"}, \"settings\": \"cblas_sgemm row-major; %s; MKL_NUM_THREADS=%s; MKL_THREADING_LAYER=%s\"}\n",
	       version, note, getenv("MKL_NUM_THREADS") ? getenv("MKL_NUM_THREADS") : "unset",
	       getenv("MKL_THREADING_LAYER") ? getenv("MKL_THREADING_LAYER") : "unset (intel)");
#else
	printf("], \"versions\": {\"openblas\": \"%s\"}, \"settings\": \"cblas_sgemm row-major; kernel %s; OPENBLAS_NUM_THREADS=%s; OPENBLAS_CORETYPE=%s\"}\n",
	       openblas_get_config(), openblas_get_corename(), getenv("OPENBLAS_NUM_THREADS") ? getenv("OPENBLAS_NUM_THREADS") : "unset",
	       getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "unset");
#endif
	free(list);
	return 0;
}
