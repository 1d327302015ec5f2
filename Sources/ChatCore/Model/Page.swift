/// Paging request: Rocket.Chat's `offset`, `count` and a sort direction on the natural key.
public struct PageRequest: Sendable, Hashable {
    public var offset: Int
    public var count: Int
    /// `true` for ascending order of the listing's sort key.
    public var ascending: Bool

    public init(offset: Int = 0, count: Int = 50, ascending: Bool = true) {
        self.offset = max(0, offset)
        self.count = max(0, count)
        self.ascending = ascending
    }
}

/// One page of results plus the total number of matching records.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

extension Page: Equatable where Item: Equatable {}
