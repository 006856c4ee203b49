import Foundation
import PetradCore
import PetradImage

/// `petrad dicom info`: the series of a DICOM folder, and the ROIs of its RTSTRUCTs and the
/// segments of its SEGs.
enum DICOMInfoCommand: Command {
    static let name = "dicom info"
    static let summary = "list the DICOM series, RTSTRUCT ROIs and SEG segments of a folder"
    static let usage = """
        usage: petrad dicom info <DICOM_DIR>

          One line per series (UID, modality, files, description); under an RTSTRUCT its ROIs
          (number, name, contours); under a SEG its segments (number, label).
        """

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try ParsedArguments(arguments, command: name, valueOptions: [])
        guard parsed.positionals.count == 1 else {
            throw InputError(file: "petrad dicom info", field: "DICOM_DIR",
                             "give exactly one DICOM folder")
        }
        for series in try DICOMDirectory.scan(parsed.positionals[0]) {
            print("\(series.seriesInstanceUID)  \(series.modality)  \(series.files.count) "
                      + "file(s)  \(series.seriesDescription)")
            if series.modality == "RTSTRUCT" {
                for path in series.files {
                    let structure = try RTStructure(path: path)
                    print("  \(path)")
                    for roi in structure.rois {
                        print("    ROI \(roi.number)  \(roi.name)  \(roi.contours.count) "
                                  + "contour(s)")
                    }
                }
            }
            if series.modality == "SEG" {
                for path in series.files {
                    let file = try DICOMFile(path: path)
                    print("  \(path)")
                    for i in 0..<file.itemCount(DICOMTag.segmentSequence) {
                        let number = file.string(DICOMTag.segmentSequence, UInt32(i),
                                                 DICOMTag.segmentNumber) ?? "?"
                        let label = file.string(DICOMTag.segmentSequence, UInt32(i),
                                                DICOMTag.segmentLabel) ?? ""
                        print("    segment \(number)  \(label)")
                    }
                }
            }
        }
        return 0
    }
}
