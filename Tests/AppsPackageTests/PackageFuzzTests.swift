import AppFixtures
import AppsPackage
import Foundation
import Testing

/// A seeded mutation campaign against the package reader: whatever the bytes, the answer is a package or an
/// `AppPackageError` — never a crash (a trap would end this whole test process) and never another error type.
/// `AIRLOCK_FUZZ_ITERATIONS` and `AIRLOCK_FUZZ_SEED` run it longer or elsewhere (`scripts/fuzz-packages.sh`).
@Suite struct PackageFuzzTests {
    /// SplitMix64: small, fast and the same sequence on every machine for a seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Offsets of the zip structures' size and offset fields, where a lie hurts most.
    static func structuralFields(_ bytes: [UInt8]) -> [Int] {
        var fields: [Int] = []
        var i = 0
        while i + 4 <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b {
                switch (bytes[i + 2], bytes[i + 3]) {
                case (0x03, 0x04): fields += [i + 14, i + 18, i + 22, i + 26, i + 28]  // local: crc, sizes, name/extra lengths
                case (0x01, 0x02): fields += [i + 16, i + 20, i + 24, i + 28, i + 30, i + 32, i + 42]  // central: ..., local offset
                case (0x05, 0x06): fields += [i + 8, i + 10, i + 12, i + 16, i + 20]  // end: counts, size, offset, comment
                default: break
                }
            }
            i += 1
        }
        return fields.filter { $0 + 4 <= bytes.count }
    }

    static func mutate(_ original: [UInt8], _ rng: inout Generator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let fields = structuralFields(bytes)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:  // flip a few random bytes
                for _ in 0..<Int.random(in: 1...8, using: &rng) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
            case 1:  // a structural field becomes a large or boundary value
                if let field = fields.randomElement(using: &rng) {
                    let values: [UInt32] = [0, 1, 0xffff, 0xffff_ffff, 0x7fff_ffff, UInt32(bytes.count), UInt32(bytes.count + 1), UInt32.random(in: 0...UInt32.max, using: &rng)]
                    let value = values.randomElement(using: &rng)!
                    for k in 0..<4 { bytes[field + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
                }
            case 2:  // truncate
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            case 3:  // duplicate a slice somewhere else
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let slice = bytes[start..<min(bytes.count, start + Int.random(in: 1...64, using: &rng))]
                bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &rng))
            case 4:  // overwrite a run with 0x00 or 0xff
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let fill: UInt8 = Bool.random(using: &rng) ? 0 : 0xff
                for k in start..<min(bytes.count, start + Int.random(in: 1...16, using: &rng)) { bytes[k] = fill }
            default:  // a structural field becomes a small shift of itself
                if let field = fields.randomElement(using: &rng) {
                    bytes[field] = bytes[field] &+ UInt8.random(in: 1...8, using: &rng)
                }
            }
            if bytes.isEmpty { bytes = [0x50] }
        }
        return bytes
    }

    @Test func mutatedPackagesAreRefusedOrInstalledNeverACrash() throws {
        let iterations = ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 3000
        let seeds: [[UInt8]] = [
            Array(try Zip.make(validItems())), Array(try Zip.make(validItems(), deflate: false)),
            Array(try AppFixtures.zip("hooks")),
        ]
        let seed = ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xA1_71_0C_C0_FF_EE
        var rng = Generator(state: seed)
        var refused = 0, read = 0
        for i in 0..<iterations {
            let input = Self.mutate(seeds[i % seeds.count], &rng)
            do {
                _ = try AppPackageReader().read(Data(input))
                read += 1
            } catch is AppPackageError {
                refused += 1
            } catch {
                Issue.record("mutation \(i) threw \(type(of: error)): \(error)")
            }
        }
        #expect(read + refused == iterations)
        #expect(refused > iterations / 2)
    }
}
