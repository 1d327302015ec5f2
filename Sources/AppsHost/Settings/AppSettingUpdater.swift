import AppsRuntime
import AppsStorage
import ChatCore
import Foundation

/// Applies a new value to one of an app's settings, for the admin (`POST /api/apps/:id/settings`) and for the app
/// itself (`IEnvironmentWrite.getSettings().updateValue`), so both follow Rocket.Chat's one path: typed validation,
/// `onPreSettingUpdate` (may decorate or refuse), store, `onSettingUpdated`. It lives in the foundation because the
/// accessor host is built before the manager.
struct AppSettingUpdater: Sendable {
    let store: any AppsStore
    let clock: ChatClock
    let grants: AppGrants
    let logs: AppLogSink
    let calls: AppCalls
    /// Where the "setting updated" line goes (the app's log).
    let log: any AppLog
    /// Tells the other nodes (their apps read the new value).
    let changes: AppChangeAnnouncer

    /// What changes: the value, or a select setting's options (`ISettingUpdater.updateSelectOptions`).
    enum Change: Sendable {
        case value(JSONValue)
        case options(JSONValue)
    }

    /// Answers the stored setting. `instance` is the app's VM when it runs (its hooks are called), nil otherwise.
    /// A password setting posted back masked keeps its value.
    func update(appId: String, settingId: String, value: JSONValue, instance: AppInstance?) async throws -> JSONValue {
        try await update(appId: appId, settingId: settingId, change: .value(value), instance: instance)
    }

    func update(appId: String, settingId: String, change: Change, instance: AppInstance?) async throws -> JSONValue {
        guard var record = try await store.app(id: appId) else { throw AppEngineError.noApp(appId) }
        guard let old = record.settings[settingId], var object = old.objectValue else {
            throw AppEngineError(.notFound, "No setting \"\(settingId)\" in app \(appId)")
        }
        switch change {
        case .value(let value):
            if old["type"]?.stringValue == "password", value == .string(AppLogSink.mask) { return old }
            object["value"] = try AppSettings.validate(value, for: old)
        case .options(let options):
            guard ["select", "multiSelect"].contains(old["type"]?.stringValue ?? ""), let list = options.arrayValue,
                list.allSatisfy({ $0["key"]?.stringValue != nil })
            else { throw AppEngineError(.invalid, "Setting \"\(settingId)\" takes no options, or an option has no key") }
            object["values"] = options
        }
        object["updatedAt"] = .string(WireDate.string(clock.now()))
        var setting = JSONValue.object(object)
        if let instance {
            let decorated: JSONValue
            do {
                decorated = try await calls.run(appId, "onPreSettingUpdate") {
                    try await instance.lifecycle(.onPreSettingUpdate, context: ["oldSetting": old, "newSetting": setting])
                }
            } catch {
                throw AppEngineError(.invalid, "The app refused the value of \"\(settingId)\": \(AppCalls.reason(error))")
            }
            if decorated["id"]?.stringValue == settingId, var returned = decorated.objectValue {
                returned["value"] = try AppSettings.validate(returned["value"] ?? .null, for: .object(object))
                setting = .object(returned)
            }
        }
        record.settings[settingId] = setting
        record.updatedAt = clock.now()
        try await store.updateApp(record)
        changes.announce(appId, "settings")
        grants.setSettings(record.settings, appId: appId)
        logs.setSecrets(AppSettings.secrets(record.settings), appId: appId)
        let shown = AppSettings.effectiveValue(AppSettings.masked(setting))
        log.log(appId: appId, level: "info", method: "settings", message: "Setting \(settingId) updated to \(AppManager.text(shown))")
        if let instance {
            // A failure is already logged by the call; the value is stored either way, as in Rocket.Chat.
            _ = try? await calls.run(appId, "onSettingUpdated") { try await instance.lifecycle(.onSettingUpdated, setting: setting) }
        }
        return setting
    }
}
