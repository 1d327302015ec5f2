#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int airlock_spawn_worker(const char *path, char *const argv[], int fd, const char *cwd, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    char *const environment[] = { NULL };
    sigset_t none, all;
    int result;

    // dup2 onto itself would keep FD_CLOEXEC: move the socket off 3 first.
    int source = fd;
    if (fd == 3) {
        source = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        if (source < 0) return errno;
    }
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, source, 3);
    posix_spawn_file_actions_addclosefrom_np(&actions, 4);
    posix_spawn_file_actions_addchdir_np(&actions, cwd);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    result = posix_spawn(pid, path, &actions, &attributes, argv, environment);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (source != fd) close(source);
    return result;
}

#define SYSCALL_NR offsetof(struct seccomp_data, nr)
#define SYSCALL_ARCH offsetof(struct seccomp_data, arch)
#define SYSCALL_ARG0 offsetof(struct seccomp_data, args[0])
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
        // Files.
        DENY(openat), DENY(openat2), DENY(open_by_handle_at), DENY(name_to_handle_at), DENY(io_uring_setup),
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

int airlock_die_with_parent(void) {
    return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 ? 0 : errno;
}
