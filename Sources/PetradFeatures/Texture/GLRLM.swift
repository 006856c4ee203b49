import Foundation

/// Grey Level Run Length Matrix features, as PyRadiomics 3.x `radiomics/glrlm.py` computes them
/// (IBSI chapter 3.7).
///
/// For each of the 13 directions (4 with `force2D`), `P(i, j)` counts runs: maximal sets of
/// consecutive ROI voxels of level i along a line in that direction, of length j; a voxel
/// outside the ROI ends a run. A direction in which no line holds more than one ROI voxel is
/// emptied (PyRadiomics treats the ROI as flat along it) and, like any empty direction, left
/// out of the average. With `weightingNorm` the matrices are summed with weights equal to the
/// offset's length in mm (not its exponential, unlike GLCM). Features are averaged over
/// directions. `N_r` is the number of runs, `N_p` the number of voxels the runs cover.
///
/// Degenerate case: no direction with a run of more than one voxel's extent (a one-voxel ROI)
/// gives NaN for every feature.
enum GLRLM {
    static let names = textureFeatureNames(.glrlm)

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let directions = textureDirections(size: grid.size, distances: [1],
                                           force2D: settings.force2D,
                                           force2Ddimension: settings.force2Ddimension,
                                           bidirectional: false)
        let ngc = grid.grayLevels.count
        let maxRun = max(grid.size.x, grid.size.y, grid.size.z)
        var perMatrix: [[Double]?]
        if let norm = settings.weightingNorm {
            var all: [Int32] = []
            var ends: [Int] = []
            var weights: [Double] = []
            for offset in directions {
                all.append(contentsOf: runPairs(grid, offset: offset))
                ends.append(all.count / 2)
                weights.append(glrlmWeight(offset, spacing: settings.spacing, norm: norm))
            }
            let m = SparseMatrix(pairs: all, chunkEnds: ends, weights: weights,
                                 rowCount: ngc, colCount: maxRun)
            perMatrix = [m.isEmpty ? nil : directionFeatures(m, grid: grid)]
        } else {
            perMatrix = [[Double]?](repeating: nil, count: directions.count)
            perMatrix.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: directions.count) { a in
                    let runs = runPairs(grid, offset: directions[a])
                    let m = SparseMatrix(pairs: runs, chunkEnds: [runs.count / 2],
                                         weights: [1], rowCount: ngc, colCount: maxRun)
                    (base + a).pointee = m.isEmpty ? nil : directionFeatures(m, grid: grid)
                }
            }
        }
        let perDirection = perMatrix.compactMap { $0 }
        if perDirection.isEmpty {
            return TextureFeatureSet.allNaN(names, reason: "GLRLM: no line through the ROI "
                + "holds more than one ROI voxel in any direction, so no run length exists")
        }
        let values = (0..<names.count).map { k in nanMean(perDirection.map { $0[k] }) }
        return TextureFeatureSet(names: names, values: values, className: "GLRLM")
    }

    /// PyRadiomics' GLRLM direction weight: the offset's length in mm under the norm
    /// (infinity: max, euclidean, manhattan: sum); "no_weighting" and unknown norms give 1.
    static func glrlmWeight(_ offset: SIMD3<Int>, spacing: SIMD3<Double>,
                            norm: String) -> Double {
        let mm = SIMD3(Double(abs(offset.x)), Double(abs(offset.y)), Double(abs(offset.z)))
            * spacing
        switch norm {
        case "infinity": return max(mm.x, mm.y, mm.z)
        case "euclidean": return (mm * mm).sum().squareRoot()
        case "manhattan": return mm.sum()
        default: return 1
        }
    }

    /// (level index, run length - 1) for every run along `offset`; empty when no line holds
    /// more than one ROI voxel (PyRadiomics' `multiElement` rule).
    static func runPairs(_ grid: TextureGrid, offset: SIMD3<Int>) -> [Int32] {
        let n = grid.size
        let step = grid.step(offset)
        var out: [Int32] = []
        var multiElement = false
        grid.compact.withUnsafeBufferPointer { c in
            for z in 0..<n.z {
                for y in 0..<n.y {
                    for x in 0..<n.x {
                        // A line starts where the previous voxel along `offset` leaves the box.
                        let px = x - offset.x, py = y - offset.y, pz = z - offset.z
                        if px >= 0 && px < n.x && py >= 0 && py < n.y && pz >= 0 && pz < n.z {
                            continue
                        }
                        var p = SIMD3(x, y, z)
                        var index = x + n.x * (y + n.y * z)
                        var current: Int32 = -1
                        var length: Int32 = 0
                        var elements = 0
                        while true {
                            let level = c[index]
                            if level >= 0 {
                                elements += 1
                                if current == level {
                                    length += 1
                                } else {
                                    if current >= 0 {
                                        out.append(current)
                                        out.append(length - 1)
                                    }
                                    current = level
                                    length = 1
                                }
                            } else if current >= 0 {
                                out.append(current)
                                out.append(length - 1)
                                current = -1
                                length = 0
                            }
                            p &+= offset
                            if p.x < 0 || p.x >= n.x || p.y < 0 || p.y >= n.y || p.z < 0
                                || p.z >= n.z { break }
                            index += step
                        }
                        if current >= 0 {
                            out.append(current)
                            out.append(length - 1)
                        }
                        if elements > 1 { multiElement = true }
                    }
                }
            }
        }
        return multiElement ? out : []
    }

    /// Every GLRLM feature of one (possibly weighted) run length matrix, in `names` order.
    static func directionFeatures(_ m: SparseMatrix, grid: TextureGrid) -> [Double] {
        let eps = textureEpsilon
        let ngc = grid.grayLevels.count
        let nr = m.total
        var pg = [Double](repeating: 0, count: ngc)
        var pr: [Double] = []
        for k in 0..<m.values.count {
            pg[Int(m.rows[k])] += m.values[k]
            let c = Int(m.cols[k])
            if c >= pr.count { pr.append(contentsOf: repeatElement(0, count: c + 1 - pr.count)) }
            pr[c] += m.values[k]
        }
        var sre = 0.0, lre = 0.0, rln = 0.0, np = 0.0, uj = 0.0
        for (c, v) in pr.enumerated() where v != 0 {
            let j = Double(c + 1)
            sre += v / (j * j)
            lre += v * j * j
            rln += v * v
            np += v * j
            uj += v / nr * j
        }
        var rv = 0.0
        for (c, v) in pr.enumerated() where v != 0 {
            let d = Double(c + 1) - uj
            rv += v / nr * d * d
        }
        var gln = 0.0, lglre = 0.0, hglre = 0.0, ui = 0.0
        for (r, v) in pg.enumerated() where v != 0 {
            let i = Double(grid.grayLevels[r])
            gln += v * v
            lglre += v / (i * i)
            hglre += v * i * i
            ui += v / nr * i
        }
        var glv = 0.0
        for (r, v) in pg.enumerated() where v != 0 {
            let d = Double(grid.grayLevels[r]) - ui
            glv += v / nr * d * d
        }
        var entropy = 0.0, srlgle = 0.0, srhgle = 0.0, lrlgle = 0.0, lrhgle = 0.0
        for k in 0..<m.values.count {
            let v = m.values[k]
            let i = Double(grid.grayLevels[Int(m.rows[k])])
            let j = Double(Int(m.cols[k]) + 1)
            let q = v / nr
            entropy -= q * log2(q + eps)
            srlgle += v / (i * i * j * j)
            srhgle += v * i * i / (j * j)
            lrlgle += v * j * j / (i * i)
            lrhgle += v * i * i * j * j
        }
        // names order: GLN, GLNN, GLV, HGLRE, LRE, LRHGLE, LRLGLE, LGLRE, RE, RLN, RLNN, RP,
        // RV, SRE, SRHGLE, SRLGLE
        return [gln / nr, gln / (nr * nr), glv, hglre / nr, lre / nr, lrhgle / nr,
                lrlgle / nr, lglre / nr, max(0, entropy), rln / nr, rln / (nr * nr), nr / np,
                rv, sre / nr, srhgle / nr, srlgle / nr]
    }
}
