internal import CJavaScriptCore
public import AirlockJSON

/// ``JSONValue`` trees to and from VM values directly, with JSON's semantics: no JSON text on either side, which
/// made Foundation's generic encoder and decoder the largest cost of an app event (hook benchmark, `perf`).
extension VMState {
    static let maxKeys = 1024
    static let maxDepth = 100

    /// A plain object, array or primitive for `value` (objects get `Object.prototype`, like `JSON.parse` results).
    func jsValue(_ value: JSONValue) -> JSValueRef? {
        switch value {
        case .null: return JSValueMakeNull(ctx)
        case .bool(let flag): return JSValueMakeBoolean(ctx, flag)
        case .number(let number): return JSValueMakeNumber(ctx, number)
        case .string(let text): return makeString(text)
        case .array(let items):
            var values = items.map { jsValue($0) }
            return values.withUnsafeMutableBufferPointer { JSObjectMakeArray(ctx, $0.count, $0.baseAddress, nil) }
        case .object(let fields):
            let object = JSObjectMake(ctx, nil, nil)
            for (name, field) in fields {
                let converted = jsValue(field)
                withKey(name) { JSObjectSetProperty(ctx, object, $0, converted, JSPropertyAttributes(kJSPropertyAttributeNone), nil) }
            }
            return object
        }
    }

    /// What `JSON.stringify` would keep of `value`, as a tree: nil for `undefined`, functions and symbols;
    /// non-finite numbers become null; `toJSON` is honoured (dates); getters run. Throws on cycles (depth) and when a
    /// getter or `toJSON` throws.
    func jsonValue(_ value: JSValueRef?, depth: Int = 0) throws -> JSONValue? {
        guard let value else { return nil }
        switch JSValueGetType(ctx, value) {
        case kJSTypeUndefined, kJSTypeSymbol: return nil
        case kJSTypeNull: return .null
        case kJSTypeBoolean: return .bool(JSValueToBoolean(ctx, value))
        case kJSTypeNumber:
            let number = JSValueToNumber(ctx, value, nil)
            return number.isFinite ? .number(number) : .null
        case kJSTypeString: return .string(string(value) ?? "")
        case kJSTypeObject: break
        default: throw HostError.type("Do not know how to serialize a BigInt")
        }
        guard depth < Self.maxDepth else { throw HostError.type("Cyclic or too deeply nested value") }
        var exception: JSValueRef?
        guard let object = JSValueToObject(ctx, value, &exception) else { return nil }
        if JSObjectIsFunction(ctx, object) { return nil }
        if let toJSON = withKey("toJSON", { JSObjectGetProperty(ctx, object, $0, &exception) }), JSValueIsObject(ctx, toJSON),
            let function = JSValueToObject(ctx, toJSON, nil), JSObjectIsFunction(ctx, function)
        {
            return try jsonValue(try call(function, this: object, []), depth: depth + 1)
        }
        if let exception { throw JSException(value: exception) }
        if JSValueIsArray(ctx, value) {
            let length = Int(JSValueToNumber(ctx, withKey("length") { JSObjectGetProperty(ctx, object, $0, nil) }, nil))
            var items: [JSONValue] = []
            items.reserveCapacity(max(0, length))
            for index in 0..<max(0, length) {
                let item = JSObjectGetPropertyAtIndex(ctx, object, UInt32(index), &exception)
                if let exception { throw JSException(value: exception) }
                items.append(try jsonValue(item, depth: depth + 1) ?? .null)
            }
            return .array(items)
        }
        let names = JSObjectCopyPropertyNames(ctx, object)
        defer { JSPropertyNameArrayRelease(names) }
        let count = JSPropertyNameArrayGetCount(names)
        var fields: [String: JSONValue] = [:]
        fields.reserveCapacity(count)
        for index in 0..<count {
            guard let name = JSPropertyNameArrayGetNameAtIndex(names, index) else { continue }
            let field = JSObjectGetProperty(ctx, object, name, &exception)
            if let exception { throw JSException(value: exception) }
            if let converted = try jsonValue(field, depth: depth + 1) { fields[swiftString(name)] = converted }
        }
        return .object(fields)
    }

    /// Runs `body` with a property name, cached for reuse while the cache is small (released after use otherwise).
    private func withKey<T>(_ name: String, _ body: (JSStringRef) throws -> T) rethrows -> T {
        if let cached = keys[name] { return try body(cached) }
        let created = jsString(name)
        if keys.count < Self.maxKeys {
            keys[name] = created
            return try body(created)
        }
        defer { JSStringRelease(created) }
        return try body(created)
    }
}
