import Foundation
import PetradCore

/// Grey-level discretisation as PyRadiomics does it (`imageoperations.getBinEdges` and
/// `binImage`, settings `binWidth` and `binCount`).
public enum Discretisation {
    /// Bin edges for a fixed bin width `w` (IBSI "fixed bin size", with PyRadiomics' edges):
    /// ```
    /// low   = min - (min mod w)          (Python's floored modulo)
    /// edges = numpy.arange(low, max + 2w, w)
    /// ```
    /// Edges are multiples of `w` from 0; every bin is half-open `[e_i, e_{i+1})`, and the top
    /// edge lies above the maximum, so the maximum is never put in a closed last bin. A ROI
    /// narrower than one bin gets one grey level. If only one edge came out, the two edges
    /// `[e - 0.5, e + 0.5]` are returned (PyRadiomics' flat-region rule). Empty input, or a bin
    /// width that is not a positive finite number, gives [] (the settings reader refuses such a
    /// `binWidth` before it gets here).
    ///
    /// `numpy.arange` values are reproduced exactly: `e_0 = low`, `e_1 = low + w`,
    /// `e_i = low + i (e_1 - e_0)`, count `ceil((max + 2w - low) / w)`.
    public static func binEdges(values: [Double], binWidth: Double) -> [Double] {
        guard binWidth > 0, binWidth.isFinite, let minimum = values.min(),
              let maximum = values.max() else { return [] }
        let low = minimum - pythonModulo(minimum, binWidth)
        let high = maximum + 2 * binWidth
        let count = Int(((high - low) / binWidth).rounded(.up))
        guard count > 0 else { return [] }
        var edges = [low]
        if count > 1 {
            let second = low + binWidth
            let delta = second - low
            edges.append(second)
            for i in 2..<max(count, 2) { edges.append(low + Double(i) * delta) }
        }
        if edges.count == 1 { edges = [edges[0] - 0.5, edges[0] + 0.5] }
        return edges
    }

    /// Bin edges for a fixed bin count `n` (IBSI "fixed bin number"): `numpy.histogram`'s
    /// `n + 1` equally spaced edges from the minimum to the maximum (min - 0.5 to max + 0.5 when
    /// all values are equal), the last edge raised by 1 so that the maximum falls in bin `n`:
    /// ```
    /// e_i = i * ((max - min) / n) + min,   e_n = max + 1
    /// ```
    /// Empty input or `n < 1` gives [].
    public static func binEdges(values: [Double], binCount: Int) -> [Double] {
        guard binCount >= 1, var first = values.min(), var last = values.max() else { return [] }
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let step = (last - first) / Double(binCount)
        var edges = [Double](repeating: 0, count: binCount + 1)
        for i in 0...binCount {
            edges[i] = step == 0
                ? Double(i) / Double(binCount) * (last - first) + first
                : Double(i) * step + first
        }
        edges[binCount] = last
        edges[binCount] += 1
        return edges
    }

    /// Grey levels, 1-based, of `values` against increasing `edges` (`numpy.digitize`, right
    /// open): level `i` when `edges[i-1] <= x < edges[i]`; 0 below the first edge and
    /// `edges.count` at or above the last. With PyRadiomics' edges every ROI value gets a level
    /// from 1 to `edges.count - 1`.
    public static func discretise(values: [Double], edges: [Double]) -> [Int32] {
        values.map { x in
            // Number of edges <= x (binary search; NaN sorts above every edge, as in numpy).
            var lo = 0
            var hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if x.isNaN || edges[mid] <= x { lo = mid + 1 } else { hi = mid }
            }
            return Int32(lo)
        }
    }

    /// PyRadiomics `binImage` on a volume: the ROI's values binned with edges computed from the
    /// ROI alone; voxels outside the ROI get level 0. Returns the levels and the edges.
    public static func discretise(image: ImageVolume, mask: Volume<UInt8>, setting: Setting)
        throws -> (levels: Volume<Int32>, edges: [Double])
    {
        let values = Resegmentation.roiValues(image: image, mask: mask)
        let edges = try setting.edges(values: values)
        let levels = discretise(values: values, edges: edges)
        var out = Volume<Int32>(geometry: image.geometry, repeating: 0)
        var next = 0
        for i in mask.voxels.indices where mask.voxels[i] != 0 {
            out.voxels[i] = levels[next]
            next += 1
        }
        return (out, edges)
    }

    /// Most bins a discretisation may make (2^24). The edges alone then take 128 MiB, and any
    /// texture matrix far more; so many bins only come from a bin width chosen for other units
    /// (Bq/mL against SUV, say) or a mistyped setting, and numpy would fail on them too.
    public static let maximumBinCount = 1 << 24

    /// The discretisation settings: `binCount` wins over `binWidth` when both are given, as in
    /// PyRadiomics. Default: bin width 25.
    public enum Setting: Equatable, Sendable {
        case binWidth(Double)
        case binCount(Int)

        /// The bin edges for the ROI's `values`. More than `maximumBinCount` bins is refused
        /// before anything is allocated, naming the setting, its value and the ROI's range.
        public func edges(values: [Double]) throws -> [Double] {
            switch self {
            case .binWidth(let w):
                if w > 0, w.isFinite, let low = values.min(), let high = values.max() {
                    let bins = ((high - low) / w).rounded(.up) + 2
                    if !(bins <= Double(Discretisation.maximumBinCount)) {
                        throw InputError(
                            file: "", field: "binWidth", value: "\(w)",
                            "gives " + String(format: "%.3g", bins) + " bins over the ROI's "
                                + "values (\(low) to \(high)); at most "
                                + "\(Discretisation.maximumBinCount) are allowed. The image "
                                + "may not be in the units the bin width was chosen for; "
                                + "raise binWidth or use binCount.")
                    }
                }
                return Discretisation.binEdges(values: values, binWidth: w)
            case .binCount(let n):
                if n > Discretisation.maximumBinCount {
                    throw InputError(file: "", field: "binCount", value: "\(n)",
                                     "is more than the \(Discretisation.maximumBinCount) bins "
                                         + "allowed; use a smaller binCount.")
                }
                return Discretisation.binEdges(values: values, binCount: n)
            }
        }
    }

    /// Python's float `%`: the remainder has the sign of the divisor (numpy `remainder` too).
    static func pythonModulo(_ a: Double, _ b: Double) -> Double {
        var r = fmod(a, b)
        if r != 0 {
            if (b < 0) != (r < 0) { r += b }
        } else {
            r = (b < 0 ? -0.0 : 0.0)
        }
        return r
    }
}
