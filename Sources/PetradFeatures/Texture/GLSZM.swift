import Foundation

/// Grey Level Size Zone Matrix features, as PyRadiomics 3.x `radiomics/glszm.py` computes them
/// (IBSI chapter 3.8).
///
/// A zone is a maximal set of ROI voxels of one grey level connected through the 26
/// neighbours in 3D (8 in-plane neighbours with `force2D`, so zones never cross slices).
/// `P(i, j)` counts zones of level i and size j; `N_z` is the number of zones and `N_p` the
/// number of ROI voxels. There is one matrix, no direction averaging.
///
/// Degenerate case: a one-voxel ROI is one zone of size 1, so every feature has a value
/// (e.g. SmallAreaEmphasis 1, ZonePercentage 1, variances 0).
enum GLSZM {
    static let names = textureFeatureNames(.glszm)
    static let naming = GreyLevelSizeFeatures.Naming(
        small: "SmallArea", large: "LargeArea", greyLevelUnit: "Zone", sizeUnit: "SizeZone",
        unit: "Zone")

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let neighbours = textureDirections(grid, settings: settings, distances: [1],
                                           bidirectional: true)
        let zones = zonePairs(grid, neighbours: neighbours)
        let m = SparseMatrix(pairs: zones, chunkEnds: [zones.count / 2], weights: [1],
                             rowCount: grid.grayLevels.count, colCount: grid.voxelCount)
        let values = zoneFeatures(m, grid: grid)
        return TextureFeatureSet(names: names, values: values, className: "GLSZM")
    }

    /// (level index, zone size - 1) for every zone, found by flood fill with an explicit stack.
    static func zonePairs(_ grid: TextureGrid, neighbours: [SIMD3<Int>]) -> [Int32] {
        let n = grid.size
        var visited = [Bool](repeating: false, count: grid.compact.count)
        var stack: [Int] = []
        var out: [Int32] = []
        grid.compact.withUnsafeBufferPointer { c in
            for start in 0..<c.count where c[start] >= 0 && !visited[start] {
                let level = c[start]
                visited[start] = true
                stack.append(start)
                var size: Int32 = 0
                while let k = stack.popLast() {
                    size += 1
                    let x = k % n.x, y = (k / n.x) % n.y, z = k / (n.x * n.y)
                    for o in neighbours {
                        let nx = x + o.x, ny = y + o.y, nz = z + o.z
                        if nx < 0 || nx >= n.x || ny < 0 || ny >= n.y || nz < 0 || nz >= n.z {
                            continue
                        }
                        let j = nx + n.x * (ny + n.y * nz)
                        if !visited[j] && c[j] == level {
                            visited[j] = true
                            stack.append(j)
                        }
                    }
                }
                out.append(level)
                out.append(size - 1)
            }
        }
        return out
    }

    /// Every GLSZM feature of the zone size matrix, in `names` order: the grey level / size
    /// family with zone sizes as sizes.
    static func zoneFeatures(_ m: SparseMatrix, grid: TextureGrid) -> [Double] {
        GreyLevelSizeFeatures(m, grid: grid).values(of: names, naming: naming)
    }
}
