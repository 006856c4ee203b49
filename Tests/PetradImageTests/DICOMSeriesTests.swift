import Foundation
import PetradImage
import XCTest

/// Writes small synthetic PET slices through GDCM (Explicit VR Little Endian, int16).
enum SyntheticDICOM {
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "petrad-dicom-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// One slice of `columns` x `rows` pixels at `z` (axial unless `orientation` is given).
    static func writeSlice(folder: String, name: String, z: Double, stored: [Int16],
                           rows: Int, columns: Int, slope: Double = 1,
                           seriesUID: String = "1.2.826.0.1.3680043.8.498.1",
                           orientation: String = "1\\0\\0\\0\\1\\0",
                           pixelSpacing: String = "2\\2", position: String? = nil,
                           extra: [DICOMWriter.Element] = []) throws {
        var elements: [DICOMWriter.Element] = [
            .init(DICOMTag.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.128"),
            .init(DICOMTag.sopInstanceUID, "UI", "\(seriesUID).\(Int(z * 100 + 100000))"),
            .init(DICOMTag.modality, "CS", "PT"),
            .init(DICOMTag.seriesInstanceUID, "UI", seriesUID),
            .init(DICOMTag.imagePositionPatient, "DS", position ?? "0\\0\\\(z)"),
            .init(DICOMTag.imageOrientationPatient, "DS", orientation),
            .init(DICOMTag.frameOfReferenceUID, "UI", "1.2.826.0.1.3680043.8.498.9"),
            .init(DICOMTag.sliceThickness, "DS", "2.0"),
            .init(DICOMTag.samplesPerPixel, "US", "1"),
            .init(0x0028_0004, "CS", "MONOCHROME2"),
            .init(DICOMTag.rows, "US", "\(rows)"),
            .init(DICOMTag.columns, "US", "\(columns)"),
            .init(DICOMTag.pixelSpacing, "DS", pixelSpacing),
            .init(DICOMTag.bitsAllocated, "US", "16"),
            .init(DICOMTag.bitsStored, "US", "16"),
            .init(DICOMTag.highBit, "US", "15"),
            .init(DICOMTag.pixelRepresentation, "US", "1"),
            .init(DICOMTag.rescaleSlope, "DS", formatNumber(slope)),
            .init(DICOMTag.rescaleIntercept, "DS", "0"),
        ]
        elements += extra
        try DICOMWriter.write(path: folder + "/" + name, elements: elements, pixels: stored,
                              rows: rows, columns: columns)
    }
}

final class DICOMSeriesTests: XCTestCase {
    /// Six slices 3.27 mm apart written in shuffled order, SliceThickness 2.0: the grid spacing
    /// comes from the positions (3.27), never from SliceThickness. Expected value: the issue.
    func testSpacingFromPositionsNotSliceThickness() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (n, k) in [3, 0, 5, 1, 4, 2].enumerated() {
            try SyntheticDICOM.writeSlice(folder: folder, name: "f\(n).dcm", z: 3.27 * Double(k),
                                          stored: [Int16](repeating: Int16(k), count: 16),
                                          rows: 4, columns: 4)
        }
        let series = try DICOMSeriesReader.read(folder: folder)
        XCTAssertEqual(series.image.geometry.size, SIMD3(4, 4, 6))
        XCTAssertEqual(series.image.geometry.spacing.z, 3.27, accuracy: 1e-9)
        XCTAssertEqual(series.image.geometry.spacing.x, 2, accuracy: 1e-12)
        XCTAssertTrue(series.sliceSpacing.gaps.isEmpty)
        // Sorted along the normal: slice k holds the value k.
        for k in 0..<6 { XCTAssertEqual(series.image[0, 0, k], Double(k)) }
    }

    /// The same with the slice at 3 x 3.27 mm missing: an error that names the gap.
    func testMissingSliceIsAnErrorNamingTheGap() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for k in [0, 1, 2, 4, 5] {
            try SyntheticDICOM.writeSlice(folder: folder, name: "s\(k).dcm", z: 3.27 * Double(k),
                                          stored: [Int16](repeating: 1, count: 16),
                                          rows: 4, columns: 4)
        }
        XCTAssertThrowsError(try DICOMSeriesReader.read(folder: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("gap of 6.54 mm"), text)
            XCTAssertTrue(text.contains("1 slice(s) missing"), text)
        }
        // Allowed: the gap is reported and a regular grid of 6 slices is interpolated.
        let series = try DICOMSeriesReader.read(folder: folder, allowGaps: true)
        XCTAssertEqual(series.sliceSpacing.gaps.count, 1)
        let regular = series.regularImage()
        XCTAssertEqual(regular.geometry.size.z, 6)
        XCTAssertEqual(regular.geometry.spacing.z, 3.27, accuracy: 1e-9)
    }

    /// Three slices with stored value 1000 and slopes 1.0, 2.0, 0.5: each slice uses its own
    /// slope, giving 1000, 2000, 500 Bq/mL (the expected values).
    func testRescaleSlopePerSlice() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (k, slope) in [1.0, 2.0, 0.5].enumerated() {
            try SyntheticDICOM.writeSlice(folder: folder, name: "s\(k).dcm", z: 4 * Double(k),
                                          stored: [Int16](repeating: 1000, count: 9),
                                          rows: 3, columns: 3, slope: slope)
        }
        let series = try DICOMSeriesReader.read(folder: folder)
        XCTAssertEqual(series.image[1, 1, 0], 1000)
        XCTAssertEqual(series.image[1, 1, 1], 2000)
        XCTAssertEqual(series.image[1, 1, 2], 500)
    }

    /// Two series in one folder are told apart by SeriesInstanceUID; without a UID the reader
    /// refuses to choose and lists both.
    func testSeveralSeriesInOneFolder() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for k in 0..<3 {
            try SyntheticDICOM.writeSlice(folder: folder, name: "a\(k).dcm", z: Double(k),
                                          stored: [Int16](repeating: 1, count: 4),
                                          rows: 2, columns: 2, seriesUID: "1.2.3.1")
            try SyntheticDICOM.writeSlice(folder: folder, name: "b\(k).dcm", z: Double(k),
                                          stored: [Int16](repeating: 2, count: 4),
                                          rows: 2, columns: 2, seriesUID: "1.2.3.2")
        }
        let found = try DICOMDirectory.scan(folder)
        XCTAssertEqual(found.map(\.seriesInstanceUID), ["1.2.3.1", "1.2.3.2"])
        XCTAssertThrowsError(try DICOMSeriesReader.read(folder: folder))
        let b = try DICOMSeriesReader.read(folder: folder, seriesInstanceUID: "1.2.3.2")
        XCTAssertEqual(b.image.voxels, [Double](repeating: 2, count: 12))
    }

    /// The raw STS_001 series (267 GE slices, Implicit VR): size, pixel spacing, first slice
    /// position and the mean slice spacing (README of pet/mirp-sts-raw: 128x128, 4.6875 mm,
    /// z -881.30 ... -11.48 mm, distances 3.19-3.29 mm, reported as uneven, no gap).
    func testSTS001SeriesGeometry() throws {
        guard let folder = ReferenceData.path("pet/mirp-sts-raw/STS_001/FDG_PET/image") else {
            throw XCTSkip("pet/mirp-sts-raw absent")
        }
        let series = try DICOMSeriesReader.read(folder: folder)
        let g = series.image.geometry
        XCTAssertEqual(g.size, SIMD3(128, 128, 267))
        XCTAssertEqual(g.spacing.x, 4.6875, accuracy: 1e-9)
        XCTAssertEqual(g.origin.z, -881.30, accuracy: 1e-2)
        XCTAssertEqual(g.spacing.z, (881.30 - 11.48) / 266, accuracy: 1e-3)
        XCTAssertTrue(series.sliceSpacing.gaps.isEmpty)
        XCTAssertTrue(series.sliceSpacing.uneven)
        XCTAssertEqual(Set(series.slices.map(\.rescaleSlope)).count, 267)
    }

    /// An RLE Lossless PET slice (Tests/Fixtures/DICOM/pet_rle.dcm, made by
    /// scripts/reference/make_rle_fixture.py with pydicom 3.0.2) is decoded by GDCM: stored
    /// -300, -1, 0 ... 9 with slope 2.5 and intercept 10 give -740, 7.5, 10, ... 32.5. The
    /// folder also holds a SEG; the PET series is chosen.
    func testCompressedTransferSyntaxDecodedByGDCM() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/DICOM").path
        let series = try DICOMSeriesReader.read(folder: folder)
        XCTAssertEqual(series.summary.modality, "PT")
        let stored: [Double] = [-300, -1] + (0..<10).map(Double.init)
        XCTAssertEqual(series.image.voxels, stored.map { $0 * 2.5 + 10 })
        XCTAssertEqual(series.image.geometry.size, SIMD3(4, 3, 1))
    }
}
