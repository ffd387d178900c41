/* tests/test_atomic_file.c - output files appear whole or not at all. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>
#include "sim/atomic_file.h"
#include "testutil.h"

static char dir[4096];

static void setup(void)
{
	char *d = testutil_tmpdir();
	snprintf(dir, sizeof dir, "%s", d);
	free(d);
}

static void teardown(void)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Entries of dir (. and .. aside). */
static unsigned entries(void)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	unsigned n = 0;
	ck_assert_int_eq(fscanf(p, "%u", &n), 1);
	pclose(p);
	return n;
}

START_TEST(commit_renames_a_complete_file)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/out.csv", dir);
	struct atomic_file *af = atomic_file_open(path);
	ck_assert_ptr_nonnull(af);
	fprintf(atomic_file_stream(af), "a,b\n1,2\n");
	ck_assert_int_eq(access(path, F_OK), -1);     /* not there before the commit */
	ck_assert_int_eq(entries(), 1);               /* the temporary */
	ck_assert_int_eq(atomic_file_commit(af), 0);
	FILE *f = fopen(path, "r");
	char line[64];
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "a,b\n");
	fclose(f);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(discard_leaves_the_old_file)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/out.csv", dir);
	ck_assert_int_eq(atomic_file_write(path, "old\n", (size_t)-1), 0);
	struct atomic_file *af = atomic_file_open(path);
	fprintf(atomic_file_stream(af), "new, half written");
	atomic_file_discard(af);
	FILE *f = fopen(path, "r");
	char line[64];
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "old\n");
	fclose(f);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* A write past RLIMIT_FSIZE fails with EFBIG (SIGXFSZ ignored): the commit
 * reports that errno and leaves neither the file nor its temporary. */
START_TEST(failed_write_leaves_nothing)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/big.bin", dir);
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit lim = { 4096, RLIM_INFINITY };
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	struct atomic_file *af = atomic_file_open(path);
	ck_assert_ptr_nonnull(af);
	static char block[1024];
	for (int i = 0; i < 64; i++)
		fwrite(block, 1, sizeof block, atomic_file_stream(af));
	errno = 0;
	ck_assert_int_eq(atomic_file_commit(af), -1);
	ck_assert_int_eq(errno, EFBIG);
	lim.rlim_cur = RLIM_INFINITY;
	setrlimit(RLIMIT_FSIZE, &lim);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_int_eq(entries(), 0);
}
END_TEST

START_TEST(devices_and_folders_are_not_replaced)
{
	ck_assert_ptr_null(atomic_file_open("/dev/null"));
	ck_assert_int_eq(errno, ENOTSUP);
	ck_assert_ptr_null(atomic_file_open(dir));
	ck_assert_int_eq(errno, EISDIR);
	struct stat st;
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* SIGTERM while a file is in flight: the temporary is removed and the
 * process dies of the signal. */
START_TEST(signal_removes_temporaries)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/out.csv", dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		atomic_file_trap_signals(NULL, NULL);
		struct atomic_file *af = atomic_file_open(path);
		fprintf(atomic_file_stream(af), "x");
		fflush(atomic_file_stream(af));
		raise(SIGTERM);
		_exit(0);
	}
	int ws;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);
	ck_assert_int_eq(entries(), 0);
}
END_TEST

Suite *atomic_file_suite(void)
{
	Suite *s = suite_create("atomic_file");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, commit_renames_a_complete_file);
	tcase_add_test(tc, discard_leaves_the_old_file);
	tcase_add_test(tc, failed_write_leaves_nothing);
	tcase_add_test(tc, devices_and_folders_are_not_replaced);
	tcase_add_test(tc, signal_removes_temporaries);
	suite_add_tcase(s, tc);
	return s;
}
