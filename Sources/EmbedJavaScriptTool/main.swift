import Foundation

// Writes a Swift file holding JavaScript files as raw string literals, for the EmbedJavaScript build plugin:
//   EmbedJavaScriptTool <output.swift> <enum name> <root directory> <file>...
// The enum has `files: [String: String]`: each file's path relative to the root → its text. The binary then needs no
// files beside it, and the JavaScript stays in .js files that editors, linters and `node --test` understand.
let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: EmbedJavaScriptTool <output.swift> <enum> <root> <file>...\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: arguments[1])
let enumName = arguments[2]
let root = URL(fileURLWithPath: arguments[3]).standardizedFileURL.path
var entries: [(path: String, source: String)] = []
for file in arguments.dropFirst(4) {
    let url = URL(fileURLWithPath: file).standardizedFileURL
    guard url.path.hasPrefix(root + "/") else {
        FileHandle.standardError.write(Data("\(url.path) is not under \(root)\n".utf8))
        exit(1)
    }
    entries.append((String(url.path.dropFirst(root.count + 1)), try String(contentsOf: url, encoding: .utf8)))
}
entries.sort { $0.path < $1.path }

/// A raw string literal whose delimiter no run of quotes and hashes in `text` can close.
func literal(_ text: String) -> String {
    var hashes = 1
    while text.contains("\"\"\"" + String(repeating: "#", count: hashes)) || text.contains("\"" + String(repeating: "#", count: hashes)) {
        hashes += 1
    }
    let delimiter = String(repeating: "#", count: hashes)
    return "\(delimiter)\"\"\"\n\(text)\n\"\"\"\(delimiter)"
}

var swift = "// Generated at build time by the EmbedJavaScript plugin. Do not edit: edit the .js files.\n\n"
swift += "enum \(enumName) {\n    /// Path relative to the embedded root → source.\n    static let files: [String: String] = [\n"
for entry in entries {
    swift += "        \"\(entry.path)\": \(literal(entry.source)),\n"
}
swift += entries.isEmpty ? "        :\n" : ""
swift += "    ]\n}\n"
try Data(swift.utf8).write(to: output, options: .atomic)
