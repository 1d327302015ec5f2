import AppsWorker
import ArgumentParser
import Foundation

/// `airlock worker`: the process one app runs in, started by the server (never by hand) with its socket as
/// descriptor 3; `--self-test` locks itself down like a worker and reports what it could still do.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run one app's sandbox (started by the server).", shouldDisplay: false)

    @Option(help: "The descriptor of the socket to the server.") var fd: Int32 = 3
    @Option(help: "For --self-test: full, or degraded (no network namespace).") var isolation = "full"
    @Flag(name: .customLong("self-test"), help: "Lock down, try to open a file, create a socket and exec, and print a JSON report.")
    var selfTest = false

    func run() async throws {
        if selfTest {
            print(AppWorker.selfTest(degraded: isolation == "degraded"))
            return
        }
        // The worker's blocking reader gets a thread of its own: this task runs on the cooperative pool, which has
        // one thread on a one-vCPU machine (blocking it stalled the worker until Dispatch added a thread, ~1 s).
        let fd = self.fd
        let status = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: AppWorker.run(fd: fd)) }
            thread.name = "worker-reader"
            thread.start()
        }
        Foundation.exit(status)
    }
}
