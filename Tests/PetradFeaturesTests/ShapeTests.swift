import PetradFeatures
import XCTest

final class ShapeTests: XCTestCase {
    /// One voxel of 1 mm: the mesh is the octahedron through the six face centres.
    /// Expected values by hand (and PyRadiomics 3.1.4's cshape on the same mask gives the same
    /// mesh): volume 4/3 * 0.5^3 = 1/6 mm3, area 8 * sqrt(3)/4 * (sqrt(2)/2)^2 = sqrt(3) mm2,
    /// 3D diameter 1 mm (opposite face centres), 2D diameters 1 mm.
    func testOneVoxelMeshIsTheOctahedronOfFaceCentres() {
        var mask = Volume<UInt8>(geometry: Geometry(size: SIMD3(3, 3, 3)), repeating: 0)
        mask[1, 1, 1] = 1
        let shape = ShapeFeatures(mask: mask)
        XCTAssertEqual(shape.mesh.volume, 1.0 / 6.0, accuracy: 1e-15)
        XCTAssertEqual(shape.mesh.surfaceArea, 3.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(shape.mesh.maximum3DDiameter, 1, accuracy: 1e-15)
        XCTAssertEqual(shape.mesh.maximum2DDiameterSlice, 1, accuracy: 1e-15)
        XCTAssertEqual(shape.value(.voxelVolume).value, 1)
        XCTAssertEqual(shape.value(.majorAxisLength).value, 0)
        XCTAssertEqual(shape.value(.leastAxisLength).value, 0)
    }

    /// One voxel: Elongation and Flatness are 0/0 (all principal moments 0), NaN with a reason.
    func testOneVoxelElongationAndFlatnessAreNaNWithReason() {
        var mask = Volume<UInt8>(geometry: Geometry(size: SIMD3(1, 1, 1)), repeating: 1)
        mask[0, 0, 0] = 1
        let shape = ShapeFeatures(mask: mask)
        for feature in [ShapeFeature.elongation, .flatness] {
            let value = shape.value(feature)
            XCTAssertTrue(value.value.isNaN)
            XCTAssertNotNil(value.reason)
        }
    }

    /// A 2 x 3 x 4 mm box of 1 mm voxels: voxel volume 24 mm3; sphericity in (0, 1].
    func testBoxVoxelVolumeAndSphericityRange() {
        let mask = Volume<UInt8>(geometry: Geometry(size: SIMD3(2, 3, 4)), repeating: 1)
        let shape = ShapeFeatures(mask: mask)
        XCTAssertEqual(shape.value(.voxelVolume).value, 24)
        let sphericity = shape.value(.sphericity).value
        XCTAssertTrue(sphericity > 0 && sphericity <= 1, "\(sphericity)")
    }

    /// Deprecated features on request, with PyRadiomics' documented identities:
    /// Compactness2 = Sphericity^3, SphericalDisproportion = 1 / Sphericity,
    /// Compactness1 = sqrt(Compactness2) / (6 pi); StandardDeviation^2 = Variance.
    func testDeprecatedFeaturesOnRequest() throws {
        let geometry = Geometry(size: SIMD3(6, 5, 4), spacing: SIMD3(0.8, 0.9, 2))
        var image = ImageVolume(geometry: geometry, repeating: 0)
        for i in image.voxels.indices { image.voxels[i] = Double((i * 37) % 101) }
        var mask = ImageVolume(geometry: geometry, repeating: 0)
        for z in 1...2 { for y in 1...3 { for x in 1...4 { mask[x, y, z] = 1 } } }
        mask[2, 2, 3] = 1
        var s = ExtractionSettings()
        s.featureClasses = [
            (.shape, ["Sphericity", "Compactness1", "Compactness2", "SphericalDisproportion"]),
            (.firstorder, ["Variance", "StandardDeviation"]),
        ]
        let row = try Extractor(settings: s).extract(image: image, maskValues: mask)
        let sphericity = try XCTUnwrap(row.number("original_shape_Sphericity"))
        let c1 = try XCTUnwrap(row.number("original_shape_Compactness1"))
        let c2 = try XCTUnwrap(row.number("original_shape_Compactness2"))
        let sd = try XCTUnwrap(row.number("original_shape_SphericalDisproportion"))
        XCTAssertEqual(c2, sphericity * sphericity * sphericity, accuracy: 1e-12)
        XCTAssertEqual(sd, 1 / sphericity, accuracy: 1e-12)
        XCTAssertEqual(c1, c2.squareRoot() / (6 * Double.pi), accuracy: 1e-12)
        let variance = try XCTUnwrap(row.number("original_firstorder_Variance"))
        let deviation = try XCTUnwrap(row.number("original_firstorder_StandardDeviation"))
        XCTAssertEqual(deviation * deviation, variance, accuracy: 1e-9 * variance)
        XCTAssertEqual(row.names.filter { $0.hasPrefix("original_") }.count, 6)
    }
}
