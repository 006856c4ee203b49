import Foundation

/// IBSI grey level co-occurrence matrix (IBSI 1 section "Grey level co-occurrence based
/// features", LFYI) and grey level run length matrix (TP0I), with the six aggregation methods.
enum IBSIDirectional {
    /// Feature vectors for each asked aggregation of a direction-based matrix.
    ///
    /// `build(direction, slice)` counts the matrix along one direction, in one slice (2D) or
    /// in the whole volume (slice nil); matrices are merged by element-wise sums. `features`
    /// returns nil for an empty matrix, which then takes no part in an average.
    static func aggregate(_ grid: IBSIGrid, aggregations: Set<IBSIAggregation>, count: Int,
                          build: (SIMD3<Int>, Int?) -> [Double],
                          features: ([Double]) -> [Double]?) -> [(IBSIAggregation, [Double])] {
        var out: [(IBSIAggregation, [Double])] = []
        let planar = Array(IBSIGrid.directions.prefix(4))
        let wants2D = aggregations.contains(.twoDAveraged)
            || aggregations.contains(.twoDSliceMerged)
            || aggregations.contains(.twoAndHalfDAveraged)
            || aggregations.contains(.twoAndHalfDMerged)
        if wants2D {
            let slices = grid.occupiedSlices
            // perSlice[s][d]: matrix of slice s along in-plane direction d.
            let perSlice = slices.map { z in planar.map { build($0, z) } }
            if aggregations.contains(.twoDAveraged) {
                let vectors = perSlice.flatMap { $0 }.compactMap(features)
                out.append((.twoDAveraged, ibsiAverage(vectors, count: count)))
            }
            if aggregations.contains(.twoDSliceMerged) {
                let vectors = perSlice.compactMap { features(sum($0)) }
                out.append((.twoDSliceMerged, ibsiAverage(vectors, count: count)))
            }
            let perDirection = planar.indices.map { d in sum(perSlice.map { $0[d] }) }
            if aggregations.contains(.twoAndHalfDAveraged) {
                let vectors = perDirection.compactMap(features)
                out.append((.twoAndHalfDAveraged, ibsiAverage(vectors, count: count)))
            }
            if aggregations.contains(.twoAndHalfDMerged) {
                let merged = features(sum(perDirection))
                out.append((.twoAndHalfDMerged, merged ?? ibsiAverage([], count: count)))
            }
        }
        if aggregations.contains(.threeDAveraged) || aggregations.contains(.threeDMerged) {
            let perDirection = IBSIGrid.directions.map { build($0, nil) }
            if aggregations.contains(.threeDAveraged) {
                let vectors = perDirection.compactMap(features)
                out.append((.threeDAveraged, ibsiAverage(vectors, count: count)))
            }
            if aggregations.contains(.threeDMerged) {
                let merged = features(sum(perDirection))
                out.append((.threeDMerged, merged ?? ibsiAverage([], count: count)))
            }
        }
        return out
    }

    static func sum(_ matrices: [[Double]]) -> [Double] {
        guard var total = matrices.first else { return [] }
        for m in matrices.dropFirst() { for k in total.indices { total[k] += m[k] } }
        return total
    }
}

enum IBSIGLCM {
    /// Symmetric co-occurrence counts (N_g x N_g, row-major, level i at index i-1) of voxel
    /// pairs at `offset`, both in the ROI, restricted to `slice` when given.
    static func matrix(_ grid: IBSIGrid, offset: SIMD3<Int>, slice: Int?) -> [Double] {
        let ng = grid.ng
        var m = [Double](repeating: 0, count: ng * ng)
        let zs = slice.map { $0...$0 } ?? 0...(grid.size.z - 1)
        for z in zs {
            for y in 0..<grid.size.y {
                for x in 0..<grid.size.x {
                    let a = Int(grid.levels[grid.index(x, y, z)])
                    guard a > 0 else { continue }
                    let b = Int(grid.level(x + offset.x, y + offset.y, z + offset.z))
                    guard b > 0 else { continue }
                    m[(a - 1) * ng + (b - 1)] += 1
                    m[(b - 1) * ng + (a - 1)] += 1
                }
            }
        }
        return m
    }

    /// The 25 IBSI GLCM features of a count matrix, in `IBSIFeatureTable.glcm` order; nil when
    /// the matrix holds no pair. Grey levels are the IBSI levels 1...N_g; N_g (absent levels
    /// included) normalises inverse difference and inverse difference moment.
    ///
    /// Degenerate values: correlation NaN when a marginal has no variance (flat ROI);
    /// information correlation 1 NaN when HX = 0.
    static func features(_ counts: [Double], ng: Int) -> [Double]? {
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let p = counts.map { $0 / total }
        var pi = [Double](repeating: 0, count: ng)
        var diff = [Double](repeating: 0, count: ng)
        var sumP = [Double](repeating: 0, count: 2 * ng + 1)
        var jointMax = 0.0, mu = 0.0, entropy = 0.0, energy = 0.0, contrast = 0.0
        var dissimilarity = 0.0, invDiff = 0.0, invDiffNorm = 0.0, idm = 0.0, idmNorm = 0.0
        var autoCorr = 0.0
        let dng = Double(ng)
        for i in 0..<ng {
            for j in 0..<ng {
                let v = p[i * ng + j]
                guard v > 0 else { continue }
                let gi = Double(i + 1), gj = Double(j + 1), k = abs(i - j)
                pi[i] += v
                diff[k] += v
                sumP[i + j + 2] += v
                jointMax = max(jointMax, v)
                mu += gi * v
                entropy -= v * log2(v)
                energy += v * v
                contrast += Double(k * k) * v
                dissimilarity += Double(k) * v
                invDiff += v / (1 + Double(k))
                invDiffNorm += v / (1 + Double(k) / dng)
                idm += v / (1 + Double(k * k))
                idmNorm += v / (1 + Double(k * k) / (dng * dng))
                autoCorr += gi * gj * v
            }
        }
        var jointVar = 0.0, clusterTendency = 0.0, clusterShade = 0.0, clusterProminence = 0.0
        var covariance = 0.0, hxy1 = 0.0, hxy2 = 0.0
        for i in 0..<ng {
            for j in 0..<ng {
                let marginal = pi[i] * pi[j]
                if marginal > 0 {
                    hxy2 -= marginal * log2(marginal)
                }
                let v = p[i * ng + j]
                guard v > 0 else { continue }
                let gi = Double(i + 1), gj = Double(j + 1)
                jointVar += (gi - mu) * (gi - mu) * v
                let s = gi + gj - 2 * mu
                clusterTendency += s * s * v
                clusterShade += s * s * s * v
                clusterProminence += s * s * s * s * v
                covariance += (gi - mu) * (gj - mu) * v
                hxy1 -= v * log2(marginal)
            }
        }
        var hx = 0.0
        for v in pi where v > 0 { hx -= v * log2(v) }
        var diffAvg = 0.0, diffEntropy = 0.0, inverseVariance = 0.0
        for k in 0..<ng where diff[k] > 0 {
            diffAvg += Double(k) * diff[k]
            diffEntropy -= diff[k] * log2(diff[k])
            if k > 0 { inverseVariance += diff[k] / Double(k * k) }
        }
        var diffVar = 0.0
        for k in 0..<ng where diff[k] > 0 { diffVar += (Double(k) - diffAvg) * (Double(k) - diffAvg) * diff[k] }
        var sumAvg = 0.0, sumEntropy = 0.0
        for k in 2...(2 * ng) where sumP[k] > 0 {
            sumAvg += Double(k) * sumP[k]
            sumEntropy -= sumP[k] * log2(sumP[k])
        }
        var sumVar = 0.0
        for k in 2...(2 * ng) where sumP[k] > 0 { sumVar += (Double(k) - sumAvg) * (Double(k) - sumAvg) * sumP[k] }
        // Symmetric matrix: both marginals have mean mu and variance jointVar.
        let correlation = jointVar > 0 ? covariance / jointVar : .nan
        let infoCorr1 = hx > 0 ? (entropy - hxy1) / hx : .nan
        let infoCorr2 = (1 - exp(-2 * (hxy2 - entropy))).squareRoot()
        return [jointMax, mu, jointVar, entropy, diffAvg, diffVar, diffEntropy, sumAvg, sumVar,
                sumEntropy, energy, contrast, dissimilarity, invDiff, invDiffNorm, idm, idmNorm,
                inverseVariance, correlation, autoCorr, clusterTendency, clusterShade,
                clusterProminence, infoCorr1, infoCorr2]
    }
}

enum IBSIGLRLM {
    /// Run length counts (N_g rows x `maxRun` columns, level i at row i-1, length j at column
    /// j-1) along `direction`, within `slice` when given (in-plane directions only then).
    static func matrix(_ grid: IBSIGrid, direction: SIMD3<Int>, slice: Int?, maxRun: Int)
        -> [Double] {
        var m = [Double](repeating: 0, count: grid.ng * maxRun)
        let zs = slice.map { $0...$0 } ?? 0...(grid.size.z - 1)
        for z in zs {
            for y in 0..<grid.size.y {
                for x in 0..<grid.size.x {
                    let g = grid.levels[grid.index(x, y, z)]
                    guard g > 0 else { continue }
                    // A run starts where the previous voxel along the direction differs.
                    if grid.level(x - direction.x, y - direction.y, z - direction.z) == g {
                        continue
                    }
                    var length = 1
                    var p = SIMD3(x, y, z) &+ direction
                    while grid.level(p.x, p.y, p.z) == g {
                        length += 1
                        p = p &+ direction
                    }
                    m[(Int(g) - 1) * maxRun + length - 1] += 1
                }
            }
        }
        return m
    }
}
