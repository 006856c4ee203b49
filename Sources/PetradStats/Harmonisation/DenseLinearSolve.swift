extension ComBat {
    /// Solves the square system `A X = B` for several right-hand sides by Gaussian elimination
    /// with partial pivoting (the LU factorisation R's `solve()` gets from LAPACK `dgesv`).
    ///
    /// - Parameters:
    ///   - matrix: A, row-major, `size` x `size`.
    ///   - rightHandSides: B, row-major, `size` x `columns`.
    /// - Returns: X, row-major `size` x `columns`, or nil when a pivot is zero or smaller than
    ///   `1e-10` times the largest absolute entry of A (A singular to working precision).
    static func solveLinearSystem(_ matrix: [Double], size: Int, _ rightHandSides: [Double],
                                  columns: Int) -> [Double]? {
        var a = matrix
        var b = rightHandSides
        let scale = a.reduce(0) { max($0, abs($1)) }
        guard scale > 0 else { return nil }

        for pivotColumn in 0..<size {
            var pivotRow = pivotColumn
            for row in pivotColumn..<size where abs(a[row * size + pivotColumn])
                > abs(a[pivotRow * size + pivotColumn]) {
                pivotRow = row
            }
            guard abs(a[pivotRow * size + pivotColumn]) > 1e-10 * scale else { return nil }
            if pivotRow != pivotColumn {
                for c in 0..<size { a.swapAt(pivotRow * size + c, pivotColumn * size + c) }
                for c in 0..<columns { b.swapAt(pivotRow * columns + c, pivotColumn * columns + c) }
            }

            let pivot = a[pivotColumn * size + pivotColumn]
            for row in (pivotColumn + 1)..<size {
                let factor = a[row * size + pivotColumn] / pivot
                if factor == 0 { continue }
                for c in pivotColumn..<size {
                    a[row * size + c] -= factor * a[pivotColumn * size + c]
                }
                for c in 0..<columns {
                    b[row * columns + c] -= factor * b[pivotColumn * columns + c]
                }
            }
        }

        // Back substitution.
        var x = [Double](repeating: 0, count: size * columns)
        for row in stride(from: size - 1, through: 0, by: -1) {
            for c in 0..<columns {
                var sum = b[row * columns + c]
                for k in (row + 1)..<size { sum -= a[row * size + k] * x[k * columns + c] }
                x[row * columns + c] = sum / a[row * size + row]
            }
        }
        return x
    }
}
