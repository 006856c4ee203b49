import Foundation
import PetradImage
import XCTest

final class DICOMSegmentationTests: XCTestCase {
    /// Tests/Fixtures/DICOM/seg_small.dcm, made by scripts/reference/make_seg_fixture.py
    /// (pydicom 3.0.2): two segments on a 4x3x3 grid (PixelSpacing 2\1, origin (10, 20, 0),
    /// slices 2 mm apart), frames out of slice order, 1-bit packing across frames. Expected
    /// voxels are the script's: segment 1 at (1,0,0), (3,2,1), (0,1,1); segment 2 at (2,1,2).
    func testSEGSegmentsAsLabelMap() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/DICOM/seg_small.dcm").path
        let seg = try DICOMSegmentation(path: path)
        XCTAssertEqual(seg.segments.map(\.label), ["tumour", "node"])
        XCTAssertEqual(seg.segments.map(\.number), [1, 2])
        let geometry = Geometry(size: SIMD3(4, 3, 3), spacing: SIMD3(1, 2, 2),
                                origin: SIMD3(10, 20, 0))
        let result = seg.labelMap(onto: geometry)
        XCTAssertEqual(result.overlaps, 0)
        XCTAssertEqual(result.pixelsOffGrid, 0)
        var expected = [Int32](repeating: 0, count: 36)
        expected[geometry.linearIndex(1, 0, 0)] = 1
        expected[geometry.linearIndex(3, 2, 1)] = 1
        expected[geometry.linearIndex(0, 1, 1)] = 1
        expected[geometry.linearIndex(2, 1, 2)] = 2
        XCTAssertEqual(result.labels.voxels, expected)
    }
}
