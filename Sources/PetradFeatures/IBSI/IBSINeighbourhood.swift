import Foundation

/// IBSI neighbourhood grey tone difference matrix (NGTDM, IPET) and neighbouring grey level
/// dependence matrix (NGLDM, REK0). Neighbours are the ROI voxels within Chebyshev distance
/// `distance` of a voxel (in its slice for 2D), the voxel itself excluded.
enum IBSINeighbourhood {
    static func offsets(distance: Int, planar: Bool) -> [SIMD3<Int>] {
        var out: [SIMD3<Int>] = []
        let dz = planar ? 0 : distance
        for z in -dz...dz {
            for y in -distance...distance {
                for x in -distance...distance where x != 0 || y != 0 || z != 0 {
                    out.append(SIMD3(x, y, z))
                }
            }
        }
        return out
    }

    /// NGTDM of one slice (2D) or the volume: n_i (voxels of level i that have at least one
    /// neighbour, IBSI N_v,c counts only those) and s_i = sum |i - mean of neighbours|.
    static func ngtdm(_ grid: IBSIGrid, slice: Int?, distance: Int) -> (n: [Double], s: [Double]) {
        var n = [Double](repeating: 0, count: grid.ng)
        var s = [Double](repeating: 0, count: grid.ng)
        let offs = offsets(distance: distance, planar: slice != nil)
        let zs = slice.map { $0...$0 } ?? 0...(grid.size.z - 1)
        for z in zs {
            for y in 0..<grid.size.y {
                for x in 0..<grid.size.x {
                    let g = Int(grid.levels[grid.index(x, y, z)])
                    guard g > 0 else { continue }
                    var total = 0, count = 0
                    for o in offs {
                        let v = Int(grid.level(x + o.x, y + o.y, z + o.z))
                        if v > 0 {
                            total += v
                            count += 1
                        }
                    }
                    guard count > 0 else { continue }
                    n[g - 1] += 1
                    s[g - 1] += abs(Double(g) - Double(total) / Double(count))
                }
            }
        }
        return (n, s)
    }

    /// Coarseness, contrast, busyness, complexity, strength (IBSI definitions); nil when no
    /// voxel has a neighbour. Coarseness is 10^6 when sum p_i s_i = 0; contrast, busyness and
    /// strength are 0 when only one grey level occurs or sum s_i = 0.
    static func ngtdmFeatures(n: [Double], s: [Double]) -> [Double]? {
        let nvc = n.reduce(0, +)
        guard nvc > 0 else { return nil }
        let p = n.map { $0 / nvc }
        let present = p.indices.filter { p[$0] > 0 }
        let ngp = Double(present.count)
        let sumS = s.reduce(0, +)
        var sumPS = 0.0
        for i in present { sumPS += p[i] * s[i] }
        let coarseness = sumPS == 0 ? 1e6 : 1 / sumPS
        var pairContrast = 0.0, busyDenominator = 0.0, complexity = 0.0, strengthNum = 0.0
        for i in present {
            for j in present {
                let gi = Double(i + 1), gj = Double(j + 1)
                pairContrast += p[i] * p[j] * (gi - gj) * (gi - gj)
                busyDenominator += abs(gi * p[i] - gj * p[j])
                complexity += abs(gi - gj) * (p[i] * s[i] + p[j] * s[j]) / (p[i] + p[j])
                strengthNum += (p[i] + p[j]) * (gi - gj) * (gi - gj)
            }
        }
        let contrast = ngp > 1 ? pairContrast / (ngp * (ngp - 1)) * sumS / nvc : 0
        let busyness = busyDenominator > 0 ? sumPS / busyDenominator : 0
        let strength = sumS > 0 ? strengthNum / sumS : 0
        return [coarseness, contrast, busyness, complexity / nvc, strength]
    }

    /// NGLDM counts (N_g rows x (neighbours + 1) columns): dependence k = 1 + the neighbours
    /// whose level differs from the voxel's by at most `alpha`; every ROI voxel counts.
    static func ngldm(_ grid: IBSIGrid, slice: Int?, distance: Int, alpha: Double,
                      columns: Int) -> [Double] {
        var m = [Double](repeating: 0, count: grid.ng * columns)
        let offs = offsets(distance: distance, planar: slice != nil)
        let zs = slice.map { $0...$0 } ?? 0...(grid.size.z - 1)
        for z in zs {
            for y in 0..<grid.size.y {
                for x in 0..<grid.size.x {
                    let g = grid.levels[grid.index(x, y, z)]
                    guard g > 0 else { continue }
                    var k = 1
                    for o in offs {
                        let v = grid.level(x + o.x, y + o.y, z + o.z)
                        if v > 0 && Double(abs(v - g)) <= alpha { k += 1 }
                    }
                    m[(Int(g) - 1) * columns + k - 1] += 1
                }
            }
        }
        return m
    }
}
