import Foundation
import PetradCore
import PetradImage
import PetradImageOps

/// `petrad convert`: a PET DICOM series to a NIfTI SUV image (and an RTSTRUCT ROI to a mask),
/// with a JSON sidecar of every SUV input and the rule applied.
enum ConvertCommand: Command {
    static let name = "convert"
    static let summary = "PET DICOM series to NIfTI SUV image (+ RTSTRUCT ROI mask)"
    static let usage = """
        usage: petrad convert <DICOM_DIR> --out <image.nii.gz>
                              [--roi <NAME> --mask-out <mask.nii.gz>]
                              [--series <UID>] [--rtstruct <file>] [--suv bw|bsa|lbm-james|
                              lbm-james120|lbm-janmahasatian|ibw|none]
                              [--reference-time earliest-acquisition|per-frame]
                              [--dose-unit auto|Bq|MBq] [--allow-gaps] [--sidecar <file.json>]

          --out             NIfTI image (float32), SUV unless --suv none (then Bq/mL as stored)
          --roi, --mask-out rasterise this RTSTRUCT ROI (even-odd, voxel centres) to a mask
          --series          SeriesInstanceUID when the folder holds several image series
          --rtstruct        RTSTRUCT file (default: the folder's RTSTRUCT holding --roi)
          --suv             normalisation (default bw); lbm-james is DICOM's James 128,
                            lbm-james120 calculate-suv's variant (120 for men)
          --reference-time  DecayCorrection START when SeriesTime is after the acquisition and
                            no GE private time: earliest acquisition (QIBA, default) or the
                            IBSI-SUV per-frame back-computation
          --dose-unit       RadionuclideTotalDose unit (default auto: below 1e5 is MBq)
          --allow-gaps      put a series with missing slices on a regular grid (linear)
          --sidecar         JSON record (default: the image path with .json)
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(
            arguments, command: name,
            valueOptions: ["out", "roi", "mask-out", "series", "rtstruct", "suv",
                           "reference-time", "dose-unit", "sidecar"],
            flagOptions: ["allow-gaps"])
        guard parsed.positionals.count == 1 else {
            throw InputError(file: "petrad convert", field: "DICOM_DIR",
                             value: parsed.positionals.joined(separator: " "),
                             "give exactly one DICOM folder")
        }
        guard let out = parsed.options["out"] else {
            throw InputError(file: "petrad convert", field: "--out", "is required")
        }
        if (parsed.options["roi"] == nil) != (parsed.options["mask-out"] == nil) {
            throw InputError(file: "petrad convert", field: "--roi/--mask-out",
                             "give both or neither")
        }
        let options = try suvOptions(parsed, command: name)
        let normalisation = try normalisationOption(parsed, command: name)
        let started = Date()
        let result = try PETDICOMImport.load(
            folder: parsed.positionals[0], seriesInstanceUID: parsed.options["series"],
            normalisation: normalisation, options: options, roi: parsed.options["roi"],
            rtstruct: parsed.options["rtstruct"], allowGaps: parsed.flags.contains("allow-gaps"))
        try ImageIO.writeNIfTI(result.image, path: out)
        if let maskOut = parsed.options["mask-out"], let mask = result.mask {
            try ImageIO.writeNIfTI(mask, path: maskOut)
        }
        let sidecar = parsed.options["sidecar"] ?? sidecarPath(for: out)
        try AtomicFile.write(try result.sidecarJSON(imagePath: out,
                                                    maskPath: parsed.options["mask-out"]),
                             to: sidecar)
        printLog(result, seconds: Date().timeIntervalSince(started), out: out, sidecar: sidecar)
        return 0
    }

    static func sidecarPath(for image: String) -> String {
        for suffix in [".nii.gz", ".nii", ".nrrd"] where image.hasSuffix(suffix) {
            return String(image.dropLast(suffix.count)) + ".json"
        }
        return image + ".json"
    }

    static func suvOptions(_ parsed: ParsedArguments, command: String) throws -> SUVOptions {
        var options = SUVOptions()
        if let text = parsed.options["reference-time"] {
            guard let rule = SUVReferenceTimeRule(rawValue: text) else {
                throw InputError(file: "petrad \(command)", field: "--reference-time",
                                 value: text, "should be earliest-acquisition or per-frame")
            }
            options.referenceTimeRule = rule
        }
        if let text = parsed.options["dose-unit"] {
            guard let unit = SUVOptions.DoseUnit(rawValue: text) else {
                throw InputError(file: "petrad \(command)", field: "--dose-unit", value: text,
                                 "should be auto, Bq or MBq")
            }
            options.doseUnit = unit
        }
        return options
    }

    static func normalisationOption(_ parsed: ParsedArguments, command: String) throws
        -> SUVNormalisation? {
        let text = parsed.options["suv"] ?? "bw"
        if text == "none" { return nil }
        guard let value = SUVNormalisation(rawValue: text) else {
            let names = SUVNormalisation.allCases.map(\.rawValue) + ["none"]
            throw InputError(file: "petrad \(command)", field: "--suv", value: text,
                             "should be one of " + names.joined(separator: ", "))
        }
        return value
    }

    static func printLog(_ result: PETDICOMImport, seconds: Double, out: String,
                         sidecar: String) {
        let g = result.image.geometry
        var lines = ["series \(result.series.seriesInstanceUID): \(g.size.x)x\(g.size.y)x"
                         + "\(g.size.z), spacing "
                         + String(format: "%.4g x %.4g x %.4g mm", g.spacing.x, g.spacing.y,
                                  g.spacing.z)]
        if result.sliceSpacing.uneven {
            lines.append("warning: slice distances vary from "
                             + String(format: "%.4g to %.4g mm", result.sliceSpacing.smallest,
                                      result.sliceSpacing.largest)
                             + " (grid spacing is their mean)")
        }
        for gap in result.sliceSpacing.gaps {
            lines.append("warning: \(gap); resampled onto a regular grid")
        }
        if let conversion = result.conversion {
            lines.append("SUV: \(conversion.rule)")
            lines += conversion.notes.map { "note: \($0)" }
        }
        if let name = result.roiName, let mask = result.mask {
            lines.append("ROI \(name): \(mask.voxels.reduce(0) { $0 + Int($1) }) voxels"
                             + (result.roiContoursOffGrid > 0
                                    ? ", \(result.roiContoursOffGrid) contour(s) off the grid"
                                    : ""))
        }
        lines.append("wrote \(out) and \(sidecar) (\(String(format: "%.1f", seconds)) s)")
        printError(lines.joined(separator: "\n"))
    }
}
