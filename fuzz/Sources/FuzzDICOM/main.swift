import CFuzzerDriver
import Foundation
import PetradImage

/// GDCM reads files by path, so each input is written to one scratch file first (in memory
/// when /dev/shm exists).
let scratch = (FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/"
               : NSTemporaryDirectory()) + "petrad-fuzz-dicom-\(getpid()).dcm"

/// libFuzzer entry: any bytes, read as one DICOM file the way petrad reads them: the structure
/// check (`DICOMPrecheck`), then GDCM through the shim (header elements, sequence items, the
/// decoded pixels), then the RTSTRUCT and SEG readers on the same bytes. GDCM itself is not
/// instrumented, so coverage guidance sees petrad's side only; an abort or a bad memory access
/// inside GDCM (AddressSanitizer intercepts memcpy and friends) is still caught.
func fuzzDICOM(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard (try? data.write(to: URL(fileURLWithPath: scratch))) != nil,
          let file = try? DICOMFile(path: scratch, pixels: true) else { return 0 }
    _ = file.string(DICOMTag.patientID)
    _ = file.doubles(DICOMTag.imagePositionPatient)
    _ = file.itemCount(DICOMTag.referencedSOPInstanceUID)
    _ = file.string(DICOMTag.radiopharmaceuticalInformationSequence, 0,
                    DICOMTag.radionuclideTotalDose)
    _ = try? file.pixelValues()
    _ = try? RTStructure(path: scratch)
    _ = try? DICOMSegmentation(path: scratch)
    return 0
}

// libFuzzer's driver runs `fuzzDICOM` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzDICOM))
