import CFuzzerDriver
import Foundation
import PetradFeatures

/// libFuzzer entry: any bytes, read as a PyRadiomics parameter file (setting, featureClass,
/// imageType) into ExtractionSettings, which are then validated.
func fuzzParams(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let text = String(decoding: data, as: UTF8.self)
    if let settings = try? ExtractionSettings(yamlText: text, file: "fuzz.yaml") {
        _ = try? settings.validate(file: "fuzz.yaml")
        _ = settings.pyRadiomicsSettingsText
    }
    return 0
}

// libFuzzer's driver runs `fuzzParams` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzParams))
