import Foundation
import PetradImage

/// What an SUV is normalised by (the denominator's body-size term).
public enum SUVNormalisation: String, Sendable, CaseIterable {
    /// SUVbw: body weight W in g.
    case bodyWeight = "bw"
    /// SUVbsa: body surface area in cm^2 by Du Bois: 71.84 W^0.425 H^0.725 (W kg, H cm).
    case bodySurfaceArea = "bsa"
    /// SUVlbm, James: M 1.10 W - 128 (W/H)^2, F 1.07 W - 148 (W/H)^2 (kg, cm); DICOM
    /// SUVType LBMJAMES128.
    case leanBodyMassJames = "lbm-james"
    /// SUVlbm as calculate-suv (cornerstonejs) computes it: James with 120 in place of 128 for
    /// men, M 1.10 W - 120 (W/H)^2, F 1.07 W - 148 (W/H)^2. Not the DICOM LBMJAMES128 rule;
    /// only to reproduce that tool's SUVlbm.
    case leanBodyMassJamesCalculateSUV = "lbm-james120"
    /// SUVlbm, Janmahasatian: M 9270 W / (6680 + 216 BMI), F 9270 W / (8780 + 244 BMI).
    case leanBodyMassJanmahasatian = "lbm-janmahasatian"
    /// SUVibw: M 48.0 + 1.06 (H - 152), F 45.5 + 0.91 (H - 152) kg (H cm).
    case idealBodyWeight = "ibw"
}

/// Which reference time DecayCorrection START uses when SeriesDateTime is later than the
/// earliest AcquisitionDateTime and no GE private scan date-time (0009,100D) is present.
public enum SUVReferenceTimeRule: String, Sendable, CaseIterable {
    /// QIBA / calculate-suv: the earliest AcquisitionDateTime of the series.
    case earliestAcquisition = "earliest-acquisition"
    /// IBSI-SUV manual: per frame, AcquisitionDateTime + Tave - FrameReferenceTime, with
    /// Tave = ln(lambda T / (1 - exp(-lambda T))) / lambda and T the ActualFrameDuration.
    case perFrameBackComputed = "per-frame"
}

/// Options of the SUV conversion.
public struct SUVOptions: Sendable {
    /// Unit of RadionuclideTotalDose: by magnitude (below 1e5 it is MBq, else Bq; the
    /// decision is noted), or as given.
    public enum DoseUnit: String, Sendable, CaseIterable {
        case automatic = "auto", becquerel = "Bq", megabecquerel = "MBq"
    }

    public var normalisation: SUVNormalisation
    public var referenceTimeRule: SUVReferenceTimeRule
    public var doseUnit: DoseUnit
    public init(normalisation: SUVNormalisation = .bodyWeight,
                referenceTimeRule: SUVReferenceTimeRule = .earliestAcquisition,
                doseUnit: DoseUnit = .automatic) {
        self.normalisation = normalisation
        self.referenceTimeRule = referenceTimeRule
        self.doseUnit = doseUnit
    }
}

/// The result of an SUV conversion: one factor per slice (SUV = factor x rescaled value),
/// the rule applied in words, and every input used (for a JSON sidecar).
public struct SUVConversion: Sendable {
    public var factors: [Double]
    /// E.g. "BQML, DecayCorrection START, reference time SeriesDateTime, SUVbw".
    public var rule: String
    /// Every input used, DICOM keyword (or derived quantity) to value.
    public var inputs: [String: String]
    /// Decisions taken from the data, each a sentence (dose unit, day of injection, ...).
    public var notes: [String]
    /// The reference time of the decay correction when it is one for the series.
    public var referenceTime: DICOMDateTime?
}

/// SUV conversion of PET series, by the rules of QIBA (calculate-suv) and the IBSI-SUV manual.
///
/// SUVbw factor by Units: BQML `W / (D * decay)`; CNTS the Philips (7053,1000) SUV scale
/// factor, or the (7053,1009) activity concentration scale factor times the BQML factor;
/// GML 1 (values are SUVbw) or W/LBM, W/IBW by SUVType; CM2ML W[g] / BSA[cm^2]. Decay by
/// DecayCorrection: START `2^(-(tref - tinj) / T1/2)`, ADMIN 1, NONE per frame
/// `(1 - exp(-lambda T)) / (lambda T) * exp(-lambda (tacq - tinj))`. Other normalisations
/// multiply the SUVbw factor by X / W (X the LBM or IBW in g, or the BSA in cm^2).
/// What cannot be converted (PROPCNTS, missing weight or dose, a missing Philips factor)
/// is refused with an `InputError` naming the tag.
public enum SUV {
    /// Half-lives (s) by radionuclide code (SNOMED, CodeValue in RadionuclideCodeSequence),
    /// used when RadionuclideHalfLife is absent.
    public static let halfLifeByNuclideCode: [String: (name: String, seconds: Double)] = [
        "C-111A1": ("F-18", 6586.2), "C-105A1": ("C-11", 1223.4), "C-107A1": ("N-13", 597.9),
        "C-B1038": ("O-15", 122.24), "C-131A3": ("Ga-68", 4062.6), "C-159A2": ("Rb-82", 75.45),
    ]

    /// SOP class UID of Enhanced PET Image Storage (PS3.4 B.5).
    public static let enhancedPETStorage = "1.2.840.10008.5.1.4.1.1.130"

    /// Series-level attributes that must be equal on every slice.
    static let seriesLevel = ["Units", "DecayCorrection", "PatientWeight", "PatientSize",
                              "PatientSex", "SeriesDate", "SeriesTime", "RadionuclideTotalDose",
                              "RadionuclideHalfLife", "RadiopharmaceuticalStartTime",
                              "RadiopharmaceuticalStartDateTime", "SUVType"]

    /// SUV factors of a series read by `DICOMSeriesReader` (one per z plane).
    public static func factors(for series: DICOMImageSeries, options: SUVOptions = SUVOptions())
        throws -> SUVConversion {
        try factors(slices: series.slices.map(\.attributes),
                    file: series.slices.first.map {
                        URL(fileURLWithPath: $0.path).deletingLastPathComponent().path
                    } ?? "", options: options)
    }

    /// The series' image in SUV: each z plane times its slice's factor.
    public static func convert(_ series: DICOMImageSeries, options: SUVOptions = SUVOptions())
        throws -> (image: ImageVolume, conversion: SUVConversion) {
        let conversion = try factors(for: series, options: options)
        var image = series.image
        let plane = image.geometry.size.x * image.geometry.size.y
        for (k, factor) in conversion.factors.enumerated() {
            for i in (k * plane)..<((k + 1) * plane) { image.voxels[i] *= factor }
        }
        return (image, conversion)
    }

    /// SUV factors from per-slice attributes (DICOM keywords to text, as
    /// `DICOMSeriesReader.suvAttributes`; multi-valued ones backslash-separated). `file` names
    /// the source in errors.
    public static func factors(slices: [[String: String]], file: String = "",
                               options: SUVOptions = SUVOptions()) throws -> SUVConversion {
        guard var first = slices.first else {
            throw InputError(file: file, "no slice to convert to SUV")
        }
        var slices = slices
        if first["Units"] == nil, first["SOPClassUID"] == enhancedPETStorage {
            slices = try classicKeywords(enhancedPET: slices, file: file)
            first = slices[0]
        }
        for key in seriesLevel {
            let values = Set(slices.map { $0[key] ?? "" })
            if values.count > 1 {
                throw InputError(file: file, field: key,
                                 value: values.sorted().joined(separator: " / "),
                                 "differs between the instances; they are not one series")
            }
        }
        var inputs: [String: String] = [:]
        var notes: [String] = []
        func value(_ key: String) -> String? {
            guard let v = first[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else {
                return nil
            }
            inputs[key] = v
            return v
        }
        func number(_ key: String, in attributes: [String: String]) -> Double? {
            attributes[key].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let units = value("Units")?.uppercased() else {
            throw InputError(file: file, field: "Units (0054,1001)", value: "absent",
                             "is needed to know what the stored values are")
        }
        let needsBody = options.normalisation != .bodyWeight
        let weightKg = value("PatientWeight").flatMap(Double.init)
        func weight() throws -> Double {
            guard let w = weightKg, w > 0 else {
                throw InputError(file: file, field: "PatientWeight (0010,1030)",
                                 value: first["PatientWeight"] ?? "absent",
                                 "a positive weight in kg is needed for SUV")
            }
            return w
        }
        let body = BodySize(weightKg: weightKg, heightM: value("PatientSize").flatMap(Double.init),
                            sex: value("PatientSex"), file: file)

        // CorrectedImage must say attenuation and (unless DC NONE) decay correction.
        let decayCorrection = value("DecayCorrection")?.uppercased()
        if let corrected = value("CorrectedImage"), units != "GML", units != "CM2ML" {
            let flags = Set(corrected.uppercased().split(separator: "\\")
                .map { $0.trimmingCharacters(in: .whitespaces) })
            if !flags.contains("ATTN") || (decayCorrection != "NONE" && !flags.contains("DECY")) {
                throw InputError(file: file, field: "CorrectedImage (0028,0051)",
                                 value: corrected,
                                 "must contain ATTN and DECY (DECY not needed with "
                                     + "DecayCorrection NONE)")
            }
        }

        var bwFactors: [Double]
        var rule: String
        var referenceTime: DICOMDateTime?
        switch units {
        case "GML":
            let type = value("SUVType")?.uppercased() ?? "BW"
            if first["SUVType"] == nil { notes.append("SUVType absent: GML taken as SUVbw") }
            let f: Double
            switch type {
            case "BW": f = 1
            case "LBMJAMES128", "LBM": f = try weight() * 1000 / body.leanBodyMassJames()
            case "IBW": f = try weight() * 1000 / body.idealBodyWeight()
            case "BSA": f = try weight() * 1000 / body.bodySurfaceArea()
            default:
                throw InputError(file: file, field: "SUVType (0054,1006)", value: type,
                                 "is not a known SUV type (BW, LBMJAMES128, IBW, BSA)")
            }
            bwFactors = Array(repeating: f, count: slices.count)
            rule = "GML (stored as SUV\(type.lowercased())), factor to SUVbw \(formatNumber(f))"
        case "CM2ML":
            let f = try weight() * 1000 / body.bodySurfaceArea()
            bwFactors = Array(repeating: f, count: slices.count)
            rule = "CM2ML (stored as SUVbsa, Du Bois), factor W[g]/BSA[cm2]"
        case "BQML", "CNTS":
            var activity = Array(repeating: 1.0, count: slices.count)
            var prefix = "BQML"
            if units == "CNTS" {
                let suvKey = "PhilipsPETPrivateGroup.SUVScaleFactor"
                let activityKey = "PhilipsPETPrivateGroup.ActivityConcentrationScaleFactor"
                let suvFactors = slices.map { number(suvKey, in: $0) ?? 0 }
                if suvFactors.allSatisfy({ $0 > 0 }) {
                    inputs[suvKey] = first[suvKey]
                    bwFactors = suvFactors
                    rule = "CNTS with the Philips SUV scale factor (7053,1000)"
                    referenceTime = nil
                    break
                }
                let activityFactors = slices.map { number(activityKey, in: $0) ?? 0 }
                guard activityFactors.allSatisfy({ $0 > 0 }) else {
                    throw InputError(file: file,
                                     field: "Philips private (7053,1000) SUVScaleFactor / "
                                         + "(7053,1009) ActivityConcentrationScaleFactor",
                                     value: "\(first[suvKey] ?? "absent") / "
                                         + "\(first[activityKey] ?? "absent")",
                                     "Units CNTS need one of these Philips factors, positive")
                }
                inputs[activityKey] = first[activityKey]
                activity = activityFactors
                prefix = "CNTS with the Philips activity concentration scale factor (7053,1009)"
            }
            let result = try activityFactors(slices: slices, first: first, file: file,
                                             weightKg: try weight(), options: options,
                                             value: value, notes: &notes)
            bwFactors = zip(result.factors, activity).map { $0 * $1 }
            rule = prefix + ", " + result.rule
            referenceTime = result.referenceTime
        case "PROPCNTS":
            throw InputError(file: file, field: "Units (0054,1001)", value: units,
                             "proportional counts cannot be converted to SUV (no calibration)")
        default:
            throw InputError(file: file, field: "Units (0054,1001)", value: units,
                             "is not one that SUV can be computed from (BQML, CNTS, GML, CM2ML)")
        }

        // Other normalisations: SUVx = SUVbw * X / W.
        var scale = 1.0
        if needsBody {
            let w = try weight() * 1000
            switch options.normalisation {
            case .bodyWeight: scale = 1
            case .bodySurfaceArea: scale = try body.bodySurfaceArea() / w
            case .leanBodyMassJames: scale = try body.leanBodyMassJames() / w
            case .leanBodyMassJamesCalculateSUV:
                scale = try body.leanBodyMassJames(maleCoefficient: 120) / w
            case .leanBodyMassJanmahasatian: scale = try body.leanBodyMassJanmahasatian() / w
            case .idealBodyWeight: scale = try body.idealBodyWeight() / w
            }
        }
        rule += ", SUV\(options.normalisation.rawValue)"
        return SUVConversion(factors: bwFactors.map { $0 * scale }, rule: rule, inputs: inputs,
                             notes: notes, referenceTime: referenceTime)
    }

    /// W / (D * decay) per slice for activity concentrations (BQML).
    static func activityFactors(slices: [[String: String]], first: [String: String],
                                file: String, weightKg: Double, options: SUVOptions,
                                value: (String) -> String?, notes: inout [String]) throws
        -> (factors: [Double], rule: String, referenceTime: DICOMDateTime?) {
        guard var dose = value("RadionuclideTotalDose").flatMap(Double.init), dose > 0 else {
            throw InputError(file: file, field: "RadionuclideTotalDose (0018,1074)",
                             value: first["RadionuclideTotalDose"] ?? "absent",
                             "a positive injected dose is needed for SUV")
        }
        // The dose unit is not coded: below 1e5 it can only be MBq (a PET dose is >= 1e7 Bq).
        switch options.doseUnit {
        case .automatic where dose < 1e5:
            notes.append("RadionuclideTotalDose \(formatNumber(dose)) read as MBq (below 1e5)")
            dose *= 1e6
        case .automatic:
            notes.append("RadionuclideTotalDose \(formatNumber(dose)) read as Bq (1e5 or more)")
        case .becquerel:
            notes.append("RadionuclideTotalDose \(formatNumber(dose)) read as Bq (as asked)")
        case .megabecquerel:
            notes.append("RadionuclideTotalDose \(formatNumber(dose)) read as MBq (as asked)")
            dose *= 1e6
        }
        let weightG = weightKg * 1000
        guard let decayCorrection = value("DecayCorrection")?.uppercased() else {
            throw InputError(file: file, field: "DecayCorrection (0054,1102)", value: "absent",
                             "START, ADMIN or NONE is needed for SUV from activity")
        }
        if decayCorrection == "ADMIN" {
            // Still refuse an injection after the scan.
            if let injection = try? injectionTime(first: first, file: file, notes: &notes),
               let scan = try? scanReferenceTime(slices: slices, file: file).time,
               injection > scan {
                throw InputError(file: file, field: "RadiopharmaceuticalStartDateTime",
                                 value: "\(injection)",
                                 "is after the scan (\(scan)); decay time cannot be negative")
            }
            return (Array(repeating: weightG / dose, count: slices.count),
                    "DecayCorrection ADMIN (no decay term)", nil)
        }
        let halfLife = try self.halfLife(first: first, file: file, value: value)
        for key in ["RadiopharmaceuticalStartDateTime", "RadiopharmaceuticalStartTime"] {
            _ = value(key)
        }
        let lambda = log(2) / halfLife
        let injection = try injectionTime(first: first, file: file, notes: &notes)
        func frameDuration(_ attributes: [String: String]) throws -> Double {
            guard let ms = attributes["ActualFrameDuration"].flatMap(Double.init), ms > 0 else {
                throw InputError(file: file, field: "ActualFrameDuration (0018,1242)",
                                 value: attributes["ActualFrameDuration"] ?? "absent",
                                 "is needed per frame for this decay rule")
            }
            return ms / 1000
        }
        func acquisition(_ attributes: [String: String]) throws -> DICOMDateTime {
            guard let t = DICOMDateTime(date: attributes["AcquisitionDate"] ?? "",
                                        time: attributes["AcquisitionTime"] ?? "") else {
                throw InputError(file: file, field: "AcquisitionDate/AcquisitionTime",
                                 value: "\(attributes["AcquisitionDate"] ?? "absent") "
                                     + "\(attributes["AcquisitionTime"] ?? "absent")",
                                 "could not be read as a date and time")
            }
            return t
        }
        switch decayCorrection {
        case "START":
            if let text = value("DecayCorrectionDateTime") {
                // Enhanced PET: the time the values are decay-corrected to is given.
                guard let time = DICOMDateTime(dateTime: text) else {
                    throw InputError(file: file, field: "DecayCorrectionDateTime (0018,9701)",
                                     value: text, "could not be read as a DICOM date-time")
                }
                let decayTime = time.seconds - injection.seconds
                guard decayTime >= 0 else {
                    throw InputError(file: file, field: "RadiopharmaceuticalStartDateTime",
                                     value: "\(injection)", "is after DecayCorrectionDateTime "
                                         + "\(time); decay time cannot be negative")
                }
                return (Array(repeating: weightG / (dose * pow(2, -decayTime / halfLife)),
                              count: slices.count),
                        "DecayCorrection START, reference time DecayCorrectionDateTime "
                            + "\(time) (Enhanced PET, DecayCorrected YES)", time)
            }
            let scan = try scanReferenceTime(slices: slices, file: file)
            if let time = scan.time {
                let decayTime = time.seconds - injection.seconds
                guard decayTime >= 0 else {
                    throw InputError(file: file, field: "RadiopharmaceuticalStartDateTime",
                                     value: "\(injection)", "is after the scan reference time "
                                         + "\(time); decay time cannot be negative")
                }
                let f = weightG / (dose * pow(2, -decayTime / halfLife))
                return (Array(repeating: f, count: slices.count),
                        "DecayCorrection START, reference time \(scan.rule) \(time)", time)
            }
            switch options.referenceTimeRule {
            case .earliestAcquisition:
                let time = scan.earliestAcquisition
                let f = weightG / (dose * pow(2, -(time.seconds - injection.seconds) / halfLife))
                return (Array(repeating: f, count: slices.count),
                        "DecayCorrection START, reference time earliest AcquisitionDateTime "
                            + "\(time) (QIBA; SeriesDateTime is later)", time)
            case .perFrameBackComputed:
                var factors: [Double] = []
                for attributes in slices {
                    let t = try frameDuration(attributes)
                    guard let frameReference = attributes["FrameReferenceTime"]
                        .flatMap(Double.init) else {
                        throw InputError(file: file, field: "FrameReferenceTime (0054,1300)",
                                         value: "absent", "is needed by the per-frame rule")
                    }
                    let tave = log(lambda * t / (1 - exp(-lambda * t))) / lambda
                    let reference = try acquisition(attributes).seconds + tave
                        - frameReference / 1000
                    factors.append(weightG / (dose * exp(-lambda
                        * (reference - injection.seconds))))
                }
                return (factors, "DecayCorrection START, reference time per frame "
                            + "AcquisitionDateTime + Tave - FrameReferenceTime (IBSI-SUV; "
                            + "SeriesDateTime is later)", nil)
            }
        case "NONE":
            var factors: [Double] = []
            for attributes in slices {
                let t = try frameDuration(attributes)
                let elapsed = try acquisition(attributes).seconds - injection.seconds
                factors.append(weightG / dose * lambda * t / (1 - exp(-lambda * t))
                    * exp(lambda * elapsed))
            }
            return (factors, "DecayCorrection NONE, decay to injection per frame "
                        + "(frame-averaged from AcquisitionDateTime over ActualFrameDuration)",
                    nil)
        default:
            throw InputError(file: file, field: "DecayCorrection (0054,1102)",
                             value: decayCorrection, "should be START, ADMIN or NONE")
        }
    }

    /// Half-life in s: RadionuclideHalfLife, else from the radionuclide code.
    static func halfLife(first: [String: String], file: String,
                         value: (String) -> String?) throws -> Double {
        if let t = value("RadionuclideHalfLife").flatMap({ Double($0) }), t > 0 { return t }
        if let code = value("RadionuclideCodeValue"), let known = halfLifeByNuclideCode[code] {
            return known.seconds
        }
        throw InputError(file: file, field: "RadionuclideHalfLife (0018,1075)",
                         value: first["RadionuclideHalfLife"] ?? "absent",
                         "no half-life, and no known radionuclide code ("
                             + (first["RadionuclideCodeValue"] ?? "absent") + ")")
    }

    /// Injection: RadiopharmaceuticalStartDateTime, else RadiopharmaceuticalStartTime on the
    /// SeriesDate; a time-only start later than the scan was the day before (before midnight).
    public static func injectionTime(first: [String: String], file: String = "",
                                     notes: inout [String]) throws -> DICOMDateTime {
        func read(_ key: String) -> String? {
            first[key].flatMap { $0.trimmingCharacters(in: .whitespaces) }
                .flatMap { $0.isEmpty ? nil : $0 }
        }
        if let text = read("RadiopharmaceuticalStartDateTime") {
            guard let t = DICOMDateTime(dateTime: text) else {
                throw InputError(file: file, field: "RadiopharmaceuticalStartDateTime",
                                 value: text, "could not be read as a DICOM date-time")
            }
            return t
        }
        guard let time = read("RadiopharmaceuticalStartTime") else {
            throw InputError(file: file, field: "RadiopharmaceuticalStartDateTime / "
                                 + "RadiopharmaceuticalStartTime (0018,1078 / 0018,1072)",
                             value: "absent", "the injection time is needed for decay")
        }
        let date = read("SeriesDate") ?? first["AcquisitionDate"] ?? ""
        guard var t = DICOMDateTime(date: date, time: time) else {
            throw InputError(file: file, field: "RadiopharmaceuticalStartTime", value: time,
                             "could not be combined with SeriesDate \(date)")
        }
        let seriesTime = read("SeriesTime").flatMap { DICOMDateTime(date: date, time: $0) }
        let acquisitionTime = read("AcquisitionTime").flatMap {
            DICOMDateTime(date: first["AcquisitionDate"] ?? date, time: $0)
        }
        if let scan = [seriesTime, acquisitionTime].compactMap({ $0 }).min(), t > scan {
            t.seconds -= 86400
            notes.append("RadiopharmaceuticalStartTime \(time) is after the scan: injection "
                             + "taken on the day before (\(t))")
        }
        return t
    }

    /// The scan reference time of DecayCorrection START (QIBA steps 1 and 2): SeriesDateTime
    /// when not later than the earliest AcquisitionDateTime, else the GE private (0009,100D);
    /// `time` is nil when neither applies (then a `SUVReferenceTimeRule` decides).
    public static func scanReferenceTime(slices: [[String: String]], file: String = "") throws
        -> (time: DICOMDateTime?, rule: String, earliestAcquisition: DICOMDateTime) {
        var earliest: DICOMDateTime?
        for attributes in slices {
            let date = attributes["AcquisitionDate"] ?? attributes["SeriesDate"] ?? ""
            guard let t = DICOMDateTime(date: date, time: attributes["AcquisitionTime"] ?? "")
            else {
                throw InputError(file: file, field: "AcquisitionDate/AcquisitionTime",
                                 value: "\(date) \(attributes["AcquisitionTime"] ?? "absent")",
                                 "could not be read as a date and time")
            }
            earliest = min(earliest ?? t, t)
        }
        guard let earliest else { throw InputError(file: file, "no slice") }
        let first = slices[0]
        guard let series = DICOMDateTime(date: first["SeriesDate"] ?? "",
                                         time: first["SeriesTime"] ?? "") else {
            throw InputError(file: file, field: "SeriesDate/SeriesTime (0008,0021 / 0008,0031)",
                             value: "\(first["SeriesDate"] ?? "absent") "
                                 + "\(first["SeriesTime"] ?? "absent")",
                             "could not be read as a date and time")
        }
        if series <= earliest { return (series, "SeriesDateTime", earliest) }
        if let text = first["GEPrivatePostInjectionDateTime"], !text.isEmpty {
            guard let ge = DICOMDateTime(dateTime: text) else {
                throw InputError(file: file, field: "GE private (0009,100D)", value: text,
                                 "could not be read as a DICOM date-time")
            }
            return (ge, "GE private scan date-time (0009,100D)", earliest)
        }
        return (nil, "", earliest)
    }
}

/// Patient body size for SUV normalisation; each quantity throws naming the missing tag.
public struct BodySize: Sendable {
    public var weightKg: Double?
    public var heightM: Double?
    public var sex: String?
    public var file: String

    public init(weightKg: Double?, heightM: Double?, sex: String?, file: String = "") {
        self.weightKg = weightKg
        self.heightM = heightM
        self.sex = sex
        self.file = file
    }

    func weight() throws -> Double {
        guard let w = weightKg, w > 0 else {
            throw InputError(file: file, field: "PatientWeight (0010,1030)",
                             value: weightKg.map { formatNumber($0) } ?? "absent",
                             "a positive weight in kg is needed")
        }
        return w
    }

    func heightCm() throws -> Double {
        // PatientSize is in m; some writers put cm, recognised by magnitude (> 3).
        guard let h = heightM, h > 0 else {
            throw InputError(file: file, field: "PatientSize (0010,1020)",
                             value: heightM.map { formatNumber($0) } ?? "absent",
                             "a positive height in m is needed for this normalisation")
        }
        return h > 3 ? h : h * 100
    }

    /// M, F, or O (other: mean of the two formulas, as the IBSI-SUV manual says).
    func sexCode() throws -> String {
        let s = (sex ?? "").uppercased()
        guard ["M", "F", "O"].contains(s) else {
            throw InputError(file: file, field: "PatientSex (0010,0040)",
                             value: sex ?? "absent", "should be M, F or O")
        }
        return s
    }

    func bySex(_ male: Double, _ female: Double) throws -> Double {
        switch try sexCode() {
        case "M": return male
        case "F": return female
        default: return (male + female) / 2
        }
    }

    /// Lean body mass (g), James: M 1.10 W - 128 (W/H)^2, F 1.07 W - 148 (W/H)^2 (DICOM
    /// LBMJAMES128). `maleCoefficient` 120 gives calculate-suv's variant.
    public func leanBodyMassJames(maleCoefficient: Double = 128) throws -> Double {
        let w = try weight(), h = try heightCm()
        return try bySex(1.10 * w - maleCoefficient * (w / h) * (w / h),
                         1.07 * w - 148 * (w / h) * (w / h)) * 1000
    }

    /// Lean body mass (g), Janmahasatian et al. 2005 with BMI = W / H[m]^2.
    public func leanBodyMassJanmahasatian() throws -> Double {
        let w = try weight(), h = try heightCm() / 100
        let bmi = w / (h * h)
        return try bySex(9270 * w / (6680 + 216 * bmi), 9270 * w / (8780 + 244 * bmi)) * 1000
    }

    /// Ideal body weight (g): M 48.0 + 1.06 (H - 152), F 45.5 + 0.91 (H - 152), H in cm.
    public func idealBodyWeight() throws -> Double {
        let h = try heightCm()
        return try bySex(48.0 + 1.06 * (h - 152), 45.5 + 0.91 * (h - 152)) * 1000
    }

    /// Body surface area (cm^2), Du Bois: 0.007184 W^0.425 H^0.725 m^2.
    public func bodySurfaceArea() throws -> Double {
        let w = try weight(), h = try heightCm()
        return 0.007184 * pow(w, 0.425) * pow(h, 0.725) * 1e4
    }
}
