import Foundation

/// IBSI intensity-based statistics (UHIW), intensity histogram (ZVCW), intensity-volume
/// histogram (P88C) and local intensity (9ST6) features.
enum IBSIIntensity {
    /// Percentile `q` (0...100) by linear interpolation between order statistics (numpy's
    /// default rule; the IBSI names no rule). `sorted` must be ascending and non-empty.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// The 18 statistics of IBSI "intensity-based statistics" (order of
    /// `IBSIFeatureTable.statistics`), or for the histogram family the same definitions on
    /// grey levels. Biased (1/N) moments; kurtosis is excess kurtosis (m4/m2^2 - 3); skewness
    /// and kurtosis are 0 when the variance is 0, CoV is NaN when the mean is 0.
    static func moments(_ values: [Double]) -> [String: Double] {
        let n = Double(values.count)
        let sorted = values.sorted()
        let mean = values.reduce(0, +) / n
        var m2 = 0.0, m3 = 0.0, m4 = 0.0, mad = 0.0, energy = 0.0
        for x in values {
            let d = x - mean
            m2 += d * d
            m3 += d * d * d
            m4 += d * d * d * d
            mad += abs(d)
            energy += x * x
        }
        m2 /= n
        m3 /= n
        m4 /= n
        let median = percentile(sorted, 50)
        let p10 = percentile(sorted, 10), p90 = percentile(sorted, 90)
        let p25 = percentile(sorted, 25), p75 = percentile(sorted, 75)
        // Robust MAD: mean absolute deviation of the values between P10 and P90 inclusive.
        let middle = values.filter { $0 >= p10 && $0 <= p90 }
        let middleMean = middle.reduce(0, +) / Double(middle.count)
        let rmad = middle.reduce(0) { $0 + abs($1 - middleMean) } / Double(middle.count)
        let medad = values.reduce(0) { $0 + abs($1 - median) } / n
        return [
            "mean": mean, "var": m2, "skew": m2 > 0 ? m3 / pow(m2, 1.5) : 0,
            "kurt": m2 > 0 ? m4 / (m2 * m2) - 3 : 0, "median": median,
            "min": sorted.first!, "p10": p10, "p90": p90, "max": sorted.last!,
            "iqr": p75 - p25, "range": sorted.last! - sorted.first!, "mad": mad / n,
            "rmad": rmad, "medad": medad, "cov": mean != 0 ? m2.squareRoot() / mean : .nan,
            "qcod": p75 + p25 != 0 ? (p75 - p25) / (p75 + p25) : .nan, "energy": energy,
            "rms": (energy / n).squareRoot(),
        ]
    }

    /// Intensity histogram extras over grey levels 1...ng: mode (most frequent level; among
    /// ties the one nearest the mean, then the lower), entropy -sum p log2 p, uniformity
    /// sum p^2, and the extreme histogram gradients (central differences inside, one-sided at
    /// levels 1 and ng) with the level where each first occurs.
    static func histogram(_ levels: [Int], ng: Int, mean: Double) -> [String: Double] {
        var h = [Double](repeating: 0, count: ng + 1)
        for g in levels { h[g] += 1 }
        let n = Double(levels.count)
        var entropy = 0.0, uniformity = 0.0
        var mode = 1
        for g in 1...ng {
            let p = h[g] / n
            if p > 0 {
                entropy -= p * log2(p)
                uniformity += p * p
            }
            if h[g] > h[mode] || (h[g] == h[mode] && abs(Double(g) - mean) < abs(Double(mode) - mean)) {
                mode = g
            }
        }
        var maxGrad = -Double.infinity, minGrad = Double.infinity
        var maxAt = 1, minAt = 1
        for g in 1...ng {
            let grad: Double
            if ng == 1 {
                grad = 0
            } else if g == 1 {
                grad = h[2] - h[1]
            } else if g == ng {
                grad = h[ng] - h[ng - 1]
            } else {
                grad = (h[g + 1] - h[g - 1]) / 2
            }
            if grad > maxGrad { maxGrad = grad; maxAt = g }
            if grad < minGrad { minGrad = grad; minAt = g }
        }
        return ["mode": Double(mode), "entropy": entropy, "uniformity": uniformity,
                "max_grad": maxGrad, "max_grad_g": Double(maxAt), "min_grad": minGrad,
                "min_grad_g": Double(minAt)]
    }

    /// Intensity-volume histogram: V10, V90 (volume fraction with intensity at least the
    /// smallest histogram intensity whose intensity fraction reaches 10% / 90%), I10, I90
    /// (smallest histogram intensity whose volume fraction is at most 10% / 90%), and their
    /// differences. The histogram intensities run from `lower` to `upper` by `step`.
    static func ivh(_ values: [Double], lower: Double, upper: Double, step: Double)
        -> [String: Double] {
        let sorted = values.sorted()
        let n = Double(values.count)
        let steps = max(0, Int(((upper - lower) / step).rounded()))
        let grid = (0...steps).map { lower + Double($0) * step }
        // Fraction of voxels with intensity >= gamma, by binary search in the sorted values.
        func volumeFraction(_ gamma: Double) -> Double {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < gamma - 1e-9 * max(1, abs(gamma)) { lo = mid + 1 } else { hi = mid }
            }
            return Double(sorted.count - lo) / n
        }
        func volumeAt(intensityFraction f: Double) -> Double {
            let range = upper - lower
            guard range > 0 else { return .nan }
            guard let gamma = grid.first(where: { ($0 - lower) / range >= f - 1e-12 }) else {
                return 0
            }
            return volumeFraction(gamma)
        }
        func intensityAt(volumeFraction f: Double) -> Double {
            grid.first(where: { volumeFraction($0) <= f + 1e-12 }) ?? upper + step
        }
        let v10 = volumeAt(intensityFraction: 0.1), v90 = volumeAt(intensityFraction: 0.9)
        let i10 = intensityAt(volumeFraction: 0.1), i90 = intensityAt(volumeFraction: 0.9)
        return ["v10": v10, "v90": v90, "i10": i10, "i90": i90, "diff_v10_v90": v10 - v90,
                "diff_i10_i90": i10 - i90]
    }

    /// Local intensity peak (VJGA): the mean image intensity within `radius` mm of the
    /// centre of the ROI voxel with the highest intensity (the largest such mean when several
    /// voxels share the maximum); global intensity peak (0F91): the largest such mean over all
    /// ROI voxels. Every image voxel whose centre is within the sphere counts, inside the ROI
    /// or not.
    static func peaks(image: ImageVolume, mask: Volume<UInt8>, radius: Double)
        -> (local: Double, global: Double) {
        let g = image.geometry
        let s = g.spacing
        let reach = SIMD3<Int>(Int((radius / s.x).rounded(.down)),
                               Int((radius / s.y).rounded(.down)),
                               Int((radius / s.z).rounded(.down)))
        var offsets: [Int] = []
        var steps: [SIMD3<Int>] = []
        for z in -reach.z...reach.z {
            for y in -reach.y...reach.y {
                for x in -reach.x...reach.x {
                    let d = SIMD3(Double(x), Double(y), Double(z)) * s
                    if (d * d).sum() <= radius * radius * (1 + 1e-12) {
                        steps.append(SIMD3(x, y, z))
                        offsets.append(x + g.size.x * (y + g.size.y * z))
                    }
                }
            }
        }
        var roi: [Int] = []
        for k in mask.voxels.indices where mask.voxels[k] != 0 { roi.append(k) }
        guard !roi.isEmpty else { return (.nan, .nan) }
        var means = [Double](repeating: 0, count: roi.count)
        means.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: roi.count) { r in
                let k = roi[r]
                let x = k % g.size.x, y = (k / g.size.x) % g.size.y, z = k / (g.size.x * g.size.y)
                var sum = 0.0, count = 0.0
                for (step, offset) in zip(steps, offsets) {
                    let q = SIMD3(x, y, z) &+ step
                    guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < g.size.x, q.y < g.size.y,
                          q.z < g.size.z else { continue }
                    sum += image.voxels[k + offset]
                    count += 1
                }
                (base + r).pointee = sum / count
            }
        }
        let top = roi.map { image.voxels[$0] }.max()!
        var local = -Double.infinity
        for (r, k) in roi.enumerated() where image.voxels[k] == top { local = max(local, means[r]) }
        return (local, means.max()!)
    }

    static func features(image: ImageVolume, intensityMask: Volume<UInt8>,
                         discretised: DiscretisedROI, settings: IBSIFeatureSettings)
        -> [IBSIFeatureValue] {
        var values: [Double] = []
        for k in image.voxels.indices where intensityMask.voxels[k] != 0 {
            values.append(image.voxels[k])
        }
        var out: [IBSIFeatureValue] = []
        func emit(_ table: [IBSIFeatureID], _ lookup: [String: Double], reason: String?) {
            for id in table {
                let key = String(id.tag.drop { $0 != "_" }.dropFirst())
                let value = values.isEmpty ? .nan : (lookup[key] ?? .nan)
                let prefix = id.tag.prefix { $0 != "_" }
                out.append(IBSIFeatureValue(
                    column: "ibsi_\(prefix)_\(id.readable)_\(id.code)", tag: id.tag,
                    code: id.code, value: value,
                    reason: value.isNaN ? (reason ?? "undefined for this ROI") : nil))
            }
        }
        let empty = values.isEmpty ? "the intensity mask is empty" : nil
        if settings.families.contains(.statistics) {
            emit(IBSIFeatureTable.statistics, values.isEmpty ? [:] : moments(values),
                 reason: empty)
        }
        if settings.families.contains(.intensityHistogram) {
            let levels = discretised.levels.filter { $0 > 0 }.map { Int($0) }
            var lookup: [String: Double] = [:]
            if !levels.isEmpty {
                lookup = moments(levels.map(Double.init))
                let ng = max(discretised.ng, levels.max()!)
                lookup.merge(histogram(levels, ng: ng, mean: lookup["mean"]!)) { $1 }
            }
            emit(IBSIFeatureTable.intensityHistogram, lookup,
                 reason: levels.isEmpty ? "the discretised ROI is empty" : nil)
        }
        if settings.families.contains(.intensityVolumeHistogram) {
            var lookup: [String: Double] = [:]
            if !values.isEmpty {
                switch settings.ivh {
                case .discrete(let step):
                    let range = settings.resegmentationRange
                        ?? values.min()!...values.max()!
                    lookup = ivh(values, lower: range.lowerBound, upper: range.upperBound,
                                 step: step)
                case .fixedBinSize(let width, let lower):
                    let centres = values.map {
                        lower + ((($0 - lower) / width).rounded(.down) + 0.5) * width }
                    let upper = settings.resegmentationRange?.upperBound ?? values.max()!
                    let top = lower + (((upper - lower) / width).rounded(.down) + 0.5) * width
                    lookup = ivh(centres, lower: lower + 0.5 * width, upper: top, step: width)
                case .fixedBinNumber(let count):
                    let lo = values.min()!, hi = values.max()!
                    let bins = values.map { x -> Double in
                        hi > lo ? min(Double(count), (Double(count) * (x - lo) / (hi - lo))
                                        .rounded(.down) + 1) : 1 }
                    lookup = ivh(bins, lower: 1, upper: Double(count), step: 1)
                }
            }
            emit(IBSIFeatureTable.intensityVolumeHistogram, lookup, reason: empty)
        }
        if settings.families.contains(.localIntensity) {
            let peaks = values.isEmpty ? (local: Double.nan, global: Double.nan)
                : peaks(image: image, mask: intensityMask, radius: settings.peakRadius)
            emit(IBSIFeatureTable.localIntensity,
                 ["peak_loc": peaks.local, "peak_glob": peaks.global], reason: empty)
        }
        return out
    }
}
