import Foundation

/// The 16 features that PyRadiomics' `glrlm.py`, `glszm.py` and `gldm.py` compute with the same
/// formulas from a count matrix `P(i, j)` over grey level `i` and a size `j`: the run length
/// (GLRLM), the zone size (GLSZM) or the dependence count + 1 (GLDM). IBSI defines the same
/// family three times (GLRLM, GLSZM, NGLDM); each field names its three IBSI codes, in that order.
///
/// With `N_z = sum P` (runs, zones or voxels), `N_p = sum_j j sum_i P(i, j)` (the voxels the
/// runs or zones cover), `p = P / N_z`, `p_g(i) = sum_j P(i, j)` and `p_s(j) = sum_i P(i, j)`.
/// Sums run over the entries present: grey levels absent from the ROI and sizes that never
/// occur add nothing, so the matrix stays sparse (`SparseMatrix`, columns hold `j - 1`).
///
/// Degenerate case: an empty matrix is read with `N_z = 1` and `N_p = 1`, as PyRadiomics'
/// GLSZM does, so every sum is 0 and every feature 0. GLRLM never asks for one (an empty
/// direction is left out of the average before its features are computed).
struct GreyLevelSizeFeatures {
    /// `sum P(i, j) / j^2 / N_z` (IBSI 22OV short runs, 5QRC small zones, SODN low dependence).
    let smallSizeEmphasis: Double
    /// `sum P(i, j) j^2 / N_z` (IBSI W4KF long runs, 48P8 large zones, IMOQ high dependence).
    let largeSizeEmphasis: Double
    /// `sum P(i, j) / i^2 / N_z` (IBSI V3SW, XMSY, TL9H).
    let lowGreyLevelEmphasis: Double
    /// `sum P(i, j) i^2 / N_z` (IBSI G3QZ, 5GN9, OAE7).
    let highGreyLevelEmphasis: Double
    /// `sum P(i, j) / (i^2 j^2) / N_z` (IBSI HTZT, 5RAI, EQ3F).
    let smallSizeLowGreyLevelEmphasis: Double
    /// `sum P(i, j) i^2 / j^2 / N_z` (IBSI GD3A, HW1V, JA6D).
    let smallSizeHighGreyLevelEmphasis: Double
    /// `sum P(i, j) j^2 / i^2 / N_z` (IBSI IVPO, YH51, NBZI).
    let largeSizeLowGreyLevelEmphasis: Double
    /// `sum P(i, j) i^2 j^2 / N_z` (IBSI 3KUM, J17V, 9QMG).
    let largeSizeHighGreyLevelEmphasis: Double
    /// `sum_i p_g(i)^2 / N_z` (IBSI R5YN, JNSA, FP8K).
    let greyLevelNonUniformity: Double
    /// `sum_i p_g(i)^2 / N_z^2` (IBSI OVBL, Y1RO, 5SPA).
    let greyLevelNonUniformityNormalized: Double
    /// `sum_j p_s(j)^2 / N_z` (IBSI W92Y, 4JP3, Z87G).
    let sizeNonUniformity: Double
    /// `sum_j p_s(j)^2 / N_z^2` (IBSI IC23, VB3A, OKJI).
    let sizeNonUniformityNormalized: Double
    /// `N_z / N_p`: runs or zones per voxel (IBSI 9ZK5, P30P, 6XV8).
    let percentage: Double
    /// `sum p(i, j) (i - mu_i)^2` with `mu_i = sum p(i, j) i` (IBSI 8CE5, BYLV, 1PFV).
    let greyLevelVariance: Double
    /// `sum p(i, j) (j - mu_j)^2` with `mu_j = sum p(i, j) j` (IBSI SXLW, 3NSA, DNX2).
    let sizeVariance: Double
    /// `-sum p(i, j) log2(p(i, j) + eps)`, clamped at 0 (IBSI HJ9O, GU8N, FCBV).
    let entropy: Double

    /// The features of `m`, whose rows are `grid`'s compact level indices and whose columns are
    /// sizes - 1; `m` may be weighted (GLRLM's `weightingNorm`), the formulas are the same.
    init(_ m: SparseMatrix, grid: TextureGrid) {
        let eps = textureEpsilon
        let ngc = grid.grayLevels.count
        let nz = m.total == 0 ? 1 : m.total
        // p_g by compact level index, p_s by size - 1 (grown to the largest size present).
        var pg = [Double](repeating: 0, count: ngc)
        var ps: [Double] = []
        for k in 0..<m.values.count {
            pg[Int(m.rows[k])] += m.values[k]
            let c = Int(m.cols[k])
            if c >= ps.count { ps.append(contentsOf: repeatElement(0, count: c + 1 - ps.count)) }
            ps[c] += m.values[k]
        }

        var small = 0.0, large = 0.0, sizeSquares = 0.0, np = 0.0, uj = 0.0
        for (c, v) in ps.enumerated() where v != 0 {
            let j = Double(c + 1)
            small += v / (j * j)
            large += v * j * j
            sizeSquares += v * v
            np += v * j
            uj += v / nz * j
        }
        if np == 0 { np = 1 }
        var sizeVariance = 0.0
        for (c, v) in ps.enumerated() where v != 0 {
            let d = Double(c + 1) - uj
            sizeVariance += v / nz * d * d
        }

        var greySquares = 0.0, low = 0.0, high = 0.0, ui = 0.0
        for (r, v) in pg.enumerated() where v != 0 {
            let i = Double(grid.grayLevels[r])
            greySquares += v * v
            low += v / (i * i)
            high += v * i * i
            ui += v / nz * i
        }
        var greyVariance = 0.0
        for (r, v) in pg.enumerated() where v != 0 {
            let d = Double(grid.grayLevels[r]) - ui
            greyVariance += v / nz * d * d
        }

        var entropy = 0.0, smallLow = 0.0, smallHigh = 0.0, largeLow = 0.0, largeHigh = 0.0
        for k in 0..<m.values.count {
            let v = m.values[k]
            let i = Double(grid.grayLevels[Int(m.rows[k])])
            let j = Double(Int(m.cols[k]) + 1)
            let q = v / nz
            entropy -= q * log2(q + eps)
            smallLow += v / (i * i * j * j)
            smallHigh += v * i * i / (j * j)
            largeLow += v * j * j / (i * i)
            largeHigh += v * i * i * j * j
        }

        smallSizeEmphasis = small / nz
        largeSizeEmphasis = large / nz
        lowGreyLevelEmphasis = low / nz
        highGreyLevelEmphasis = high / nz
        smallSizeLowGreyLevelEmphasis = smallLow / nz
        smallSizeHighGreyLevelEmphasis = smallHigh / nz
        largeSizeLowGreyLevelEmphasis = largeLow / nz
        largeSizeHighGreyLevelEmphasis = largeHigh / nz
        greyLevelNonUniformity = greySquares / nz
        greyLevelNonUniformityNormalized = greySquares / (nz * nz)
        sizeNonUniformity = sizeSquares / nz
        sizeNonUniformityNormalized = sizeSquares / (nz * nz)
        percentage = nz / np
        greyLevelVariance = greyVariance
        self.sizeVariance = sizeVariance
        self.entropy = max(0, entropy)
    }
}

extension GreyLevelSizeFeatures {
    /// The words a PyRadiomics class puts into the family's feature names.
    struct Naming {
        /// "ShortRun", "SmallArea", "SmallDependence" (in SmallAreaEmphasis and the like).
        let small: String
        /// "LongRun", "LargeArea", "LargeDependence".
        let large: String
        /// "Run", "Zone", "" (in LowGrayLevelRunEmphasis and HighGrayLevelRunEmphasis).
        let greyLevelUnit: String
        /// "RunLength", "SizeZone", "Dependence" (in RunLengthNonUniformity).
        let sizeUnit: String
        /// "Run", "Zone", "Dependence" (in RunEntropy, RunPercentage, RunVariance).
        let unit: String
    }

    /// The values of `names` (a class's feature names, in its order) under the class's naming.
    func values(of names: [String], naming w: Naming) -> [Double] {
        let byName: [String: Double] = [
            w.small + "Emphasis": smallSizeEmphasis,
            w.large + "Emphasis": largeSizeEmphasis,
            "LowGrayLevel" + w.greyLevelUnit + "Emphasis": lowGreyLevelEmphasis,
            "HighGrayLevel" + w.greyLevelUnit + "Emphasis": highGreyLevelEmphasis,
            w.small + "LowGrayLevelEmphasis": smallSizeLowGreyLevelEmphasis,
            w.small + "HighGrayLevelEmphasis": smallSizeHighGreyLevelEmphasis,
            w.large + "LowGrayLevelEmphasis": largeSizeLowGreyLevelEmphasis,
            w.large + "HighGrayLevelEmphasis": largeSizeHighGreyLevelEmphasis,
            "GrayLevelNonUniformity": greyLevelNonUniformity,
            "GrayLevelNonUniformityNormalized": greyLevelNonUniformityNormalized,
            w.sizeUnit + "NonUniformity": sizeNonUniformity,
            w.sizeUnit + "NonUniformityNormalized": sizeNonUniformityNormalized,
            w.unit + "Percentage": percentage,
            "GrayLevelVariance": greyLevelVariance,
            w.unit + "Variance": sizeVariance,
            w.unit + "Entropy": entropy,
        ]
        return names.map { name in
            guard let value = byName[name] else {
                preconditionFailure("\(name) is not a grey level / size feature under \(w)")
            }
            return value
        }
    }
}
