import Foundation
import PetradImage
import XCTest

/// A batch with broken cases, usage errors and Ctrl-C, through the `petrad` executable itself:
/// every good case is written, each failure is listed with its cause, and the exit
/// code is the documented one (`petrad --help`, README "Exit codes").
final class BatchFailureTests: XCTestCase {
    private let parameters = "featureClass:\n  firstorder:\n  shape:\nsetting:\n  binWidth: 1\n"

    /// Five cases: A and E good (images of 2 and 7), B a corrupt image (text, not NIfTI), C an
    /// image that does not exist, D a mask 5 mm off the image grid. Expected: exit 3; out.csv
    /// holds A and E only, in input order, with Mean 2 and 7 (the image value, exact); standard
    /// error names B, C and D with their causes.
    func testBatchWithCorruptMissingAndOffGridCasesWritesTheOthers() throws {
        let folder = try temporaryFolder()
        try writeCase(folder, "a", value: 2)
        try writeCase(folder, "e", value: 7)
        try writeCase(folder, "d", value: 4, maskOrigin: SIMD3(5, 0, 0))
        try "not an image\n".write(toFile: folder + "/b.nii.gz", atomically: true, encoding: .utf8)
        try parameters.write(toFile: folder + "/params.yaml", atomically: true, encoding: .utf8)
        let csv = "PatientID,Image,Mask\nA,a.nii.gz,a_mask.nii.gz\nB,b.nii.gz,a_mask.nii.gz\n"
            + "C,missing.nii.gz,a_mask.nii.gz\nD,d.nii.gz,d_mask.nii.gz\nE,e.nii.gz,e_mask.nii.gz\n"
        try csv.write(toFile: folder + "/cases.csv", atomically: true, encoding: .utf8)

        let outcome = try runPetrad(["extract", folder + "/cases.csv",
                                     "--param", folder + "/params.yaml",
                                     "--out", folder + "/out.csv"])
        XCTAssertEqual(outcome.reason, .exit)
        XCTAssertEqual(outcome.status, 3, outcome.standardError)

        let table = try CSVTable.read(path: folder + "/out.csv")
        XCTAssertEqual(try table.column("PatientID"), ["A", "E"])
        XCTAssertEqual(try table.numericColumn("original_firstorder_Mean"), [2, 7])

        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        func failure(_ id: String) -> String {
            lines.first { $0.contains("case \(id) skipped") } ?? "(no line for case \(id))"
        }
        XCTAssertTrue(failure("B").contains("b.nii.gz"), failure("B"))
        XCTAssertTrue(failure("C").contains("missing.nii.gz")
                      && failure("C").contains("does not exist"), failure("C"))
        XCTAssertTrue(failure("D").contains("geometry"), failure("D"))
        XCTAssertFalse(lines.contains { $0.contains("case A skipped") || $0.contains("case E skipped") })
        XCTAssertTrue(outcome.standardError.contains("3 case(s) failed, 2 written"),
                      outcome.standardError)
    }

    /// Every case fails: exit 1, and no output file is written.
    func testBatchWhereEveryCaseFailsExitsOneAndWritesNothing() throws {
        let folder = try temporaryFolder()
        try "PatientID,Image,Mask\nX,x.nii.gz,y.nii.gz\n"
            .write(toFile: folder + "/cases.csv", atomically: true, encoding: .utf8)
        let outcome = try runPetrad(["extract", folder + "/cases.csv",
                                     "--out", folder + "/out.csv"])
        XCTAssertEqual(outcome.status, 1, outcome.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/out.csv"))
        XCTAssertTrue(outcome.standardError.contains("case X skipped"), outcome.standardError)
    }

    /// A hostile header (sizes 10000^3) as a single case: exit 1, the message names the field.
    func testHostileHeaderSingleCaseExitsOneNamingTheField() throws {
        let folder = try temporaryFolder()
        let header = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 10000 10000 10000\n"
            + "encoding: raw\n\n"
        try Data(header.utf8).write(to: URL(fileURLWithPath: folder + "/huge.nrrd"))
        let outcome = try runPetrad(["extract", folder + "/huge.nrrd", folder + "/huge.nrrd"])
        XCTAssertEqual(outcome.status, 1, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("field 'sizes'"), outcome.standardError)
    }

    /// Unknown command, unknown option, missing option value: exit 2.
    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try runPetrad(["no-such-command"]).status, 2)
        XCTAssertEqual(try runPetrad(["extract", "a.nii", "b.nii", "--no-such-option"]).status, 2)
        XCTAssertEqual(try runPetrad(["extract", "a.nii", "b.nii", "--format"]).status, 2)
        XCTAssertEqual(try runPetrad(["extract", "a.nii", "b.nii", "--format", "xml"]).status, 2)
    }

    /// `petrad --help` lists the exit codes 0, 1, 2, 3 and 130.
    func testHelpListsExitCodes() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try petradPath())
        process.arguments = ["--help"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(),
                          as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(text.contains("exit codes:"), text)
        for code in ["0 ", "1 ", "2 ", "3 ", "130 "] {
            XCTAssertTrue(text.contains("\n  \(code)"), "code \(code) missing:\n\(text)")
        }
    }

    /// Ctrl-C in the middle of a batch of 300 cases (SIGINT sent when the first case is logged):
    /// exit 130, no output file, no temporary file left in the output folder.
    func testInterruptedBatchLeavesNoOutput() throws {
        let folder = try temporaryFolder()
        try writeCase(folder, "a", value: 3, size: 48)
        try parameters.write(toFile: folder + "/params.yaml", atomically: true, encoding: .utf8)
        var csv = "PatientID,Image,Mask\n"
        for k in 0..<300 { csv += "P\(k),a.nii.gz,a_mask.nii.gz\n" }
        try csv.write(toFile: folder + "/cases.csv", atomically: true, encoding: .utf8)
        let outcome = try runPetrad(["extract", folder + "/cases.csv",
                                     "--param", folder + "/params.yaml",
                                     "--out", folder + "/out/features.csv"],
                                    interruptAfter: "extract 1/300")
        XCTAssertEqual(outcome.reason, .exit)
        XCTAssertEqual(outcome.status, 130, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("interrupted"), outcome.standardError)
        XCTAssertFalse(outcome.standardError.contains("extract 300/300"),
                       "the batch finished before the interrupt; make it longer")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/out")) ?? []
        XCTAssertEqual(written, [], "left in the output folder: \(written)")
    }

    /// `petrad study` on 12 small patients (images of 1...12, firstorder features) whose
    /// clinical table gives patient P07 the time "soon" and damages P11's line (a field
    /// missing): exit 3; the other patients are extracted (features.csv has all 12, extraction
    /// does not need the clinical table) and analysed; both failures are listed on standard
    /// error and in clinical_errors.csv with their causes.
    func testStudyWithUnreadableClinicalRowsFinishesTheOthersAndExitsThree() throws {
        let folder = try temporaryFolder()
        var cases = "PatientID,Image,Mask\n"
        var clinical = "PatientID,time,event\n"
        for k in 1...12 {
            let id = String(format: "P%02d", k)
            try writeCase(folder, id, value: Double(k))
            cases += "\(id),\(id).nii.gz,\(id)_mask.nii.gz\n"
            switch k {
            case 7: clinical += "P07,soon,1\n"
            case 11: clinical += "P11,300\n"
            default: clinical += "\(id),\(100 * (13 - k)),\(k % 3 == 0 ? 0 : 1)\n"
            }
        }
        try cases.write(toFile: folder + "/cases.csv", atomically: true, encoding: .utf8)
        try clinical.write(toFile: folder + "/clinical.csv", atomically: true, encoding: .utf8)
        let study = """
            name: clinical failures
            cohorts:
              - {name: all, role: training, cases: cases.csv}
            clinical: {table: clinical.csv}
            endpoints:
              - {name: os, time: time, event: event}
            extraction:
              params: {featureClass: {firstorder: []}, setting: {binWidth: 1}}
            signature: {repeats: 2, folds: 3, max_features: 2}
            cutoff: {high_risk_share: [0.1, 0.5], min_group_size: 2, permutations: 10}

            """
        try study.write(toFile: folder + "/study.yaml", atomically: true, encoding: .utf8)

        let outcome = try runPetrad(["study", folder + "/study.yaml", "--out", folder + "/out",
                                     "--quiet", "--threads", "1"])
        XCTAssertEqual(outcome.reason, .exit)
        XCTAssertEqual(outcome.status, 3, outcome.standardError)
        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        let p07 = lines.first { $0.contains("case P07 clinical data unreadable") } ?? "(none)"
        XCTAssertTrue(p07.contains("field 'time, patient P07'") && p07.contains("value 'soon'"),
                      outcome.standardError)
        let p11 = lines.first { $0.contains("case P11 clinical data unreadable") } ?? "(none)"
        XCTAssertTrue(p11.contains("row 12") && p11.contains("2 fields"), outcome.standardError)

        let features = try CSVTable.read(path: folder + "/out/features.csv")
        XCTAssertEqual(try features.column("PatientID").count, 12)
        let errors = try CSVTable.read(path: folder + "/out/clinical_errors.csv")
        XCTAssertEqual(try errors.column("PatientID").sorted(), ["P07", "P11"])
    }
}
