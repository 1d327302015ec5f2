internal import CJavaScriptCore
public import AirlockJSON

/// ``JSONValue`` trees to and from VM values directly, with JSON's semantics: no JSON text on either side, which
/// made Foundation's generic encoder and decoder the largest cost of an app event (hook benchmark, `perf`).
extension VMState {
    static let maxKeys = 1024

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

    /// The remaining allowance of one conversion.
    struct ConversionBudget {
        var bytes: Int
        var elements: Int
        let limits: ValueLimits

        init(_ limits: ValueLimits) {
            self.bytes = limits.maxBytes
            self.elements = limits.maxElements
            self.limits = limits
        }

        mutating func spend(bytes count: Int, elements items: Int = 1) throws {
            bytes -= count
            elements -= items
            guard bytes >= 0, elements >= 0 else { throw tooLarge }
        }

        /// Fails unless `items` more elements could still fit (checked before allocating for them).
        func check(elements items: Int) throws {
            guard items <= elements else { throw tooLarge }
        }

        var tooLarge: HostError {
            HostError(name: "RangeError", message: "The value is too large to leave the app (limits: \(limits.description))")
        }
    }

    /// What `JSON.stringify` would keep of `value`, as a tree: nil for `undefined`, functions and symbols;
    /// non-finite numbers become null; `toJSON` is honoured (dates); getters run. Throws on cycles (depth), when a
    /// getter or `toJSON` throws, and when the tree exceeds ``ValueLimits`` (a `RangeError`, before the host
    /// allocates for it).
    func jsonValue(_ value: JSValueRef?) throws -> JSONValue? {
        var budget = ConversionBudget(valueLimits)
        return try jsonValue(value, depth: 0, budget: &budget)
    }

    private func jsonValue(_ value: JSValueRef?, depth: Int, budget: inout ConversionBudget) throws -> JSONValue? {
        guard let value else { return nil }
        switch JSValueGetType(ctx, value) {
        case kJSTypeUndefined, kJSTypeSymbol: return nil
        case kJSTypeNull:
            try budget.spend(bytes: 4)
            return .null
        case kJSTypeBoolean:
            try budget.spend(bytes: 4)
            return .bool(JSValueToBoolean(ctx, value))
        case kJSTypeNumber:
            try budget.spend(bytes: 8)
            let number = JSValueToNumber(ctx, value, nil)
            return number.isFinite ? .number(number) : .null
        case kJSTypeString: return .string(try boundedString(value, &budget))
        case kJSTypeObject: break
        default: throw HostError.type("Do not know how to serialize a BigInt")
        }
        guard depth < budget.limits.maxDepth else { throw HostError.type("Cyclic or too deeply nested value") }
        try budget.spend(bytes: 8)
        var exception: JSValueRef?
        guard let object = JSValueToObject(ctx, value, &exception) else { return nil }
        if JSObjectIsFunction(ctx, object) { return nil }
        if let toJSON = withKey("toJSON", { JSObjectGetProperty(ctx, object, $0, &exception) }), JSValueIsObject(ctx, toJSON),
            let function = JSValueToObject(ctx, toJSON, nil), JSObjectIsFunction(ctx, function)
        {
            return try jsonValue(try call(function, this: object, []), depth: depth + 1, budget: &budget)
        }
        if let exception { throw JSException(value: exception) }
        if JSValueIsArray(ctx, value) {
            let declared = JSValueToNumber(ctx, withKey("length") { JSObjectGetProperty(ctx, object, $0, nil) }, nil)
            let length = declared.isFinite ? Int(max(0, min(declared, Double(Int32.max)))) : 0
            // Checked before reserving: `length = 2**32 - 1` must not become a 68 GB reservation.
            try budget.check(elements: length)
            var items: [JSONValue] = []
            items.reserveCapacity(length)
            for index in 0..<length {
                let item = JSObjectGetPropertyAtIndex(ctx, object, UInt32(index), &exception)
                if let exception { throw JSException(value: exception) }
                items.append(try jsonValue(item, depth: depth + 1, budget: &budget) ?? .null)
            }
            return .array(items)
        }
        let names = JSObjectCopyPropertyNames(ctx, object)
        defer { JSPropertyNameArrayRelease(names) }
        let count = JSPropertyNameArrayGetCount(names)
        try budget.check(elements: count)
        var fields: [String: JSONValue] = [:]
        fields.reserveCapacity(count)
        for index in 0..<count {
            guard let name = JSPropertyNameArrayGetNameAtIndex(names, index) else { continue }
            try budget.spend(bytes: JSStringGetLength(name) * 2, elements: 0)
            let field = JSObjectGetProperty(ctx, object, name, &exception)
            if let exception { throw JSException(value: exception) }
            if let converted = try jsonValue(field, depth: depth + 1, budget: &budget) { fields[swiftString(name)] = converted }
        }
        return .object(fields)
    }

    /// `String(value)`, its size charged to `budget` before the characters are copied out of the VM.
    private func boundedString(_ value: JSValueRef, _ budget: inout ConversionBudget) throws -> String {
        var exception: JSValueRef?
        guard let js = JSValueToStringCopy(ctx, value, &exception) else {
            if let exception { throw JSException(value: exception) }
            return ""
        }
        defer { JSStringRelease(js) }
        // UTF-16 units; a unit is at most 3 UTF-8 bytes, but charging 2 keeps ASCII-heavy text honest enough.
        try budget.spend(bytes: JSStringGetLength(js) * 2)
        return swiftString(js)
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
