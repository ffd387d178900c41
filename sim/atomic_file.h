/* sim/atomic_file.h - output files that appear whole or not at all.
 *
 * A file is written under a temporary name in its own folder
 * (PATH.tmp.PID, so two processes never share one) and renamed to PATH only
 * once every byte is known to be on disk: the stream flushed without error
 * and fsync'ed. Any failure removes the temporary and leaves PATH as it
 * was. Temporaries in flight are listed where a signal handler can remove
 * them (atomic_file_trap_signals), so an interrupted program leaves none.
 *
 * Functions return 0 or -1 with errno set; callers name the file in their
 * message (atomic_file_path). */
#ifndef SIM_ATOMIC_FILE_H
#define SIM_ATOMIC_FILE_H

#include <stdio.h>

struct atomic_file;

/* Creates PATH.tmp.PID for writing; NULL with errno when it cannot (EISDIR
 * or ENOTSUP when PATH exists and is a folder or a device, pipe or socket,
 * which the rename would replace). */
struct atomic_file *atomic_file_open(const char *path);
/* The stream to write to (owned by the atomic file). */
FILE *atomic_file_stream(struct atomic_file *af);
/* Another stream onto the same file, for a library that closes the stream
 * it is given (libpcap's dumpers): closing it leaves the file open; its
 * write errors count as the file's. Flush it before the commit. */
FILE *atomic_file_extra_stream(struct atomic_file *af);
/* The final name. */
const char *atomic_file_path(const struct atomic_file *af);
/* Flush, check that no write failed, fsync, close, rename to the final
 * name. On any failure the temporary is removed and -1 returned with errno
 * (that of the first failed write: ENOSPC, EFBIG, ...). Frees af either
 * way. */
int atomic_file_commit(struct atomic_file *af);
/* Close and remove the temporary; the final name is left untouched. */
void atomic_file_discard(struct atomic_file *af);
/* atomic_file_open and atomic_file_commit for the program's outputs: a
 * failure also names the file on stderr ("npusim: cannot write PATH: why");
 * the returns and errno are theirs. */
struct atomic_file *atomic_file_create(const char *path);
int atomic_file_finish(struct atomic_file *af);

/* Whole files: `len` bytes of `data` (or a NUL-terminated text with len
 * (size_t)-1) written atomically to path. */
int atomic_file_write(const char *path, const void *data, size_t len);

/* A file another program writes under its final name (gnuplot's PNGs):
 * listed for removal on a signal until untracked. Returns a slot or -1
 * when the list is full (the file is then not tracked). */
int atomic_file_track(const char *path);
void atomic_file_untrack(int slot);

/* On SIGINT or SIGTERM: call hook (which must be async-signal-safe; NULL
 * for none), remove every temporary in flight and every tracked file,
 * write `message` and the signal's name to stderr (message NULL: nothing),
 * then die of the signal, so that a shell sees status 128 + signal (130,
 * 143). */
void atomic_file_trap_signals(const char *message, void (*hook)(int sig));

/* What the signal handler does, for a hook that must stop first: removes
 * every temporary in flight (async-signal-safe). */
void atomic_file_remove_pending(void);

#endif
