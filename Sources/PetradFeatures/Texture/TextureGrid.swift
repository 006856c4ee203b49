import Foundation

/// The ROI as the texture matrices walk it: cropped to the bounding box of its voxels (the box
/// PyRadiomics' C code receives after `cropToTumorMask` without padding), with every grey level
/// also relabelled to a compact index over the levels present (0..<`grayLevels.count`).
///
/// Matrices are indexed by the compact index, so their size follows the number of grey levels
/// present, never the largest level; features read the level value `grayLevels[c]`.
struct TextureGrid {
    /// Size of the ROI's bounding box (x, y, z).
    let size: SIMD3<Int>
    /// Grey level per voxel of the box, x fastest; 0 outside the ROI.
    let levels: [Int32]
    /// Compact index per voxel of the box; -1 outside the ROI.
    let compact: [Int32]
    /// Grey levels present in the ROI, ascending (PyRadiomics `coefficients["grayLevels"]`).
    let grayLevels: [Int]
    /// Largest grey level (PyRadiomics `Ng`).
    let ng: Int
    /// Number of voxels in the ROI (`Np`).
    let voxelCount: Int

    init(_ roi: DiscretisedROI) {
        let n = roi.size
        var lower = n
        var upper = SIMD3<Int>(-1, -1, -1)
        var maxLevel: Int32 = 0
        roi.levels.withUnsafeBufferPointer { v in
            var index = 0
            for z in 0..<n.z {
                for y in 0..<n.y {
                    for x in 0..<n.x {
                        let level = v[index]
                        if level > 0 {
                            lower = pointwiseMin(lower, SIMD3(x, y, z))
                            upper = pointwiseMax(upper, SIMD3(x, y, z))
                            if level > maxLevel { maxLevel = level }
                        }
                        index += 1
                    }
                }
            }
        }
        guard upper.x >= 0 else {
            size = .zero
            levels = []
            compact = []
            grayLevels = []
            ng = 0
            voxelCount = 0
            return
        }
        let box = upper &- lower &+ 1
        var cropped = [Int32](repeating: 0, count: box.x * box.y * box.z)
        var present = [Bool](repeating: false, count: Int(maxLevel) + 1)
        var count = 0
        roi.levels.withUnsafeBufferPointer { v in
            var out = 0
            for z in lower.z...upper.z {
                for y in lower.y...upper.y {
                    let row = lower.x + n.x * (y + n.y * z)
                    for x in 0..<box.x {
                        let level = max(v[row + x], 0)
                        cropped[out] = level
                        if level > 0 {
                            present[Int(level)] = true
                            count += 1
                        }
                        out += 1
                    }
                }
            }
        }
        var relabel = [Int32](repeating: -1, count: Int(maxLevel) + 1)
        var gray: [Int] = []
        for level in 1..<present.count where present[level] {
            relabel[level] = Int32(gray.count)
            gray.append(level)
        }
        size = box
        levels = cropped
        compact = cropped.map { relabel[Int($0)] }
        grayLevels = gray
        ng = Int(maxLevel)
        voxelCount = count
    }

    /// Linear index step of an offset (x fastest).
    @inline(__always)
    func step(_ offset: SIMD3<Int>) -> Int {
        offset.x + size.x * (offset.y + size.y * offset.z)
    }
}

/// The neighbour offsets PyRadiomics uses (`cmatrices.c`, `build_angles`): every offset whose
/// infinity norm is one of `distances`, that stays inside a box of `size` (|offset| < size on
/// each axis) and, with `force2D`, does not move along the out-of-plane axis. Offsets come in
/// PyRadiomics' order; when not `bidirectional` only the first half is kept (one of each pair
/// +d, -d), giving 13 directions in 3D and 4 in 2D for distance 1.
///
/// `force2Ddimension` counts axes of PyRadiomics' (z, y, x) array: 0 = z (axial plane).
func textureDirections(size: SIMD3<Int>, distances: [Int], force2D: Bool,
                       force2Ddimension: Int, bidirectional: Bool) -> [SIMD3<Int>] {
    guard let maxDistance = distances.max(), maxDistance >= 1 else { return [] }
    let wanted = Set(distances)
    // PyRadiomics' dimension k of (z, y, x) is our axis 2 - k.
    let outOfPlane = force2D ? 2 - force2Ddimension : -1
    // PyRadiomics walks the cube of side 2 maxDistance + 1 (z outermost, each axis from +d down
    // to -d) and keeps the offsets inside the box; walking only the part inside the box keeps
    // that order and costs at most the box's size, whatever the distance (distances: [10000]).
    var reach = SIMD3<Int>.zero
    for axis in 0..<3 where axis != outOfPlane {
        reach[axis] = max(0, min(maxDistance, size[axis] - 1))
    }
    var offsets: [SIMD3<Int>] = []
    for dz in stride(from: reach.z, through: -reach.z, by: -1) {
        for dy in stride(from: reach.y, through: -reach.y, by: -1) {
            for dx in stride(from: reach.x, through: -reach.x, by: -1) {
                let norm = max(abs(dx), abs(dy), abs(dz))
                if norm >= 1 && wanted.contains(norm) { offsets.append(SIMD3(dx, dy, dz)) }
            }
        }
    }
    return bidirectional ? offsets : Array(offsets.prefix(offsets.count / 2))
}

/// `textureDirections` over `grid`'s bounding box, in the plane `settings` choose; `distances`
/// are the settings' own unless given (GLRLM and GLSZM always look at distance 1).
func textureDirections(_ grid: TextureGrid, settings: TextureSettings, distances: [Int]? = nil,
                       bidirectional: Bool) -> [SIMD3<Int>] {
    textureDirections(size: grid.size, distances: distances ?? settings.distances,
                      force2D: settings.force2D, force2Ddimension: settings.force2Ddimension,
                      bidirectional: bidirectional)
}

/// Accumulates weighted (row, column) pairs into a sparse matrix in time and memory linear in
/// the number of pairs plus the number of rows and columns (rows bucketed by a counting sort,
/// columns summed in one dense scratch row), never rows x columns.
struct SparseMatrix {
    var rows: [Int32] = []
    var cols: [Int32] = []
    var values: [Double] = []
    var total: Double = 0

    init() {}

    /// `pairs` holds (row, column) as consecutive entries; `weights[k]` applies to the pairs of
    /// chunk k (`chunkEnds[k]` is the end of chunk k in pairs, counted in pairs).
    init(pairs: [Int32], chunkEnds: [Int], weights: [Double], rowCount: Int, colCount: Int) {
        let pairCount = pairs.count / 2
        var start = [Int](repeating: 0, count: rowCount + 1)
        for p in 0..<pairCount { start[Int(pairs[2 * p]) + 1] += 1 }
        for r in 0..<rowCount { start[r + 1] += start[r] }
        var fill = start
        var bucketCol = [Int32](repeating: 0, count: pairCount)
        var bucketWeight = [Double](repeating: 0, count: pairCount)
        var chunk = 0
        for p in 0..<pairCount {
            while chunk < chunkEnds.count - 1 && p >= chunkEnds[chunk] { chunk += 1 }
            let r = Int(pairs[2 * p])
            bucketCol[fill[r]] = pairs[2 * p + 1]
            bucketWeight[fill[r]] = weights[chunk]
            fill[r] += 1
        }
        var scratch = [Double](repeating: 0, count: colCount)
        var seen = [Bool](repeating: false, count: colCount)
        var touched: [Int32] = []
        for r in 0..<rowCount where start[r] < start[r + 1] {
            touched.removeAll(keepingCapacity: true)
            for k in start[r]..<start[r + 1] {
                let c = Int(bucketCol[k])
                if !seen[c] {
                    seen[c] = true
                    touched.append(Int32(c))
                }
                scratch[c] += bucketWeight[k]
            }
            touched.sort()
            for c in touched {
                let v = scratch[Int(c)]
                scratch[Int(c)] = 0
                seen[Int(c)] = false
                if v != 0 {
                    rows.append(Int32(r))
                    cols.append(c)
                    values.append(v)
                    total += v
                }
            }
        }
    }

    var isEmpty: Bool { total == 0 }
}

/// PyRadiomics' `numpy.nanmean` over directions: NaN values are skipped; NaN when none is left.
func nanMean(_ values: [Double]) -> Double {
    var sum = 0.0
    var count = 0
    for v in values where !v.isNaN {
        sum += v
        count += 1
    }
    return count == 0 ? .nan : sum / Double(count)
}

/// `numpy.spacing(1)`, the epsilon PyRadiomics adds inside logarithms and denominators.
let textureEpsilon = Double.ulpOfOne

/// `-sum p log2(p + eps)` over the given probabilities, as PyRadiomics writes entropies.
@inline(__always)
func entropyTerm(_ p: Double) -> Double {
    p == 0 ? 0 : -p * log2(p + textureEpsilon)
}
