import Foundation
import PetradCore
import PetradFeatures
import PetradStudy

/// `petrad extract`: PyRadiomics-identical features of one image and mask, or of a batch.
enum ExtractCommand: Command {
    static let name = "extract"
    static let summary = "PyRadiomics features of image + mask, or of a batch of cases"
    static let usage = """
        usage: petrad extract IMAGE MASK [--param FILE] [--label N] [--format csv|json]
                              [--out FILE] [--quiet]
               petrad extract CASES.csv [--param FILE] [--format csv|json] [--out FILE] [--quiet]
                              [--shard I/N]
               petrad extract DICOM_DIR (--roi NAME | MASK) [options as above]

          IMAGE, MASK   NRRD or NIfTI (.nrrd, .nhdr, .nii, .nii.gz) files of one scan
          DICOM_DIR     a PET DICOM folder, read in SUVbw (as petrad convert); --roi names an
                        RTSTRUCT ROI or SEG segment of the folder, used in place of MASK
          CASES.csv     a batch: columns Image, Mask, optional Label, optional PatientID or ID;
                        relative paths are read from the CSV's folder. Cases run in parallel;
                        a failed case is reported and skipped, the others are written
                        (exit code 3; 1 when every case failed: see petrad --help).
          --param       PyRadiomics parameter file (YAML: setting, featureClass, imageType;
                        petrad also reads convention: pyradiomics or ibsi, the latter IBSI 1
                        processing and every IBSI feature family, whatever featureClass says).
                        Default: PyRadiomics' default settings (bin width 25, no resampling;
                        classes shape, firstorder, glcm, glrlm, glszm, gldm, ngtdm). Image
                        types other than Original are not supported yet.
          --label       ROI label value in the mask (default: the parameter file's, else 1)
          --format      csv (default; one row per case) or json
          --out         write to this file (atomically) instead of standard output
          --quiet       no progress lines on standard error
          --shard I/N   batch only: extract every N-th case starting at the I-th (1-based), for
                        cluster array jobs; join the parts with petrad merge (docs/cluster.md)

          Columns follow PyRadiomics: diagnostics_* then original_<class>_<Feature>.
          NaN marks a value that cannot exist for the ROI; diagnostics_petrad_Notes says why.
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name,
                                         valueOptions: ["param", "label", "format", "out", "roi", "shard"],
                                         flagOptions: ["quiet"])
        let format = parsed.options["format"] ?? "csv"
        guard format == "csv" || format == "json" else {
            throw InputError(file: "petrad extract", field: "--format", value: format,
                             "should be csv or json")
        }
        var settings = ExtractionSettings()
        if let param = parsed.options["param"] {
            settings = try ExtractionSettings(parameterFile: param)
        }
        // Label 0 would select the background, as a parameter file's `label: 0` would (refused).
        let label = try parsed.int("label", command: name, minimum: 1)
        let shard = try parsed.options["shard"].map {
            try Shard.parse($0, command: "petrad extract")
        }
        let extractor = Extractor(settings: settings)

        let rows: [(ExtractionCase?, FeatureRow)]
        var failures = 0
        switch parsed.positionals.count {
        case 1 where isFolder(parsed.positionals[0]), 2 where isFolder(parsed.positionals[0]):
            let row = try extractDICOM(folder: parsed.positionals[0], roi: parsed.options["roi"],
                                       maskPath: parsed.positionals.count == 2
                                           ? parsed.positionals[1] : nil,
                                       extractor: extractor, label: label)
            rows = [(nil, row)]
        case 2:
            do {
                let row = try extractor.extract(imagePath: parsed.positionals[0],
                                                maskPath: parsed.positionals[1], label: label)
                rows = [(nil, row)]
            } catch {
                throw placed(error, parameterFile: parsed.options["param"])
            }
        case 1 where [".nii", ".nii.gz", ".nrrd", ".nhdr"].contains(where: {
            parsed.positionals[0].lowercased().hasSuffix($0) }):
            throw InputError(file: "petrad extract", field: "arguments",
                             value: parsed.positionals[0],
                             "is an image: give its mask too (petrad extract IMAGE MASK), or a "
                                 + "CASES.csv")
        case 1:
            var cases = try ExtractionCase.read(csvPath: parsed.positionals[0])
            let counts = Dictionary(grouping: cases, by: \.id).filter { $0.value.count > 1 }
            if !counts.isEmpty {
                printError("petrad extract: warning: \(parsed.positionals[0]): case id(s) "
                           + counts.keys.sorted().prefix(10).joined(separator: ", ")
                           + " appear more than once; their rows cannot be told apart")
            }
            let near = Identifiers.nearDuplicates(cases.map(\.id))
            if !near.isEmpty {
                printError("petrad extract: warning: \(parsed.positionals[0]): case ids "
                           + near.prefix(10).map { $0.map { "'\($0)'" }.joined(separator: " and ") }
                               .joined(separator: "; ")
                           + " differ only in case or spaces; they are kept as different cases")
            }
            if let label { for i in cases.indices where cases[i].label == nil { cases[i].label = label } }
            if let shard { cases = shard.select(cases) }
            let progress = Progress(total: cases.count, label: "extract")
            progress.quiet = parsed.flags.contains("quiet")
            let results = extractor.extract(cases: cases) { c, result, seconds in
                let status: String
                switch result {
                case .success: status = "ok"
                case .failure(let error): status = "FAILED: \(error)"
                }
                progress.finished("\(c.id)  \(status)  \(String(format: "%.1f", seconds))s")
            }
            var kept: [(ExtractionCase?, FeatureRow)] = []
            for (c, result) in zip(cases, results) {
                switch result {
                case .success(let row): kept.append((c, row))
                case .failure(let error):
                    failures += 1
                    printError("petrad extract: case \(c.id) skipped: "
                               + "\(placed(error, parameterFile: parsed.options["param"]))")
                }
            }
            rows = kept
        default:
            throw InputError(file: "petrad extract", field: "arguments",
                             value: parsed.positionals.joined(separator: " "),
                             "give IMAGE MASK, or one CASES.csv (see petrad extract --help)")
        }

        // A ROI left with one grey level makes every texture feature a constant, silently in
        // PyRadiomics (SUV images with its default binWidth 25, say).
        for (c, row) in rows {
            let id = c?.id ?? parsed.positionals[0]
            if let warning = row.greyLevels?.singleLevelWarning(caseID: id, settings: settings) {
                printError("petrad extract: warning: \(warning)")
            }
        }

        if failures > 0 && rows.isEmpty {
            printError("petrad extract: all \(failures) case(s) failed; nothing written")
            return ExitCode.error
        }
        let text = format == "csv" ? FeatureTable.csv(rows).csvText() : FeatureTable.json(rows)
        if let out = parsed.options["out"] {
            try AtomicFile.write(text, to: out)
        } else {
            print(text, terminator: "")
        }
        if failures > 0 {
            printError("petrad extract: \(failures) case(s) failed, \(rows.count) written")
            return ExitCode.casesFailed
        }
        return ExitCode.ok
    }

    /// Fields of the extraction settings: an error about one of them belongs to the parameter
    /// file (or the defaults), which the extractor does not know; it names the case's mask.
    static let settingFields: Set<String> = [
        "binWidth", "binCount", "binWidth/binCount", "resampledPixelSpacing", "fixed bin size",
        "fixed bin number", "interpolation spacing", "distances", "weightingNorm",
    ]

    /// `error`, with a settings error placed in `parameterFile` (for the case it names).
    static func placed(_ error: Error, parameterFile: String?) -> Error {
        guard var input = error as? InputError, settingFields.contains(input.field) else {
            return error
        }
        let settings = parameterFile ?? "the default settings"
        input.file = input.file.isEmpty ? settings : "\(settings) (case \(input.file))"
        return input
    }
}
