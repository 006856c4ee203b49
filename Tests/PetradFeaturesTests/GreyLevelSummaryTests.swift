import PetradCore
import PetradFeatures
import XCTest

/// The one-grey-level check behind the study's bin-width warning. Expected grey levels follow
/// PyRadiomics 3.1.4's `getBinEdges` (binWidth: edges from min - (min mod w) in steps of w,
/// up to max + 2w) and `numpy.digitize`, worked by hand in each test.
final class GreyLevelSummaryTests: XCTestCase {
    /// 3 x 3 x 3 image in SUV-like units 1.3 ... 8.9, every voxel in the ROI.
    private func suvCase() -> (ImageVolume, ImageVolume) {
        let geometry = Geometry(size: SIMD3(3, 3, 3))
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for i in 0..<27 { image.voxels[i] = 1.3 + Double(i) * (7.6 / 26) }
        return (image, ImageVolume(geometry: geometry, repeating: 1))
    }

    private func settings(binWidth: Double? = nil, binCount: Int? = nil) -> ExtractionSettings {
        var s = ExtractionSettings()
        s.featureClasses = [(.firstorder, ["Entropy"]), (.glcm, nil)]
        if let binWidth { s.binWidth = binWidth }
        s.binCount = binCount
        return s
    }

    /// The default binWidth 25 on SUV 1.3 to 8.9: edges [0, 25, 50], one grey level.
    /// Suggested width: 7.6 / 32 = 0.2375, rounded down to 0.2 (38 bins).
    func testDefaultBinWidthOnSUVGivesOneLevelAndAWarning() throws {
        let (image, mask) = suvCase()
        let row = try Extractor(settings: settings()).extract(image: image, maskValues: mask)
        let summary = try XCTUnwrap(row.greyLevels)
        XCTAssertEqual(summary.count, 1)
        XCTAssertEqual(summary.minimum, 1.3)
        XCTAssertEqual(summary.maximum, 8.9, accuracy: 1e-12)
        XCTAssertEqual(summary.suggestedBinWidth, 0.2)
        // Entropy of one level is 0 (PyRadiomics: -sum p log2(p + eps) with p = 1).
        XCTAssertEqual(try XCTUnwrap(row.number("original_firstorder_Entropy")), 0,
                       accuracy: 1e-15)
        let warning = try XCTUnwrap(summary.singleLevelWarning(caseID: "STS_007",
                                                               settings: settings()))
        XCTAssertTrue(warning.hasPrefix("case STS_007: binWidth 25 (the default) leaves the ROI "
                                        + "(intensities 1.3 to 8.9"), warning)
        XCTAssertTrue(warning.contains("try binWidth 0.2 (about 38 bins here)"), warning)
    }

    /// `convention: ibsi` with the default binWidth 25: IBSI fixed bin size from the ROI's
    /// own minimum (1.3) puts 1.3 ... 8.9 in one bin; the same warning, without the sentence
    /// about PyRadiomics. With binWidth 0.25 the voxels, 7.6 / 26 = 0.292 apart, each fall in
    /// a bin of their own, floor((x - 1.3) / 0.25) + 1: 27 levels and no warning.
    func testIBSIConventionWarnsToo() throws {
        let (image, mask) = suvCase()
        var s = settings()
        s.convention = .ibsi
        let row = try Extractor(settings: s).extract(image: image, maskValues: mask)
        let summary = try XCTUnwrap(row.greyLevels)
        XCTAssertEqual(summary.count, 1)
        XCTAssertEqual(summary.minimum, 1.3)
        let warning = try XCTUnwrap(summary.singleLevelWarning(caseID: "P1", settings: s))
        XCTAssertTrue(warning.hasPrefix("case P1: binWidth 25 (the default) leaves the ROI"),
                      warning)
        XCTAssertFalse(warning.contains("PyRadiomics"), warning)
        s.binWidth = 0.25
        let fine = try Extractor(settings: s).extract(image: image, maskValues: mask)
        XCTAssertEqual(fine.greyLevels?.count, 27)
        XCTAssertNil(fine.greyLevels?.singleLevelWarning(caseID: "P1", settings: s))
    }

    /// `convention: ibsi` with binWidth 1e-4 (76,001 levels on 1.3 ... 8.9), 0.0018 (4,223
    /// levels) or binCount 100,000: refused before the dense texture matrices are allocated
    /// (binWidth 1e-4 asked for 352 GB on a real tumour, 0.002 took 12 GB).
    func testIBSIConventionRefusesTooManyGreyLevels() throws {
        let (image, mask) = suvCase()
        for (width, count) in [(1e-4, nil), (0.0018, nil), (25, 100_000)] as [(Double, Int?)] {
            var s = settings(binWidth: width, binCount: count)
            s.convention = .ibsi
            XCTAssertThrowsError(try Extractor(settings: s).extract(image: image,
                                                                    maskValues: mask)) { error in
                XCTAssertEqual((error as? InputError)?.field, "binWidth/binCount", "\(error)")
            }
        }
    }

    /// binWidth 0.25 on the same ROI: edges 1.25, 1.5, ..., 31 levels; no warning.
    func testStudyBinWidthGivesManyLevelsAndNoWarning() throws {
        let (image, mask) = suvCase()
        let s = settings(binWidth: 0.25)
        let row = try Extractor(settings: s).extract(image: image, maskValues: mask)
        let summary = try XCTUnwrap(row.greyLevels)
        XCTAssertGreaterThan(summary.count, 20)
        XCTAssertNil(summary.singleLevelWarning(caseID: "P1", settings: s))
    }

    /// binCount 1 leaves one level whatever the range; the advice is about binCount.
    func testBinCountOneWarnsAboutBinCount() throws {
        let (image, mask) = suvCase()
        let s = settings(binCount: 1)
        let row = try Extractor(settings: s).extract(image: image, maskValues: mask)
        let warning = try XCTUnwrap(row.greyLevels?.singleLevelWarning(caseID: "P1", settings: s))
        XCTAssertTrue(warning.contains("binCount 1 leaves") && warning.contains("binCount to 32"),
                      warning)
    }

    /// All ROI voxels equal: one level, but no bin setting can help, so no bin-width warning.
    func testConstantROIGivesNoBinWidthWarning() throws {
        let geometry = Geometry(size: SIMD3(3, 3, 3))
        let image = ImageVolume(geometry: geometry, repeating: 4)
        let mask = ImageVolume(geometry: geometry, repeating: 1)
        let row = try Extractor(settings: settings()).extract(image: image, maskValues: mask)
        XCTAssertEqual(row.greyLevels?.count, 1)
        XCTAssertNil(row.greyLevels?.suggestedBinWidth)
        XCTAssertNil(row.greyLevels?.singleLevelWarning(caseID: "P1", settings: settings()))
    }

    /// Suggested widths: range / 32 rounded down to 1, 2 or 5 times a power of ten.
    func testSuggestedWidthsFollowOneTwoFive() {
        func width(_ range: Double) -> Double? {
            GreyLevelSummary(count: 1, minimum: 0, maximum: range).suggestedBinWidth
        }
        XCTAssertEqual(width(7.6), 0.2)      // 0.2375
        XCTAssertEqual(width(20), 0.5)       // 0.625
        XCTAssertEqual(width(3.2), 0.1)      // 0.1 exactly
        XCTAssertEqual(width(1000), 20)      // 31.25
        XCTAssertEqual(width(0.05), 0.001)   // 0.0015625
    }
}
