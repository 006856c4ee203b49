import Foundation
import PetradCore
import PetradFeatures
import XCTest

/// Edge cases of issue 2, through the whole pipeline (`Extractor`).
final class ExtractorEdgeCaseTests: XCTestCase {
    /// 10 x 10 x 10 image of 5.0, 1 mm voxels; mask 1 only at voxel (4, 5, 6).
    func oneVoxelCase() -> (ImageVolume, ImageVolume) {
        let geometry = Geometry(size: SIMD3(10, 10, 10))
        let image = ImageVolume(geometry: geometry, repeating: 5)
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        mask[4, 5, 6] = 1
        return (image, mask)
    }

    func oneVoxelSettings() -> ExtractionSettings {
        var s = ExtractionSettings()
        s.featureClasses = [(.shape, nil), (.firstorder, nil)]
        return s
    }

    /// One voxel: first order exists. Expected by definition (PyRadiomics 3.1.4 gives the same,
    /// except Entropy, which it returns as -3.2e-16 from log2(1 + eps)).
    func testOneVoxelFirstOrder() throws {
        let (image, mask) = oneVoxelCase()
        let row = try Extractor(settings: oneVoxelSettings()).extract(image: image, maskValues: mask)
        XCTAssertEqual(row.number("original_firstorder_Mean"), 5)
        XCTAssertEqual(row.number("original_firstorder_Minimum"), 5)
        XCTAssertEqual(row.number("original_firstorder_Maximum"), 5)
        XCTAssertEqual(row.number("original_firstorder_Median"), 5)
        XCTAssertEqual(row.number("original_firstorder_Variance"), 0)
        XCTAssertEqual(row.number("original_firstorder_Range"), 0)
        XCTAssertEqual(row.number("original_firstorder_Uniformity"), 1)
        let entropy = try XCTUnwrap(row.number("original_firstorder_Entropy"))
        XCTAssertEqual(entropy, 0)
        XCTAssertFalse(entropy.sign == .minus, "Entropy must be +0, not -0 or a tiny negative")
        // Energy = (5 + 0)^2, TotalEnergy = Energy * 1 mm3.
        XCTAssertEqual(row.number("original_firstorder_Energy"), 25)
        XCTAssertEqual(row.number("original_firstorder_TotalEnergy"), 25)
        // Flat ROI: Skewness and Kurtosis are PyRadiomics' stated 0.
        XCTAssertEqual(row.number("original_firstorder_Skewness"), 0)
        XCTAssertEqual(row.number("original_firstorder_Kurtosis"), 0)
    }

    /// One voxel: VoxelVolume 1 mm3, the octahedron mesh (volume 1/6 mm3, area sqrt(3) mm2,
    /// diameters 1 mm), axes 0; Elongation and Flatness NaN with the reason in the notes.
    func testOneVoxelShapeAndNaNReasons() throws {
        let (image, mask) = oneVoxelCase()
        let row = try Extractor(settings: oneVoxelSettings()).extract(image: image, maskValues: mask)
        XCTAssertEqual(row.number("original_shape_VoxelVolume"), 1)
        XCTAssertEqual(try XCTUnwrap(row.number("original_shape_MeshVolume")), 1.0 / 6, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(row.number("original_shape_SurfaceArea")),
                       3.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(row.number("original_shape_Maximum3DDiameter"), 1)
        XCTAssertEqual(row.number("original_shape_MajorAxisLength"), 0)
        XCTAssertTrue(try XCTUnwrap(row.number("original_shape_Elongation")).isNaN)
        XCTAssertTrue(try XCTUnwrap(row.number("original_shape_Flatness")).isNaN)
        XCTAssertTrue(row.notes.contains { $0.hasPrefix("original_shape_Elongation:") })
        XCTAssertTrue(row.notes.contains { $0.hasPrefix("original_shape_Flatness:") })
        guard case .text(let notes)? = row["diagnostics_petrad_Notes"] else {
            return XCTFail("diagnostics_petrad_Notes missing")
        }
        XCTAssertTrue(notes.contains("one voxel"), notes)
    }

    /// Values uniform in [2.00, 2.45] with bin width 0.5: one grey level (edges 2.0, 2.5, 3.0),
    /// Entropy exactly 0, Uniformity 1 (by definition; PyRadiomics 3.1.4 gives -3.2e-16 and 1).
    func testROINarrowerThanOneBinHasOneGreyLevel() throws {
        let geometry = Geometry(size: SIMD3(4, 4, 4))
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for i in image.voxels.indices { image.voxels[i] = 2.0 + 0.45 * Double(i) / 63 }
        let mask = ImageVolume(geometry: geometry, repeating: 1)
        var s = ExtractionSettings()
        s.binWidth = 0.5
        s.featureClasses = [(.firstorder, nil)]
        let row = try Extractor(settings: s).extract(image: image, maskValues: mask)
        let entropy = try XCTUnwrap(row.number("original_firstorder_Entropy"))
        XCTAssertEqual(entropy, 0)
        XCTAssertFalse(entropy.sign == .minus)
        XCTAssertEqual(row.number("original_firstorder_Uniformity"), 1)
        XCTAssertEqual(try XCTUnwrap(row.number("original_firstorder_Range")), 0.45, accuracy: 1e-12)
    }

    /// A label absent from the mask: the error lists the values present.
    func testAbsentLabelListsLabelsPresent() {
        let geometry = Geometry(size: SIMD3(3, 3, 3))
        let image = ImageVolume(geometry: geometry, repeating: 1)
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        mask[1, 1, 1] = 255
        mask[0, 1, 1] = 255
        XCTAssertThrowsError(try Extractor().extract(image: image, maskValues: mask)) { error in
            XCTAssertTrue("\(error)".contains("255"), "\(error)")
        }
    }

    /// Features of the default classes come in PyRadiomics' column order: diagnostics first,
    /// then each class's features sorted by name ("10Percentile" < "90Percentile" < "Energy").
    func testColumnOrderIsPyRadiomics() throws {
        let geometry = Geometry(size: SIMD3(5, 5, 5))
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for i in image.voxels.indices { image.voxels[i] = Double(i % 7) }
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        for z in 1...3 { for y in 1...3 { for x in 1...3 { mask[x, y, z] = 1 } } }
        var s = ExtractionSettings()
        s.featureClasses = [(.firstorder, nil), (.shape, nil)]
        let names = try Extractor(settings: s).extract(image: image, maskValues: mask).names
        let firstFeature = try XCTUnwrap(names.firstIndex { $0.hasPrefix("original_") })
        XCTAssertTrue(names[..<firstFeature].allSatisfy { $0.hasPrefix("diagnostics_") })
        XCTAssertEqual(names[firstFeature], "original_shape_Elongation")
        let firstOrder = names.filter { $0.hasPrefix("original_firstorder_") }
        XCTAssertEqual(Array(firstOrder.prefix(3)), ["original_firstorder_10Percentile",
                       "original_firstorder_90Percentile", "original_firstorder_Energy"])
        XCTAssertFalse(firstOrder.contains("original_firstorder_StandardDeviation"))
    }

    /// Batch of three with the one-voxel case in the middle and a missing mask last-but-one:
    /// the good cases are all returned, the failed one gives its error; results do not depend
    /// on the order of completion.
    func testBatchOfThreeWithOneVoxelCaseInTheMiddle() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("petrad-batch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let geometry = Geometry(size: SIMD3(10, 10, 10))
        var image = ImageVolume(geometry: geometry, repeating: 5)
        for i in image.voxels.indices { image.voxels[i] = Double(i % 11) }
        var big = ImageVolume(geometry: geometry, repeating: 0)
        for z in 2...6 { for y in 2...6 { for x in 2...6 { big[x, y, z] = 1 } } }
        let (flat, one) = oneVoxelCase()
        try ImageIO.writeNIfTI(image, path: folder + "/a.nii.gz", type: .float64)
        try ImageIO.writeNIfTI(big, path: folder + "/a_mask.nii.gz", type: .float64)
        try ImageIO.writeNIfTI(flat, path: folder + "/b.nii.gz", type: .float64)
        try ImageIO.writeNIfTI(one, path: folder + "/b_mask.nii.gz", type: .float64)
        let csv = "ID,Image,Mask\nA,a.nii.gz,a_mask.nii.gz\nB,b.nii.gz,b_mask.nii.gz\n"
            + "C,a.nii.gz,a_mask.nii.gz\nD,a.nii.gz,missing.nii.gz\n"
        try csv.write(toFile: folder + "/cases.csv", atomically: true, encoding: .utf8)
        let cases = try ExtractionCase.read(csvPath: folder + "/cases.csv")
        XCTAssertEqual(cases.map(\.id), ["A", "B", "C", "D"])
        XCTAssertEqual(cases[0].imagePath, folder + "/a.nii.gz")
        let results = Extractor(settings: oneVoxelSettings()).extract(cases: cases)
        let rows = try results.prefix(3).map { try $0.get() }
        XCTAssertEqual(rows[1].number("original_firstorder_Mean"), 5)
        XCTAssertEqual(rows[0], rows[2])
        // Parallel batch = one case at a time.
        let single = try Extractor(settings: oneVoxelSettings()).extract(
            imagePath: cases[1].imagePath, maskPath: cases[1].maskPath)
        XCTAssertEqual(rows[1], single)
        XCTAssertThrowsError(try results[3].get())
        let table = FeatureTable.csv(Array(zip(cases.prefix(3).map { Optional($0) }, rows)))
        XCTAssertEqual(table.rows.count, 3)
        XCTAssertEqual(Array(table.header.prefix(3)), ["ID", "Image", "Mask"])
    }

    /// A 16-bit label map with labels 1 and 256: label 256 selects exactly its voxels (never
    /// cast to 8 bits, where 256 would become 0).
    func testLabel256SelectsExactlyItsVoxels() throws {
        let geometry = Geometry(size: SIMD3(6, 6, 6))
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for i in image.voxels.indices { image.voxels[i] = Double(i) }
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        for z in 0...1 { for y in 0...1 { for x in 0...1 { mask[x, y, z] = 1 } } }
        for z in 3...4 { for y in 3...5 { for x in 3...5 { mask[x, y, z] = 256 } } }
        var s = ExtractionSettings()
        s.featureClasses = [(.shape, nil)]
        let row = try Extractor(settings: s).extract(image: image, maskValues: mask, label: 256)
        XCTAssertEqual(row.number("diagnostics_Mask-original_VoxelNum"), 18)
        XCTAssertEqual(row.number("original_shape_VoxelVolume"), 18)
    }

    /// A mask whose grid is shifted by 0.45 mm in x: refused, the difference given per axis.
    func testMaskShiftedByHalfAMillimetreIsRefusedWithTheDifference() {
        let geometry = Geometry(size: SIMD3(6, 6, 6))
        let image = ImageVolume(geometry: geometry, repeating: 1)
        var shifted = geometry
        shifted.origin = SIMD3(0.45, 0, 0)
        var mask = ImageVolume(geometry: shifted, repeating: 0)
        for z in 1...3 { for y in 1...3 { for x in 1...3 { mask[x, y, z] = 1 } } }
        XCTAssertThrowsError(try Extractor().extract(image: image, maskValues: mask)) { error in
            XCTAssertTrue("\(error)".contains("0.45"), "\(error)")
        }
    }

    /// The default extractor (every class but shape2D) on the one-voxel case: no crash; the
    /// texture values that cannot exist are NaN, each with a reason in the notes.
    func testOneVoxelWithEveryClassGivesNaNWithReasons() throws {
        let (image, mask) = oneVoxelCase()
        let row = try Extractor().extract(image: image, maskValues: mask)
        for (name, value) in row.entries where name.hasPrefix("original_") {
            if case .number(let x) = value, x.isNaN {
                XCTAssertTrue(row.notes.contains { $0.hasPrefix(name + ":") }, "\(name) has no reason")
            }
        }
        XCTAssertEqual(row.number("original_firstorder_Mean"), 5)
    }
}
