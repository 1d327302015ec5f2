public import Foundation

/// Call durations counted in logarithmic bins (16 per doubling, from 1 µs), so histograms from several nodes add up
/// exactly and any percentile of the sum is read within ±2.2 % — where a sample of durations could not be merged.
/// Only bins that were hit are kept.
public struct LatencyHistogram: Sendable, Hashable {
    static let binsPerDoubling = 16.0
    static let smallest = 1e-6

    /// Bin index → how many durations fell in it.
    public private(set) var bins: [Int: Int] = [:]

    public init() {}

    public var count: Int { bins.values.reduce(0, +) }

    public mutating func add(_ seconds: Double) {
        bins[Self.bin(seconds), default: 0] += 1
    }

    public mutating func merge(_ other: LatencyHistogram) {
        bins.merge(other.bins, uniquingKeysWith: +)
    }

    /// The duration below which a fraction `p` of the counted ones fall: the geometric middle of the bin holding it
    /// (0 when nothing was counted).
    public func percentile(_ p: Double) -> Double {
        let total = count
        guard total > 0 else { return 0 }
        let rank = max(1, Int((Double(total) * p).rounded(.up)))
        var seen = 0
        for (bin, count) in bins.sorted(by: { $0.key < $1.key }) {
            seen += count
            if seen >= rank { return Self.middle(of: bin) }
        }
        return Self.middle(of: bins.keys.max() ?? 0)
    }

    static func bin(_ seconds: Double) -> Int {
        guard seconds > smallest else { return 0 }
        return Int((log2(seconds / smallest) * binsPerDoubling).rounded(.down))
    }

    static func middle(of bin: Int) -> Double {
        smallest * exp2((Double(bin) + 0.5) / binsPerDoubling)
    }
}

extension LatencyHistogram: Codable {
    /// Stored as two parallel arrays (document keys must be strings; bin numbers are not).
    enum CodingKeys: String, CodingKey {
        case bins, counts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bins = try container.decode([Int].self, forKey: .bins)
        let counts = try container.decode([Int].self, forKey: .counts)
        guard bins.count == counts.count else {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: container, debugDescription: "bins and counts differ in length")
        }
        self.bins = Dictionary(zip(bins, counts), uniquingKeysWith: +)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let sorted = bins.sorted { $0.key < $1.key }
        try container.encode(sorted.map(\.key), forKey: .bins)
        try container.encode(sorted.map(\.value), forKey: .counts)
    }
}
