import Foundation

/// The neighbourhood that GLDM and NGTDM read around every ROI voxel, as PyRadiomics'
/// `cmatrices.c` (`calculate_gldm`, `calculate_ngtdm`) walks it: every offset whose infinity
/// norm is one of `distances`, in both signs (26 offsets in 3D at distance 1, 8 in-plane with
/// `force2D`). A neighbour counts when it lies inside the ROI's bounding box and in the ROI.
struct VoxelNeighbourhood {
    let grid: TextureGrid
    /// The offsets in PyRadiomics' order (`textureDirections`, both signs).
    let offsets: [SIMD3<Int>]
    /// Linear index step of each offset in `grid` (x fastest).
    private let steps: [Int]
    /// Largest |offset| along each axis: a voxel at least this far from every face of the box
    /// has all its neighbours inside it, so their bounds need no check.
    private let reach: SIMD3<Int>

    init(_ grid: TextureGrid, settings: TextureSettings) {
        self.grid = grid
        offsets = textureDirections(grid, settings: settings, bidirectional: true)
        steps = offsets.map { grid.step($0) }
        reach = offsets.reduce(SIMD3<Int>.zero) { pointwiseMax($0, pointwiseMax($1, 0 &- $1)) }
    }

    /// Calls `body` for every ROI voxel, x fastest, with its compact level index, its grey
    /// level and the grey levels of its neighbours in the ROI, in `offsets` order. The
    /// neighbours are read from the grid while `body` iterates them; nothing is allocated per
    /// voxel.
    @inline(__always)
    func forEachVoxel(_ body: (_ level: Int32, _ grey: Int32,
                               _ neighbours: NeighbourGreyLevels) -> Void) {
        let n = grid.size
        let inner = n &- reach
        offsets.withUnsafeBufferPointer { o in
            steps.withUnsafeBufferPointer { s in
                grid.levels.withUnsafeBufferPointer { v in
                    grid.compact.withUnsafeBufferPointer { c in
                        var index = 0
                        for z in 0..<n.z {
                            for y in 0..<n.y {
                                for x in 0..<n.x {
                                    defer { index += 1 }
                                    let level = c[index]
                                    if level < 0 { continue }
                                    let interior = x >= reach.x && x < inner.x && y >= reach.y
                                        && y < inner.y && z >= reach.z && z < inner.z
                                    body(level, v[index], NeighbourGreyLevels(
                                        levels: v, offsets: o, steps: s, size: n,
                                        voxel: SIMD3(x, y, z), index: index,
                                        interior: interior))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The grey levels of one voxel's neighbours that lie in the ROI, in offset order; valid only
/// inside `VoxelNeighbourhood.forEachVoxel`'s body.
struct NeighbourGreyLevels: Sequence, IteratorProtocol {
    /// Grey level per voxel of the box (`TextureGrid.levels`), 0 outside the ROI.
    let levels: UnsafeBufferPointer<Int32>
    /// The neighbourhood's offsets and their linear index steps.
    let offsets: UnsafeBufferPointer<SIMD3<Int>>
    let steps: UnsafeBufferPointer<Int>
    /// Size of the box.
    let size: SIMD3<Int>
    /// Position and linear index of the centre voxel.
    let voxel: SIMD3<Int>
    let index: Int
    /// Every neighbour is inside the box (no bounds check needed).
    let interior: Bool
    /// Index of the next offset to read.
    var position = 0

    @inline(__always)
    mutating func next() -> Int32? {
        while position < steps.count {
            let k = position
            position += 1
            if !interior {
                let p = voxel &+ offsets[k]
                if p.x < 0 || p.x >= size.x || p.y < 0 || p.y >= size.y || p.z < 0
                    || p.z >= size.z { continue }
            }
            let grey = levels[index + steps[k]]
            if grey > 0 { return grey }
        }
        return nil
    }
}
