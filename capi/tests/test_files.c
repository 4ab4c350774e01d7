/* Tests of the entrena C API around files and divergence: loading reads
 * only regular files, as a stream checked against its header (8 GiB files,
 * /dev/zero, FIFOs, folders, and under an address-space limit); saving
 * follows symbolic links, refuses special files and keeps modes; a
 * diverging entrena_train_step leaves the network as it was, so it saves
 * and loads. Built and run like test_capi.c (see capi/capi.mk).
 *
 *   test_files [scratch-folder [quick]]     ("quick": under valgrind)
 *   test_files --limited-child FOLDER       (internal: run under RLIMIT_AS)
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entrena.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#include "expect.h"

static const char *scratch = "/tmp";
static int quick;
static char self[4096];

/* path = scratch/name */
static void in_scratch(char *path, size_t size, const char *name) {
	snprintf(path, size, "%s/%s", scratch, name);
}

/* A 4-3-2 network, MSE, SGD, max batch 8, one thread. */
static entrena_net *small_net(float learning_rate) {
	static const int32_t units[] = {3, 2};
	static const int32_t acts[] = {ENTRENA_LINEAR, ENTRENA_LINEAR};
	entrena_spec spec;
	entrena_net *net = NULL;
	OK(entrena_spec_init(&spec));
	spec.inputs = 4;
	spec.n_layers = 2;
	spec.units = units;
	spec.activations = acts;
	spec.learning_rate = learning_rate;
	spec.max_batch = 8;
	spec.threads = 1;
	OK(entrena_create(&spec, &net));
	return net;
}

static float X[8 * 4], Y[8 * 2];
static void make_data(void) {
	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < 4; j++)
			X[4 * i + j] = (float)((i >> j) & 1) * 3 - 1;
		Y[2 * i] = (float)(i & 1);
		Y[2 * i + 1] = (float)((i >> 1) & 1);
	}
}

static double now_seconds(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A file of size bytes at path: head, then a hole. */
static int sparse_file(const char *path, const void *head, size_t head_len, off_t size) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	int ok = (head_len == 0 || write(fd, head, head_len) == (ssize_t)head_len) && ftruncate(fd, size) == 0;
	close(fd);
	return ok ? 0 : -1;
}

static void put32(unsigned char *p, uint32_t v) {
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v) {
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The 80-byte header of a valid 65536-32767 linear network (docs/
 * MODEL_FORMAT.md): its file is just under 8 GiB, its buffers need more
 * than 24 GiB. Returns the file's size. */
static off_t huge_header(unsigned char h[80]) {
	const uint64_t params = 65536ull * 32767 + 32767;
	float hyper[5] = {0.1f, 0, 0, 0, 0}; /* SGD: the others unused, so 0 */
	memset(h, 0, 80);
	memcpy(h, "ENTRENA\0", 8);
	put32(h + 8, 1);
	put32(h + 12, 65536);
	put32(h + 16, 1);
	put32(h + 20, 32767);
	h[24] = ENTRENA_LINEAR;
	h[28] = ENTRENA_LOSS_MSE;
	h[29] = ENTRENA_OPT_SGD;
	for (int i = 0; i < 5; i++) {
		uint32_t bits;
		memcpy(&bits, &hyper[i], 4);
		put32(h + 32 + 4 * i, bits);
	}
	put32(h + 52, 1);       /* max batch */
	put64(h + 56, 1);       /* seed */
	put64(h + 64, 0);       /* steps */
	put64(h + 72, params);  /* parameter count */
	return (off_t)(80 + 4 * params + 4);
}

/* entrena_load of path must fail with want, at once, setting *out_net to
 * NULL, its message containing text. */
static void expect_load_fails(const char *path, entrena_status want, const char *text) {
	entrena_net *net = (entrena_net *)0x1;
	double t0 = now_seconds();
	EXPECT_STATUS(want, entrena_load(path, &net));
	double took = now_seconds() - t0;
	EXPECT(net == NULL);
	EXPECT(took < 5);
	if (strstr(entrena_last_error(), text) == NULL || strstr(entrena_last_error(), path) == NULL) {
		failures++;
		fprintf(stderr, "load %s: message %s lacks \"%s\" or the path\n", path, entrena_last_error(), text);
	}
	checks++;
}

/* Loading: only regular files, never blocking, never reading past a header
 * that does not fit. A FIFO with no writer would block an open; the alarm
 * ends the test instead of hanging it. */
static void test_load_special_files(void) {
	char fifo[4096], folder[4096], link[4096], sock[4096];
	in_scratch(fifo, sizeof fifo, "files.fifo");
	in_scratch(folder, sizeof folder, "files.folder");
	in_scratch(link, sizeof link, "files.zero-link");
	in_scratch(sock, sizeof sock, "files.sock");
	unlink(fifo);
	rmdir(folder);
	unlink(link);
	unlink(sock);
	EXPECT(mkfifo(fifo, 0644) == 0);
	EXPECT(mkdir(folder, 0755) == 0);
	EXPECT(symlink("/dev/zero", link) == 0);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int have_sock = s >= 0 && strlen(sock) < sizeof addr.sun_path;
	if (have_sock) {
		strcpy(addr.sun_path, sock);
		have_sock = bind(s, (struct sockaddr *)&addr, sizeof addr) == 0;
	}

	alarm(60);
	expect_load_fails("/dev/zero", ENTRENA_ERR_IO, "not a regular file");
	expect_load_fails("/dev/null", ENTRENA_ERR_IO, "not a regular file");
	expect_load_fails(fifo, ENTRENA_ERR_IO, "FIFO");
	expect_load_fails(folder, ENTRENA_ERR_IO, "folder");
	expect_load_fails(link, ENTRENA_ERR_IO, "character device");
	if (have_sock)
		expect_load_fails(sock, ENTRENA_ERR_IO, "socket");
	alarm(0);

	struct stat st;
	EXPECT(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	if (s >= 0)
		close(s);
	unlink(fifo);
	rmdir(folder);
	unlink(link);
	unlink(sock);
}

/* 8 GiB files fail after their header: zeros (no magic), a valid small
 * model's header on a file of the wrong size, a newer version. */
static void test_load_huge_files(void) {
	char zeros[4096], wrong[4096], newer[4096], model[4096];
	in_scratch(zeros, sizeof zeros, "files.zeros.entrena");
	in_scratch(wrong, sizeof wrong, "files.wrong-size.entrena");
	in_scratch(newer, sizeof newer, "files.newer.entrena");
	in_scratch(model, sizeof model, "files.small.entrena");
	entrena_net *net = small_net(0.01f);
	OK(entrena_save(net, model));
	unsigned char head[128];
	FILE *f = fopen(model, "rb");
	size_t got = f ? fread(head, 1, sizeof head, f) : 0;
	if (f)
		fclose(f);
	EXPECT(got > 96);
	EXPECT(sparse_file(zeros, NULL, 0, (off_t)8 << 30) == 0);
	EXPECT(sparse_file(wrong, head, 96, (off_t)8 << 30) == 0);
	EXPECT(sparse_file(newer, "ENTRENA\0\x07\0\0\0", 12, (off_t)3 << 30) == 0);
	expect_load_fails(zeros, ENTRENA_ERR_MODEL, "not an entrena model");
	expect_load_fails(wrong, ENTRENA_ERR_MODEL, "its header describes");
	expect_load_fails(newer, ENTRENA_ERR_VERSION, "format version 7");
	OK(entrena_destroy(net));
	remove(zeros);
	remove(wrong);
	remove(newer);
	remove(model);
}

/* The limited child: under RLIMIT_AS of 4 GB, loading the 8 GiB files and
 * /dev/zero fails cleanly (reading a file whole ended the process with
 * "fatal error: out of memory"); the header claiming 24 GiB of buffers is
 * ENTRENA_ERR_SPEC. Exit status 0 when all held. */
static int limited_child(const char *folder) {
	char zeros[4096], huge[4096];
	scratch = folder;
	in_scratch(zeros, sizeof zeros, "files.limited-zeros.entrena");
	in_scratch(huge, sizeof huge, "files.limited-huge.entrena");
	expect_load_fails(zeros, ENTRENA_ERR_MODEL, "not an entrena model");
	expect_load_fails(huge, ENTRENA_ERR_SPEC, "too large");
	expect_load_fails("/dev/zero", ENTRENA_ERR_IO, "not a regular file");
	return report("test_files (under RLIMIT_AS)");
}

static void test_load_under_rlimit(void) {
#ifdef UNDER_ASAN
	printf("test_files: RLIMIT_AS child skipped (AddressSanitizer needs the address space)\n");
	return;
#endif
	if (quick) {
		printf("test_files: RLIMIT_AS child skipped (valgrind)\n");
		return;
	}
	char zeros[4096], huge[4096];
	unsigned char head[80];
	in_scratch(zeros, sizeof zeros, "files.limited-zeros.entrena");
	in_scratch(huge, sizeof huge, "files.limited-huge.entrena");
	off_t size = huge_header(head);
	EXPECT(sparse_file(zeros, NULL, 0, (off_t)8 << 30) == 0);
	EXPECT(sparse_file(huge, head, sizeof head, size) == 0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) { /* only async-signal-safe calls until exec */
		struct rlimit lim = {4000000000ull, 4000000000ull};
		if (setrlimit(RLIMIT_AS, &lim) != 0)
			_exit(3);
		char *argv[] = {self, (char *)"--limited-child", (char *)scratch, NULL};
		execv(self, argv);
		_exit(4);
	}
	int status = 0;
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "limited child: status %#x\n", status);
	remove(zeros);
	remove(huge);
}

static mode_t mode_of(const char *path) {
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static int is_link(const char *path) {
	struct stat st;
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* Saving: through links, never onto special files, keeping modes. */
static void test_save_paths(void) {
	char target[4096], sym[4096], fifo[4096], folder[4096], fresh[4096], hard[4096], node[4096], buf[64];
	in_scratch(target, sizeof target, "files.target.entrena");
	in_scratch(sym, sizeof sym, "files.link.entrena");
	in_scratch(fifo, sizeof fifo, "files.save.fifo");
	in_scratch(folder, sizeof folder, "files.save.folder");
	in_scratch(fresh, sizeof fresh, "files.fresh.entrena");
	in_scratch(hard, sizeof hard, "files.hard.entrena");
	in_scratch(node, sizeof node, "files.null");
	remove(target);
	remove(sym);
	remove(fifo);
	rmdir(folder);
	remove(fresh);
	remove(hard);
	remove(node);
	entrena_net *net = small_net(0.01f), *copy = NULL;

	/* A relative link stays a link; its target is replaced, mode kept. */
	FILE *f = fopen(target, "w");
	if (f) {
		fputs("old", f);
		fclose(f);
	}
	EXPECT(chmod(target, 0640) == 0);
	EXPECT(symlink("files.target.entrena", sym) == 0);
	OK(entrena_save(net, sym));
	EXPECT(is_link(sym));
	EXPECT(readlink(sym, buf, sizeof buf) == (ssize_t)strlen("files.target.entrena"));
	EXPECT(mode_of(target) == 0640);
	OK(entrena_load(target, &copy));
	OK(entrena_destroy(copy));
	OK(entrena_load(sym, &copy));
	OK(entrena_destroy(copy));

	/* A new file honours the umask. */
	mode_t old = umask(027);
	OK(entrena_save(net, fresh));
	umask(old);
	EXPECT(mode_of(fresh) == 0640);

	/* The save makes a new inode: a hard link keeps the old file. */
	EXPECT(link(fresh, hard) == 0);
	struct stat linked, saved;
	OK(entrena_save(net, fresh));
	EXPECT(stat(hard, &linked) == 0 && stat(fresh, &saved) == 0 && linked.st_ino != saved.st_ino);

	/* Special files are refused and left alone; the FIFO does not block. */
	EXPECT(mkfifo(fifo, 0644) == 0);
	EXPECT(mkdir(folder, 0755) == 0);
	alarm(60);
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save(net, fifo));
	EXPECT(strstr(entrena_errmsg(net), "not a regular file") != NULL);
	EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save(net, folder));
	alarm(0);
	struct stat st;
	EXPECT(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	EXPECT(lstat(folder, &st) == 0 && S_ISDIR(st.st_mode));
	if (geteuid() == 0) { /* a device node of our own, never the system's */
		EXPECT(mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0);
		EXPECT_STATUS(ENTRENA_ERR_IO, entrena_save(net, node));
		EXPECT(lstat(node, &st) == 0 && S_ISCHR(st.st_mode));
	}
	OK(entrena_destroy(net));
	remove(target);
	remove(sym);
	remove(fifo);
	rmdir(folder);
	remove(fresh);
	remove(hard);
	remove(node);
}

/* A step whose update overflows is ENTRENA_ERR_DATA and changes nothing,
 * bit for bit; the network then trains, saves and loads. */
static void test_diverged_step(void) {
	char path[4096];
	in_scratch(path, sizeof path, "files.diverged.entrena");
	entrena_net *net = small_net(0.01f), *copy = NULL;
	float before[23], after[23], cost = -1, out[16];
	for (int i = 0; i < 3; i++)
		OK(entrena_train_step(net, X, 32, Y, 16, 8, &cost));
	OK(entrena_set_learning_rate(net, 3e38f));
	/* The first step at this rate overflows here; a kernel path that rounds
	 * in another order may survive one, never four. */
	entrena_status st = ENTRENA_OK;
	for (int i = 0; i < 4 && st == ENTRENA_OK; i++) {
		OK(entrena_get_params(net, before, 23));
		cost = -1;
		st = entrena_train_step(net, X, 32, Y, 16, 8, &cost);
	}
	EXPECT_STATUS(ENTRENA_ERR_DATA, st);
	EXPECT(cost == -1); /* not written on failure */
	EXPECT(strstr(entrena_errmsg(net), "diverged") != NULL);
	OK(entrena_get_params(net, after, 23));
	EXPECT(memcmp(before, after, sizeof before) == 0);
	EXPECT_STATUS(ENTRENA_ERR_DATA, entrena_train_step(net, X, 32, Y, 16, 8, &cost));
	OK(entrena_predict(net, X, 32, 8, out, 16));
	for (int i = 0; i < 16; i++)
		EXPECT(isfinite(out[i]));
	OK(entrena_save(net, path));
	OK(entrena_load(path, &copy));
	OK(entrena_set_learning_rate(copy, 0.01f));
	OK(entrena_train_step(copy, X, 32, Y, 16, 8, &cost));
	EXPECT(isfinite(cost));
	OK(entrena_destroy(copy));
	OK(entrena_destroy(net));
	remove(path);
}

int main(int argc, char **argv) {
	ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
	if (k <= 0)
		snprintf(self, sizeof self, "%s", argv[0]);
	make_data();
	if (argc > 2 && strcmp(argv[1], "--limited-child") == 0)
		return limited_child(argv[2]);
	if (argc > 1)
		scratch = argv[1];
	quick = argc > 2 && strcmp(argv[2], "quick") == 0;
	printf("test_files: entrena %s\n", entrena_version());
	test_load_special_files();
	test_load_huge_files();
	test_load_under_rlimit();
	test_save_paths();
	test_diverged_step();
	return report("test_files");
}
