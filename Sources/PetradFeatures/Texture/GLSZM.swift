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

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let neighbours = textureDirections(size: grid.size, distances: [1],
                                           force2D: settings.force2D,
                                           force2Ddimension: settings.force2Ddimension,
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

    /// The 16 size-zone features of a (level, size) count matrix, in `names` order; shared by
    /// GLSZM (sizes) and, with dependence counts, by GLDM's formulas.
    static func zoneFeatures(_ m: SparseMatrix, grid: TextureGrid) -> [Double] {
        let eps = textureEpsilon
        let ngc = grid.grayLevels.count
        let nz = m.total == 0 ? 1 : m.total
        var pg = [Double](repeating: 0, count: ngc)
        var ps: [Double] = []
        for k in 0..<m.values.count {
            pg[Int(m.rows[k])] += m.values[k]
            let c = Int(m.cols[k])
            if c >= ps.count { ps.append(contentsOf: repeatElement(0, count: c + 1 - ps.count)) }
            ps[c] += m.values[k]
        }
        var sae = 0.0, lae = 0.0, szn = 0.0, np = 0.0, uj = 0.0
        for (c, v) in ps.enumerated() where v != 0 {
            let j = Double(c + 1)
            sae += v / (j * j)
            lae += v * j * j
            szn += v * v
            np += v * j
            uj += v / nz * j
        }
        if np == 0 { np = 1 }
        var zv = 0.0
        for (c, v) in ps.enumerated() where v != 0 {
            let d = Double(c + 1) - uj
            zv += v / nz * d * d
        }
        var gln = 0.0, lgze = 0.0, hgze = 0.0, ui = 0.0
        for (r, v) in pg.enumerated() where v != 0 {
            let i = Double(grid.grayLevels[r])
            gln += v * v
            lgze += v / (i * i)
            hgze += v * i * i
            ui += v / nz * i
        }
        var glv = 0.0
        for (r, v) in pg.enumerated() where v != 0 {
            let d = Double(grid.grayLevels[r]) - ui
            glv += v / nz * d * d
        }
        var entropy = 0.0, salgle = 0.0, sahgle = 0.0, lalgle = 0.0, lahgle = 0.0
        for k in 0..<m.values.count {
            let v = m.values[k]
            let i = Double(grid.grayLevels[Int(m.rows[k])])
            let j = Double(Int(m.cols[k]) + 1)
            let q = v / nz
            entropy -= q * log2(q + eps)
            salgle += v / (i * i * j * j)
            sahgle += v * i * i / (j * j)
            lalgle += v * j * j / (i * i)
            lahgle += v * i * i * j * j
        }
        // names order: GLN, GLNN, GLV, HGLZE, LAE, LAHGLE, LALGLE, LGLZE, SZN, SZNN, SAE,
        // SAHGLE, SALGLE, ZE, ZP, ZV
        return [gln / nz, gln / (nz * nz), glv, hgze / nz, lae / nz, lahgle / nz, lalgle / nz,
                lgze / nz, szn / nz, szn / (nz * nz), sae / nz, sahgle / nz, salgle / nz,
                max(0, entropy), nz / np, zv]
    }
}
