import Foundation
@testable import PetradStudy

/// A study runner whose extraction, signature and cutoff are quick stand-ins (their own tests
/// live with the extractor, the LASSO and the cutoff code), so that the workflow, the
/// statistics wiring and the report can be checked on the bundled cohort's real outcomes.
enum StandInAnalysis {
    static func runner(study: StudyFile, options: StudyOptions) -> StudyRunner {
        // Stand-in names matching the study's imaging covariates, so MTV/SUVmax columns fill.
        let extraction = CaseExtraction(fingerprint: "bytes v2") { item in
            let image = try Data(contentsOf: URL(fileURLWithPath: item.imagePath))
            let mean = image.reduce(0.0) { $0 + Double($1) } / Double(image.count)
            return FeatureValues(
                names: ["original_shape_MeshVolume", "original_firstorder_Maximum",
                        "original_firstorder_MeanByte"],
                values: [Double(image.count) * 10, mean / 10, mean])
        }
        var runner = StudyRunner(study: study, options: options, extraction: extraction)
        runner.buildSignature = { (x: [[Double]], names: [String], _: [Double], _: [Bool],
                                   spec: SignatureSpec) throws -> SignatureSummary in
            let column = x.map { $0[names.firstIndex(of: "original_firstorder_MeanByte")!] }
            let mean = column.reduce(0, +) / Double(column.count)
            let sd = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                      / Double(column.count - 1)).squareRoot()
            return SignatureSummary(features: ["original_firstorder_MeanByte"],
                                    coefficients: [0.5], centers: [mean], scales: [sd],
                                    scale: spec.scale,
                                    selectionCounts: ["original_firstorder_MeanByte": 100],
                                    repeats: 100, file: "")
        }
        runner.searchCutoff = { (score: [Double], _: [Double], _: [Bool], _: CutoffSpec) throws
            -> (CutoffSummary, CSVTable) in
            let sorted = score.sorted()
            let cutoff = sorted[Int(Double(sorted.count) * 0.85)]
            let high = score.filter { $0 > cutoff }.count
            return (CutoffSummary(cutoff: cutoff, highRiskCount: high,
                                  highRiskShare: Double(high) / Double(score.count),
                                  statistic: .nan, rawP: .nan, lausenSchumacherP: .nan,
                                  permutationP: .nan, scanFile: ""),
                    CSVTable(header: ["Cutoff"], rows: [[formatNumber(cutoff)]]))
        }
        return runner
    }
}
