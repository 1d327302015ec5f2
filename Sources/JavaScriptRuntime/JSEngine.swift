internal import CJavaScriptCore
import Foundation

/// Process-wide JavaScriptCore set-up, done once before the first VM.
///
/// JSC options are frozen when the first VM exists (setting one later crashes), so this runs from a lazily
/// initialised global, which Swift guarantees runs exactly once even when tests create VMs in parallel.
enum JSEngine {
    /// The undeclared SPI this module relies on; checked with `dlsym` so a WebKitGTK update that drops one fails
    /// with a clear message at start-up.
    static let requiredSymbols = [
        "JSContextGroupSetExecutionTimeLimit", "JSContextGroupClearExecutionTimeLimit", "JSGlobalContextSetEvalEnabled",
        "JSGlobalContextSetUnhandledRejectionCallback", "JSGetMemoryUsageStatistics", "JSSynchronousGarbageCollectForDebugging",
        "JSSynchronousEdenCollectForDebugging",
    ]

    private static let initialization: Result<Void, JavaScriptError> = {
        let missing = requiredSymbols.filter { dlsym(UnsafeMutableRawPointer(bitPattern: 0), $0) == nil }
        guard missing.isEmpty else {
            return .failure(
                JavaScriptError(
                    kind: .unavailable,
                    message: "libjavascriptcoregtk-4.1 lacks \(missing.joined(separator: ", ")); Airlock needs WebKitGTK 2.50"))
        }
        // WebAssembly off (apps have no use for it and it widens the attack surface); SharedArrayBuffer stays at its
        // default, off, which also keeps Atomics.wait from blocking a VM thread.
        _ = jsc_options_set_boolean("useWasm", 0)
        _ = jsc_options_set_boolean("useSharedArrayBuffer", 0)
        return .success(())
    }()

    static func ensureInitialized() throws {
        try initialization.get()
    }
}
