import Foundation
import PetradCore
import PetradImage

/// The JSON file written beside a delineated mask: what was done (every threshold, background
/// and iteration) and the PET parameters of the result, so the mask can be reproduced and
/// checked without rerunning petrad.
///
/// Non-finite numbers (an empty mask's SUVmax) are written as the strings "NaN", "Infinity".
public struct DelineationSidecar: Codable, Sendable, Equatable {
    public var petradVersion: String
    public var image: String
    public var mask: String
    public var exclusionMask: String?
    public var roughMask: String?
    public var delineation: DelineationRecord
    public var parameters: PETMeasurement

    public init(image: String, mask: String, exclusionMask: String? = nil,
                roughMask: String? = nil, delineation: DelineationRecord,
                parameters: PETMeasurement) {
        self.petradVersion = PetradCore.petradVersion
        self.image = image
        self.mask = mask
        self.exclusionMask = exclusionMask
        self.roughMask = roughMask
        self.delineation = delineation
        self.parameters = parameters
    }

    /// The sidecar path for a mask path: `.nii.gz`, `.nii` or `.nrrd` replaced by `.json`.
    public static func path(forMask mask: String) -> String {
        for suffix in [".nii.gz", ".nii", ".nrrd"] where mask.lowercased().hasSuffix(suffix) {
            return String(mask.dropLast(suffix.count)) + ".json"
        }
        return mask + ".json"
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Writes the sidecar atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try AtomicFile.write(try jsonData(), to: path)
    }

    public static func read(from path: String) throws -> DelineationSidecar {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(DelineationSidecar.self,
                                      from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw InputError(file: path, "is not a petrad delineation sidecar (\(error)).")
        }
    }
}
