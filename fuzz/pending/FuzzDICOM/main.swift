import CFuzzerDriver
import Foundation
import PetradImage

/// GDCM reads files by path, so each input is written to one scratch file first.
let scratch = (FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory())
    + "petrad-fuzz-dicom-\(getpid()).dcm"

/// libFuzzer entry: any bytes, read as one DICOM file through the GDCM shim (header elements,
/// a sequence, then the decoded pixels). GDCM itself is not instrumented, so coverage guidance
/// sees only petrad's side; a crash inside GDCM is still caught.
func fuzzDICOM(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard (try? data.write(to: URL(fileURLWithPath: scratch))) != nil,
          let file = try? DICOMFile(path: scratch, pixels: true) else { return 0 }
    _ = file.string(DICOMTag.patientID)
    _ = file.doubles(DICOMTag.imagePositionPatient)
    _ = file.itemCount(DICOMTag.referencedSOPInstanceUID)
    _ = try? file.pixelValues()
    return 0
}

// libFuzzer's driver runs `fuzzDICOM` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzDICOM))
