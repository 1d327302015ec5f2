import Foundation
import PackagePlugin

/// Embeds JavaScript (and the JSON it reads) into a target at build time (``EmbedJavaScriptTool`` writes raw string literals), so the
/// JavaScript lives in .js files and the binary still needs no files beside it:
/// - `JavaScriptRuntime` gets its own `JavaScript/*.js` as `EmbeddedRuntimeScript.files`;
/// - `AppsRuntime` gets the package's `AppsSDK/` tree as `EmbeddedAppsSDK.files` (the typings excepted);
/// - `Integrations` gets the app its scripts run in (`JavaScript/*.js`) as `EmbeddedIntegrationScripts.files`;
/// - `WebConsole` gets its pages, scripts and styles (`Assets/*.html|js|css`) as `EmbeddedWebAssets.files`;
/// - `AppsDevKit` gets the typings, `AppsSDK/types/` (`.d.ts` and `package.json`), as `EmbeddedSDKTypes.files`, which
///   `airlock dev new` writes into a new project for editors and `tsc`.
@main
struct EmbedJavaScript: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let (root, enumName): (URL, String)
        switch target.name {
        case "JavaScriptRuntime": (root, enumName) = (target.directoryURL.appending(path: "JavaScript"), "EmbeddedRuntimeScript")
        case "AppsRuntime": (root, enumName) = (context.package.directoryURL.appending(path: "AppsSDK"), "EmbeddedAppsSDK")
        case "AppsDevKit": (root, enumName) = (context.package.directoryURL.appending(path: "AppsSDK/types"), "EmbeddedSDKTypes")
        case "Integrations": (root, enumName) = (target.directoryURL.appending(path: "JavaScript"), "EmbeddedIntegrationScripts")
        case "WebConsole": (root, enumName) = (target.directoryURL.appending(path: "Assets"), "EmbeddedWebAssets")
        default: return []
        }
        let extensions: Set<String> = switch target.name {
        case "AppsDevKit": ["ts", "json"]
        case "WebConsole": ["html", "js", "css"]
        default: ["js", "json"]
        }
        let files = try javaScriptFiles(under: root, extensions: extensions).filter { target.name != "AppsRuntime" || !$0.path.contains("/AppsSDK/types/") }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(enumName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) JavaScript files into \(target.name)",
                executable: try context.tool(named: "EmbedJavaScriptTool").url,
                arguments: [output.path, enumName, root.path] + files.map(\.path),
                inputFiles: files, outputFiles: [output])
        ]
    }

    private func javaScriptFiles(under root: URL, extensions: Set<String>) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { extensions.contains($0.pathExtension) }.sorted { $0.path < $1.path }
    }
}
