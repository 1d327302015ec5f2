import Foundation
@preconcurrency import ZIPFoundation

/// What the benchmark executables share: timing, percentile lines and in-memory app packages.
public enum Bench {
    /// `name: p50 … p90 … p99 … (n=…)`, in µs or ms.
    public static func report(_ name: String, _ samples: [UInt64]) {
        let sorted = samples.sorted()
        func p(_ q: Double) -> String {
            let value = Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))])
            return value >= 1_000_000 ? String(format: "%.2f ms", value / 1e6) : String(format: "%.2f µs", value / 1e3)
        }
        print("\(name): p50 \(p(0.5))  p90 \(p(0.9))  p99 \(p(0.99))  (n=\(sorted.count))")
    }

    /// A zip of text files plus an `icon.png`, as an app package.
    public static func zip(_ files: [(path: String, text: String)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in files + [("icon.png", "\u{89}PNG")] {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// A synthetic CommonJS bundle of about `bytes`: classes, methods and object literals, like an esbuild app bundle.
    public static func bundle(bytes: Int = 50_000) -> String {
        var source = "'use strict';\n"
        var i = 0
        while source.utf8.count < bytes {
            source += """
                class Handler\(i) {
                  constructor(options) { this.options = Object.assign({ name: 'h\(i)', retries: \(i % 5), tags: ['a', 'b', 'c'] }, options); }
                  async execute(context, read, modify) { const text = String(context.text || '').trim(); if (!text) return undefined; return { text: text + ' \(i)', at: Date.now(), meta: { id: \(i), name: this.options.name } }; }
                  describe() { return `Handler\(i)(${this.options.name}, ${this.options.retries})`; }
                }
                exports.Handler\(i) = Handler\(i);

                """
            i += 1
        }
        return source
    }
}
