/// What may leave a VM as one value (a call's result, an argument of a host function): the whole tree is counted
/// before anything is allocated for it, so an app cannot make the host reserve memory for a size it chose
/// (`new Array(2 ** 32 - 1)` used to become a 68 GB reservation). Beyond a limit the conversion fails with a
/// `RangeError` the app can see.
public struct ValueLimits: Sendable, Hashable {
    /// Strings (2 bytes per UTF-16 unit), numbers and keys, in bytes.
    public var maxBytes = 16 << 20
    /// Values in the tree (array items and object fields count one each).
    public var maxElements = 1_000_000
    public var maxDepth = 100

    public init() {}

    var description: String { "\(maxBytes >> 20) MiB, \(maxElements) elements, depth \(maxDepth)" }
}
