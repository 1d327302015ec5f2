/// Serialises work per key inside one process (the message send path per room): concurrent transactions on the
/// same room document would otherwise conflict and retry each other into the ground. Across nodes, MongoDB's write
/// conflicts and the transaction retry still apply.
actor KeyedLock {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func withLock<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        if waiters[key] != nil {
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        } else {
            waiters[key] = []
        }
        defer { release(key) }
        return try await body()
    }

    private func release(_ key: String) {
        guard var queue = waiters[key], !queue.isEmpty else {
            waiters[key] = nil
            return
        }
        let next = queue.removeFirst()
        waiters[key] = queue
        next.resume()
    }
}
