import Foundation

/// IBSI morphological features (HCUG). Mesh volume and area come from `ShapeMesh` (marching
/// cubes on the morphological mask, isolevel 0.5); principal axes from `principalMoments`
/// (covariance of voxel centres in mm); intensity-weighted features use the intensity mask.
enum IBSIMorphology {
    static func features(image: ImageVolume, intensityMask: Volume<UInt8>,
                         morphologicalMask: Volume<UInt8>) -> [IBSIFeatureValue] {
        let mesh = ShapeMesh(mask: morphologicalMask)
        let v = mesh.volume, a = mesh.surfaceArea
        let g = morphologicalMask.geometry
        let s = g.spacing
        var count = 0
        var lower = g.size, upper = SIMD3<Int>(-1, -1, -1)
        var centre = SIMD3<Double>.zero
        for z in 0..<g.size.z {
            for y in 0..<g.size.y {
                for x in 0..<g.size.x where morphologicalMask.voxels[g.linearIndex(x, y, z)] != 0 {
                    count += 1
                    lower = pointwiseMin(lower, SIMD3(x, y, z))
                    upper = pointwiseMax(upper, SIMD3(x, y, z))
                    centre += SIMD3(Double(x), Double(y), Double(z)) * s
                }
            }
        }
        var lookup: [String: Double] = [:]
        if count > 0 {
            centre /= Double(count)
            let voxelVolume = s.x * s.y * s.z
            lookup["volume"] = v
            lookup["vol_approx"] = Double(count) * voxelVolume
            lookup["area_mesh"] = a
            lookup["av"] = a / v
            lookup["comp_1"] = v / (Double.pi.squareRoot() * pow(a, 1.5))
            lookup["comp_2"] = 36 * Double.pi * v * v / (a * a * a)
            lookup["sph_dispr"] = a / pow(36 * Double.pi * v * v, 1.0 / 3)
            lookup["sphericity"] = pow(36 * Double.pi * v * v, 1.0 / 3) / a
            lookup["asphericity"] = pow(a * a * a / (36 * Double.pi * v * v), 1.0 / 3) - 1
            lookup["diam"] = mesh.maximum3DDiameter
            // IBSI (and MIRP) use the unbiased covariance, 1/(N-1): rescale the 1/N moments.
            let unbiased = count > 1 ? Double(count) / Double(count - 1) : 1
            let l = principalMoments(of: morphologicalMask).map { $0 * unbiased }  // smallest first
            let (major, minor, least) = (l[2], l[1], l[0])
            lookup["pca_maj_axis"] = 4 * major.squareRoot()
            lookup["pca_min_axis"] = 4 * minor.squareRoot()
            lookup["pca_least_axis"] = 4 * least.squareRoot()
            lookup["pca_elongation"] = major > 0 ? (minor / major).squareRoot() : .nan
            lookup["pca_flatness"] = major > 0 ? (least / major).squareRoot() : .nan
            // Axis-aligned bounding box of the mesh = the box of the ROI voxels' extents.
            let box = SIMD3<Double>(upper &- lower &+ 1) * s
            lookup["vol_dens_aabb"] = v / (box.x * box.y * box.z)
            lookup["area_dens_aabb"] = a / (2 * (box.x * box.y + box.y * box.z + box.x * box.z))
            // Approximate enclosing ellipsoid: semi-axes 2 sqrt(lambda).
            let ea = 2 * major.squareRoot(), eb = 2 * minor.squareRoot()
            let ec = 2 * least.squareRoot()
            lookup["vol_dens_aee"] = v / (4 * Double.pi / 3 * ea * eb * ec)
            lookup["area_dens_aee"] = a / ellipsoidArea(ea, eb, ec)
            let hull = IBSIConvexHull.volumeAndArea(morphologicalMask)
            lookup["vol_dens_conv_hull"] = v / hull.volume
            lookup["area_dens_conv_hull"] = a / hull.area
        }
        // Intensity-based morphology on the intensity mask.
        var intensities: [Double] = []
        var points: [SIMD3<Double>] = []
        var weighted = SIMD3<Double>.zero
        for z in 0..<g.size.z {
            for y in 0..<g.size.y {
                for x in 0..<g.size.x {
                    let k = g.linearIndex(x, y, z)
                    guard intensityMask.voxels[k] != 0 else { continue }
                    let p = SIMD3(Double(x), Double(y), Double(z)) * s
                    intensities.append(image.voxels[k])
                    points.append(p)
                    weighted += p * image.voxels[k]
                }
            }
        }
        if count > 0 && !intensities.isEmpty {
            let total = intensities.reduce(0, +)
            let mean = total / Double(intensities.count)
            let shift = centre - weighted / total
            lookup["com"] = (shift * shift).sum().squareRoot()
            lookup["integ_int"] = v * mean
            let (moran, geary) = autocorrelation(points, intensities, mean: mean)
            lookup["moran_i"] = moran
            lookup["geary_c"] = geary
        }
        var out: [IBSIFeatureValue] = []
        for id in IBSIFeatureTable.morphology {
            let key = String(id.tag.dropFirst("morph_".count))
            let value = lookup[key] ?? .nan
            out.append(IBSIFeatureValue(
                column: "ibsi_morph_\(id.readable)_\(id.code)", tag: id.tag, code: id.code,
                value: value, reason: value.isNaN ? "undefined for this ROI" : nil))
        }
        return out
    }

    /// Surface area of an ellipsoid with semi-axes a >= b >= c, by the IBSI's series
    /// `4 pi a b sum_{nu=0}^{20} (alpha beta)^nu / (1 - 4 nu^2) P_nu((alpha^2 + beta^2) /
    /// (2 alpha beta))`, alpha = sqrt(1 - b^2/a^2), beta = sqrt(1 - c^2/a^2); a sphere-like
    /// ellipsoid (alpha beta = 0) gives 4 pi a b.
    static func ellipsoidArea(_ a: Double, _ b: Double, _ c: Double) -> Double {
        let alpha = (1 - b * b / (a * a)).squareRoot(), beta = (1 - c * c / (a * a)).squareRoot()
        let ab = alpha * beta
        guard ab > 0 else { return 4 * Double.pi * a * b }
        let x = (alpha * alpha + beta * beta) / (2 * ab)
        var sum = 0.0
        var pPrev = 1.0, p = x  // P_0, P_1
        for nu in 0...20 {
            let legendre: Double
            if nu == 0 {
                legendre = 1
            } else if nu == 1 {
                legendre = x
            } else {
                let next = (Double(2 * nu - 1) * x * p - Double(nu - 1) * pPrev) / Double(nu)
                pPrev = p
                p = next
                legendre = next
            }
            sum += pow(ab, Double(nu)) / (1 - 4 * Double(nu * nu)) * legendre
        }
        return 4 * Double.pi * a * b * sum
    }

    /// Moran's I (N365) and Geary's C (NPT7) with weights w_ij = 1 / |p_i - p_j| (mm) over all
    /// pairs of intensity-mask voxels; NaN for one voxel or zero variance. Rows are split
    /// across cores and summed in row order, so the result does not depend on the core count.
    static func autocorrelation(_ points: [SIMD3<Double>], _ x: [Double], mean: Double)
        -> (Double, Double) {
        let n = points.count
        guard n > 1 else { return (.nan, .nan) }
        var rows = [SIMD3<Double>](repeating: .zero, count: n)  // (sum w, sum w d d, sum w dx^2)
        rows.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: n) { i in
                var acc = SIMD3<Double>.zero
                let di = x[i] - mean
                for j in (i + 1)..<max(n, i + 1) {
                    let d = points[i] - points[j]
                    let w = 1 / (d * d).sum().squareRoot()
                    let dx = x[i] - x[j]
                    acc += SIMD3(w, w * di * (x[j] - mean), w * dx * dx)
                }
                (base + i).pointee = acc
            }
        }
        var total = SIMD3<Double>.zero
        for r in rows { total += r }
        // Each unordered pair appears once; the double sums over i != j are twice that.
        let sumW = 2 * total[0]
        var variance = 0.0
        for v in x { variance += (v - mean) * (v - mean) }
        guard variance > 0 else { return (.nan, .nan) }
        let moran = Double(n) / sumW * 2 * total[1] / variance
        let geary = Double(n - 1) / (2 * sumW) * 2 * total[2] / variance
        return (moran, geary)
    }
}
