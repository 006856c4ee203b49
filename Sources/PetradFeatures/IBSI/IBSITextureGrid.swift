import Foundation

/// The discretised ROI as the IBSI texture matrices walk it: grey levels in IBSI numbering
/// (1 = first bin from the discretisation origin, absent levels kept), 0 outside the ROI
/// intensity mask, with the ROI morphological mask beside them (the GLDZM measures distance to
/// its edge), both cropped to the box that holds the two masks. Slices are the z planes
/// (IBSI 2D = axial).
struct IBSIGrid {
    let size: SIMD3<Int>
    let levels: [Int32]
    /// The morphological mask on the same box: true inside. It holds every voxel with a level.
    let morphology: [Bool]
    /// N_g: the number of grey levels (largest level if the ROI holds more than `roi.ng`).
    let ng: Int
    /// Voxels in the ROI intensity mask.
    let voxelCount: Int

    /// - Parameters:
    ///   - roi: grey levels, 0 outside the intensity mask.
    ///   - morphologicalMask: the morphological mask on `roi`'s grid (x fastest, nonzero
    ///     inside); nil when it is the intensity mask itself. A voxel with a level outside it
    ///     is counted inside (IBSI: the intensity mask is a subset of the morphological mask;
    ///     `IBSIFeatures` refuses inputs where it is not).
    init(_ roi: DiscretisedROI, morphologicalMask: [UInt8]? = nil) {
        let n = roi.size
        if let morphologicalMask {
            precondition(morphologicalMask.count == roi.levels.count,
                         "morphological mask has \(morphologicalMask.count) voxels, the ROI "
                         + "\(roi.levels.count)")
        }
        var lower = n
        var upper = SIMD3<Int>(-1, -1, -1)
        var largest: Int32 = 0
        var count = 0
        var index = 0
        for z in 0..<n.z {
            for y in 0..<n.y {
                for x in 0..<n.x {
                    let level = roi.levels[index]
                    if level > 0 || (morphologicalMask?[index] ?? 0) != 0 {
                        lower = pointwiseMin(lower, SIMD3(x, y, z))
                        upper = pointwiseMax(upper, SIMD3(x, y, z))
                    }
                    if level > 0 {
                        largest = max(largest, level)
                        count += 1
                    }
                    index += 1
                }
            }
        }
        voxelCount = count
        ng = max(roi.ng, Int(largest))
        guard count > 0 else {
            size = .zero
            levels = []
            morphology = []
            return
        }
        let box = upper &- lower &+ 1
        var cropped = [Int32](repeating: 0, count: box.x * box.y * box.z)
        var inside = [Bool](repeating: false, count: cropped.count)
        var out = 0
        for z in lower.z...upper.z {
            for y in lower.y...upper.y {
                let row = lower.x + n.x * (y + n.y * z)
                for x in 0..<box.x {
                    let level = max(roi.levels[row + x], 0)
                    cropped[out] = level
                    inside[out] = level > 0 || (morphologicalMask?[row + x] ?? 0) != 0
                    out += 1
                }
            }
        }
        size = box
        levels = cropped
        morphology = inside
    }

    @inline(__always)
    func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + size.x * (y + size.y * z) }

    /// Level at (x, y, z), 0 outside the box or the ROI.
    @inline(__always)
    func level(_ x: Int, _ y: Int, _ z: Int) -> Int32 {
        guard x >= 0, y >= 0, z >= 0, x < size.x, y < size.y, z < size.z else { return 0 }
        return levels[index(x, y, z)]
    }

    /// True when (x, y, z) is inside the morphological mask (false outside the box).
    @inline(__always)
    func inMorphology(_ x: Int, _ y: Int, _ z: Int) -> Bool {
        guard x >= 0, y >= 0, z >= 0, x < size.x, y < size.y, z < size.z else { return false }
        return morphology[index(x, y, z)]
    }

    /// Slices (z) that hold at least one ROI voxel.
    var occupiedSlices: [Int] {
        let plane = size.x * size.y
        return (0..<size.z).filter { z in
            levels[(z * plane)..<((z + 1) * plane)].contains { $0 > 0 }
        }
    }

    /// The 13 unique 3D neighbour directions, the first 4 in-plane (IBSI 2D directions).
    static let directions: [SIMD3<Int>] = [
        SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(1, 1, 0), SIMD3(1, -1, 0),
        SIMD3(0, 0, 1), SIMD3(1, 0, 1), SIMD3(1, 0, -1), SIMD3(0, 1, 1), SIMD3(0, 1, -1),
        SIMD3(1, 1, 1), SIMD3(1, 1, -1), SIMD3(1, -1, 1), SIMD3(1, -1, -1),
    ]
}

/// Which voxels a matrix is built from and along which directions.
enum IBSIScope {
    /// Slice-by-slice units, in-plane neighbours only.
    case slices
    /// The whole volume, 3D neighbours.
    case volume
}

/// Mean of feature vectors (component-wise), NaN when there are none.
func ibsiAverage(_ vectors: [[Double]], count: Int) -> [Double] {
    guard !vectors.isEmpty else { return [Double](repeating: .nan, count: count) }
    var sum = [Double](repeating: 0, count: count)
    for v in vectors { for k in 0..<count { sum[k] += v[k] } }
    return sum.map { $0 / Double(vectors.count) }
}

@inline(__always)
func ibsiLog2(_ p: Double) -> Double { p > 0 ? log2(p) : 0 }
