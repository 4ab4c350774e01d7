/* A program that defines symbols of the Go runtime's cgo glue for its own
 * purposes: it must link with libentrena.a and libentrena.so, whose only
 * global symbols are entrena.h's functions, and both must still work. */
#include <stdio.h>

#include "entrena.h"

void crosscall2(void) {}
void crosscall1(void) {}
void fatalf(const char *format, ...) { (void)format; }
void _cgo_panic(void) {}
void _cgo_topofstack(void) {}
int x_cgo_init;
int x_crosscall2_ptr;

int main(void) {
	static const int32_t units[] = {1};
	static const int32_t acts[] = {ENTRENA_SIGMOID};
	entrena_spec spec;
	entrena_net *net = NULL;
	int64_t count = 0;
	if (entrena_spec_init(&spec) != ENTRENA_OK)
		return 1;
	spec.inputs = 2;
	spec.n_layers = 1;
	spec.units = units;
	spec.activations = acts;
	if (entrena_create(&spec, &net) != ENTRENA_OK || entrena_param_count(net, &count) != ENTRENA_OK ||
	    count != 3 || entrena_destroy(net) != ENTRENA_OK) {
		fprintf(stderr, "own_symbols: %s\n", entrena_last_error());
		return 1;
	}
	crosscall2();
	printf("own_symbols: OK\n");
	return 0;
}
