import Foundation

/// Sums and moments computed with NumPy's operation order, so that thresholds PyRadiomics
/// derives with `numpy.mean` / `numpy.std` match to the last bit.
enum NumPyArithmetic {
    /// `numpy.sum` of a contiguous float64 array: pairwise summation with eight accumulators
    /// in blocks of at most 128 values.
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        let n = values.count
        if n < 8 {
            var result = 0.0
            for v in values { result += v }
            return result
        }
        if n <= 128 {
            var r = (values[0], values[1], values[2], values[3],
                     values[4], values[5], values[6], values[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += values[i]; r.1 += values[i + 1]; r.2 += values[i + 2]
                r.3 += values[i + 3]; r.4 += values[i + 4]; r.5 += values[i + 5]
                r.6 += values[i + 6]; r.7 += values[i + 7]
                i += 8
            }
            var result = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n {
                result += values[i]
                i += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return sum(UnsafeBufferPointer(rebasing: values[0..<half]))
            + sum(UnsafeBufferPointer(rebasing: values[half..<n]))
    }

    static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { sum($0) }
    }

    /// `numpy.mean`.
    static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    /// `numpy.std` (population, ddof 0): `sqrt(mean(|x - mean|^2))`.
    static func standardDeviation(_ values: [Double]) -> Double {
        let m = mean(values)
        let squares = values.map { ($0 - m) * ($0 - m) }
        return (sum(squares) / Double(values.count)).squareRoot()
    }
}
