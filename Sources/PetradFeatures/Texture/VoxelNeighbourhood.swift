import Foundation

/// The neighbourhood that GLDM and NGTDM read around every ROI voxel, as PyRadiomics'
/// `cmatrices.c` (`calculate_gldm`, `calculate_ngtdm`) walks it: every offset whose infinity
/// norm is one of `distances`, in both signs (26 offsets in 3D at distance 1, 8 in-plane with
/// `force2D`). A neighbour counts when it lies inside the ROI's bounding box and in the ROI.
struct VoxelNeighbourhood {
    let grid: TextureGrid
    /// The offsets in PyRadiomics' order (`textureDirections`, both signs).
    let offsets: [SIMD3<Int>]

    init(_ grid: TextureGrid, settings: TextureSettings) {
        self.grid = grid
        offsets = textureDirections(grid, settings: settings, bidirectional: true)
    }

    /// Calls `body` for every ROI voxel, x fastest, with its compact level index, its grey
    /// level and the grey levels of its neighbours in the ROI, in `offsets` order. The
    /// neighbours live in one scratch buffer reused from voxel to voxel: read them in `body`,
    /// do not keep them.
    @inline(__always)
    func forEachVoxel(_ body: (_ level: Int32, _ grey: Int32,
                               _ neighbours: UnsafeBufferPointer<Int32>) -> Void) {
        let n = grid.size
        var scratch = [Int32](repeating: 0, count: offsets.count)
        scratch.withUnsafeMutableBufferPointer { found in
            grid.levels.withUnsafeBufferPointer { v in
                grid.compact.withUnsafeBufferPointer { c in
                    var index = 0
                    for z in 0..<n.z {
                        for y in 0..<n.y {
                            for x in 0..<n.x {
                                defer { index += 1 }
                                let level = c[index]
                                if level < 0 { continue }
                                var count = 0
                                for o in offsets {
                                    let nx = x + o.x, ny = y + o.y, nz = z + o.z
                                    if nx < 0 || nx >= n.x || ny < 0 || ny >= n.y || nz < 0
                                        || nz >= n.z { continue }
                                    let grey = v[nx + n.x * (ny + n.y * nz)]
                                    if grey > 0 {
                                        found[count] = grey
                                        count += 1
                                    }
                                }
                                body(level, v[index],
                                     UnsafeBufferPointer(rebasing: found[0..<count]))
                            }
                        }
                    }
                }
            }
        }
    }
}
