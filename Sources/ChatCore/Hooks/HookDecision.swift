/// The answer of a pre-hook: go on with a (possibly rewritten) value, or refuse with Rocket.Chat's code.
public enum HookDecision<Value: Sendable>: Sendable {
    case proceed(Value)
    /// `code` is Rocket.Chat's error code (`error-app-prevented-sending`, ...), `message` is shown to the caller.
    case refuse(code: String, message: String)
}
