import Synchronization

/// Open connections per peer address, for `http.maxConnectionsPerAddress`.
final class ConnectionCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts a new connection from `address`; false (and nothing counted) when it already has `limit`.
    func admit(_ address: String, limit: Int) -> Bool {
        counts.withLock { counts in
            guard counts[address, default: 0] < limit else { return false }
            counts[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        counts.withLock { counts in
            guard let count = counts[address] else { return }
            if count <= 1 { counts.removeValue(forKey: address) } else { counts[address] = count - 1 }
        }
    }
}
