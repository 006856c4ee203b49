import Foundation
import PetradCore
import PetradFeatures
import PetradImage
import PetradImageOps

/// `petrad extract` on a PET DICOM folder: the series in SUVbw (QIBA reference time) in place
/// of IMAGE, and `--roi NAME` (an RTSTRUCT ROI or SEG segment of the folder) in place of MASK.
extension ExtractCommand {
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Features of a DICOM folder with `roi`, or with the mask file `maskPath`.
    static func extractDICOM(folder: String, roi: String?, maskPath: String?,
                             extractor: Extractor, label: Int?) throws -> FeatureRow {
        let loaded = try PETDICOMImport.load(folder: folder, roi: roi)
        if roi != nil {
            guard let mask = loaded.mask else {
                throw InputError(file: folder, field: "--roi", value: roi ?? "",
                                 "no mask could be made")
            }
            printError("petrad extract: \(folder): \(loaded.conversion?.rule ?? ""); ROI "
                           + "\(loaded.roiName ?? "") from \(loaded.roiFile ?? "")")
            let values = ImageVolume(geometry: mask.geometry,
                                     voxels: mask.voxels.map(Double.init))
            return try extractor.extract(image: loaded.image, maskValues: values, label: 1,
                                         imageScalar: .float32,
                                         maskFile: loaded.roiFile ?? folder)
        }
        guard let maskPath else {
            throw InputError(file: "petrad extract", field: "--roi",
                             "a DICOM folder needs --roi NAME or a MASK file")
        }
        let mask = try ImageIO.readMaskValues(path: maskPath)
        return try extractor.extract(image: loaded.image, maskValues: mask, label: label,
                                     imageScalar: .float32, maskFile: maskPath)
    }
}
