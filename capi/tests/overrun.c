/* A caller that lies about its buffers' lengths, run under valgrind by
 * `make test-capi`: the library reads x one float past the end of its
 * block and writes one float past the end of dst's. Valgrind must report
 * both, which shows that valgrind.supp and valgrind_errors.sh hide no such
 * error of a caller's buffer. */
#include <stdio.h>
#include <stdlib.h>

#include "entrena.h"

int main(void) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_SIGMOID, ENTRENA_SIGMOID};
	entrena_spec spec;
	entrena_net *net;
	int64_t n = 0;
	if (entrena_spec_init(&spec) != ENTRENA_OK)
		return 2;
	spec.inputs = 4;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.threads = 1;
	if (entrena_create(&spec, &net) != ENTRENA_OK || entrena_param_count(net, &n) != ENTRENA_OK) {
		fprintf(stderr, "overrun: %s\n", entrena_last_error());
		return 2;
	}
	float *x = calloc(3, sizeof(float)), out[2];
	entrena_predict(net, x, 4, 1, out, 2); /* x holds 3 floats, not 4 */
	float *dst = malloc((size_t)(n - 1) * sizeof(float));
	entrena_get_params(net, dst, n); /* dst holds n - 1 floats */
	free(dst);
	free(x);
	entrena_destroy(net);
	return 0;
}
