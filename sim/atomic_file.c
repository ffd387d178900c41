/* sim/atomic_file.c - output files written under a temporary name and
 * renamed when complete; the temporaries in flight, for signal handlers. */
#include "sim/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Paths a signal handler removes. A slot's path is written before its
 * flag is set and the flag cleared before the path is reused, so the
 * handler never reads a half-written name. */
#define PENDING_SLOTS 32
#define PATH_BYTES 4200
static char pending_path[PENDING_SLOTS][PATH_BYTES];
static volatile sig_atomic_t pending_used[PENDING_SLOTS];

struct atomic_file {
	FILE *f;                       /* a stream over fd (fopencookie) */
	int fd;
	int err;                       /* errno of the first failed write */
	int slot;                      /* in pending_*, or -1 */
	char path[4096];
	char tmp[PATH_BYTES];
};

/* The streams' writes: the first error's errno is kept, since a stream's
 * error flag does not say what went wrong (ENOSPC, EFBIG, EIO). */
static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
	struct atomic_file *af = cookie;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(af->fd, buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!af->err)
				af->err = w < 0 ? errno : ENOSPC;
			return 0;      /* fopencookie: 0 is an error */
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static FILE *cookie_stream(struct atomic_file *af)
{
	cookie_io_functions_t io = { .read = NULL, .write = cookie_write, .seek = NULL,
				     .close = NULL };
	return fopencookie(af, "w", io);
}

int atomic_file_track(const char *path)
{
	if (strlen(path) >= PATH_BYTES)
		return -1;
	for (int i = 0; i < PENDING_SLOTS; i++) {
		if (pending_used[i])
			continue;
		memcpy(pending_path[i], path, strlen(path) + 1);
		pending_used[i] = 1;
		return i;
	}
	return -1;
}

void atomic_file_untrack(int slot)
{
	if (slot >= 0 && slot < PENDING_SLOTS)
		pending_used[slot] = 0;
}

struct atomic_file *atomic_file_open(const char *path)
{
	struct atomic_file *af = calloc(1, sizeof *af);
	if (!af)
		return NULL;
	int n = snprintf(af->path, sizeof af->path, "%s", path);
	int m = snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof af->path || m < 0 || (size_t)m >= sizeof af->tmp) {
		free(af);
		errno = ENAMETOOLONG;
		return NULL;
	}
	/* the rename would replace a device, pipe or folder by a file */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		free(af);
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENOTSUP;
		return NULL;
	}
	af->slot = atomic_file_track(af->tmp);
	/* O_EXCL: never write through a file (or link) someone left there */
	unlink(af->tmp);
	af->fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	af->f = af->fd >= 0 ? cookie_stream(af) : NULL;
	if (!af->f) {
		int e = errno;
		if (af->fd >= 0) {
			close(af->fd);
			unlink(af->tmp);
		}
		atomic_file_untrack(af->slot);
		free(af);
		errno = e;
		return NULL;
	}
	return af;
}

FILE *atomic_file_stream(struct atomic_file *af)
{
	return af->f;
}

FILE *atomic_file_extra_stream(struct atomic_file *af)
{
	return cookie_stream(af);
}

const char *atomic_file_path(const struct atomic_file *af)
{
	return af->path;
}

static void release(struct atomic_file *af, int remove_tmp)
{
	if (remove_tmp)
		unlink(af->tmp);
	atomic_file_untrack(af->slot);
	free(af);
}

int atomic_file_commit(struct atomic_file *af)
{
	int e = 0;
	if (fflush(af->f) != 0 || ferror(af->f) || af->err)
		e = af->err ? af->err : EIO;
	else if (fsync(af->fd) != 0)
		e = errno;
	fclose(af->f);
	if (close(af->fd) != 0 && !e)
		e = errno;
	if (!e && rename(af->tmp, af->path) != 0)
		e = errno;
	release(af, e != 0);
	errno = e;
	return e ? -1 : 0;
}

void atomic_file_discard(struct atomic_file *af)
{
	if (!af)
		return;
	fclose(af->f);
	close(af->fd);
	release(af, 1);
}

int atomic_file_write(const char *path, const void *data, size_t len)
{
	if (len == (size_t)-1)
		len = strlen(data);
	struct atomic_file *af = atomic_file_open(path);
	if (!af)
		return -1;
	fwrite(data, 1, len, af->f);
	return atomic_file_commit(af);
}

void atomic_file_remove_pending(void)
{
	for (int i = 0; i < PENDING_SLOTS; i++)
		if (pending_used[i])
			unlink(pending_path[i]);
}

/* ---- signals ---- */

static const char *trap_message;
static void (*trap_hook)(int sig);

static void say(const char *s)
{
	size_t len = strlen(s);
	while (len > 0) {
		ssize_t w = write(2, s, len);
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

static void on_signal(int sig)
{
	if (trap_hook)
		trap_hook(sig);
	atomic_file_remove_pending();
	if (trap_message) {
		say(trap_message);
		say(sig == SIGINT ? " (SIGINT)\n" : " (SIGTERM)\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void atomic_file_trap_signals(const char *message, void (*hook)(int sig))
{
	trap_message = message;
	trap_hook = hook;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	/* a signal ignored when the program started (SIGINT of a background
	 * job in a non-interactive shell, nohup) stays ignored */
	static const int sigs[] = { SIGINT, SIGTERM };
	for (int i = 0; i < 2; i++) {
		struct sigaction old;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

struct atomic_file *atomic_file_create(const char *path)
{
	struct atomic_file *af = atomic_file_open(path);
	if (!af) {
		int e = errno;
		fprintf(stderr, "npusim: cannot write %s: %s\n", path, strerror(e));
		errno = e;
	}
	return af;
}

int atomic_file_finish(struct atomic_file *af)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", atomic_file_path(af));
	if (atomic_file_commit(af) == 0)
		return 0;
	int e = errno;
	fprintf(stderr, "npusim: cannot write %s: %s\n", path, strerror(e));
	errno = e;
	return -1;
}
