import Foundation

/// IBSI grey level size zone matrix (GLSZM, 9SAK) and grey level distance zone matrix
/// (GLDZM, VMDZ): zones are groups of connected voxels of one grey level (8-connected within a
/// slice in 2D, 26-connected in 3D) of the intensity mask; a zone's distance is the smallest
/// distance of its voxels to the edge of the morphological mask, counted in face-connected
/// steps (4-connected in 2D, 6 in 3D), a voxel on the edge having distance 1.
enum IBSIZones {
    struct Zone {
        var level: Int32
        var size: Int
        var distance: Int
    }

    /// Zones of one slice (2D) or of the whole volume (slice nil).
    static func zones(_ grid: IBSIGrid, slice: Int?) -> [Zone] {
        let zs = slice.map { $0...$0 } ?? 0...(grid.size.z - 1)
        let planar = slice != nil
        let distance = edgeDistance(grid, slices: zs, planar: planar)
        var visited = [Bool](repeating: false, count: grid.levels.count)
        var stack: [SIMD3<Int>] = []
        var out: [Zone] = []
        let dzRange = planar ? 0...0 : -1...1
        for z in zs {
            for y in 0..<grid.size.y {
                for x in 0..<grid.size.x {
                    let start = grid.index(x, y, z)
                    let g = grid.levels[start]
                    guard g > 0, !visited[start] else { continue }
                    visited[start] = true
                    stack.append(SIMD3(x, y, z))
                    var zone = Zone(level: g, size: 0, distance: Int.max)
                    while let p = stack.popLast() {
                        zone.size += 1
                        zone.distance = min(zone.distance, distance[grid.index(p.x, p.y, p.z)])
                        for dz in dzRange {
                            for dy in -1...1 {
                                for dx in -1...1 {
                                    let q = p &+ SIMD3(dx, dy, dz)
                                    guard grid.level(q.x, q.y, q.z) == g else { continue }
                                    let k = grid.index(q.x, q.y, q.z)
                                    if !visited[k] {
                                        visited[k] = true
                                        stack.append(q)
                                    }
                                }
                            }
                        }
                    }
                    out.append(zone)
                }
            }
        }
        return out
    }

    /// Distance of each voxel of the morphological mask to that mask's edge (1 on the edge),
    /// in face-connected steps, in-plane only when `planar`; 0 outside the mask or the slices.
    ///
    /// IBSI 1 (GLDZM, "Morphological and intensity masks") takes the distance map from the
    /// morphological mask and the zones from the intensity mask: a hole that re-segmentation
    /// cuts into the ROI is not an edge. Computed as the manual's repeated erosion would
    /// (voxels beyond the box count as outside), by one breadth-first pass from the edge.
    static func edgeDistance(_ grid: IBSIGrid, slices: ClosedRange<Int>, planar: Bool) -> [Int] {
        var d = [Int](repeating: 0, count: grid.morphology.count)
        var steps: [SIMD3<Int>] = [SIMD3(1, 0, 0), SIMD3(-1, 0, 0), SIMD3(0, 1, 0),
                                   SIMD3(0, -1, 0)]
        if !planar { steps += [SIMD3(0, 0, 1), SIMD3(0, 0, -1)] }
        var frontier: [SIMD3<Int>] = []
        for z in slices {
            for y in 0..<grid.size.y {
                for x in 0..<grid.size.x where grid.morphology[grid.index(x, y, z)] {
                    let p = SIMD3(x, y, z)
                    if steps.contains(where: { s in
                        let q = p &+ s
                        return !grid.inMorphology(q.x, q.y, q.z) }) {
                        d[grid.index(x, y, z)] = 1
                        frontier.append(p)
                    }
                }
            }
        }
        var current = 1
        while !frontier.isEmpty {
            var next: [SIMD3<Int>] = []
            for p in frontier {
                for s in steps {
                    let q = p &+ s
                    guard grid.inMorphology(q.x, q.y, q.z) else { continue }
                    let k = grid.index(q.x, q.y, q.z)
                    if d[k] == 0 {
                        d[k] = current + 1
                        next.append(q)
                    }
                }
            }
            frontier = next
            current += 1
        }
        return d
    }

    /// Count matrix (N_g rows x `columns`) of zones by level and size (or distance).
    static func matrix(_ zones: [Zone], ng: Int, columns: Int, byDistance: Bool) -> [Double] {
        var m = [Double](repeating: 0, count: ng * columns)
        for zone in zones {
            let j = byDistance ? zone.distance : zone.size
            m[(Int(zone.level) - 1) * columns + j - 1] += 1
        }
        return m
    }
}

/// Features shared by GLRLM, GLSZM, GLDZM and NGLDM (IBSI 1 defines them alike): of a count
/// matrix m (N_g rows for the grey levels i = 1...N_g, `columns` for j = 1...), with
/// N_s = sum of counts and N_v the voxels for the percentage feature.
///
/// Order: small-j emphasis, large-j emphasis, low grey emphasis, high grey emphasis, small-j
/// low grey, small-j high grey, large-j low grey, large-j high grey, grey level
/// non-uniformity, its normalised form, j non-uniformity, its normalised form, percentage
/// N_s / N_v, grey level variance, j variance, j entropy, j energy (NGLDM only). Nil when the
/// matrix is empty.
func ibsiCountMatrixFeatures(_ m: [Double], ng: Int, columns: Int, voxels: Double)
    -> [Double]? {
    let ns = m.reduce(0, +)
    guard ns > 0 else { return nil }
    var rowSums = [Double](repeating: 0, count: ng)
    var colSums = [Double](repeating: 0, count: columns)
    var f = [Double](repeating: 0, count: 8)
    var muI = 0.0, muJ = 0.0, entropy = 0.0, energy = 0.0
    for i in 0..<ng {
        let gi = Double(i + 1), i2 = gi * gi
        for j in 0..<columns {
            let v = m[i * columns + j]
            guard v > 0 else { continue }
            let gj = Double(j + 1), j2 = gj * gj
            rowSums[i] += v
            colSums[j] += v
            f[0] += v / j2
            f[1] += v * j2
            f[2] += v / i2
            f[3] += v * i2
            f[4] += v / (i2 * j2)
            f[5] += v * i2 / j2
            f[6] += v * j2 / i2
            f[7] += v * i2 * j2
            let p = v / ns
            muI += gi * p
            muJ += gj * p
            entropy -= p * log2(p)
            energy += p * p
        }
    }
    var varI = 0.0, varJ = 0.0
    for i in 0..<ng {
        for j in 0..<columns {
            let v = m[i * columns + j]
            guard v > 0 else { continue }
            let p = v / ns
            varI += (Double(i + 1) - muI) * (Double(i + 1) - muI) * p
            varJ += (Double(j + 1) - muJ) * (Double(j + 1) - muJ) * p
        }
    }
    let glnu = rowSums.reduce(0) { $0 + $1 * $1 } / ns
    let jnu = colSums.reduce(0) { $0 + $1 * $1 } / ns
    return f.map { $0 / ns } + [glnu, glnu / ns, jnu, jnu / ns, ns / voxels, varI, varJ,
                                entropy, energy]
}
