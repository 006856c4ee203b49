import Foundation

/// Grey Level Dependence Matrix features, as PyRadiomics 3.x `radiomics/gldm.py` computes them
/// (IBSI chapter 3.10, "neighbouring grey level dependence" with coarseness `alpha`).
///
/// For each ROI voxel of level i, its dependence is the number of neighbours (every offset of
/// infinity norm in `distances`, both signs; in-plane only with `force2D`) that lie in the ROI
/// and differ from i by at most `gldm_a`. `P(i, j)` counts voxels of level i with dependence
/// j - 1; `N_z` = `N_p` is the number of ROI voxels. There is one matrix.
///
/// Degenerate case: a one-voxel ROI has dependence 0 (j = 1), so every feature has a value.
enum GLDM {
    static let names = textureFeatureNames(.gldm)

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let neighbours = textureDirections(size: grid.size, distances: settings.distances,
                                           force2D: settings.force2D,
                                           force2Ddimension: settings.force2Ddimension,
                                           bidirectional: true)
        let n = grid.size
        var pairs: [Int32] = []
        pairs.reserveCapacity(2 * grid.voxelCount)
        grid.levels.withUnsafeBufferPointer { v in
            grid.compact.withUnsafeBufferPointer { c in
                var index = 0
                for z in 0..<n.z {
                    for y in 0..<n.y {
                        for x in 0..<n.x {
                            defer { index += 1 }
                            let level = c[index]
                            if level < 0 { continue }
                            let centre = Double(v[index])
                            var dependence: Int32 = 0
                            for o in neighbours {
                                let nx = x + o.x, ny = y + o.y, nz = z + o.z
                                if nx < 0 || nx >= n.x || ny < 0 || ny >= n.y || nz < 0
                                    || nz >= n.z { continue }
                                let j = nx + n.x * (ny + n.y * nz)
                                if v[j] > 0 && abs(centre - Double(v[j])) <= settings.gldmA {
                                    dependence += 1
                                }
                            }
                            pairs.append(level)
                            pairs.append(dependence)
                        }
                    }
                }
            }
        }
        let m = SparseMatrix(pairs: pairs, chunkEnds: [pairs.count / 2], weights: [1],
                             rowCount: grid.grayLevels.count, colCount: neighbours.count + 1)
        // The GLSZM formulas with zone size -> dependence + 1; GLDM keeps 14 of the 16.
        let z = GLSZM.zoneFeatures(m, grid: grid)
        // zone order: GLN 0, GLNN 1, GLV 2, HGLZE 3, LAE 4, LAHGLE 5, LALGLE 6, LGLZE 7, SZN 8,
        // SZNN 9, SAE 10, SAHGLE 11, SALGLE 12, ZE 13, ZP 14, ZV 15
        let values = [z[13], z[8], z[9], z[15], z[0], z[2], z[3], z[4], z[5], z[6], z[7],
                      z[10], z[11], z[12]]
        return TextureFeatureSet(names: names, values: values, className: "GLDM")
    }
}
