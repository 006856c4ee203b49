import Foundation

/// The discretised ROI as the IBSI texture matrices walk it: grey levels in IBSI numbering
/// (1 = first bin from the discretisation origin, absent levels kept), 0 outside the ROI,
/// cropped to the ROI's bounding box. Slices are the z planes (IBSI 2D = axial).
struct IBSIGrid {
    let size: SIMD3<Int>
    let levels: [Int32]
    /// N_g: the number of grey levels (largest level if the ROI holds more than `roi.ng`).
    let ng: Int
    /// Voxels in the ROI.
    let voxelCount: Int

    init(_ roi: DiscretisedROI) {
        let n = roi.size
        var lower = n
        var upper = SIMD3<Int>(-1, -1, -1)
        var largest: Int32 = 0
        var count = 0
        var index = 0
        for z in 0..<n.z {
            for y in 0..<n.y {
                for x in 0..<n.x {
                    let level = roi.levels[index]
                    if level > 0 {
                        lower = pointwiseMin(lower, SIMD3(x, y, z))
                        upper = pointwiseMax(upper, SIMD3(x, y, z))
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
            return
        }
        let box = upper &- lower &+ 1
        var cropped = [Int32](repeating: 0, count: box.x * box.y * box.z)
        var out = 0
        for z in lower.z...upper.z {
            for y in lower.y...upper.y {
                let row = lower.x + n.x * (y + n.y * z)
                for x in 0..<box.x {
                    cropped[out] = max(roi.levels[row + x], 0)
                    out += 1
                }
            }
        }
        size = box
        levels = cropped
    }

    @inline(__always)
    func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + size.x * (y + size.y * z) }

    /// Level at (x, y, z), 0 outside the box or the ROI.
    @inline(__always)
    func level(_ x: Int, _ y: Int, _ z: Int) -> Int32 {
        guard x >= 0, y >= 0, z >= 0, x < size.x, y < size.y, z < size.z else { return 0 }
        return levels[index(x, y, z)]
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
