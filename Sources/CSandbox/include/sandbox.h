#ifndef AIRLOCK_SANDBOX_H
#define AIRLOCK_SANDBOX_H

#include <sys/types.h>

/// Starts `path` with `argv`, an empty environment, `cwd` as its working directory, /dev/null on 0-2, `fd` as its
/// descriptor 3 and no other descriptor; default signal handling and an empty signal mask. Answers 0 and the pid, or
/// an errno.
int airlock_spawn_worker(const char *path, char *const argv[], int fd, const char *cwd, pid_t *pid);

/// Installs the worker's seccomp filter (after PR_SET_NO_NEW_PRIVS): opening files, sockets, exec, fork and the
/// administrative calls fail with EPERM; clone makes threads only; kill/tgkill reach only `self`. Answers 0 or an errno.
int airlock_seccomp_lockdown(pid_t self);

/// Moves the calling process into a new, empty network namespace (CLONE_NEWNET, or a user namespace with one when
/// not privileged). Answers 0, 1 when only the user-namespace form worked, or an errno (negative).
int airlock_unshare_network(void);

/// Asks the kernel to SIGKILL the calling process when its parent dies.
int airlock_die_with_parent(void);

#endif
