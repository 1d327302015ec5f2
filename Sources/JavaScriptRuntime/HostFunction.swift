internal import CJavaScriptCore

/// The Swift side of a JavaScript function implemented by the host: the closure lives in the function object's
/// private data and is released by the object's finalizer.
final class HostFunctionBox {
    /// Runs on the VM thread. Throw ``JSException`` to rethrow a JavaScript exception unchanged (termination must
    /// never be swallowed), ``HostError`` for an app-visible error.
    typealias Body = (_ vm: VMState, _ this: JSObjectRef?, _ arguments: UnsafeBufferPointer<JSValueRef?>) throws -> JSValueRef?

    let state: VMState
    let body: Body

    init(state: VMState, body: @escaping Body) {
        self.state = state
        self.body = body
    }

    /// The class shared by every host function object.
    nonisolated(unsafe) static let jsClass: JSClassRef = {
        var definition = kJSClassDefinitionEmpty
        definition.attributes = JSClassAttributes(kJSClassAttributeNoAutomaticPrototype)
        definition.callAsFunction = { ctx, function, this, count, arguments, exception in
            guard let raw = JSObjectGetPrivate(function) else { return JSValueMakeUndefined(ctx) }
            let box = Unmanaged<HostFunctionBox>.fromOpaque(raw).takeUnretainedValue()
            do {
                return try box.body(box.state, this, UnsafeBufferPointer(start: arguments, count: count))
                    ?? JSValueMakeUndefined(ctx)
            } catch let error as JSException {
                // The original value: a termination passed on unchanged keeps terminating the outer script.
                exception?.pointee = error.value
                return nil
            } catch let error as HostError {
                exception?.pointee = box.state.makeError(name: error.name, message: error.message)
                return nil
            } catch {
                // Only `HostError`s carry a message meant for the app; anything else stays on the host.
                exception?.pointee = box.state.makeError(name: "Error", message: "The host could not answer")
                return nil
            }
        }
        definition.finalize = { object in
            if let raw = JSObjectGetPrivate(object) { Unmanaged<HostFunctionBox>.fromOpaque(raw).release() }
        }
        return "HostFunction".withCString { name in
            definition.className = name
            return JSClassCreate(&definition)
        }
    }()
}

/// A JavaScript exception value travelling through Swift frames on the VM thread.
///
/// `@unchecked Sendable`: `Error` requires it, but the value never leaves the VM thread; it is converted to a
/// ``JavaScriptError`` before anything crosses threads.
struct JSException: Error, @unchecked Sendable {
    let value: JSValueRef
}
