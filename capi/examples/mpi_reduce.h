/* An entrena_reduce_fn over MPI, with a timeout: copy it into your program.
 *
 *   struct mpi_reduce r = {.comm = comm, .timeout_seconds = 60};
 *   opts.reduce = mpi_reduce_sum;
 *   opts.reduce_user = &r;
 *
 * MPI_Allreduce would wait forever for a rank that failed (its entrena_fit
 * returned an error, it is stuck elsewhere), so the sum is started with
 * MPI_Iallreduce and polled with MPI_Test until it completes or the
 * deadline passes; then the callback returns non-zero and entrena_fit
 * ENTRENA_ERR_REDUCE on this rank too. The unfinished request stays
 * behind: after a failure, end the job (MPI_Abort) rather than calling MPI
 * on that communicator again. Give the fit a communicator of its own
 * (MPI_Comm_dup) so that the rest of the program can still talk. The
 * timeout bounds the slowest step plus the ranks' skew (for a fit with
 * validation, one rank's share of it), not the whole fit.
 */
#ifndef ENTRENA_MPI_REDUCE_H
#define ENTRENA_MPI_REDUCE_H

#include <limits.h>
#include <stdint.h>

#include <mpi.h>

struct mpi_reduce {
	MPI_Comm comm;
	double timeout_seconds; /* per call */
	int timed_out;          /* set when a call gave up */
};

static int mpi_reduce_sum(float *buf, int64_t n, void *user) {
	struct mpi_reduce *r = user;
	double deadline = MPI_Wtime() + r->timeout_seconds;
	/* MPI counts are ints: a larger buffer goes in pieces. */
	for (int64_t off = 0; off < n; off += INT_MAX) {
		int count = n - off < INT_MAX ? (int)(n - off) : INT_MAX;
		MPI_Request req;
		if (MPI_Iallreduce(MPI_IN_PLACE, buf + off, count, MPI_FLOAT, MPI_SUM, r->comm, &req) !=
		    MPI_SUCCESS)
			return 1;
		for (int done = 0; !done;) {
			if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
				return 1;
			if (!done && MPI_Wtime() > deadline) {
				r->timed_out = 1;
				return 2;
			}
		}
	}
	return 0;
}

#endif
