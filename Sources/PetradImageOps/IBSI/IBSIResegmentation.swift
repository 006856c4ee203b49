import Foundation
import PetradCore

/// IBSI re-segmentation (IBSI 1, "Image processing", section "Re-segmentation"): voxels of the
/// ROI whose intensity falls outside a range are removed from the *intensity* mask; the
/// *morphological* mask keeps the ROI as delineated (and interpolated) (`ECJF`).
public enum IBSIResegmentation {
    /// The intensity mask: ROI voxels with `lower <= x <= upper` (range re-segmentation,
    /// `USB3`); a nil bound is open. Then, when `outlierSigma` is given, voxels outside
    /// `mean +- outlierSigma * sd` of the remaining ROI intensities are removed (outlier
    /// filtering, `7ACA`; `sd` is the population standard deviation, 1/N). An empty ROI stays
    /// empty.
    public static func intensityMask(image: ImageVolume, mask: Volume<UInt8>,
                                     lower: Double?, upper: Double?,
                                     outlierSigma: Double? = nil) -> Volume<UInt8> {
        precondition(image.geometry.size == mask.geometry.size,
                     "image \(image.size) and mask \(mask.size) differ in size")
        var out = mask
        let lo = lower ?? -.infinity
        let hi = upper ?? .infinity
        for i in out.voxels.indices where out.voxels[i] != 0 {
            let x = image.voxels[i]
            out.voxels[i] = (x >= lo && x <= hi) ? 1 : 0
        }
        guard let sigma = outlierSigma else { return out }
        let (mean, sd) = meanAndSD(image: image, mask: out)
        guard mean.isFinite else { return out }
        let (a, b) = (mean - sigma * sd, mean + sigma * sd)
        for i in out.voxels.indices where out.voxels[i] != 0 {
            let x = image.voxels[i]
            if x < a || x > b { out.voxels[i] = 0 }
        }
        return out
    }

    /// Mean and population standard deviation of the intensities in `mask` (NaN when empty).
    static func meanAndSD(image: ImageVolume, mask: Volume<UInt8>) -> (Double, Double) {
        var n = 0.0
        var sum = 0.0
        for i in mask.voxels.indices where mask.voxels[i] != 0 {
            n += 1
            sum += image.voxels[i]
        }
        guard n > 0 else { return (.nan, .nan) }
        let mean = sum / n
        var squares = 0.0
        for i in mask.voxels.indices where mask.voxels[i] != 0 {
            let d = image.voxels[i] - mean
            squares += d * d
        }
        return (mean, (squares / n).squareRoot())
    }
}

/// IBSI intensity discretisation (IBSI 1, "Image processing", section "Intensity
/// discretisation"). Grey levels are numbered from 1.
public enum IBSIDiscretisation {
    public enum Method: Equatable, Sendable {
        /// Fixed bin number `N_g` (`K15C`):
        /// ```
        /// level = floor(N_g (x - X_min) / (X_max - X_min)) + 1,   level(X_max) = N_g
        /// ```
        /// with `X_min`, `X_max` the ROI minimum and maximum. A flat ROI (`X_max = X_min`)
        /// gets level 1 everywhere.
        case fixedBinNumber(Int)
        /// Fixed bin size `w_b` (`Q3RU`):
        /// ```
        /// level = floor((x - X_min) / w_b) + 1
        /// ```
        /// with `X_min` the lower bound of the re-segmentation range when there is one
        /// (`lowerBound`), else the ROI minimum. Levels below 1 cannot occur after range
        /// re-segmentation; without it they are clamped to 1.
        case fixedBinSize(Double, lowerBound: Double?)

        /// The IBSI reporting guideline's wording.
        public var description: String {
            switch self {
            case .fixedBinNumber(let n): return "fixed bin number, \(n) bins"
            case .fixedBinSize(let w, let lower):
                return "fixed bin size, \(formatted(w)) (first bin edge "
                    + (lower.map { "at the re-segmentation lower bound \(formatted($0))" }
                        ?? "at the ROI minimum") + ")"
            }
        }
    }

    /// Refuses a discretisation that would make more than `Discretisation.maximumBinCount`
    /// grey levels for `values` (a bin size chosen for other units, say), naming the setting.
    public static func checkBinCount(values: [Double], method: Method) throws {
        guard let minimum = values.min(), let maximum = values.max() else { return }
        let limit = Double(Discretisation.maximumBinCount)
        switch method {
        case .fixedBinNumber(let n):
            if Double(n) > limit {
                throw InputError(file: "", field: "fixed bin number", value: "\(n)",
                                 "is more than the \(Discretisation.maximumBinCount) grey "
                                     + "levels allowed; use fewer bins.")
            }
        case .fixedBinSize(let w, let lower):
            let levels = ((maximum - min(lower ?? minimum, minimum)) / w).rounded(.down) + 1
            if !(levels <= limit) {
                throw InputError(
                    file: "", field: "fixed bin size", value: "\(w)",
                    "gives " + String(format: "%.3g", levels) + " grey levels over the ROI's "
                        + "values (\(minimum) to \(maximum)); at most "
                        + "\(Discretisation.maximumBinCount) are allowed. The image may not be "
                        + "in the units the bin size was chosen for; raise it.")
            }
        }
    }

    /// Grey levels of `values` (the intensities of the ROI voxels); `checkBinCount` first.
    public static func levels(values: [Double], method: Method) -> [Int32] {
        guard let minimum = values.min(), let maximum = values.max() else { return [] }
        switch method {
        case .fixedBinNumber(let n):
            let range = maximum - minimum
            guard range > 0 else { return values.map { _ in 1 } }
            let ng = Double(n)
            return values.map { x in
                Int32(min(max((ng * (x - minimum) / range).rounded(.down) + 1, 1), ng))
            }
        case .fixedBinSize(let w, let lower):
            let origin = lower ?? minimum
            return values.map { x in Int32(max(((x - origin) / w).rounded(.down) + 1, 1)) }
        }
    }

    /// The grey-level volume of `image` inside `mask` (0 outside the mask).
    public static func discretise(image: ImageVolume, mask: Volume<UInt8>, method: Method)
        throws -> Volume<Int32>
    {
        var values: [Double] = []
        for i in mask.voxels.indices where mask.voxels[i] != 0 { values.append(image.voxels[i]) }
        try checkBinCount(values: values, method: method)
        let roiLevels = levels(values: values, method: method)
        var out = Volume<Int32>(geometry: image.geometry, repeating: 0)
        var next = 0
        for i in mask.voxels.indices where mask.voxels[i] != 0 {
            out.voxels[i] = roiLevels[next]
            next += 1
        }
        return out
    }
}

/// A number as the processing record prints it: integers without a decimal point.
func formatted(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
}
