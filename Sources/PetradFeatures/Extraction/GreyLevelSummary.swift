import Foundation

/// What discretisation left of one ROI: how many distinct grey levels its voxels have and the
/// intensity range they came from (after resampling and re-segmentation, as the feature classes
/// see them).
///
/// A ROI with one grey level makes every texture matrix a single cell, so texture features
/// are constants (e.g. GLCM Contrast 0, JointEntropy 0) that say nothing about the tumour, and
/// so are first-order Entropy (0) and Uniformity (1).
/// PyRadiomics computes them without a word; petrad keeps its values and lets the study warn.
/// The usual cause is a bin width meant for CT (the default 25) used on SUV images, whose
/// ROIs span a few units.
public struct GreyLevelSummary: Sendable, Equatable {
    /// Distinct grey levels among the ROI's voxels (at least 1 for a non-empty ROI).
    public var count: Int
    public var minimum: Double
    public var maximum: Double

    public init(count: Int, minimum: Double, maximum: Double) {
        self.count = count
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The summary of a discretised ROI: `levels` as `Discretisation.discretise` gives them
    /// (1 to `edgeCount - 1`) and the intensities they came from. Nil for an empty ROI.
    public init?(levels: [Int32], edgeCount: Int, values: [Double]) {
        guard let minimum = values.min(), let maximum = values.max() else { return nil }
        var seen = [Bool](repeating: false, count: max(edgeCount, 1) + 1)
        var count = 0
        for level in levels {
            let i = min(max(Int(level), 0), seen.count - 1)
            if !seen[i] {
                seen[i] = true
                count += 1
            }
        }
        self.init(count: count, minimum: minimum, maximum: maximum)
    }

    /// A bin width giving about 32 to 80 bins over this ROI's range: range / 32 rounded down
    /// to 1, 2 or 5 times a power of ten. PyRadiomics' example parameter files advise a width
    /// giving 30 to 130 bins. Nil when the range is 0 (no width splits equal values).
    public var suggestedBinWidth: Double? {
        let range = maximum - minimum
        guard range > 0, range.isFinite else { return nil }
        let target = range / 32
        let exponent = Int(floor(log10(target)))
        // Dividing by an exact power of ten keeps 0.2 as the double nearest 0.2.
        func scaled(_ step: Double) -> Double {
            exponent >= 0 ? step * pow(10, Double(exponent)) : step / pow(10, Double(-exponent))
        }
        return [5.0, 2, 1].map(scaled).first { $0 <= target * (1 + 1e-12) } ?? scaled(1)
    }

    /// The warning for a ROI left with one grey level by `settings`, naming the case, the
    /// setting and its value, and a value to try; nil when the ROI has more than one level or
    /// all its voxels are equal (no setting would help; the ROI itself is the problem).
    public func singleLevelWarning(caseID: String, settings: ExtractionSettings) -> String? {
        guard count == 1, let width = suggestedBinWidth else { return nil }
        func short(_ x: Double) -> String { String(format: "%.4g", x) }
        // As a parameter file writes it: 25, 0.25.
        func plain(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        }
        let range = "\(short(minimum)) to \(short(maximum))"
        let setting: String
        let advice: String
        if let binCount = settings.binCount {
            setting = "binCount \(binCount)"
            advice = "set binCount to 32 or more"
        } else {
            setting = "binWidth \(plain(settings.binWidth))"
                + (settings.binWidth == ExtractionSettings().binWidth ? " (the default)" : "")
            advice = "try binWidth \(plain(width)) "
                + "(about \(Int(((maximum - minimum) / width).rounded())) bins here)"
        }
        let peer = settings.convention == .ibsi
            ? "" : "; PyRadiomics gives the same values without a warning"
        return "case \(caseID): \(setting) leaves the ROI (intensities \(range)) with 1 grey "
            + "level, so its texture features and first-order Entropy and Uniformity are "
            + "constants\(peer). To describe texture, \(advice)."
    }
}
