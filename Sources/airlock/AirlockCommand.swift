import ArgumentParser

/// `airlock`: the server and, later, its admin and developer tools.
@main
struct AirlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "airlock",
        abstract: "A Rocket.Chat-compatible chat server that hosts sandboxed JavaScript apps.",
        subcommands: [ServeCommand.self, AppsCommand.self, DevCommand.self, WorkerCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
