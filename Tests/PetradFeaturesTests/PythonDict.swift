import Foundation
import PetradFeatures

/// A value of a Python literal as the baseline CSVs print settings dicts.
indirect enum PythonValue: Equatable {
    case number(Double), string(String), bool(Bool), none, list([PythonValue])

    var double: Double? { if case .number(let x) = self { return x }; return nil }
}

/// Parses `{'key': value, ...}` with numbers, strings, True/False/None and lists.
func parsePythonDict(_ text: String) -> [String: PythonValue] {
    var chars = Array(text)
    var i = 0
    func skip() { while i < chars.count && (chars[i] == " " || chars[i] == ",") { i += 1 } }
    func value() -> PythonValue {
        skip()
        if chars[i] == "'" {
            i += 1
            var s = ""
            while chars[i] != "'" { s.append(chars[i]); i += 1 }
            i += 1
            return .string(s)
        }
        if chars[i] == "[" {
            i += 1
            var items: [PythonValue] = []
            skip()
            while chars[i] != "]" { items.append(value()); skip() }
            i += 1
            return .list(items)
        }
        var word = ""
        while i < chars.count && !",]}".contains(chars[i]) { word.append(chars[i]); i += 1 }
        word = word.trimmingCharacters(in: .whitespaces)
        switch word {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default: return .number(Double(word)!)
        }
    }
    var out: [String: PythonValue] = [:]
    chars = Array(text.trimmingCharacters(in: .whitespaces))
    i = 1
    while true {
        skip()
        if i >= chars.count || chars[i] == "}" { break }
        guard case .string(let key) = value() else { break }
        skip()
        i += 1  // ':'
        out[key] = value()
    }
    return out
}

/// ExtractionSettings from a baseline column's `diagnostics_Configuration_Settings`, with only
/// `featureClass` enabled.
func settingsFromBaseline(_ text: String, featureClass: FeatureClass) -> ExtractionSettings {
    let dict = parsePythonDict(text)
    var s = ExtractionSettings()
    s.featureClasses = [(featureClass, nil)]
    func doubles(_ v: PythonValue?) -> [Double]? {
        if case .list(let items)? = v { return items.compactMap(\.double) }
        return nil
    }
    if let v = dict["label"]?.double { s.label = Int(v) }
    if let v = dict["minimumROIDimensions"]?.double { s.minimumROIDimensions = Int(v) }
    if let v = dict["minimumROISize"]?.double { s.minimumROISize = Int(v) }
    if case .bool(let b)? = dict["normalize"] { s.normalize = b }
    if let v = dict["normalizeScale"]?.double { s.normalizeScale = v }
    if let v = dict["removeOutliers"]?.double { s.removeOutliers = v }
    s.resampledPixelSpacing = doubles(dict["resampledPixelSpacing"])
    if case .string(let name)? = dict["interpolator"] {
        s.interpolator = Interpolator(pyRadiomicsName: name)!
    } else if dict["interpolator"] == PythonValue.none {
        s.resampledPixelSpacing = nil
    }
    if let v = dict["padDistance"]?.double { s.padDistance = Int(v) }
    if case .bool(let b)? = dict["preCrop"] { s.preCrop = b }
    s.resegmentRange = doubles(dict["resegmentRange"])
    if case .string(let m)? = dict["resegmentMode"] { s.resegmentMode = Resegmentation.Mode(rawValue: m)! }
    if let v = dict["binWidth"]?.double { s.binWidth = v }
    if let v = dict["binCount"]?.double { s.binCount = Int(v) }
    if let v = dict["voxelArrayShift"]?.double { s.voxelArrayShift = v }
    if case .bool(let b)? = dict["force2D"] { s.force2D = b }
    if let v = dict["force2Ddimension"]?.double { s.force2Ddimension = Int(v) }
    if case .bool(let b)? = dict["correctMask"] { s.correctMask = b }
    if case .list(let items)? = dict["distances"] { s.distances = items.compactMap(\.double).map { Int($0) } }
    if case .string(let w)? = dict["weightingNorm"] { s.weightingNorm = w }
    if let v = dict["gldm_a"]?.double { s.gldmAlpha = Int(v) }
    if case .bool(let b)? = dict["symmetricalGLCM"] { s.symmetricalGLCM = b }
    return s
}
