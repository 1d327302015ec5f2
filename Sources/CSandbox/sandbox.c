#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <grp.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

int airlock_landlock_version(void) {
    long version = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return version < 0 ? 0 : (int)version;
}

/// Restricts the calling thread, and every thread and program it starts from now on, to reading (and executing)
/// beneath `directories` and reading `files`; nothing may be written, created or removed anywhere. Raw system calls
/// only (it runs in the spawn's child). Answers 0 or an errno.
static int airlock_landlock_restrict(const char *const *directories, int directory_count, const char *const *files, int file_count) {
    int version = airlock_landlock_version();
    if (version < 1) return ENOSYS;
    unsigned long long handled = (1ULL << 13) - 1;  // ABI 1: execute .. make_sym
    if (version >= 2) handled |= 1ULL << 13;         // refer
    if (version >= 3) handled |= 1ULL << 14;         // truncate
    if (version >= 5) handled |= 1ULL << 15;         // ioctl on devices
    struct landlock_ruleset_attr attributes = { .handled_access_fs = handled };
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attributes, sizeof attributes, 0);
    if (ruleset < 0) return errno;
    for (int index = 0; index < directory_count + file_count; index++) {
        int directory = index < directory_count;
        const char *path = directory ? directories[index] : files[index - directory_count];
        int fd = (int)syscall(__NR_openat, AT_FDCWD, path, O_PATH | O_CLOEXEC);
        if (fd < 0) continue;  // absent on this machine
        struct landlock_path_beneath_attr rule = {
            .allowed_access = directory
                ? (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE)
                : LANDLOCK_ACCESS_FS_READ_FILE,
            .parent_fd = fd,
        };
        syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
        syscall(__NR_close, fd);
    }
    int result = 0;
    if (syscall(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) result = errno;
    syscall(__NR_close, ruleset);
    return result;
}

int airlock_landlock_self(const char *const *directories, int directory_count, const char *const *files, int file_count) {
    return airlock_landlock_restrict(directories, directory_count, files, file_count);
}

int airlock_spawn_worker(
    const char *path, char *const argv[], int fd, const char *cwd, int new_network, unsigned int uid,
    const char *const *readable_directories, int directory_count, const char *const *readable_files, int file_count, pid_t *pid) {
    char *const environment[] = { NULL };
    sigset_t all, previous;
    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) != 0) return errno;
    // No handler of the server's may run in the child while it shares the server's memory: everything is blocked
    // until the child has reset every handler to its default, just before exec.
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = vfork();
    if (child == 0) {
        // The child shares the server's memory until exec: raw system calls only (glibc's set*id would try to
        // change the server's threads too).
        int failure = 0;
        if (new_network && syscall(__NR_unshare, CLONE_NEWNET) != 0) { /* reported by the server from /proc */ }
        if (uid != 0 && geteuid() == 0) {
            if (syscall(__NR_setgroups, 0, NULL) != 0 || syscall(__NR_setresgid, uid, uid, uid) != 0
                || syscall(__NR_setresuid, uid, uid, uid) != 0) failure = errno;
        }
        if (!failure) {
            int null = (int)syscall(__NR_openat, AT_FDCWD, "/dev/null", O_RDWR);
            // Landlock is best effort here: the server reports whether the kernel has it.
            if (directory_count + file_count > 0) airlock_landlock_restrict(readable_directories, directory_count, readable_files, file_count);
            int moved = fd == 3 ? (int)syscall(__NR_fcntl, fd, F_DUPFD, 10) : fd;
            if (null < 0 || moved < 0 || syscall(__NR_dup2, null, 0) < 0 || syscall(__NR_dup2, null, 1) < 0
                || syscall(__NR_dup2, null, 2) < 0 || syscall(__NR_dup2, moved, 3) < 0) failure = errno;
        }
        // Everything above 3 closes at exec (the error pipe stays usable until then).
        if (!failure && syscall(__NR_close_range, 4, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) != 0) failure = errno;
        if (!failure && syscall(__NR_chdir, cwd) != 0) failure = errno;
        if (!failure) {
            // The server's handlers mean nothing in the worker: default actions, then nothing blocked (a signal
            // blocked in every thread would make JavaScriptCore's own fault-based traps fatal).
            struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } default_action = { 0 };
            for (int number = 1; number < 65; number++) {
                if (number != SIGKILL && number != SIGSTOP) syscall(__NR_rt_sigaction, number, &default_action, NULL, 8);
            }
            unsigned long none = 0;
            syscall(__NR_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
            syscall(__NR_execve, path, argv, environment);
            failure = errno;
        }
        syscall(__NR_write, error_pipe[1], &failure, sizeof failure);
        syscall(__NR_exit, 127);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(error_pipe[1]);
    if (child < 0) {
        close(error_pipe[0]);
        return saved;
    }
    int failure = 0;
    ssize_t got = read(error_pipe[0], &failure, sizeof failure);
    close(error_pipe[0]);
    if (got == sizeof failure && failure != 0) {
        waitpid(child, NULL, 0);
        return failure;
    }
    *pid = child;
    return 0;
}

#define SYSCALL_NR offsetof(struct seccomp_data, nr)
#define SYSCALL_ARCH offsetof(struct seccomp_data, arch)
#define SYSCALL_ARG0 offsetof(struct seccomp_data, args[0])
#define SYSCALL_ARG2 offsetof(struct seccomp_data, args[2])
#define DENY(name) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_##name, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

#if defined(__x86_64__)
#define AIRLOCK_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AIRLOCK_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

int airlock_seccomp_lockdown(pid_t self) {
#ifndef AIRLOCK_AUDIT_ARCH
    (void)self;
    return ENOSYS;
#else
    struct sock_filter filter[] = {
        // Another architecture's numbering could bypass the list: kill.
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SYSCALL_ARCH),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AIRLOCK_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SYSCALL_NR),
#if defined(__x86_64__)
        // x32 calls share the architecture value: refuse them all.
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        DENY(open), DENY(creat), DENY(fork), DENY(vfork),
#endif
        // Files: opened read-only or not at all (what may be read is Landlock's business; libdispatch reads
        // /proc/<tid>/stat to watch its threads and crashes when it cannot).
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SYSCALL_ARG2),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | __O_TMPFILE, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        DENY(openat2), DENY(open_by_handle_at), DENY(name_to_handle_at), DENY(io_uring_setup),
        // Network: the worker keeps only the socket it inherited.
        DENY(socket), DENY(socketpair), DENY(connect), DENY(bind), DENY(listen), DENY(accept), DENY(accept4),
        // Other programs and processes.
        DENY(execve), DENY(execveat), DENY(ptrace), DENY(process_vm_readv), DENY(process_vm_writev), DENY(pidfd_open),
        DENY(pidfd_getfd), DENY(tkill),
        // Administration (the worker has dropped root where it had it; these stay shut regardless).
        DENY(mount), DENY(umount2), DENY(pivot_root), DENY(chroot), DENY(setns), DENY(unshare), DENY(bpf),
        DENY(perf_event_open), DENY(keyctl), DENY(add_key), DENY(request_key), DENY(init_module), DENY(finit_module),
        DENY(delete_module), DENY(kexec_load), DENY(reboot), DENY(swapon), DENY(swapoff), DENY(setuid), DENY(setgid),
        DENY(setreuid), DENY(setregid), DENY(setresuid), DENY(setresgid), DENY(setgroups),
        // New threads, never new processes (clone3 hides its flags from the filter: glibc falls back to clone).
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SYSCALL_ARG0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        // Signals only to the worker itself (JSC's collector signals its own threads with tgkill).
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SYSCALL_ARG0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)self, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = { .len = (unsigned short)(sizeof(filter) / sizeof(filter[0])), .filter = filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program) != 0) return errno;
    return 0;
#endif
}

int airlock_unshare_network(void) {
    if (unshare(CLONE_NEWNET) == 0) return 0;
    int first = errno;
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) return 1;
    return -first;
}

int airlock_drop_root(unsigned int id) {
    uid_t real, effective, saved;
    if (setgroups(0, NULL) != 0) return errno;
    if (setresgid(id, id, id) != 0) return errno;
    if (setresuid(id, id, id) != 0) return errno;
    // Every thread must have changed (glibc broadcasts the change to all of them); check this one's saved ids too.
    if (syscall(__NR_getresuid, &real, &effective, &saved) != 0 || real != id || effective != id || saved != id) return EPERM;
    return 0;
}

static void airlock_fatal_signal(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    if (info->si_code <= 0) {
        // Sent, not a fault. JavaScriptCore signals its own threads this way (its VM traps interrupt a runaway
        // loop with SIGSEGV) and passes on those it did not need: ignore them. Sent from outside: die of it, as
        // an unhandled signal would.
        if (info->si_pid == getpid()) return;
        signal(signal_number, SIG_DFL);
        raise(signal_number);
        return;
    }
    // A real fault JavaScriptCore did not claim: the default action when the instruction runs again.
    signal(signal_number, SIG_DFL);
}

void airlock_die_of_fatal_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = airlock_fatal_signal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, NULL);
    sigaction(SIGBUS, &action, NULL);
}

int airlock_die_with_parent(void) {
    return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 ? 0 : errno;
}
