# Data-parallel training over MPI (OpenMPI, Debian's libopenmpi-dev): the C
# test of entrena_fit's reduce callback across ranks and the MNIST example,
# each under mpirun on this machine alone (loopback, 2 ranks).
# Included by the top-level Makefile (paths are relative to the repo root);
# the Python side is in bindings/python/python.mk (test-python-mpi).

MPICC        ?= mpicc
# Loopback only; --oversubscribe: 2 ranks on a machine with fewer cores.
# As root (CI), OpenMPI wants the two ALLOW_RUN_AS_ROOT variables.
MPIRUN        = env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo \
	OMPI_MCA_btl_vader_single_copy_mechanism=none \
	timeout 300 mpirun --oversubscribe
MPI_NP       ?= 2

APT_PACKAGES += libopenmpi-dev openmpi-bin
TEST_STEPS += test-mpi

.PHONY: test-mpi mpi-example mpi-scaling

$(CAPI_OUT)/mpi_fit: capi/examples/mpi_fit.c capi/examples/mnist_idx.h capi/examples/mpi_reduce.h $(CAPI_HEADER) lib
	$(MPICC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/examples/mpi_fit.c -L$(CAPI_LIB) -lentrena -lm \
		-Wl,-rpath,'$$ORIGIN/../lib' -o $@

$(CAPI_OUT)/test_mpi: capi/tests/test_mpi.c capi/examples/mpi_reduce.h $(CAPI_HEADER) lib
	$(MPICC) $(CAPI_CFLAGS) -I$(CAPI_INC) capi/tests/test_mpi.c -L$(CAPI_LIB) -lentrena -lm \
		-Wl,-rpath,'$$ORIGIN/../lib' -o $@

## mpi-example: the C MPI example, MNIST (10,000 images, 3 epochs) on 2 ranks
mpi-example: $(CAPI_OUT)/mpi_fit
	$(MPIRUN) -np $(MPI_NP) $(CAPI_OUT)/mpi_fit '$(CAPI_MNIST_DIR)' --epochs 3 --min-accuracy 0.85

## test-mpi: 2 ranks against 1 process (SGD, momentum, Adam: 1e-5 after 100
## steps), a rank whose reduce fails (the other times out), a NaN in one
## rank's shard, and the MNIST example (part of `make test`)
test-mpi: $(CAPI_OUT)/test_mpi $(CAPI_OUT)/mpi_fit
	@echo "== mpi: 2 ranks × batch b against 1 process × batch 2b"
	$(MPIRUN) -np $(MPI_NP) $(CAPI_OUT)/test_mpi equal
	@echo "== mpi: a rank that fails: every rank returns an error (the others after the reduce's 2 s timeout)"
	@# The job ends with MPI_Abort (the timed-out request never completes),
	@# whose notice is noise here: the ranks' lines and the status tell.
	$(MPIRUN) -np $(MPI_NP) $(CAPI_OUT)/test_mpi fail >$(CAPI_OUT)/test_mpi_fail.log 2>&1; rc=$$?; \
		grep -e '^rank' -e '^test_mpi' $(CAPI_OUT)/test_mpi_fail.log; exit $$rc
	@echo "== mpi: a NaN in one rank's shard"
	$(MPIRUN) -np $(MPI_NP) $(CAPI_OUT)/test_mpi data
	@echo "== mpi: the MNIST example, 2 epochs"
	$(MPIRUN) -np $(MPI_NP) $(CAPI_OUT)/mpi_fit '$(CAPI_MNIST_DIR)' --epochs 2 --min-accuracy 0.85
	@echo "test-mpi: all MPI tests passed"

## mpi-scaling: the figures of docs/DISTRIBUTED.md: 2 ranks × 1 thread
## against 1 process × 2 threads per step (alternating runs, medians), and
## the all-reduce model for N machines on 10/25/100 GbE
mpi-scaling: $(CAPI_OUT)/mpi_fit
	$(PYTHON3) docs/distributed_scaling.py --mpi-fit $(CAPI_OUT)/mpi_fit --mnist '$(CAPI_MNIST_DIR)' \
		--rounds $(or $(ROUNDS),5)
