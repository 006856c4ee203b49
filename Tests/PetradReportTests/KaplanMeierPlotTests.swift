import Foundation
import XCTest
@testable import PetradReport

final class KaplanMeierPlotTests: XCTestCase {
    /// Two hand-written step curves (values need not come from a fit to test drawing).
    private func example() -> KaplanMeierPlot {
        let low = PlotCurve(label: "Low risk (n = 10)", times: [0, 5, 12, 30],
                            survival: [1, 0.9, 0.8, 0.7], censorTimes: [20, 40], color: "#1f77b4")
        let high = PlotCurve(label: "High risk (n = 4)", times: [0, 3, 8, 15],
                             survival: [1, 0.75, 0.5, 0.25], censorTimes: [], color: "#d62728")
        let ticks = KaplanMeierPlot.ticks(upTo: 40)
        return KaplanMeierPlot(title: "Example", xLabel: "Time (months)", curves: [low, high],
                               atRiskTimes: ticks, atRisk: [[10, 8, 6, 4, 1], [4, 2, 0, 0, 0]],
                               annotation: "log-rank p = 0.012", xMax: 40)
    }

    func testTicksUseOneTwoFiveSteps() {
        XCTAssertEqual(KaplanMeierPlot.ticks(upTo: 40), [0, 10, 20, 30, 40])
        XCTAssertEqual(KaplanMeierPlot.ticks(upTo: 70), [0, 20, 40, 60])
        XCTAssertEqual(KaplanMeierPlot.ticks(upTo: 0), [0])
    }

    /// Whole numbers as digits, and as %g past 1e15 (a follow-up of 1e308 drew a tick
    /// through `Int`, which traps past 9.2e18); a plot up to 1e308 renders.
    func testTickLabelsOfHugeTimesAndAPlotUpToThem() throws {
        XCTAssertEqual(PlotRenderer.tickLabel(1825), "1825")
        XCTAssertEqual(PlotRenderer.tickLabel(2.5), "2.5")
        XCTAssertEqual(PlotRenderer.tickLabel(1e308), "1e+308")
        XCTAssertEqual(PlotRenderer.tickLabel(-9.3e18), "-9.3e+18")
        let ticks = KaplanMeierPlot.ticks(upTo: 1e308)
        let curve = PlotCurve(label: "All (n = 2)", times: [0, 1e308], survival: [1, 0.5],
                              censorTimes: [], color: "#1f77b4")
        let plot = KaplanMeierPlot(title: "Huge", xLabel: "Time", curves: [curve],
                                   atRiskTimes: ticks,
                                   atRisk: [Array(repeating: 1, count: ticks.count)],
                                   annotation: "", xMax: 1e308)
        XCTAssertEqual(Array(try PlotRenderer.png(plot).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    func testNumbersAtRiskCountFollowUpAtOrAfterEachTime() {
        XCTAssertEqual(KaplanMeierPlot.numbersAtRisk(times: [1, 2, 2, 5, 9], at: [0, 2, 6, 10]),
                       [5, 4, 1, 0])
    }

    func testStepFunctionIsRightContinuous() {
        let curve = example().curves[0]
        XCTAssertEqual(curve.value(at: 4.99), 1)
        XCTAssertEqual(curve.value(at: 5), 0.9)
        XCTAssertEqual(curve.value(at: 100), 0.7)
    }

    func testCairoWritesPNGSVGAndPDF() throws {
        let plot = example()
        let png = try PlotRenderer.png(plot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let svg = try PlotRenderer.svg(plot)
        XCTAssertTrue(String(decoding: svg, as: UTF8.self).contains("<svg"))
        let pdf = try PlotRenderer.pdf(plot)
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
        if let folder = ProcessInfo.processInfo.environment["PETRAD_PLOT_OUT"] {
            try png.write(to: URL(fileURLWithPath: folder + "/km-example.png"))
        }
    }
}
