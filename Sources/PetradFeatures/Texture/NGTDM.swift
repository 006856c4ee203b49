import Foundation

/// Neighbouring Grey Tone Difference Matrix features, as PyRadiomics 3.x `radiomics/ngtdm.py`
/// computes them (IBSI chapter 3.9).
///
/// For each ROI voxel of level i, `A` is the mean level of its neighbours in the ROI (every
/// offset of infinity norm in `distances`, both signs; in-plane with `force2D`); a voxel with
/// no neighbour in the ROI contributes 0. `s_i = sum |i - A|` over voxels of level i,
/// `n_i` their number, `p_i = n_i / N_vp` (N_vp = every ROI voxel, as in PyRadiomics), and
/// `N_gp` the number of levels present.
///
/// Degenerate cases (PyRadiomics' values): one grey level (or no neighbours at all) gives
/// Coarseness 10^6 and Contrast, Busyness, Complexity, Strength 0.
enum NGTDM {
    static let names = textureFeatureNames(.ngtdm)

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let ngc = grid.grayLevels.count
        var count = [Double](repeating: 0, count: ngc)
        var s = [Double](repeating: 0, count: ngc)
        VoxelNeighbourhood(grid, settings: settings).forEachVoxel { level, grey, neighbours in
            var found = 0.0
            var sum = 0.0
            for neighbour in neighbours {
                found += 1
                sum += Double(neighbour)
            }
            let diff = found == 0 ? 0 : abs(Double(grey) - sum / found)
            count[Int(level)] += 1
            s[Int(level)] += diff
        }
        let nvp = count.reduce(0, +)
        let p = count.map { $0 / nvp }
        let i = grid.grayLevels.map(Double.init)
        let ngp = Double(ngc)

        var piSi = 0.0, sumS = 0.0
        for k in 0..<ngc {
            piSi += p[k] * s[k]
            sumS += s[k]
        }
        let coarseness = piSi != 0 ? 1 / piSi : 1e6

        var contrastSum = 0.0, absDiff = 0.0, complexity = 0.0, strengthSum = 0.0
        for a in 0..<ngc {
            for b in 0..<ngc {
                let d = i[a] - i[b]
                contrastSum += p[a] * p[b] * d * d
                absDiff += abs(i[a] * p[a] - i[b] * p[b])
                complexity += abs(d) * (p[a] * s[a] + p[b] * s[b]) / (p[a] + p[b])
                strengthSum += (p[a] + p[b]) * d * d
            }
        }
        let div = ngp * (ngp - 1)
        let contrast = div != 0 ? contrastSum * sumS / nvp / div : 0
        let busyness = absDiff != 0 ? piSi / absDiff : 0
        let strength = sumS != 0 ? strengthSum / sumS : 0
        // names order: Busyness, Coarseness, Complexity, Contrast, Strength
        let values = [busyness, coarseness, complexity / nvp, contrast, strength]
        return TextureFeatureSet(names: names, values: values, className: "NGTDM")
    }
}
