import Foundation

/// One value per feature from one matrix per direction, the way PyRadiomics' GLCM and GLRLM
/// combine directions.
///
/// Without `weightingNorm`, each direction's matrix and features are computed on their own
/// (one direction per task, so its pairs and matrix live only while it runs) and every feature
/// is averaged over the directions whose matrix is not empty: PyRadiomics deletes empty
/// directions, then takes `numpy.nanmean`. With `weightingNorm`, the directions' pairs are
/// summed with one weight per direction into a single matrix, whose features are returned.
/// Directions are averaged in their given order whatever the thread count, so the result is
/// the same on every run.
///
/// - Parameters:
///   - directions: the offsets, one matrix each.
///   - weightingNorm: PyRadiomics' `weightingNorm`, or nil to average over directions.
///   - rowCount: rows of every matrix (the grey levels present).
///   - colCount: columns of every matrix (grey levels for GLCM, run lengths for GLRLM).
///   - weight: the weight of a direction under the norm (the class's own formula).
///   - pairs: (row, column) pairs of one direction, as `SparseMatrix` reads them.
///   - features: every feature of one non-empty matrix, in the class's `names` order.
/// - Returns: the features, or nil when every matrix is empty.
func directionAveragedFeatures(directions: [SIMD3<Int>], weightingNorm: String?,
                               rowCount: Int, colCount: Int,
                               weight: (_ offset: SIMD3<Int>, _ norm: String) -> Double,
                               pairs: (_ offset: SIMD3<Int>) -> [Int32],
                               features: (SparseMatrix) -> [Double]) -> [Double]? {
    // Features of each non-empty matrix; nil for an empty one.
    var perMatrix: [[Double]?]
    if let norm = weightingNorm {
        var all: [Int32] = []
        var ends: [Int] = []
        var weights: [Double] = []
        for offset in directions {
            all.append(contentsOf: pairs(offset))
            ends.append(all.count / 2)
            weights.append(weight(offset, norm))
        }
        let m = SparseMatrix(pairs: all, chunkEnds: ends, weights: weights,
                             rowCount: rowCount, colCount: colCount)
        perMatrix = [m.isEmpty ? nil : features(m)]
    } else {
        perMatrix = [[Double]?](repeating: nil, count: directions.count)
        perMatrix.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: directions.count) { a in
                let p = pairs(directions[a])
                let m = SparseMatrix(pairs: p, chunkEnds: [p.count / 2], weights: [1],
                                     rowCount: rowCount, colCount: colCount)
                (base + a).pointee = m.isEmpty ? nil : features(m)
            }
        }
    }
    let perDirection = perMatrix.compactMap { $0 }
    guard let first = perDirection.first else { return nil }
    return (0..<first.count).map { k in nanMean(perDirection.map { $0[k] }) }
}
