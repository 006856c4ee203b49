import Foundation
import PetradImage
import PetradImageOps
import XCTest

/// Unpacks IBSI-SUV DRO archives (with /usr/bin/tar) into a fresh temporary folder, which the
/// caller removes.
enum SUVDRO {
    static let ids = ["0_0", "1_0", "2_0", "2_1", "2_2", "2_3", "2_4", "2_5", "3_0", "3_1",
                      "3_2", "3_3", "3_4", "4_0", "4_1", "4_2", "5_0"]

    /// A new folder holding `DRO_<id>/{PT,RS}` for each of `ids`.
    static func unpack(_ ids: [String]) throws -> String {
        guard let archives = ReferenceData.path("pet/suv-dro/dicom") else {
            throw XCTSkip("pet/suv-dro absent")
        }
        let target = NSTemporaryDirectory() + "petrad-suv-dro-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for id in ids {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            process.arguments = ["-xzf", "\(archives)/DRO_\(id).tar.gz", "-C", target]
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "tar failed on DRO_\(id)")
        }
        return target
    }

    static func mask() throws -> ImageVolume {
        guard let path = ReferenceData.path("pet/suv-dro/DRO_mask.nii.gz") else {
            throw XCTSkip("pet/suv-dro absent")
        }
        return try ImageIO.readMaskValues(path: path)
    }

    /// min, median (numpy: mean of the two middle values when even) and max inside the mask.
    static func statistics(_ image: ImageVolume, mask: ImageVolume) -> (Double, Double, Double) {
        var values: [Double] = []
        for i in 0..<image.voxels.count where mask.voxels[i] > 0 { values.append(image.voxels[i]) }
        values.sort()
        let n = values.count
        let median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
        return (values[0], median, values[n - 1])
    }
}

final class SUVTests: XCTestCase {
    /// Rounds to two decimals, as the DRO's expected values are given.
    func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    func droStatistics(_ id: String, rule: SUVReferenceTimeRule = .earliestAcquisition) throws
        -> (min: Double, median: Double, max: Double, conversion: SUVConversion) {
        let root = try SUVDRO.unpack([id])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let mask = try SUVDRO.mask()
        let series = try DICOMSeriesReader.read(folder: "\(root)/DRO_\(id)/PT")
        XCTAssertEqual(series.image.geometry.size, mask.geometry.size)
        let (image, conversion) = try SUV.convert(
            series, options: SUVOptions(referenceTimeRule: rule))
        let s = SUVDRO.statistics(image, mask: mask)
        return (s.0, s.1, s.2, conversion)
    }

    /// All 17 IBSI-SUV DROs except DRO_2_3 and DRO_3_2: SUVbw in the mask is min 0.20,
    /// median 1.00, max 4.00 to two decimals (upstream DRO_list.csv, oncoray/suv_computation
    /// bf11a08).
    func testSUVDROSeries() throws {
        for id in SUVDRO.ids where id != "2_3" && id != "3_2" {
            let s = try droStatistics(id)
            XCTAssertEqual(round2(s.min), 0.20, "DRO_\(id) min \(s.min) (\(s.conversion.rule))")
            XCTAssertEqual(round2(s.median), 1.00,
                           "DRO_\(id) median \(s.median) (\(s.conversion.rule))")
            XCTAssertEqual(round2(s.max), 4.00, "DRO_\(id) max \(s.max) (\(s.conversion.rule))")
        }
    }

    /// DRO_2_3 (CM2ML): its stored values are truncated to 0.01, so the exact Du Bois
    /// back-conversion gives 0.19 / 0.98 / 3.98 (shared/data README, verify_suv_dro.py:
    /// 0.1894 / 0.9848 / 3.9770).
    func testSUVDRO23CM2MLTruncatedValues() throws {
        let s = try droStatistics("2_3")
        XCTAssertEqual(s.min, 0.1894, accuracy: 1e-4)
        XCTAssertEqual(s.median, 0.9848, accuracy: 1e-4)
        XCTAssertEqual(s.max, 3.9770, accuracy: 1e-4)
        XCTAssertEqual(round2(s.min), 0.19)
        XCTAssertEqual(round2(s.median), 0.98)
        XCTAssertEqual(round2(s.max), 3.98)
    }

    /// DRO_3_2 (SeriesTime 11:30 after the acquisitions 11:02:30 / 11:05:00): the IBSI-SUV
    /// per-frame rule gives 0.20 / 1.00 / 4.00 (DRO_list.csv); the QIBA earliest-acquisition
    /// rule gives a median near 1.02 (suv-dro README), and each says which rule ran.
    func testSUVDRO32BothReferenceTimeRules() throws {
        let perFrame = try droStatistics("3_2", rule: .perFrameBackComputed)
        XCTAssertEqual(round2(perFrame.min), 0.20)
        XCTAssertEqual(round2(perFrame.median), 1.00)
        XCTAssertEqual(round2(perFrame.max), 4.00)
        XCTAssertTrue(perFrame.conversion.rule.contains("per frame"), perFrame.conversion.rule)
        let qiba = try droStatistics("3_2", rule: .earliestAcquisition)
        XCTAssertEqual(round2(qiba.median), 1.02, "\(qiba.median)")
        XCTAssertTrue(qiba.conversion.rule.contains("earliest AcquisitionDateTime"),
                      qiba.conversion.rule)
    }

    /// Two bed positions acquired at 11:00 and 11:03, SeriesTime 11:20: decay to 11:00 (the
    /// earliest acquisition); with SeriesTime 10:58: decay to 10:58 (QIBA rule, the issue).
    func testTwoBedPositionsReferenceTime() throws {
        func slices(seriesTime: String) -> [[String: String]] {
            ["110000", "110300"].map { acquisition in
                ["Units": "BQML", "DecayCorrection": "START", "CorrectedImage": "ATTN\\DECY",
                 "PatientWeight": "70", "SeriesDate": "20250101", "SeriesTime": seriesTime,
                 "AcquisitionDate": "20250101", "AcquisitionTime": acquisition,
                 "RadionuclideTotalDose": "368080000", "RadionuclideHalfLife": "6586.2",
                 "RadiopharmaceuticalStartTime": "100000"]
            }
        }
        let late = try SUV.factors(slices: slices(seriesTime: "112000"))
        XCTAssertEqual(late.referenceTime?.description, "2025-01-01T11:00:00.000000")
        let early = try SUV.factors(slices: slices(seriesTime: "105800"))
        XCTAssertEqual(early.referenceTime?.description, "2025-01-01T10:58:00.000000")
        // Factor = W / (D 2^(-dt/T)) with dt = 3480 s.
        XCTAssertEqual(early.factors[0], 70000 / (368080000 * pow(2, -3480 / 6586.2)),
                       accuracy: 1e-15)
    }

    /// Philips CNTS with the private SUV factor 0.0025, stored 100, slope 2.0: SUV 0.5; without
    /// the private tag: an error naming it (the values).
    func testPhilipsCNTSPrivateSUVFactor() throws {
        let folder = try SyntheticDICOM.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common: [DICOMWriter.Element] = [
            .init(DICOMTag.units, "CS", "CNTS"), .init(DICOMTag.decayCorrection, "CS", "START"),
            .init(DICOMTag.correctedImage, "CS", "ATTN\\DECY"),
            .init(DICOMTag.manufacturer, "LO", "Philips"),
            .init(DICOMTag.patientWeight, "DS", "70"),
        ]
        let philips: [DICOMWriter.Element] = [
            .init(0x7053_0010, "LO", "Philips PET Private Group"),
            .init(DICOMTag.philipsSUVScaleFactor, "DS", "0.0025"),
        ]
        for k in 0..<2 {
            try SyntheticDICOM.writeSlice(folder: folder + "/with", name: "s\(k).dcm",
                                          z: Double(k) * 2, stored: [100, 100, 100, 100],
                                          rows: 2, columns: 2, slope: 2.0,
                                          extra: common + philips)
            try SyntheticDICOM.writeSlice(folder: folder + "/without", name: "s\(k).dcm",
                                          z: Double(k) * 2, stored: [100, 100, 100, 100],
                                          rows: 2, columns: 2, slope: 2.0,
                                          seriesUID: "1.2.826.0.1.3680043.8.498.2",
                                          extra: common)
        }
        let series = try DICOMSeriesReader.read(folder: folder + "/with")
        let (image, conversion) = try SUV.convert(series)
        XCTAssertEqual(image.voxels, [Double](repeating: 0.5, count: 8))
        XCTAssertTrue(conversion.rule.contains("(7053,1000)"), conversion.rule)
        let without = try DICOMSeriesReader.read(folder: folder + "/without")
        XCTAssertThrowsError(try SUV.convert(without)) { error in
            XCTAssertTrue("\(error)".contains("(7053,1000)"), "\(error)")
        }
    }

    /// PROPCNTS and a missing weight are refused, naming the tag.
    func testUnconvertibleInputsAreRefused() throws {
        let base = ["Units": "BQML", "DecayCorrection": "ADMIN", "PatientWeight": "70",
                    "RadionuclideTotalDose": "3.7e8", "SeriesDate": "20250101",
                    "SeriesTime": "110000", "AcquisitionDate": "20250101",
                    "AcquisitionTime": "110000", "RadiopharmaceuticalStartTime": "100000"]
        var propcnts = base
        propcnts["Units"] = "PROPCNTS"
        XCTAssertThrowsError(try SUV.factors(slices: [propcnts])) {
            XCTAssertTrue("\($0)".contains("Units (0054,1001)"), "\($0)")
        }
        var noWeight = base
        noWeight["PatientWeight"] = nil
        XCTAssertThrowsError(try SUV.factors(slices: [noWeight])) {
            XCTAssertTrue("\($0)".contains("PatientWeight (0010,1030)"), "\($0)")
        }
        var noDose = base
        noDose["RadionuclideTotalDose"] = nil
        XCTAssertThrowsError(try SUV.factors(slices: [noDose])) {
            XCTAssertTrue("\($0)".contains("RadionuclideTotalDose"), "\($0)")
        }
    }

    /// Dose in MBq (368.08) and in Bq give the same factor, and the decision is noted.
    func testDoseUnitByMagnitude() throws {
        var slice = ["Units": "BQML", "DecayCorrection": "ADMIN", "PatientWeight": "70",
                     "RadionuclideTotalDose": "368.08", "SeriesDate": "20250101",
                     "SeriesTime": "110000", "AcquisitionDate": "20250101",
                     "AcquisitionTime": "110000", "RadiopharmaceuticalStartTime": "100000"]
        let mega = try SUV.factors(slices: [slice])
        slice["RadionuclideTotalDose"] = "368080000"
        let bq = try SUV.factors(slices: [slice])
        XCTAssertEqual(mega.factors[0], bq.factors[0], accuracy: 1e-15)
        XCTAssertTrue(mega.notes.contains { $0.contains("MBq") })
    }

    /// Without RadionuclideHalfLife the half-life comes from the radionuclide code (C-111A1,
    /// F-18, 6586.2 s, as the DROs state); with neither, an error naming the tag.
    func testHalfLifeFromNuclideCode() throws {
        var slice = ["Units": "BQML", "DecayCorrection": "START", "PatientWeight": "70",
                     "RadionuclideTotalDose": "368080000", "SeriesDate": "20250101",
                     "SeriesTime": "110000", "AcquisitionDate": "20250101",
                     "AcquisitionTime": "110000", "RadiopharmaceuticalStartTime": "100000",
                     "RadionuclideCodeValue": "C-111A1"]
        let coded = try SUV.factors(slices: [slice])
        // SUVbw factor of DRO_0_0 (suv-dro README): 2.77778125e-4.
        XCTAssertEqual(coded.factors[0], 2.77778125e-4, accuracy: 1e-11)
        slice["RadionuclideCodeValue"] = nil
        XCTAssertThrowsError(try SUV.factors(slices: [slice])) {
            XCTAssertTrue("\($0)".contains("RadionuclideHalfLife (0018,1075)"), "\($0)")
        }
    }

    /// DecayCorrection NONE: per frame W/D * lambda T / (1 - exp(-lambda T)) * exp(lambda t),
    /// t from injection to the frame's acquisition start (IBSI-SUV manual; DRO_3_4's factors
    /// 2.86685e-4 and 2.95881e-4 for 11:00:00 and 11:05:00 with T = 603 s, suv-dro README).
    func testDecayCorrectionNonePerFrame() throws {
        let slices = ["110000", "110500"].map { time -> [String: String] in
            ["Units": "BQML", "DecayCorrection": "NONE", "CorrectedImage": "ATTN",
             "PatientWeight": "70", "RadionuclideTotalDose": "368080000",
             "RadionuclideHalfLife": "6586.2", "SeriesDate": "20250101",
             "SeriesTime": "110000", "AcquisitionDate": "20250101", "AcquisitionTime": time,
             "ActualFrameDuration": "603000", "RadiopharmaceuticalStartTime": "100000"]
        }
        let conversion = try SUV.factors(slices: slices)
        XCTAssertEqual(conversion.factors[0], 2.86685e-4, accuracy: 1e-9)
        XCTAssertEqual(conversion.factors[1], 2.95881e-4, accuracy: 1e-9)
    }

    /// DICOM times in the old "HH:MM:SS" form and partial "HHMM" parse; a date-time's offset
    /// is dropped.
    func testDateTimeForms() throws {
        XCTAssertEqual(DICOMDateTime(date: "20250101", time: "11:30:05")?.description,
                       "2025-01-01T11:30:05.000000")
        XCTAssertEqual(DICOMDateTime(date: "20250101", time: "1130")?.description,
                       "2025-01-01T11:30:00.000000")
        XCTAssertEqual(DICOMDateTime(dateTime: "20241231235959.5+0100")?.description,
                       "2024-12-31T23:59:59.500000")
        XCTAssertNil(DICOMDateTime(date: "2025011", time: "1130"))
    }
}
