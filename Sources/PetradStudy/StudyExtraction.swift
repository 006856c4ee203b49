import Foundation
import PetradCore
import PetradFeatures

extension StudyFile {
    /// The text of the extraction settings: the parameter file's bytes or the inline mapping,
    /// plus the convention. It is part of every case's cache key.
    public func extractionSettingsText() throws -> String {
        if let file = parameterFile {
            let path = resolve(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InputError(file: self.path, field: "extraction.params", value: file,
                                 "cannot be read (looked for \(path))")
            }
            return "convention: \(convention)\n" + text
        }
        return "convention: \(convention)\n" + (inlineParameters ?? "")
    }

    /// The extraction the study file asks for, through PetradFeatures' extractor.
    public func makeExtraction() throws -> CaseExtraction {
        let fingerprint = try extractionSettingsText()
        // Not yet: PetradFeatures' Extractor (branch features) has not landed in this build,
        // so every case fails with this message and the study stops after extraction.
        return CaseExtraction(fingerprint: fingerprint) { _ in
            throw StepUnavailable(step: "extraction",
                                  reason: "the feature extractor is not in this build")
        }
    }
}
