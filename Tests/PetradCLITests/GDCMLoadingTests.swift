import Foundation
import PetradImage
import XCTest

/// GDCM is a library of its own (libPetradGDCM.so) that petrad loads beside its executable the
/// first time it reads DICOM: a petrad copied without it still reads NIfTI and NRRD, and refuses
/// DICOM naming the library and where it looked; PETRAD_GDCM_LIBRARY points at another copy.
final class GDCMLoadingTests: XCTestCase {
    private struct Outcome {
        var status: Int32
        var standardError: String
    }

    private func run(_ executable: String, _ arguments: [String],
                     environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(environment) { _, new in new }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(),
                          as: UTF8.self)
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, standardError: text)
    }

    func testPetradWithoutItsGDCMLibraryReadsNIfTIAndRefusesDICOM() throws {
        let built = try petradPath()
        let library = URL(fileURLWithPath: built).deletingLastPathComponent()
            .appendingPathComponent("libPetradGDCM.so").path
        guard FileManager.default.fileExists(atPath: library) else {
            throw XCTSkip("libPetradGDCM.so not built beside \(built)")
        }
        let folder = try temporaryFolder()
        let alone = folder + "/bin/petrad"
        try FileManager.default.createDirectory(atPath: folder + "/bin",
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: built, toPath: alone)
        try FileManager.default.createDirectory(atPath: folder + "/dicom",
                                                withIntermediateDirectories: true)
        try DICOMWriter.write(path: folder + "/dicom/a.dcm", elements: [
            .init(DICOMTag.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.128"),
            .init(DICOMTag.sopInstanceUID, "UI", "1.2.826.0.1.3680043.8.498.7.1"),
            .init(DICOMTag.modality, "CS", "PT"),
            .init(DICOMTag.seriesInstanceUID, "UI", "1.2.826.0.1.3680043.8.498.7"),
        ])
        try writeCase(folder, "a", value: 3)
        try "featureClass:\n  firstorder:\nsetting:\n  binWidth: 1\n"
            .write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)

        let nifti = try run(alone, ["extract", folder + "/a.nii.gz", folder + "/a_mask.nii.gz",
                                    "--param", folder + "/p.yaml", "--quiet"])
        XCTAssertEqual(nifti.status, 0, nifti.standardError)

        let dicom = try run(alone, ["dicom", "info", folder + "/dicom"],
                            environment: ["PETRAD_GDCM_LIBRARY": ""])
        XCTAssertEqual(dicom.status, 1, dicom.standardError)
        XCTAssertTrue(dicom.standardError.contains("field 'DICOM support'"), dicom.standardError)
        XCTAssertTrue(dicom.standardError.contains("looked in \(folder)/bin/libPetradGDCM.so"),
                      dicom.standardError)

        let pointed = try run(alone, ["dicom", "info", folder + "/dicom"],
                              environment: ["PETRAD_GDCM_LIBRARY": library])
        XCTAssertEqual(pointed.status, 0, pointed.standardError)

        let wrong = try run(alone, ["dicom", "info", folder + "/dicom"],
                            environment: ["PETRAD_GDCM_LIBRARY": folder + "/p.yaml"])
        XCTAssertEqual(wrong.status, 1, wrong.standardError)
        XCTAssertTrue(wrong.standardError.contains("\(folder)/p.yaml (PETRAD_GDCM_LIBRARY)"),
                      wrong.standardError)
    }
}
