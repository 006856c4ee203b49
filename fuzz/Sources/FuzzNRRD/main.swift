import CFuzzerDriver
import FuzzImageChecks
import Foundation
import PetradImage

/// libFuzzer entry: any bytes, read as a NRRD file. A damaged file must give an InputError,
/// never a crash, a hang or an allocation larger than the data can justify.
func fuzzNRRD(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    if let (stored, _) = try? ImageIO.readStored(data: data, format: .nrrd, name: "fuzz.nrrd") {
        checkStoredScans(stored)
    }
    return 0
}

// libFuzzer's driver runs `fuzzNRRD` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzNRRD))
