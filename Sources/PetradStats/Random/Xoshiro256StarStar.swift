/// xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 2021): a 64-bit generator with 256 bits of state and period 2^256 - 1, seeded by
/// SplitMix64 from one 64-bit seed as its authors recommend.
///
/// Everything petrad draws at random (SMOTE, cross-validation folds, permutations) comes from
/// this generator through the methods below, which use only integer arithmetic and one exact
/// conversion to Double, so a seed gives the same stream on every platform and Swift version
/// (the standard library's `random(in:using:)` and `shuffled(using:)` make no such promise).
///
/// ```
/// next:  result = rotl(s1 * 5, 7) * 9
///        t = s1 << 17;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)
/// ```
/// Reference output: seed 0 gives first values listed in `XoshiroTests` (checked against the
/// authors' C code, xoshiro256starstar.c, seeded with splitmix64.c).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the four state words with four successive outputs of SplitMix64 started at `seed`.
    /// The state is never all zero (SplitMix64 is a bijection of its counter, and four
    /// consecutive outputs cannot all be zero).
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// Starts from an explicit state (not all zero), e.g. to resume a saved stream.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        self.state = state
    }

    public static func == (a: Self, b: Self) -> Bool { a.state == b.state }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()` times 2^-53 (exact, no rounding).
    @inline(__always)
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<bound, without bias: Lemire's multiply-shift ("Fast random
    /// integer generation in an interval", ACM TOMS 2019) with rejection of the
    /// `2^64 mod bound` low products. `bound` must be positive.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates, drawing from the last
    /// position down: swap position i with `nextInt(below: i + 1)`).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    /// Shuffles an array in place by Fisher–Yates as in `permutation(_:)`.
    public mutating func shuffle<T>(_ values: inout [T]) {
        var i = values.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            if i != j { values.swapAt(i, j) }
            i -= 1
        }
    }
}
