import Foundation
@testable import PetradStats

/// The property checks of ../shared/data/smote/check_smote.py (imbalanced-learn 0.14.2 era),
/// re-implemented so that the tests need no Python. Given the input (raw features, labels) and
/// any SMOTE output (raw features, labels, any row order), in the space standardised with the
/// INPUT's column mean and population SD:
/// 1. every input row is in the output unchanged with its label (matched on z rounded to 12
///    decimals), 2. the majority rows are exactly the input's, 3. both classes have n_majority
///    rows, 4. n_majority - n_minority synthetic rows, all minority, 5. every synthetic row lies
///    on a segment z_i -> z_j (0 <= gap <= 1, within tol) with j among the k nearest minority
///    neighbours of minority case i, 6. every synthetic row inside the minority bounding box.
struct SMOTEPropertyChecker {
    var missingOriginals = 0
    var majorityIdentical = false
    var majorityCountAfter = 0
    var minorityCountAfter = 0
    var syntheticCount = 0
    var expectedSyntheticCount = 0
    var syntheticAllMinority = false
    var offSegment = 0
    var gapRange: ClosedRange<Double>? = nil
    var insideBoundingBox = false
    var nMajority = 0

    var failures: [String] {
        var out: [String] = []
        if missingOriginals != 0 { out.append("\(missingOriginals) original rows missing") }
        if !majorityIdentical { out.append("majority rows changed") }
        if majorityCountAfter != nMajority || minorityCountAfter != nMajority {
            out.append("counts \(majorityCountAfter)/\(minorityCountAfter), want \(nMajority)")
        }
        if syntheticCount != expectedSyntheticCount {
            out.append("\(syntheticCount) synthetic rows, want \(expectedSyntheticCount)")
        }
        if !syntheticAllMinority { out.append("synthetic rows not all minority") }
        if offSegment != 0 { out.append("\(offSegment) synthetic rows off-segment") }
        if !insideBoundingBox { out.append("synthetic rows outside minority bounding box") }
        return out
    }

    init(input: [[Double]], labels: [Int], output: [[Double]], outputLabels: [Int], k: Int,
         tolerance: Double = 1e-9) {
        let (mean, sd) = SMOTE.standardisation(input)
        func standardise(_ rows: [[Double]]) -> [[Double]] {
            rows.map { row in row.indices.map { (row[$0] - mean[$0]) / sd[$0] } }
        }
        let z = standardise(input), zOut = standardise(output)
        let ones = labels.filter { $0 == 1 }.count
        let minorityLabel = ones < labels.count - ones ? 1 : 0
        nMajority = labels.filter { $0 != minorityLabel }.count
        let nMinority = labels.count - nMajority
        expectedSyntheticCount = nMajority - nMinority

        // 1-2. Originals matched on rounded values (multiset).
        func key(_ row: [Double], _ label: Int) -> [Int64] {
            row.map { Int64(($0 * 1e12).rounded()) } + [Int64(label)]
        }
        var inputKeys: [[Int64]: Int] = [:]
        for (row, label) in zip(z, labels) { inputKeys[key(row, label), default: 0] += 1 }
        var remaining = inputKeys
        var synthetic = [Bool](repeating: true, count: zOut.count)
        for (r, (row, label)) in zip(zOut, outputLabels).enumerated() {
            let k = key(row, label)
            if let count = remaining[k], count > 0 {
                remaining[k] = count - 1
                synthetic[r] = false
            }
        }
        missingOriginals = remaining.values.reduce(0, +)
        var majorityIn: [[Int64]: Int] = [:], majorityOut: [[Int64]: Int] = [:]
        for (row, label) in zip(z, labels) where label != minorityLabel {
            majorityIn[key(row, label), default: 0] += 1
        }
        for (row, label) in zip(zOut, outputLabels) where label != minorityLabel {
            majorityOut[key(row, label), default: 0] += 1
        }
        majorityIdentical = majorityIn == majorityOut

        // 3-4. Counts.
        minorityCountAfter = outputLabels.filter { $0 == minorityLabel }.count
        majorityCountAfter = outputLabels.count - minorityCountAfter
        syntheticCount = synthetic.filter { $0 }.count
        syntheticAllMinority = zip(synthetic, outputLabels).allSatisfy {
            !$0.0 || $0.1 == minorityLabel
        }

        // 5. Segments to one of the k nearest minority neighbours (standardised space).
        let zMinority = zip(z, labels).filter { $0.1 == minorityLabel }.map(\.0)
        let width = mean.count
        let neighbours: [[Int]] = zMinority.indices.map { a in
            zMinority.indices.filter { $0 != a }.map { b -> (Int, Double) in
                var d = 0.0
                for c in 0..<width {
                    let delta = zMinority[a][c] - zMinority[b][c]
                    d += delta * delta
                }
                return (b, d)
            }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(k).map(\.0)
        }
        var gaps: [Double] = []
        for (r, s) in zOut.enumerated() where synthetic[r] {
            var best = (distance: Double.infinity, gap: Double.nan)
            for i in zMinority.indices {
                for j in neighbours[i] {
                    let d = (0..<width).map { zMinority[j][$0] - zMinority[i][$0] }
                    let offset = (0..<width).map { s[$0] - zMinority[i][$0] }
                    let dd = d.indices.reduce(0.0) { $0 + d[$1] * d[$1] }
                    let g = d.indices.reduce(0.0) { $0 + offset[$1] * d[$1] } / dd
                    let residual = (0..<width).reduce(0.0) {
                        $0 + (offset[$1] - g * d[$1]) * (offset[$1] - g * d[$1])
                    }.squareRoot()
                    if g >= -tolerance, g <= 1 + tolerance, residual < best.distance {
                        best = (residual, g)
                    }
                }
            }
            let scale = max(1, s.map(abs).max() ?? 0)
            if best.distance > tolerance * scale { offSegment += 1 } else { gaps.append(best.gap) }
        }
        if let low = gaps.min(), let high = gaps.max() { gapRange = low...high }

        // 6. Bounding box of the minority class.
        insideBoundingBox = (0..<width).allSatisfy { c in
            let low = zMinority.map { $0[c] }.min()! - tolerance
            let high = zMinority.map { $0[c] }.max()! + tolerance
            return zip(zOut, synthetic).allSatisfy { !$0.1 || ($0.0[c] >= low && $0.0[c] <= high) }
        }
    }
}
