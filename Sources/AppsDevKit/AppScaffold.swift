public import Foundation

/// `airlock dev new NAME`: a working app in a new folder — `app.json` with a fresh id, the main class with a slash
/// command, a scenario for `airlock dev test`, the SDK typings under `.airlock/apps-engine/` with the editor
/// configuration that points at them, a README.
public struct AppScaffold: Sendable {
    public let name: String
    public let typeScript: Bool
    public let author: String

    public init(name: String, typeScript: Bool, author: String = "Your Name") throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 60, trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }) else {
            throw DevToolError("\"\(name)\" is not a usable app name", fix: "use letters, digits, spaces, - or _ (at most 60)")
        }
        self.name = trimmed
        self.typeScript = typeScript
        self.author = author
    }

    /// `my-app` for "My App".
    public var slug: String {
        name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "-")
    }

    /// `MyApp` for "My App" (a class name; a leading digit gets a prefix).
    public var className: String {
        let parts = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        let joined = parts.joined()
        let base = joined.first?.isNumber == true ? "App\(joined)" : joined
        return base.hasSuffix("App") ? base : base + "App"
    }

    var command: String { slug.replacingOccurrences(of: "-", with: "") }
    var classFile: String { "\(className).\(typeScript ? "ts" : "js")" }

    /// Writes the project into `directory` (which must not exist or be empty) and answers the files written.
    @discardableResult
    public func write(to directory: URL) throws -> [String] {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.path), !((try? manager.contentsOfDirectory(atPath: directory.path)) ?? []).isEmpty {
            throw DevToolError("\(directory.path) already exists and is not empty", fix: "choose another name or folder (--dir)")
        }
        var files: [(String, Data)] = [
            ("app.json", try manifest()),
            (classFile, Data((typeScript ? typeScriptSource : javaScriptSource).utf8)),
            ("icon.png", Data(base64Encoded: Self.iconPNG)!),
            ("README.md", Data(readme.utf8)),
            ("scenarios/command.yaml", Data(scenario.utf8)),
            (".gitignore", Data("dist/\nnode_modules/\n".utf8)),
            (typeScript ? "tsconfig.json" : "jsconfig.json", Data(editorConfig.utf8)),
        ]
        for (path, source) in EmbeddedSDKTypes.files.sorted(by: { $0.key < $1.key }) {
            files.append((".airlock/apps-engine/\(path)", Data(source.utf8)))
        }
        for (path, data) in files {
            let url = directory.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        return files.map(\.0)
    }

    func manifest() throws -> Data {
        let object: [String: Any] = [
            "id": UUID().uuidString.lowercased(), "name": name, "nameSlug": slug, "version": "0.1.0",
            "description": "\(name): an Airlock / Rocket.Chat app.", "requiredApiVersion": "^1.44.0", "iconFile": "icon.png",
            "author": ["name": author, "homepage": "https://example.org", "support": "https://example.org/support"],
            "classFile": classFile, "implements": [String](),
            "permissions": [["name": "slashcommand"], ["name": "message.write"], ["name": "room.read"]],
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    var javaScriptSource: String {
        """
        // @ts-check
        const { App } = require('@rocket.chat/apps-engine/definition/App');
        const { SettingType } = require('@rocket.chat/apps-engine/definition/settings');

        /**
         * `/\(command) [name]`: greets in the room, as the app's bot (an `ISlashCommand`).
         */
        class GreetCommand {
            constructor() {
                this.command = '\(command)';
                this.i18nParamsExample = 'name';
                this.i18nDescription = 'Says hello';
                this.providesPreview = false;
            }

            /**
             * @param {import('@rocket.chat/apps-engine/definition/slashcommands').SlashCommandContext} context
             * @param {import('@rocket.chat/apps-engine/definition/accessors').IRead} read
             * @param {import('@rocket.chat/apps-engine/definition/accessors').IModify} modify
             */
            async executor(context, read, modify) {
                const name = context.getArguments().join(' ') || context.getSender().username;
                const greeting = await read.getEnvironmentReader().getSettings().getValueById('greeting');
                const message = modify.getCreator().startMessage().setRoom(context.getRoom()).setText(`${greeting}, ${name}!`);
                await modify.getCreator().finish(message);
            }
        }

        class \(className) extends App {
            /** @param {import('@rocket.chat/apps-engine/definition/accessors').IConfigurationExtend} configuration */
            async extendConfiguration(configuration) {
                await configuration.settings.provideSetting({
                    id: 'greeting', type: SettingType.STRING, packageValue: 'Hello', required: true, public: false,
                    i18nLabel: 'Greeting', i18nDescription: 'What the command says before the name.',
                });
                await configuration.slashCommands.provideSlashCommand(new GreetCommand());
            }
        }

        module.exports = { \(className) };

        """
    }

    var typeScriptSource: String {
        """
        import { IConfigurationExtend, IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
        import { App } from '@rocket.chat/apps-engine/definition/App';
        import { SettingType } from '@rocket.chat/apps-engine/definition/settings';
        import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

        /** `/\(command) [name]`: greets in the room, as the app's bot. */
        class GreetCommand implements ISlashCommand {
            public command = '\(command)';
            public i18nParamsExample = 'name';
            public i18nDescription = 'Says hello';
            public providesPreview = false;

            public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
                const name = context.getArguments().join(' ') || context.getSender().username;
                const greeting = await read.getEnvironmentReader().getSettings().getValueById('greeting');
                const message = modify.getCreator().startMessage().setRoom(context.getRoom()).setText(`${greeting}, ${name}!`);
                await modify.getCreator().finish(message);
            }
        }

        export class \(className) extends App {
            protected async extendConfiguration(configuration: IConfigurationExtend): Promise<void> {
                await configuration.settings.provideSetting({
                    id: 'greeting', type: SettingType.STRING, packageValue: 'Hello', required: true, public: false,
                    i18nLabel: 'Greeting', i18nDescription: 'What the command says before the name.',
                });
                await configuration.slashCommands.provideSlashCommand(new GreetCommand());
            }
        }

        """
    }

    var scenario: String {
        """
        # `airlock dev test` runs this against an in-process Airlock with the app installed.
        name: /\(command) greets in the room
        rooms: [general]
        steps:
          - command: { room: general, command: \(command), params: world }
            expect:
              messages:
                - { room: general, from: app, text: "Hello, world!" }
          - command: { room: general, command: \(command) }
            expect:
              messages:
                - { room: general, from: app, text: "Hello, tester!" }
          - settings: { greeting: Howdy }
          - command: { room: general, command: \(command), params: again }
            expect:
              messages:
                - { room: general, from: app, text: "Howdy, again!" }

        """
    }

    /// `tsconfig.json`/`jsconfig.json`: the typings as ambient modules (no `paths` needed), strict checks, no emit.
    var editorConfig: String {
        """
        {
          "compilerOptions": {
            "target": "es2020",
            "module": "commonjs",
            "lib": ["es2020"],
            "strict": true,
            "noEmit": true,
            \(typeScript ? "" : "\"allowJs\": true,\n    \"checkJs\": true,\n    ")"types": []
          },
          "include": ["*.\(typeScript ? "ts" : "js")", "src/**/*", ".airlock/apps-engine/*.d.ts"]
        }

        """
    }

    var readme: String {
        """
        # \(name)

        An app for Airlock (and Rocket.Chat's Apps-Engine). Try it:

        ```sh
        airlock dev test                                  # runs scenarios/*.yaml against an in-process Airlock
        airlock dev package                               # writes dist/\(slug)_0.1.0.zip
        airlock dev deploy --url http://127.0.0.1:3000 --user admin --password ...
        airlock dev watch --url ... --user ... --password ...   # repackages and redeploys on every change
        ```

        Then type `/\(command) world` in a room. The SDK typings are in `.airlock/apps-engine/` (\(typeScript ? "tsconfig" : "jsconfig").json points
        your editor at them; `tsc -p .` checks the code).

        """
    }

    /// A 1×1 PNG: the package needs an icon; replace it with your own.
    static let iconPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGOQzb/xHwAEdQJkEC4NRgAAAABJRU5ErkJggg=="
}
