import ArgumentParser
import Foundation

/// How `airlock dev` talks: a `•` line per step as it happens, then one closing line — what was written or
/// deployed (`✔`), or the error and its fix (`✘`, exit status 1).
enum DevOutput {
    static func step(_ text: String) {
        write("  • \(text)\n")
    }

    static func line(_ text: String) {
        write(text + "\n")
    }

    static func done(_ text: String) {
        write("✔ \(text)\n")
    }

    static func failure(_ text: String) {
        FileHandle.standardError.write(Data("✘ \(text)\n".utf8))
    }

    static func size(_ bytes: Int) -> String {
        bytes < 10 << 10 ? "\(bytes) bytes" : "\(bytes >> 10) KB"
    }

    /// Runs a command body; any error becomes the closing `✘` line and exit status 1 (`ExitCode`, which
    /// ArgumentParser does not print again).
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            failure("\(error)")
            throw ExitCode.failure
        }
    }

    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch is CancellationError {
            return
        } catch let error as ExitCode {
            throw error
        } catch {
            failure("\(error)")
            throw ExitCode.failure
        }
    }

    /// Unbuffered, so a pipe sees progress as it happens (`watch` runs until stopped).
    private static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
