import Foundation

/// R's default random number generator, so that a seed given to petrad draws what the same
/// seed draws in R: `set.seed(seed)` (Mersenne-Twister, R's seed scrambling), `runif`, and
/// `sample()` with R >= 3.6's "Rejection" sampling.
///
/// With it `RRandom(seed: 42)` followed by `folds(count: 150, folds: 10)` gives the fold ids
/// of `set.seed(42); sample(rep(1:10, length.out = 150))`, the fold ids cv.glmnet draws.
public struct RRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// `set.seed(seed)`: the seed is scrambled by 50 linear-congruential steps, then each of
    /// the 624 words of the state is the next step.
    public init(seed: Int) {
        var s = UInt32(truncatingIfNeeded: seed)
        for _ in 0..<50 { s = s &* 69069 &+ 1 }
        // The first seed word is the position in the state (set to 624 by R).
        s = s &* 69069 &+ 1
        for j in 0..<624 {
            s = s &* 69069 &+ 1
            state[j] = s
        }
        index = 624
    }

    private mutating func nextWord() -> UInt32 {
        if index >= 624 {
            let upper: UInt32 = 0x8000_0000
            let lower: UInt32 = 0x7fff_ffff
            let matrix: UInt32 = 0x9908_b0df
            for k in 0..<624 {
                let y = (state[k] & upper) | (state[(k + 1) % 624] & lower)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 1 ? matrix : 0)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `runif(1)`: uniform on (0, 1) with 2^-32 resolution.
    public mutating func uniform() -> Double {
        let value = Double(nextWord()) * 2.3283064365386963e-10
        let smallest = 0.5 * 2.328306437080797e-10
        if value <= 0 { return smallest }
        if 1 - value <= 0 { return 1 - smallest }
        return value
    }

    /// R's `R_unif_index(n)`: a uniform integer in 0..<n by rejection from random bits.
    public mutating func index(below n: Int) -> Int {
        guard n > 0 else { return 0 }
        let bits = Int(ceil(log2(Double(n))))
        while true {
            var v: Int64 = 0
            var drawn = 0
            while drawn <= bits {
                let chunk = Int64(floor(uniform() * 65536))
                v = 65536 &* v &+ chunk
                drawn += 16
            }
            let value = Int(v & ((Int64(1) << bits) - 1))
            if value < n { return value }
        }
    }

    /// `sample(n)`: a random permutation of 0..<n, drawn as R draws it.
    public mutating func permutation(_ n: Int) -> [Int] {
        var pool = Array(0..<n)
        var remaining = n
        var out: [Int] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let j = index(below: remaining)
            out.append(pool[j])
            remaining -= 1
            pool[j] = pool[remaining]
        }
        return out
    }

    /// `sample(rep(1:k, length.out = n))`: balanced fold ids 1...k in random order.
    public mutating func folds(count n: Int, folds k: Int) -> [Int] {
        permutation(n).map { $0 % k + 1 }
    }
}
