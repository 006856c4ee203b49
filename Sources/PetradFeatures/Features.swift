@_exported import PetradImageOps

/// One feature value under its PyRadiomics name (`Elongation`, `10Percentile`, ...). A value
/// that cannot exist for this ROI is NaN, and `reason` says why in one sentence.
public struct FeatureValue: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var reason: String?

    public init(name: String, value: Double, reason: String? = nil) {
        self.name = name
        self.value = value
        self.reason = reason
    }

    public static func == (a: FeatureValue, b: FeatureValue) -> Bool {
        a.name == b.name && a.reason == b.reason
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// A feature family that can be switched on feature by feature, as PyRadiomics' feature classes
/// can (`featureClass: {shape: [Sphericity, ...]}`).
public protocol FeatureName: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// Deprecated features are computed only when asked for by name.
    var isDeprecated: Bool { get }
}

extension FeatureName {
    /// The features PyRadiomics computes when a class is enabled without a list: every
    /// non-deprecated one, in PyRadiomics' column order (names sorted by code point, as Python's
    /// `inspect.getmembers` sorts them).
    public static var defaultSelection: [Self] {
        allCases.filter { !$0.isDeprecated }.sorted { $0.rawValue < $1.rawValue }
    }

    /// The features named in a parameter file, in the order given; an unknown name is an error
    /// that lists the class's names.
    public static func selection(names: [String], className: String, file: String = "")
        throws -> [Self]
    {
        try names.map { name in
            guard let feature = Self(rawValue: name) else {
                let known = allCases.map(\.rawValue).sorted().joined(separator: ", ")
                throw InputError(file: file, field: "featureClass.\(className)", value: name,
                                 "is not a \(className) feature; known: \(known)")
            }
            return feature
        }
    }
}
