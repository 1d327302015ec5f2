import AppsDevKit
import Foundation

/// What `airlock dev watch` compares: every file of the project (outside `dist/`, `node_modules/` and hidden
/// folders) with its size and modification time.
struct ProjectSnapshot: Equatable {
    struct Stamp: Equatable {
        let size: Int
        let modified: Date
    }

    let files: [String: Stamp]

    init(_ directory: URL) throws {
        let root = directory.standardizedFileURL
        var files: [String: Stamp] = [:]
        let keys: [URLResourceKey] = [.isDirectoryKey, .fileSizeKey, .contentModificationDateKey]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys)
        while let url = enumerator?.nextObject() as? URL {
            let values = try? url.resourceValues(forKeys: Set(keys))
            let name = url.lastPathComponent
            if values?.isDirectory == true {
                if name.hasPrefix(".") || ["dist", "node_modules", ".git"].contains(name) { enumerator?.skipDescendants() }
                continue
            }
            let path = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            files[path] = Stamp(size: values?.fileSize ?? 0, modified: values?.contentModificationDate ?? .distantPast)
        }
        self.files = files
    }

    /// Paths added, removed or changed since `earlier`.
    func changed(from earlier: ProjectSnapshot) -> [String] {
        Set(files.keys).union(earlier.files.keys).filter { files[$0] != earlier.files[$0] }.sorted()
    }
}
