import Foundation
import PetradCore
import PetradFeatures

extension StudyFile {
    /// The text of the extraction settings: the parameter file's bytes or the inline mapping,
    /// plus the convention. It is part of every case's cache key.
    public func extractionSettingsText() throws -> String {
        if let file = try parameterFileText() {
            return "convention: \(convention)\n" + file.text
        }
        return "convention: \(convention)\n" + (inlineParameters ?? "")
    }

    /// The parameter file's path and text, nil with inline parameters; an error at the place
    /// where the study file names the file when it cannot be read.
    private func parameterFileText() throws -> (path: String, text: String)? {
        guard let file = parameterFile else { return nil }
        let path = resolve(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InputError(file: self.path, position: parameterFilePosition,
                             field: "extraction.params", value: file,
                             "cannot be read (looked for \(path))")
        }
        return (path, text)
    }

    /// The settings the study file asks for: its PyRadiomics parameter file (or inline
    /// mapping), with the study's `convention` applied.
    public func extractionSettings() throws -> ExtractionSettings {
        var settings: ExtractionSettings
        if let file = try parameterFileText() {
            settings = try ExtractionSettings(yamlText: file.text, file: file.path)
        } else if let node = inlineParameterNode {
            // Read from the study file's own tree, so that errors give its lines.
            settings = try ExtractionSettings(yaml: node, file: path)
        } else {
            settings = try ExtractionSettings(yamlText: inlineParameters ?? "",
                                              file: path + " (extraction.params)")
        }
        guard let value = FeatureConvention(rawValue: convention) else {
            throw InputError(file: path, field: "extraction.convention", value: convention,
                             "should be pyradiomics or ibsi")
        }
        settings.convention = value
        return settings
    }

    /// The extraction the study file asks for, through PetradFeatures' `Extractor`; text
    /// diagnostics are left out of the study's feature table (they stay in `petrad extract`).
    ///
    /// A case whose ROI has one grey level after discretisation gets a warning naming the case
    /// and the bin setting, with a bin width to try (`GreyLevelSummary.singleLevelWarning`);
    /// its values are kept as PyRadiomics computes them.
    public func makeExtraction() throws -> CaseExtraction {
        let fingerprint = try extractionSettingsText()
        let settings = try extractionSettings()
        let extractor = Extractor(settings: settings)
        return CaseExtraction(fingerprint: fingerprint) { item in
            let row = try extractor.extract(imagePath: item.imagePath, maskPath: item.maskPath,
                                            label: item.label)
            var names: [String] = []
            var values: [Double] = []
            for name in row.names where !name.hasPrefix("diagnostics_") {
                guard let value = row.number(name) else { continue }
                names.append(name)
                values.append(value)
            }
            let warning = row.greyLevels?.singleLevelWarning(caseID: item.id, settings: settings)
            return FeatureValues(names: names, values: values,
                                 warnings: warning.map { [$0] } ?? [])
        }
    }
}
