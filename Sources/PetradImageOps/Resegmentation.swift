import Foundation

/// Resegmentation of the ROI by intensity as PyRadiomics does it (`imageoperations.resegmentMask`,
/// settings `resegmentRange`, `resegmentMode`, `resegmentShape`).
///
/// `resegmentShape` is a choice of the extraction pipeline, not of this step: by default
/// PyRadiomics computes shape features on the original mask (cropped to the bounding box of the
/// resegmented one) and every other class on the resegmented mask; with `resegmentShape: true`
/// shape uses the resegmented mask too.
public enum Resegmentation {
    /// How `resegmentRange` is read (`resegmentMode`).
    public enum Mode: String, Sendable, CaseIterable {
        /// Thresholds are grey values.
        case absolute
        /// Thresholds are fractions of the ROI maximum: `t * max`.
        case relative
        /// Thresholds are standard deviations from the ROI mean: `mean + t * sd` (numpy mean
        /// and population sd of the ROI voxels).
        case sigma
    }

    /// The thresholds `resegmentRange` stands for on this ROI, sorted ascending.
    ///
    /// - Throws: `InputError` when `range` has 0 or more than 2 values.
    public static func thresholds(image: ImageVolume, mask: Volume<UInt8>, range: [Double],
                                  mode: Mode) throws -> [Double] {
        guard (1...2).contains(range.count) else {
            throw InputError(file: "", field: "resegmentRange", value: "\(range)",
                             "resegmentRange needs one (lower) or two (lower, upper) values.")
        }
        let sorted = range.sorted()
        switch mode {
        case .absolute:
            return sorted
        case .relative:
            let maximum = roiValues(image: image, mask: mask).max() ?? .nan
            return sorted.map { maximum * $0 }
        case .sigma:
            let values = roiValues(image: image, mask: mask)
            let mean = NumPyArithmetic.mean(values)
            let sd = NumPyArithmetic.standardDeviation(values)
            return sorted.map { mean + sd * $0 }
        }
    }

    /// The mask restricted to ROI voxels with `lower <= x` (one threshold) or
    /// `lower <= x <= upper` (two thresholds); the result is never larger than the input.
    ///
    /// - Throws: `InputError` for a bad `range`, or when one voxel or none is left (PyRadiomics
    ///   refuses to extract features then).
    public static func resegment(image: ImageVolume, mask: Volume<UInt8>, range: [Double],
                                 mode: Mode = .absolute) throws -> Volume<UInt8> {
        let t = try thresholds(image: image, mask: mask, range: range, mode: mode)
        let lower = t[0]
        let upper = t.count == 2 ? t[1] : Double.infinity
        var out = mask
        var kept = 0
        for i in out.voxels.indices where out.voxels[i] != 0 {
            let x = image.voxels[i]
            if x >= lower && (t.count == 1 || x <= upper) {
                out.voxels[i] = 1
                kept += 1
            } else {
                out.voxels[i] = 0
            }
        }
        if kept <= 1 {
            throw InputError(file: "", field: "resegmentRange",
                             value: "\(range) (\(mode.rawValue))",
                             "Resegmentation left \(kept) voxel(s) in the ROI; widen the range.")
        }
        return out
    }

    /// ROI voxel values in array order (x fastest), as numpy's `image[mask]` lists them.
    static func roiValues(image: ImageVolume, mask: Volume<UInt8>) -> [Double] {
        var values: [Double] = []
        for i in mask.voxels.indices where mask.voxels[i] != 0 { values.append(image.voxels[i]) }
        return values
    }
}
