import AppsPackage
import Foundation

/// Computes a manifest's `implements` from the app's code, as `rc-apps package` does from the class's
/// `implements` clause: an event interface counts when the code defines its handler method (`executePostMessageSent`
/// for `IPostMessageSent`; the UIKit handlers for `IUIKitInteractionHandler`) or names it in an `implements` clause.
public enum InterfaceScanner {
    static let uiKitHandlers = ["executeBlockActionHandler", "executeViewSubmitHandler", "executeViewClosedHandler", "executeActionButtonHandler"]

    public static func implements(sources: [String]) -> [String] {
        var found = Set<String>()
        for source in sources {
            for interface in AppsEngineDefinition.interfaces {
                if interface == "IUIKitInteractionHandler" {
                    if uiKitHandlers.contains(where: { defines($0, in: source) }) { found.insert(interface) }
                } else if defines("execute" + interface.dropFirst(), in: source) {
                    found.insert(interface)
                }
            }
            found.formUnion(implementsClauses(source))
        }
        return found.sorted()
    }

    /// A method definition (`name(`, `async name(`, `name = async (`), not a call through an object (`x.name(`).
    static func defines(_ method: String, in source: String) -> Bool {
        var searchRange = source.startIndex..<source.endIndex
        while let range = source.range(of: method, range: searchRange) {
            searchRange = range.upperBound..<source.endIndex
            let before = range.lowerBound == source.startIndex ? " " : source[source.index(before: range.lowerBound)]
            guard !(before.isLetter || before.isNumber || before == "_" || before == "." || before == "$") else { continue }
            let after = source[range.upperBound...].drop(while: { $0 == " " })
            if after.first == "(" || after.hasPrefix("= async") || after.hasPrefix("=async") || after.first == "<" { return true }
        }
        return false
    }

    /// Names after `implements` in TypeScript class declarations that are Apps-Engine event interfaces.
    static func implementsClauses(_ source: String) -> Set<String> {
        var found = Set<String>()
        var searchRange = source.startIndex..<source.endIndex
        while let range = source.range(of: "implements ", range: searchRange) {
            searchRange = range.upperBound..<source.endIndex
            let clause = source[range.upperBound...].prefix(while: { $0 != "{" })
            for name in clause.split(whereSeparator: { ", \n\t".contains($0) }) where AppsEngineDefinition.interfaces.contains(String(name)) {
                found.insert(String(name))
            }
        }
        return found
    }
}
