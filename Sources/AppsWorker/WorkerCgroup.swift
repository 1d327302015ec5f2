import Foundation

/// A worker's cgroup (v1 `memory` and `pids` controllers, under `airlock/` in each): a hard memory limit the kernel
/// enforces (its OOM killer ends the worker, and the server sees it die) and a cap on threads. Made only where the
/// hierarchy is writable (root, cgroup v1); otherwise inactive and reported so.
struct WorkerCgroup: Sendable {
    static let root = "/sys/fs/cgroup"
    let memory: String?
    let pids: String?

    /// No groups (degraded isolation).
    init(memory: String?, pids: String?) {
        self.memory = memory
        self.pids = pids
    }

    /// Creates the groups for one worker (`name` unique in the server, ending in the server's pid).
    init(name: String, memoryBytes: Int, maxThreads: Int) {
        _ = Self.sweptOnce
        memory = Self.make(controller: "memory", name: name) { path in
            Self.write("\(memoryBytes)", to: "\(path)/memory.limit_in_bytes")
        }
        pids = Self.make(controller: "pids", name: name) { path in
            Self.write("\(maxThreads)", to: "\(path)/pids.max")
        }
    }

    /// Puts the process in the groups; answers which took it.
    func attach(_ pid: Int32) -> [String: Bool] {
        [
            "cgroupMemory": memory.map { Self.write("\(pid)", to: "\($0)/cgroup.procs") } ?? false,
            "cgroupPids": pids.map { Self.write("\(pid)", to: "\($0)/cgroup.procs") } ?? false,
        ]
    }

    /// Changes the memory limit of a running worker.
    func setMemory(_ bytes: Int) {
        if let memory { _ = Self.write("\(bytes)", to: "\(memory)/memory.limit_in_bytes") }
    }

    /// How many times the kernel's OOM killer acted in the memory group.
    var oomKills: Int {
        guard let memory, let text = try? String(contentsOfFile: "\(memory)/memory.oom_control", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return Int(line.dropFirst("oom_kill ".count)) ?? 0
        }
        return 0
    }

    /// Removes the groups (once the worker is reaped; a group with members cannot be removed).
    func remove() {
        for path in [memory, pids].compactMap(\.self) { rmdir(path) }
    }

    /// Groups left behind by servers that ended before reaping their workers (names end in the server's pid), removed
    /// once per process before its first group is made. Only empty groups can be removed; live ones stay.
    private static let sweptOnce: Void = {
        for controller in ["memory", "pids"] {
            let parent = "\(root)/\(controller)/airlock"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
                guard let owner = name.split(separator: "-").last.flatMap({ Int32($0) }), owner != getpid(),
                    kill(owner, 0) != 0, errno == ESRCH
                else { continue }
                rmdir("\(parent)/\(name)")
            }
        }
    }()

    private static func make(controller: String, name: String, configure: (String) -> Bool) -> String? {
        let parent = "\(root)/\(controller)/airlock"
        guard FileManager.default.fileExists(atPath: "\(root)/\(controller)/cgroup.procs") else { return nil }
        mkdir(parent, 0o755)
        let path = "\(parent)/\(name)"
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { return nil }
        guard configure(path) else {
            rmdir(path)
            return nil
        }
        return path
    }

    private static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return Foundation.write(fd, bytes, bytes.count) == bytes.count
    }
}
