import Foundation

/// A symmetric positive semi-definite matrix factored as L D L' with the singular-column rule of
/// R's survival package (`cholesky2`): a pivot below `tolerance` times the largest diagonal
/// element marks its column as redundant; that column gets 0 in solves and in the inverse.
struct SymmetricFactor {
    let size: Int
    /// Row-major: strict lower triangle holds L, diagonal holds D (0 for a redundant column).
    private(set) var values: [Double]
    private(set) var rank = 0
    /// True where the column was found redundant (pivot too small, or not finite).
    private(set) var singular: [Bool]

    init(_ matrix: [Double], size: Int, tolerance: Double = pow(Double.ulpOfOne, 0.75)) {
        self.size = size
        values = matrix
        singular = [Bool](repeating: false, count: size)
        var largest = 0.0
        for i in 0..<size where values[i * size + i] > largest { largest = values[i * size + i] }
        let threshold = largest == 0 ? tolerance : largest * tolerance
        for i in 0..<size {
            for j in (i + 1)..<max(i + 1, size) { values[j * size + i] = values[i * size + j] }
        }
        for i in 0..<size {
            let pivot = values[i * size + i]
            if !pivot.isFinite || pivot < threshold {
                values[i * size + i] = 0
                singular[i] = true
                continue
            }
            rank += 1
            for j in (i + 1)..<max(i + 1, size) {
                let ratio = values[j * size + i] / pivot
                values[j * size + i] = ratio
                values[j * size + j] -= ratio * ratio * pivot
                for k in (j + 1)..<max(j + 1, size) {
                    values[k * size + j] -= ratio * values[k * size + i]
                }
            }
        }
    }

    /// x with A x = b (redundant components set to 0).
    func solve(_ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<size {
            for j in 0..<i { x[i] -= values[i * size + j] * x[j] }
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            let d = values[i * size + i]
            if d == 0 { x[i] = 0; continue }
            x[i] /= d
            for j in (i + 1)..<max(i + 1, size) { x[i] -= values[j * size + i] * x[j] }
        }
        return x
    }

    /// The (generalised) inverse, row-major; rows and columns of redundant columns are 0.
    func inverse() -> [Double] {
        var result = [Double](repeating: 0, count: size * size)
        for column in 0..<size {
            var unit = [Double](repeating: 0, count: size)
            unit[column] = 1
            let x = solve(unit)
            for row in 0..<size { result[row * size + column] = x[row] }
        }
        for i in 0..<size where singular[i] {
            for j in 0..<size { result[i * size + j] = 0; result[j * size + i] = 0 }
        }
        return result
    }
}
