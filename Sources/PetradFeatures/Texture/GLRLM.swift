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
    static let naming = GreyLevelSizeFeatures.Naming(
        small: "ShortRun", large: "LongRun", greyLevelUnit: "Run", sizeUnit: "RunLength",
        unit: "Run")

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let ngc = grid.grayLevels.count
        let maxRun = max(grid.size.x, grid.size.y, grid.size.z)
        let averaged = directionAveragedFeatures(
            directions: textureDirections(grid, settings: settings, distances: [1],
                                          bidirectional: false),
            weightingNorm: settings.weightingNorm, rowCount: ngc, colCount: maxRun,
            weight: { glrlmWeight($0, spacing: settings.spacing, norm: $1) },
            pairs: { runPairs(grid, offset: $0) },
            features: { directionFeatures($0, grid: grid) })
        guard let values = averaged else {
            return TextureFeatureSet.allNaN(names, reason: "GLRLM: no line through the ROI "
                + "holds more than one ROI voxel in any direction, so no run length exists")
        }
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

    /// Every GLRLM feature of one (possibly weighted) run length matrix, in `names` order:
    /// the grey level / size family with runs as sizes (`N_r` = `N_z`).
    static func directionFeatures(_ m: SparseMatrix, grid: TextureGrid) -> [Double] {
        GreyLevelSizeFeatures(m, grid: grid).values(of: names, naming: naming)
    }
}
