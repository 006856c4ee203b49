import Foundation
import PetradCore
import PetradImage
import PetradImageOps

/// `petrad segment`: delineates a tumour on an SUV image and writes the mask, its PET
/// parameters and every threshold used (JSON sidecar).
enum SegmentCommand: Command {
    static let name = "segment"
    static let summary = "delineate a tumour (fixed, % of SUVmax, background-adaptive)"
    static let usage = """
        usage: petrad segment PET.nii.gz --out MASK.nii.gz [--method fixed|fraction|adaptive]
                              [--threshold SUV] [--fraction F]
                              [--seed x,y,z | --seed-index i,j,k | --box i0,j0,k0,i1,j1,k1
                               | --rough-mask MASK] [--exclude MASK[,MASK...]]
                              [--max-radius MM] [--connectivity 26|6] [--shell-gap MM]
                              [--shell-thickness MM] [--max-iterations N] [--sidecar FILE.json]

        Delineates one tumour volume on an SUV image (NIfTI or NRRD) and writes it as a 0/1
        uint8 NIfTI mask on the image grid, with a JSON sidecar (default: MASK with .json)
        holding every threshold, background and iteration, and SUVmax, SUVmean, SUVpeak,
        MTV (mL) and TLG per lesion and in total. See docs/delineation.md.

          --method M          fixed: SUV >= --threshold (default 2.5)
                              fraction: one region over --fraction x SUVmax (default 0.41)
                              adaptive (default): one region over B + f x (max - B), B the
                              mean SUV in a shell around the region, iterated to a fixed
                              point; f = --fraction (default 0.39)
          --seed x,y,z        start at the voxel nearest this LPS point (mm), moved uphill to
                              the local maximum
          --seed-index i,j,k  start at this voxel (0-based, x fastest), moved uphill
          --box i0,j0,k0,i1,j1,k1
                              search only in this box of voxel indices (corners included);
                              start at its hottest voxel
          --rough-mask MASK   search only inside this mask; start at its hottest voxel
                              (no start option: the whole image, from its hottest voxel)
          --exclude MASKS     never include nor use as background the non-zero voxels of
                              these masks (comma-separated), e.g. heart, bladder
          --max-radius MM     keep voxel centres within MM of the seed (or hottest voxel)
          --connectivity N    26 (default) or 6
          --shell-gap MM      adaptive: gap between region and background shell (default 10)
          --shell-thickness MM  adaptive: shell thickness (default 10)
          --max-iterations N  adaptive: iteration cap (default 30)
          --sidecar FILE      where to write the JSON sidecar
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(
            arguments, command: name,
            valueOptions: ["out", "method", "threshold", "fraction", "seed", "seed-index", "box",
                           "rough-mask", "exclude", "max-radius", "connectivity", "shell-gap",
                           "shell-thickness", "max-iterations", "sidecar"])
        let context = "petrad \(name)"
        guard parsed.positionals.count == 1, let imagePath = parsed.positionals.first else {
            throw InputError(file: context, field: "PET image",
                             value: parsed.positionals.joined(separator: " "),
                             "give exactly one SUV image (NIfTI or NRRD)")
        }
        guard let outPath = parsed.options["out"] else {
            throw InputError(file: context, field: "--out", "is required: the mask to write")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: imagePath, isDirectory: &isFolder),
           isFolder.boolValue {
            // Not yet: DICOM series input; petrad's image layer reads NIfTI and NRRD only.
            throw InputError(file: imagePath, "is a folder; DICOM series are not read yet, "
                             + "convert the series to NIfTI (e.g. dcm2niix) and pass the file.")
        }

        let method = try parseMethod(parsed)
        let image = try ImageIO.readImage(path: imagePath)
        let start = try parseStart(parsed, geometry: image.geometry)
        var exclusion: Volume<UInt8>? = nil
        if let list = parsed.options["exclude"] {
            for path in list.split(separator: ",").map(String.init) {
                let mask = try binaryMask(path)
                if var combined = exclusion, combined.voxels.count == mask.voxels.count {
                    for i in 0..<mask.voxels.count where mask.voxels[i] != 0 {
                        combined.voxels[i] = 1
                    }
                    exclusion = combined
                } else if exclusion == nil {
                    exclusion = mask
                } else {
                    let size = mask.geometry.size
                    throw InputError(file: path, field: "size",
                                     value: "\(size.x) x \(size.y) x \(size.z)",
                                     "exclusion masks must share the image grid.")
                }
            }
        }
        let connectivityValue = try parsed.int("connectivity", command: name) ?? 26
        guard let connectivity = Connectivity(rawValue: connectivityValue) else {
            throw InputError(file: context, field: "--connectivity",
                             value: String(connectivityValue), "should be 26 or 6")
        }
        let settings = DelineationSettings(
            method: method, start: start, exclusion: exclusion,
            maximumRadius: try parsed.double("max-radius", command: name),
            connectivity: connectivity)

        let result = try Delineation.delineate(image: image, settings: settings)
        let parameters = PETMeasurement.measure(image: image, mask: result.mask,
                                                connectivity: connectivity)
        try ImageIO.writeNIfTI(result.mask, path: outPath)
        let sidecarPath = parsed.options["sidecar"] ?? DelineationSidecar.path(forMask: outPath)
        try DelineationSidecar(image: imagePath, mask: outPath,
                               exclusionMask: parsed.options["exclude"],
                               roughMask: parsed.options["rough-mask"],
                               delineation: result.record, parameters: parameters)
            .write(to: sidecarPath)

        let total = parameters.total
        let record = result.record
        func short(_ value: Double) -> String { String(format: "%.3f", value) }
        print("\(record.method): \(total.voxels) voxels, MTV \(short(total.mtv)) mL, "
              + "SUVmax \(short(total.suvMax)), SUVmean \(short(total.suvMean)), "
              + "SUVpeak \(short(total.suvPeak)), TLG \(short(total.tlg)), "
              + "\(parameters.lesions.count) lesion(s), threshold "
              + "\(short(record.steps.last?.threshold ?? .nan)), "
              + "iterations \(record.iterations)\(record.converged ? "" : " (not converged)")")
        for warning in record.warnings { printError("petrad segment: warning: \(warning)") }
        print("wrote \(outPath) and \(sidecarPath)")
        return 0
    }

    static func parseMethod(_ parsed: ParsedArguments) throws -> DelineationMethod {
        let threshold = try parsed.double("threshold", command: name)
        let fraction = try parsed.double("fraction", command: name)
        let methodName = parsed.options["method"] ?? "adaptive"
        func refuse(_ option: String) throws {
            throw InputError(file: "petrad \(name)", field: "--\(option)",
                             value: parsed.options[option] ?? "",
                             "does not apply to --method \(methodName)")
        }
        switch methodName {
        case "fixed":
            if fraction != nil { try refuse("fraction") }
            return .fixedThreshold(suv: threshold ?? 2.5)
        case "fraction":
            if threshold != nil { try refuse("threshold") }
            return .fractionOfMaximum(fraction: fraction ?? 0.41)
        case "adaptive":
            if threshold != nil { try refuse("threshold") }
            var adaptive = AdaptiveThreshold()
            if let fraction { adaptive.fraction = fraction }
            if let gap = try parsed.double("shell-gap", command: name) { adaptive.shellGap = gap }
            if let thickness = try parsed.double("shell-thickness", command: name) {
                adaptive.shellThickness = thickness
            }
            if let cap = try parsed.int("max-iterations", command: name) {
                adaptive.maximumIterations = cap
            }
            return .backgroundAdaptive(adaptive)
        default:
            throw InputError(file: "petrad \(name)", field: "--method", value: methodName,
                             "should be fixed, fraction or adaptive")
        }
    }

    static func parseStart(_ parsed: ParsedArguments, geometry: Geometry) throws
        -> DelineationStart
    {
        let given = ["seed", "seed-index", "box", "rough-mask"].filter {
            parsed.options[$0] != nil
        }
        guard given.count <= 1 else {
            throw InputError(file: "petrad \(name)", field: "--" + given.joined(separator: " --"),
                             "give at most one starting point")
        }
        if let text = parsed.options["seed"] {
            let v = try numbers(text, count: 3, option: "seed")
            return .seedPoint(SIMD3(v[0], v[1], v[2]))
        }
        if let text = parsed.options["seed-index"] {
            let v = try integers(text, count: 3, option: "seed-index")
            return .seedIndex(SIMD3(v[0], v[1], v[2]))
        }
        if let text = parsed.options["box"] {
            let v = try integers(text, count: 6, option: "box")
            return .box(lower: SIMD3(v[0], v[1], v[2]), upper: SIMD3(v[3], v[4], v[5]))
        }
        if let path = parsed.options["rough-mask"] {
            return .roughMask(try binaryMask(path))
        }
        return .wholeImage
    }

    /// A mask file as 0/1 voxels (non-zero = inside).
    static func binaryMask(_ path: String) throws -> Volume<UInt8> {
        let values = try ImageIO.readMaskValues(path: path)
        return Volume(geometry: values.geometry,
                      voxels: values.voxels.map { $0 != 0 && !$0.isNaN ? 1 : 0 })
    }

    static func numbers(_ text: String, count: Int, option: String) throws -> [Double] {
        let values = text.split(separator: ",").map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard values.count == count, values.allSatisfy({ $0 != nil }) else {
            throw InputError(file: "petrad \(name)", field: "--\(option)", value: text,
                             "should be \(count) comma-separated numbers")
        }
        return values.map { $0! }
    }

    static func integers(_ text: String, count: Int, option: String) throws -> [Int] {
        let values = text.split(separator: ",").map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard values.count == count, values.allSatisfy({ $0 != nil }) else {
            throw InputError(file: "petrad \(name)", field: "--\(option)", value: text,
                             "should be \(count) comma-separated whole numbers")
        }
        return values.map { $0! }
    }
}
