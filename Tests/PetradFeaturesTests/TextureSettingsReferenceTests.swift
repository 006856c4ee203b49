import XCTest
@testable import PetradFeatures

/// Texture values under the settings PyRadiomics' baseline does not exercise (weightingNorm
/// manhattan / euclidean / infinity, distances [1, 2] and [3], gldm_a 1 and 2, force2D in the
/// coronal and sagittal planes, an asymmetric GLCM, and bin width 1 giving several hundred grey
/// levels) against PyRadiomics 3.1.4 (pyradiomics-bhklab), values in TextureReferenceData.swift
/// made by scripts/reference/texture_reference.py. Tolerance 1e-6 relative. lung2 with bin
/// width 1 has 1,138 grey levels: PyRadiomics took 424 s for its GLCM, petrad under a second.
final class TextureSettingsReferenceTests: XCTestCase {
    func settings(_ variant: String) -> (binWidth: Double, texture: TextureSettings) {
        var s = TextureSettings()
        var binWidth = 25.0
        switch variant {
        case "manhattan", "euclidean", "infinity": s.weightingNorm = variant
        case "distances12": s.distances = [1, 2]
        case "distances3": s.distances = [3]
        case "gldmA1": s.gldmA = 1
        case "gldmA2": s.gldmA = 2
        case "force2Ddim1":
            s.force2D = true
            s.force2Ddimension = 1
        case "force2Ddim2":
            s.force2D = true
            s.force2Ddimension = 2
        case "asymmetric": s.symmetricalGLCM = false
        case "binWidth1": binWidth = 1
        default: XCTFail("unknown variant \(variant)")
        }
        return (binWidth, s)
    }

    func testTextureSettingsMatchPyRadiomics() throws {
        var rois: [String: (DiscretisedROI, SIMD3<Double>)] = [:]
        var results: [String: [String: Double]] = [:]
        var checked = 0
        for (name, variant, className, feature, reference) in textureReferenceValues {
            let (binWidth, texture) = settings(variant)
            let roiKey = "\(name) \(binWidth)"
            if rois[roiKey] == nil {
                var column = TextureBaselineTests.Column(suffix: "")
                column.binWidth = binWidth
                rois[roiKey] = try TextureBaselineTests.roi(case: name, column: column)
            }
            let (roi, spacing) = rois[roiKey]!
            let key = "\(name) \(variant) \(className)"
            if results[key] == nil {
                var s = texture
                s.spacing = spacing
                let featureClass = try XCTUnwrap(TextureClass(rawValue: className))
                let start = Date()
                let set = try textureFeatureSet(featureClass, roi: roi, settings: s)
                print("texture \(key): ng \(roi.ng), "
                      + String(format: "%.3f s", Date().timeIntervalSince(start)))
                results[key] = Dictionary(uniqueKeysWithValues: set.features.map {
                    ($0.name, $0.value)
                })
            }
            let value = try XCTUnwrap(results[key]?[feature], "\(key) \(feature) missing")
            let tolerance = reference == 0 ? 1e-6 : 1e-6 * abs(reference)
            XCTAssertEqual(value, reference, accuracy: tolerance, "\(key) \(feature)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 300)
    }
}
