import AppsWorker
import ArgumentParser
import Foundation

/// `airlock worker`: the process one app runs in, started by the server (never by hand) with its socket as
/// descriptor 3; `--self-test` locks itself down like a worker and reports what it could still do.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run one app's sandbox (started by the server).", shouldDisplay: false)

    @Option(help: "The descriptor of the socket to the server.") var fd: Int32 = 3
    @Option(help: "For --self-test: full, or degraded (no network namespace).") var isolation = "full"
    @Flag(name: .customLong("self-test"), help: "Lock down, try to open a file, create a socket and exec, and print a JSON report.")
    var selfTest = false

    func run() throws {
        let degraded = isolation == "degraded"
        if selfTest {
            print(AppWorker.selfTest(degraded: degraded))
            return
        }
        Foundation.exit(AppWorker.run(fd: fd))
    }
}
