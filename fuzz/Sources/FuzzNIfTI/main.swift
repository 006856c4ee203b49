import CFuzzerDriver
import FuzzImageChecks
import Foundation
import PetradImage

/// libFuzzer entry: any bytes, read as a NIfTI-1/NIfTI-2 file (raw, or gzip when the bytes
/// start with the gzip magic), as an image (float32 scaling) or, when the last byte is odd, as a
/// mask (exact scaling).
func fuzzNIfTI(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let exact = (data.last ?? 0) & 1 == 1
    if let (stored, _) = try? ImageIO.readStored(data: data, format: .nifti1, name: "fuzz.nii",
                                                 exactScaling: exact) {
        checkStoredScans(stored)
    }
    return 0
}

// libFuzzer's driver runs `fuzzNIfTI` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzNIfTI))
