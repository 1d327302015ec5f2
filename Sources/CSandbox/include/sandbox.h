#ifndef AIRLOCK_SANDBOX_H
#define AIRLOCK_SANDBOX_H

#include <sys/types.h>

/// Starts `path` with `argv`, an empty environment, `cwd` as its working directory, /dev/null on 0-2, `fd` as its
/// descriptor 3 and no other descriptor, default signal actions and nothing blocked. Between fork and exec the
/// child enters a new network namespace when `new_network` (if the kernel lets it), when running as root becomes
/// `uid`/`uid` with no supplementary groups (the worker never runs with root's rights), and restricts the files it
/// may ever open with Landlock to reading beneath `readable_directories` (read, list, execute) and reading
/// `readable_files`. Answers 0 and the pid, or an errno.
int airlock_spawn_worker(
    const char *path, char *const argv[], int fd, const char *cwd, int new_network, unsigned int uid,
    const char *const *readable_directories, int directory_count, const char *const *readable_files, int file_count, pid_t *pid);

/// The kernel's Landlock ABI version (0: none).
int airlock_landlock_version(void);

/// Restricts the calling thread (and what it starts) to reading beneath `directories` and reading `files`, writing
/// nowhere (the spawn does this for workers; `--self-test` for itself). Answers 0 or an errno.
int airlock_landlock_self(const char *const *directories, int directory_count, const char *const *files, int file_count);

/// Makes SIGSEGV and SIGBUS sent from outside (kill) end the process, as they would without JavaScriptCore's
/// handlers, which treat them as faults of their own and carry on; install before JavaScriptCore starts (it chains
/// to the handler it finds).
void airlock_die_of_fatal_signals(void);

/// Installs the worker's seccomp filter (after PR_SET_NO_NEW_PRIVS): opening a file other than read-only, sockets,
/// exec, fork and the administrative calls fail with EPERM; clone makes threads only; kill/tgkill reach only `self`. Answers 0 or an errno.
int airlock_seccomp_lockdown(pid_t self);

/// Moves the calling process into a new, empty network namespace (CLONE_NEWNET, or a user namespace with one when
/// not privileged). Answers 0, 1 when only the user-namespace form worked, or an errno (negative).
int airlock_unshare_network(void);

/// Drops root for good: no supplementary groups, real, effective and saved ids all `id`. Answers 0 or an errno.
int airlock_drop_root(unsigned int id);

/// Asks the kernel to SIGKILL the calling process when its parent dies.
int airlock_die_with_parent(void);

#endif
