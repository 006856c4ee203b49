import Foundation

/// Grey Level Co-occurrence Matrix features, as PyRadiomics 3.x `radiomics/glcm.py` computes
/// them (IBSI chapter 3.6, with PyRadiomics' choices where the two differ).
///
/// For each direction `a` (13 in 3D, 4 with `force2D`, more with larger `distances`), `P_a(i, j)`
/// counts ROI voxels of level i whose neighbour at offset `a` is in the ROI with level j; with
/// `symmetricalGLCM` the transpose is added. Each matrix is normalised to `p = P / sum P`,
/// every feature is computed per direction and averaged over the directions whose matrix is not
/// empty (`numpy.nanmean`). With `weightingNorm` the matrices are first summed with weights
/// `exp(-||a * spacing||^2)` into one matrix. Grey levels absent from the ROI are dropped;
/// `i`, `j` are the level values themselves and `Ng` (in Idmn, Idn) is the largest level, as in
/// PyRadiomics (IBSI counts grey levels from the ROI's first bin the same way only when the
/// discretisation starts at level 1, which PyRadiomics' binning always does).
///
/// Degenerate cases (PyRadiomics' values): one grey level gives Contrast 0, JointEnergy 1,
/// JointEntropy 0, Correlation 1, Imc1 0, Imc2 0, MCC 1; no neighbouring pair of ROI voxels in
/// any direction gives NaN for every feature.
enum GLCM {
    static let names = textureFeatureNames(.glcm)

    static func features(_ grid: TextureGrid, settings: TextureSettings) -> TextureFeatureSet {
        let directions = textureDirections(grid, settings: settings, bidirectional: false)
        let ngc = grid.grayLevels.count
        let averaged = directionAveragedFeatures(
            directions: directions, weightingNorm: settings.weightingNorm,
            rowCount: ngc, colCount: ngc,
            weight: { glcmWeight($0, spacing: settings.spacing, norm: $1) },
            pairs: { pairs(grid, offset: $0, symmetric: settings.symmetricalGLCM) },
            features: { directionFeatures($0, grid: grid) })
        guard var values = averaged else {
            let reason = directions.isEmpty
                ? "GLCM: the ROI's bounding box (\(grid.size.x)x\(grid.size.y)x\(grid.size.z) "
                    + "voxels) admits no neighbour offset, so no co-occurrence exists"
                : "GLCM: no two ROI voxels are neighbours in any direction, so the "
                    + "co-occurrence matrix is empty"
            return TextureFeatureSet.allNaN(names, reason: reason)
        }
        // MCC of a single grey level is 1 (PyRadiomics: fewer than two eigenvalues).
        if ngc < 2 { values[Feature.mcc.rawValue] = 1 }
        return TextureFeatureSet(names: names, values: values, className: "GLCM")
    }

    /// (level index of the voxel, level index of its neighbour at `offset`) for every ROI voxel
    /// whose neighbour is in the ROI, and the reversed pair too when `symmetric`.
    static func pairs(_ grid: TextureGrid, offset: SIMD3<Int>, symmetric: Bool) -> [Int32] {
        let n = grid.size
        let step = grid.step(offset)
        var out: [Int32] = []
        out.reserveCapacity(grid.voxelCount * (symmetric ? 4 : 2))
        grid.compact.withUnsafeBufferPointer { c in
            for z in max(0, -offset.z)..<min(n.z, n.z - offset.z) {
                for y in max(0, -offset.y)..<min(n.y, n.y - offset.y) {
                    let row = n.x * (y + n.y * z)
                    for x in max(0, -offset.x)..<min(n.x, n.x - offset.x) {
                        let i = c[row + x]
                        if i < 0 { continue }
                        let j = c[row + x + step]
                        if j < 0 { continue }
                        out.append(i)
                        out.append(j)
                        if symmetric {
                            out.append(j)
                            out.append(i)
                        }
                    }
                }
            }
        }
        return out
    }

    /// PyRadiomics' GLCM direction weight: `exp(-d^2)` with `d` the offset's length in mm under
    /// the chosen norm (infinity: max, euclidean: sqrt of sum of squares, manhattan: sum);
    /// "no_weighting" and any unknown norm give 1.
    static func glcmWeight(_ offset: SIMD3<Int>, spacing: SIMD3<Double>, norm: String) -> Double {
        let mm = SIMD3(Double(abs(offset.x)), Double(abs(offset.y)), Double(abs(offset.z)))
            * spacing
        switch norm {
        case "infinity":
            let d = max(mm.x, mm.y, mm.z)
            return exp(-d * d)
        case "euclidean": return exp(-(mm * mm).sum())
        case "manhattan":
            let d = mm.sum()
            return exp(-d * d)
        default: return 1
        }
    }

    /// The GLCM features in `names` order; a feature's raw value is its index in a value list.
    enum Feature: Int {
        case autocorrelation, clusterProminence, clusterShade, clusterTendency, contrast,
             correlation, differenceAverage, differenceEntropy, differenceVariance, id, idm,
             idmn, idn, imc1, imc2, inverseVariance, jointAverage, jointEnergy, jointEntropy,
             mcc, maximumProbability, sumAverage, sumEntropy, sumSquares
    }

    /// Every GLCM feature of one normalised matrix, in `names` order (formulas of
    /// PyRadiomics' `glcm.py`; `eps` = `numpy.spacing(1)` where PyRadiomics adds it).
    static func directionFeatures(_ m: SparseMatrix, grid: TextureGrid) -> [Double] {
        let ngc = grid.grayLevels.count
        let ng = grid.ng
        let eps = textureEpsilon
        let level = grid.grayLevels.map(Double.init)
        let count = m.values.count
        var p = [Double](repeating: 0, count: count)
        for k in 0..<count { p[k] = m.values[k] / m.total }

        var px = [Double](repeating: 0, count: ngc)
        var py = [Double](repeating: 0, count: ngc)
        var pxAddy = [Double](repeating: 0, count: 2 * ng + 1)
        var pxSuby = [Double](repeating: 0, count: ng + 1)
        var ux = 0.0, uy = 0.0
        var autocorrelation = 0.0, contrast = 0.0, energy = 0.0, hxy = 0.0, maxP = 0.0
        for k in 0..<count {
            let r = Int(m.rows[k]), c = Int(m.cols[k])
            let i = level[r], j = level[c], pk = p[k]
            px[r] += pk
            py[c] += pk
            ux += pk * i
            uy += pk * j
            pxAddy[grid.grayLevels[r] + grid.grayLevels[c]] += pk
            pxSuby[abs(grid.grayLevels[r] - grid.grayLevels[c])] += pk
            autocorrelation += pk * i * j
            contrast += pk * (i - j) * (i - j)
            energy += pk * pk
            hxy -= pk * log2(pk + eps)
            maxP = max(maxP, pk)
        }

        var prominence = 0.0, shade = 0.0, tendency = 0.0, sigx2 = 0.0, sigy2 = 0.0
        var corm = 0.0, hxy1 = 0.0
        for k in 0..<count {
            let r = Int(m.rows[k]), c = Int(m.cols[k])
            let i = level[r], j = level[c], pk = p[k]
            let s = i + j - ux - uy
            let s2 = s * s
            tendency += pk * s2
            shade += pk * s2 * s
            prominence += pk * s2 * s2
            sigx2 += pk * (i - ux) * (i - ux)
            sigy2 += pk * (j - uy) * (j - uy)
            corm += pk * (i - ux) * (j - uy)
            hxy1 -= pk * log2(px[r] * py[c] + eps)
        }
        let sigxy = sigx2.squareRoot() * sigy2.squareRoot()
        let correlation = sigxy == 0 ? 1 : corm / (sigxy + eps)

        var hx = 0.0, hy = 0.0
        for v in px where v > 0 { hx -= v * log2(v + eps) }
        for v in py where v > 0 { hy -= v * log2(v + eps) }
        var hxy2 = 0.0
        for a in 0..<ngc where px[a] > 0 {
            for b in 0..<ngc where py[b] > 0 {
                let q = px[a] * py[b]
                hxy2 -= q * log2(q + eps)
            }
        }
        let div = max(hx, hy)
        let imc1 = div != 0 ? (hxy - hxy1) / div : 0
        let imc2 = hxy2 == hxy ? 0 : (1 - exp(-2 * (hxy2 - hxy))).squareRoot()

        var diffAverage = 0.0, diffEntropy = 0.0, idm = 0.0, idmn = 0.0, id = 0.0, idn = 0.0
        var inverseVariance = 0.0
        let ngD = Double(ng)
        for k in 0..<ng {
            let v = pxSuby[k]
            if v == 0 { continue }
            let kd = Double(k)
            diffAverage += kd * v
            diffEntropy -= v * log2(v + eps)
            idm += v / (1 + kd * kd)
            idmn += v / (1 + kd * kd / (ngD * ngD))
            id += v / (1 + kd)
            idn += v / (1 + kd / ngD)
            if k > 0 { inverseVariance += v / (kd * kd) }
        }
        var diffVariance = 0.0
        for k in 0..<ng where pxSuby[k] != 0 {
            let d = Double(k) - diffAverage
            diffVariance += pxSuby[k] * d * d
        }
        var sumAverage = 0.0, sumEntropy = 0.0
        for k in 2...(2 * ng) where pxAddy[k] != 0 {
            sumAverage += Double(k) * pxAddy[k]
            sumEntropy -= pxAddy[k] * log2(pxAddy[k] + eps)
        }

        // In `Feature` order, which is `names` order.
        return [autocorrelation, prominence, shade, tendency, contrast, correlation, diffAverage,
                max(0, diffEntropy), diffVariance, id, idm, idmn, idn, imc1, imc2,
                inverseVariance, ux, energy, max(0, hxy),
                maximalCorrelationCoefficient(m, p: p, px: px, py: py), maxP, sumAverage,
                max(0, sumEntropy), sigx2]
    }
}
