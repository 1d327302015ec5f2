import CSandbox
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a worker process does to itself so that the app it runs reaches nothing but its socket to the server. The
/// server already started it without root, in an empty network namespace, with no descriptor but its socket
/// (`airlock_spawn_worker`, between fork and exec); the worker then asks to die with the server, and once its VM is
/// up locks itself down (``lockDown()``: rlimits, the seccomp filter) before any app code runs. Each mechanism that
/// took effect is reported; one that fails here (an old kernel) is reported inactive rather than failing the worker.
enum WorkerLockdown {
    /// Most descriptors the worker may hold (socket, stdio, JSC's internal ones).
    static let maxFiles: rlim_t = 32
    /// A last-resort ceiling on the worker's total CPU seconds (the server restarts a worker that reaches it).
    static let cpuSecondsCeiling: rlim_t = 24 * 3600
    /// The unprivileged user workers run as when the server is root.
    static let nobody: uid_t = 65534

    /// What a worker may read (Landlock, set by the spawn): the directories of the code it runs — this binary's and
    /// every shared library this process has mapped, since the worker is the same binary —, its own `/proc` files,
    /// the CPU list, time zones; and the loader's cache, the local time zone and `/dev/urandom`. Nothing else, and
    /// nothing may be written anywhere.
    static let readable: (directories: [String], files: [String]) = {
        var directories: Set<String> = ["/proc", "/sys/devices/system/cpu", "/usr/share/zoneinfo"]
        // Read to the end: procfs reports a size of 0, and a one-shot read stops after the first page.
        if let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() {
            let maps = String(decoding: data, as: UTF8.self)
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
            for line in maps.split(separator: "\n") {
                guard let field = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first else { continue }
                let path = String(field)
                // Code only: shared libraries and the binary (not, say, shared-memory files under /dev/shm).
                guard path.hasPrefix("/"), path.contains(".so") || path == executable else { continue }
                directories.insert((path as NSString).deletingLastPathComponent)
            }
        }
        return (directories.sorted(), ["/etc/ld.so.cache", "/etc/localtime", "/dev/urandom"])
    }()

    /// Whether the kernel has Landlock.
    static var landlockAvailable: Bool { airlock_landlock_version() > 0 }

    /// At start: death with the server, and by SIGSEGV/SIGBUS sent from outside.
    static func start() {
        airlock_die_of_fatal_signals()
        _ = airlock_die_with_parent()
    }

    /// What the spawn does for a worker, done by a process to itself (`--self-test`, run directly): an empty network
    /// namespace unless `degraded`, and root dropped (for the calling thread's view; real workers never hold root).
    static func isolateSelf(degraded: Bool) -> [String: Bool] {
        var report = ["networkNamespace": !degraded && airlock_unshare_network() >= 0]
        report["unprivileged"] = getuid() != 0 || airlock_drop_root(nobody) == 0
        report["landlock"] = withPaths { airlock_landlock_self($0, $1, $2, $3) == 0 }
        return report
    }

    /// Calls `body` with ``readable`` as C string arrays.
    static func withPaths<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>, Int32, UnsafePointer<UnsafePointer<CChar>?>, Int32) -> T) -> T {
        let directories = readable.directories.map { UnsafePointer(strdup($0)) }
        let files = readable.files.map { UnsafePointer(strdup($0)) }
        defer { for pointer in directories + files { free(UnsafeMutablePointer(mutating: pointer)) } }
        return directories.withUnsafeBufferPointer { d in
            files.withUnsafeBufferPointer { f in body(d.baseAddress!, Int32(d.count), f.baseAddress!, Int32(f.count)) }
        }
    }

    /// No core dumps, few descriptors, a CPU ceiling; then the seccomp filter. After this the process cannot open a
    /// file, create a socket, start a program or signal another process.
    static func lockDown() -> [String: Bool] {
        var report: [String: Bool] = [:]
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        var files = rlimit(rlim_cur: maxFiles, rlim_max: maxFiles)
        var cpu = rlimit(rlim_cur: cpuSecondsCeiling, rlim_max: cpuSecondsCeiling + 5)
        report["rlimits"] = setrlimit(Int32(RLIMIT_CORE.rawValue), &core) == 0 && setrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0
            && setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu) == 0
        report["seccomp"] = airlock_seccomp_lockdown(getpid()) == 0
        return report
    }

    /// Tries what a locked-down worker must not be able to do; answers each attempt's outcome (`refused: EPERM`, or
    /// `ALLOWED` when it went through).
    static func probe() -> [String: String] {
        func outcome(_ result: Int32) -> String {
            result >= 0 ? "ALLOWED" : "refused: \(String(cString: strerror(errno)))"
        }
        var results: [String: String] = [:]
        let file = open("/etc/hostname", O_RDONLY)
        results["open"] = outcome(file)
        if file >= 0 { close(file) }
        let written = open("/tmp/airlock-worker-probe", O_WRONLY | O_CREAT, 0o600)
        results["create"] = outcome(written)
        if written >= 0 { close(written); unlink("/tmp/airlock-worker-probe") }
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        results["socket"] = outcome(sock)
        if sock >= 0 { close(sock) }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(argv[0]) }
        let spawned = posix_spawn(&pid, "/bin/true", nil, nil, argv, nil)
        if spawned == 0 { waitpid(pid, nil, 0) } else { errno = spawned }
        results["exec"] = spawned == 0 ? "ALLOWED" : "refused: \(String(cString: strerror(spawned)))"
        results["signalParent"] = outcome(kill(getppid(), 0))
        return results
    }
}
