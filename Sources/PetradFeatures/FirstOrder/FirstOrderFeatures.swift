import Foundation

/// The first-order (intensity histogram and statistics) features of PyRadiomics
/// (`original_firstorder_*`), IBSI "intensity-based statistical features".
public enum FirstOrderFeature: String, FeatureName {
    case percentile10 = "10Percentile"
    case percentile90 = "90Percentile"
    case energy = "Energy"
    case entropy = "Entropy"
    case interquartileRange = "InterquartileRange"
    case kurtosis = "Kurtosis"
    case maximum = "Maximum"
    case mean = "Mean"
    case meanAbsoluteDeviation = "MeanAbsoluteDeviation"
    case median = "Median"
    case minimum = "Minimum"
    case range = "Range"
    case robustMeanAbsoluteDeviation = "RobustMeanAbsoluteDeviation"
    case rootMeanSquared = "RootMeanSquared"
    case skewness = "Skewness"
    case totalEnergy = "TotalEnergy"
    case uniformity = "Uniformity"
    case variance = "Variance"
    case standardDeviation = "StandardDeviation"

    public var isDeprecated: Bool { self == .standardDeviation }
}

/// PyRadiomics' first-order features of one ROI (class `firstorder`).
///
/// Notation: `X` the `N_p` ROI intensities, `c` the `voxelArrayShift`, `V_voxel` the volume of
/// one voxel, `p(i)` the fraction of ROI voxels in grey level `i` after discretisation.
public struct FirstOrderFeatures: Sendable {
    /// ROI intensities sorted ascending.
    public let sorted: [Double]
    /// Fractions `p(i)` of the grey levels present, in increasing grey-level order.
    public let p: [Double]
    public let voxelArrayShift: Double
    public let voxelVolume: Double

    /// - Parameters:
    ///   - values: the ROI's intensities (any order).
    ///   - greyLevels: their discretised grey levels (same count), for Entropy and Uniformity.
    ///   - voxelVolume: `dx dy dz` in mm3, for TotalEnergy.
    ///   - voxelArrayShift: `c`, PyRadiomics' `voxelArrayShift` (default 0).
    public init(values: [Double], greyLevels: [Int32], voxelVolume: Double,
                voxelArrayShift: Double = 0) {
        precondition(values.count == greyLevels.count,
                     "values (\(values.count)) and grey levels (\(greyLevels.count)) differ")
        sorted = values.sorted()
        var counts: [Int32: Int] = [:]
        for level in greyLevels { counts[level, default: 0] += 1 }
        let n = Double(values.count)
        p = counts.keys.sorted().map { Double(counts[$0]!) / n }
        self.voxelArrayShift = voxelArrayShift
        self.voxelVolume = voxelVolume
    }

    /// `numpy.percentile` with linear interpolation: position `h = q/100 (N - 1)`,
    /// `x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h))`, numpy's lerp rounding.
    public func percentile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = (q / 100) * Double(sorted.count - 1)
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let t = h - Double(low)
        let a = sorted[low], b = sorted[high]
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    private func mean(_ x: ArraySlice<Double>) -> Double {
        x.reduce(0, +) / Double(x.count)
    }

    /// Central moment `m_k = (1/N) sum (x - mean)^k`.
    private func moment(_ k: Int) -> Double {
        let mu = mean(sorted[...])
        var sum = 0.0
        for x in sorted {
            let d = x - mu
            var power = 1.0
            for _ in 0..<k { power *= d }
            sum += power
        }
        return sum / Double(sorted.count)
    }

    /// The value of one feature; PyRadiomics' formulas:
    /// - `Energy = sum (X + c)^2`, `TotalEnergy = V_voxel * Energy`,
    ///   `RootMeanSquared = sqrt(Energy / N_p)`.
    /// - `Entropy = -sum_i p(i) log2 p(i)`: exactly 0 for one grey level. PyRadiomics writes
    ///   `-sum p log2(p + eps)`, which is a tiny negative number (-3.2e-16) for one grey level and
    ///   differs from this by at most `N_g * 3.2e-16` elsewhere.
    /// - `Uniformity = sum_i p(i)^2`: 1 for one grey level.
    /// - `Minimum`, `Maximum`, `Range`, `Mean`, `Median`, `10Percentile`, `90Percentile`,
    ///   `InterquartileRange = P75 - P25` (numpy's linear percentiles).
    /// - `MeanAbsoluteDeviation = mean |X - mean|`; `RobustMeanAbsoluteDeviation` the same over
    ///   the voxels with `P10 <= x <= P90`.
    /// - `Variance = m_2`, `StandardDeviation = sqrt(m_2)` (population, 1/N).
    /// - `Skewness = m_3 / m_2^(3/2)`, `Kurtosis = m_4 / m_2^2` (not excess); for a flat ROI
    ///   (`m_2 = 0`, one voxel included) both are 0, PyRadiomics' stated value.
    /// An empty ROI gives NaN for every feature.
    public func value(_ feature: FirstOrderFeature) -> FeatureValue {
        guard !sorted.isEmpty else {
            return FeatureValue(name: feature.rawValue, value: .nan, reason: "the ROI is empty")
        }
        let n = Double(sorted.count)
        let c = voxelArrayShift
        func energy() -> Double { sorted.reduce(0) { $0 + ($1 + c) * ($1 + c) } }
        let value: Double
        switch feature {
        case .energy: value = energy()
        case .totalEnergy: value = energy() * voxelVolume
        case .rootMeanSquared: value = (energy() / n).squareRoot()
        case .entropy:
            var h = 0.0
            for pi in p where pi > 0 && pi < 1 { h -= pi * log2(pi) }
            value = h
        case .uniformity: value = p.reduce(0) { $0 + $1 * $1 }
        case .minimum: value = sorted[0]
        case .maximum: value = sorted[sorted.count - 1]
        case .range: value = sorted[sorted.count - 1] - sorted[0]
        case .mean: value = mean(sorted[...])
        case .median:
            let m = sorted.count / 2
            value = sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
        case .percentile10: value = percentile(10)
        case .percentile90: value = percentile(90)
        case .interquartileRange: value = percentile(75) - percentile(25)
        case .meanAbsoluteDeviation:
            let mu = mean(sorted[...])
            value = sorted.reduce(0) { $0 + abs($1 - mu) } / n
        case .robustMeanAbsoluteDeviation:
            let low = percentile(10), high = percentile(90)
            let kept = sorted.filter { $0 >= low && $0 <= high }
            let mu = mean(kept[...])
            value = kept.reduce(0) { $0 + abs($1 - mu) } / Double(kept.count)
        case .variance:
            let sd = moment(2).squareRoot()
            value = sd * sd
        case .standardDeviation: value = moment(2).squareRoot()
        case .skewness:
            let m2 = moment(2)
            value = m2 == 0 ? 0 : moment(3) / pow(m2, 1.5)
        case .kurtosis:
            let m2 = moment(2)
            value = m2 == 0 ? 0 : moment(4) / (m2 * m2)
        }
        return FeatureValue(name: feature.rawValue, value: value,
                            reason: value.isNaN ? "undefined for this ROI" : nil)
    }

    public func values(_ features: [FirstOrderFeature] = FirstOrderFeature.defaultSelection)
        -> [FeatureValue]
    {
        features.map(value)
    }
}
