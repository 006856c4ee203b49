import PetradImage

/// Which voxels touch: `six` shares a face, `twentySix` shares a face, an edge or a corner.
///
/// Every region grown by petrad's delineation, and every lesion counted by `PETParameters`, is
/// 26-connected unless the caller asks for 6 (26 is what most PET tools use for one lesion; 6
/// splits lesions that touch only at an edge or a corner).
public enum Connectivity: Int, Codable, Sendable, CaseIterable {
    case six = 6
    case twentySix = 26

    /// Index offsets of the neighbours, in a fixed order (z, then y, then x, ascending).
    var offsets: [SIMD3<Int>] {
        var result: [SIMD3<Int>] = []
        for dz in -1...1 {
            for dy in -1...1 {
                for dx in -1...1 {
                    let steps = abs(dx) + abs(dy) + abs(dz)
                    if steps == 0 || (self == .six && steps > 1) { continue }
                    result.append(SIMD3(dx, dy, dz))
                }
            }
        }
        return result
    }
}

extension Geometry {
    /// Voxel index (x, y, z) of a linear index.
    @inline(__always)
    func voxelIndex(ofLinear index: Int) -> SIMD3<Int> {
        let x = index % size.x
        let rest = index / size.x
        return SIMD3(x, rest % size.y, rest / size.y)
    }

    /// True when (x, y, z) lies on the grid.
    @inline(__always)
    func contains(_ index: SIMD3<Int>) -> Bool {
        index.x >= 0 && index.y >= 0 && index.z >= 0
            && index.x < size.x && index.y < size.y && index.z < size.z
    }

    /// Volume of one voxel in mm³ (product of the spacings).
    var voxelVolume: Double { spacing.x * spacing.y * spacing.z }

    /// Physical length (mm) of an index step `delta`: |direction · (spacing .* delta)|.
    func physicalLength(ofIndexStep delta: SIMD3<Double>) -> Double {
        let s = delta * spacing
        let d = direction
        let p = SIMD3(d[0] * s.x + d[1] * s.y + d[2] * s.z,
                      d[3] * s.x + d[4] * s.y + d[5] * s.z,
                      d[6] * s.x + d[7] * s.y + d[8] * s.z)
        return (p * p).sum().squareRoot()
    }
}

/// Connected-region growing: the set of voxels reachable from a start voxel through neighbours
/// that are all allowed and at or above a threshold.
enum RegionGrowing {
    /// Linear indices (ascending) of the region connected to `start` whose voxels satisfy
    /// `value >= threshold` and `allowed[i] != 0`. Empty when the start voxel itself fails.
    ///
    /// Breadth-first search with one preallocated queue; the result depends only on the set,
    /// never on the visiting order.
    static func grow(values: [Double], geometry: Geometry, allowed: [UInt8], start: Int,
                     threshold: Double, connectivity: Connectivity) -> [Int] {
        guard allowed[start] != 0, values[start] >= threshold else { return [] }
        let offsets = connectivity.offsets
        var visited = [UInt8](repeating: 0, count: values.count)
        var queue = [Int]()
        queue.reserveCapacity(1024)
        queue.append(start)
        visited[start] = 1
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            let index = geometry.voxelIndex(ofLinear: current)
            for offset in offsets {
                let neighbour = index &+ offset
                guard geometry.contains(neighbour) else { continue }
                let linear = geometry.linearIndex(neighbour.x, neighbour.y, neighbour.z)
                if visited[linear] != 0 { continue }
                visited[linear] = 1
                if allowed[linear] != 0 && values[linear] >= threshold { queue.append(linear) }
            }
        }
        queue.sort()
        return queue
    }

    /// Walks uphill from `start`: moves to the hottest allowed neighbour while it is strictly
    /// hotter than the current voxel (ties: the lowest linear index), and returns the voxel where
    /// no neighbour is hotter, a local maximum. A start voxel outside `allowed` is returned as is.
    static func climb(values: [Double], geometry: Geometry, allowed: [UInt8], start: Int,
                      connectivity: Connectivity) -> Int {
        let offsets = connectivity.offsets
        var current = start
        while true {
            let index = geometry.voxelIndex(ofLinear: current)
            var best = current
            for offset in offsets {
                let neighbour = index &+ offset
                guard geometry.contains(neighbour) else { continue }
                let linear = geometry.linearIndex(neighbour.x, neighbour.y, neighbour.z)
                guard allowed[linear] != 0 else { continue }
                if values[linear] > values[best]
                    || (values[linear] == values[best] && best != current && linear < best) {
                    best = linear
                }
            }
            if best == current { return current }
            current = best
        }
    }
}
