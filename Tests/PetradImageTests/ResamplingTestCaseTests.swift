import XCTest
@testable import PetradImageOps

/// End-to-end resampling of PyRadiomics' five test cases with the `<case>_resampling` settings
/// (resampledPixelSpacing [2, 2, 2], sitkBSpline, padDistance 5), against the
/// `diagnostics_Image-interpolated_*` and `diagnostics_Mask-interpolated_*` rows of
/// pyradiomics-testcases/current/firstorder.csv (PyRadiomics 3.1.4 as pyradiomics-bhklab,
/// SimpleITK 2.5.7; see that folder's README).
final class ResamplingTestCaseTests: XCTestCase {
    struct Diagnostics {
        var row: [String: String] = [:]
        func tuple(_ name: String) -> [Double] {
            let text = row[name, default: ""]
                .trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            return text.split(separator: ",").compactMap {
                Double($0.trimmingCharacters(in: .whitespaces))
            }
        }
        func number(_ name: String) -> Double { Double(row[name, default: ""]) ?? .nan }
    }

    func diagnostics(_ column: String) throws -> Diagnostics {
        guard let path = ReferenceData.path("pyradiomics-testcases/current/firstorder.csv") else {
            throw XCTSkip("pyradiomics-testcases/current/firstorder.csv absent")
        }
        let table = try CSVTable.read(path: path)
        let index = try table.columnIndex(column)
        var result = Diagnostics()
        for row in table.rows where row.count > index { result.row[row[0]] = row[index] }
        return result
    }

    func check(_ name: String) throws {
        let expected = try diagnostics(name + "_resampling")
        guard let imagePath = ReferenceData.path("pyradiomics-testcases/\(name)_image.nrrd"),
              let maskPath = ReferenceData.path("pyradiomics-testcases/\(name)_label.nrrd")
        else { throw XCTSkip("pyradiomics-testcases/\(name) absent") }
        let (image, header) = try ImageIO.read(path: imagePath)
        let labels = try ImageIO.readMaskValues(path: maskPath)
        let mask = Volume<UInt8>(geometry: labels.geometry,
                                 voxels: labels.voxels.map { $0 == 1 ? 1 : 0 })

        let out = try Resampling.resample(image: image, mask: mask, spacing: SIMD3(2, 2, 2),
                                          interpolator: .bSpline, padDistance: 5,
                                          outputType: header.scalarType)

        let size = expected.tuple("diagnostics_Image-interpolated_Size")
        XCTAssertEqual(size.map { Int($0) }, [out.image.size.x, out.image.size.y, out.image.size.z])
        XCTAssertEqual(expected.tuple("diagnostics_Image-interpolated_Spacing"), [2, 2, 2])
        let voxels = out.image.voxels
        let mean = voxels.reduce(0, +) / Double(voxels.count)
        let expectedMean = expected.number("diagnostics_Image-interpolated_Mean")
        XCTAssertEqual(mean, expectedMean, accuracy: 1e-12 * abs(expectedMean), "image mean")
        XCTAssertEqual(voxels.min(), expected.number("diagnostics_Image-interpolated_Minimum"))
        XCTAssertEqual(voxels.max(), expected.number("diagnostics_Image-interpolated_Maximum"))

        // Mask: bounding box (lower, size), voxel count, ROI intensities, centre of mass.
        let box = try XCTUnwrap(Cropping.boundingBox(of: out.mask))
        let boxSize = box.upper &- box.lower &+ 1
        XCTAssertEqual(expected.tuple("diagnostics_Mask-interpolated_BoundingBox").map { Int($0) },
                       [box.lower.x, box.lower.y, box.lower.z, boxSize.x, boxSize.y, boxSize.z])
        var roi: [Double] = []
        var indexSum = SIMD3<Double>(0, 0, 0)
        let n = out.mask.size
        for z in 0..<n.z {
            for y in 0..<n.y {
                for x in 0..<n.x where out.mask[x, y, z] != 0 {
                    roi.append(out.image[x, y, z])
                    indexSum += SIMD3(Double(x), Double(y), Double(z))
                }
            }
        }
        XCTAssertEqual(Double(roi.count), expected.number("diagnostics_Mask-interpolated_VoxelNum"))
        let roiMean = roi.reduce(0, +) / Double(roi.count)
        let expectedRoiMean = expected.number("diagnostics_Mask-interpolated_Mean")
        XCTAssertEqual(roiMean, expectedRoiMean, accuracy: 1e-12 * abs(expectedRoiMean))
        XCTAssertEqual(roi.min(), expected.number("diagnostics_Mask-interpolated_Minimum"))
        XCTAssertEqual(roi.max(), expected.number("diagnostics_Mask-interpolated_Maximum"))
        let centre = indexSum / Double(roi.count)
        let expectedCentre = expected.tuple("diagnostics_Mask-interpolated_CenterOfMassIndex")
        for a in 0..<3 { XCTAssertEqual(centre[a], expectedCentre[a], accuracy: 1e-12) }
        let physical = ITKGrid(out.mask.geometry).physicalPoint(continuousIndex: centre)
        let expectedPhysical = expected.tuple("diagnostics_Mask-interpolated_CenterOfMass")
        for a in 0..<3 { XCTAssertEqual(physical[a], expectedPhysical[a], accuracy: 1e-9) }
    }

    func testBrain1() throws { try check("brain1") }
    func testBrain2() throws { try check("brain2") }
    func testBreast1() throws { try check("breast1") }
    func testLung1() throws { try check("lung1") }
    func testLung2() throws { try check("lung2") }
}
