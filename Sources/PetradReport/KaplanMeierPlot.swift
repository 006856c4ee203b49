import CCairo
import Foundation

/// One Kaplan–Meier curve as a step function, ready to draw.
public struct PlotCurve: Sendable, Equatable {
    public var label: String
    /// Step corners: survival is `survival[i]` from `times[i]` until `times[i + 1]`.
    /// The first point is normally (0, 1).
    public var times: [Double]
    public var survival: [Double]
    /// Censoring marks (+) at these times, drawn on the curve.
    public var censorTimes: [Double]
    /// Colour as "#rrggbb".
    public var color: String

    public init(label: String, times: [Double], survival: [Double], censorTimes: [Double] = [],
                color: String) {
        precondition(times.count == survival.count && !times.isEmpty,
                     "a curve needs as many times as survival values (\(times.count) vs "
                     + "\(survival.count)) and at least one point")
        self.label = label
        self.times = times
        self.survival = survival
        self.censorTimes = censorTimes
        self.color = color
    }

    /// Survival at time t (right-continuous step function).
    public func value(at t: Double) -> Double {
        var result = survival[0]
        for (time, value) in zip(times, survival) where time <= t { result = value }
        return result
    }
}

/// A Kaplan–Meier figure: curves, numbers at risk under the time axis, and a text in the
/// plot (e.g. the log-rank p).
public struct KaplanMeierPlot: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel = "Survival probability"
    public var curves: [PlotCurve]
    /// Times at which the numbers at risk are printed (also the x-axis ticks).
    public var atRiskTimes: [Double]
    /// `atRisk[c][k]`: patients of curve c still at risk at `atRiskTimes[k]`.
    public var atRisk: [[Int]]
    public var annotation: String
    public var xMax: Double

    public init(title: String, xLabel: String, curves: [PlotCurve], atRiskTimes: [Double],
                atRisk: [[Int]], annotation: String, xMax: Double) {
        precondition(atRisk.count == curves.count, "one numbers-at-risk row per curve")
        self.title = title
        self.xLabel = xLabel
        self.curves = curves
        self.atRiskTimes = atRiskTimes
        self.atRisk = atRisk
        self.annotation = annotation
        self.xMax = xMax
    }

    /// Tick positions 0, step, 2 step, ... up to `maximum`, with step 1, 2 or 5 times a power
    /// of ten giving about `target` intervals.
    public static func ticks(upTo maximum: Double, target: Int = 6) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0] }
        let raw = maximum / Double(target)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        return stride(from: 0, through: maximum + step * 1e-9, by: step).map { $0 }
    }

    /// Patients at risk at each time: those whose follow-up time is at or after it.
    public static func numbersAtRisk(times: [Double], at points: [Double]) -> [Int] {
        points.map { t in times.filter { $0 >= t }.count }
    }
}

/// Draws Kaplan–Meier plots with cairo into PNG, SVG and PDF.
public enum PlotRenderer {
    public static let width = 640.0
    static let plotLeft = 72.0, plotRight = 24.0, plotTop = 44.0, plotHeight = 290.0

    public static func height(for plot: KaplanMeierPlot) -> Double {
        plotTop + plotHeight + 58 + 20 + 18 * Double(plot.curves.count) + 12
    }

    /// PNG bytes at `scale` pixels per point.
    public static func png(_ plot: KaplanMeierPlot, scale: Double = 2) throws -> Data {
        let h = height(for: plot)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                       Int32((width * scale).rounded()),
                                                       Int32((h * scale).rounded())) else {
            throw PlotError(message: "cairo could not create an image surface")
        }
        defer { cairo_surface_destroy(surface) }
        try draw(plot, on: surface, scale: scale)
        let sink = ByteSink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                .data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError(message: "cairo could not write PNG: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }

    public static func svg(_ plot: KaplanMeierPlot) throws -> Data {
        try vector(plot) { write, closure, w, h in
            cairo_svg_surface_create_for_stream(write, closure, w, h)
        }
    }

    public static func pdf(_ plot: KaplanMeierPlot) throws -> Data {
        try vector(plot) { write, closure, w, h in
            cairo_pdf_surface_create_for_stream(write, closure, w, h)
        }
    }

    private static func vector(
        _ plot: KaplanMeierPlot,
        make: (cairo_write_func_t, UnsafeMutableRawPointer, Double, Double)
            -> OpaquePointer?
    ) throws -> Data {
        let sink = ByteSink()
        let write: cairo_write_func_t = { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                .data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }
        let closure = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<ByteSink>.fromOpaque(closure).release() }
        guard let surface = make(write, closure, width, height(for: plot)) else {
            throw PlotError(message: "cairo could not create a vector surface")
        }
        try draw(plot, on: surface, scale: 1)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError(message: "cairo: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }

    private static func draw(_ plot: KaplanMeierPlot, on surface: OpaquePointer,
                             scale: Double) throws {
        guard let cr = cairo_create(surface) else {
            throw PlotError(message: "cairo could not create a drawing context")
        }
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        let h = height(for: plot)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_rectangle(cr, 0, 0, width, h)
        cairo_fill(cr)
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               CAIRO_FONT_WEIGHT_NORMAL)

        let plotWidth = width - plotLeft - plotRight
        let xMax = plot.xMax > 0 ? plot.xMax : 1
        func px(_ t: Double) -> Double { plotLeft + plotWidth * min(max(t / xMax, 0), 1) }
        func py(_ s: Double) -> Double { plotTop + plotHeight * (1 - s) }

        // Title.
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1)
        text(cr, plot.title, x: plotLeft, y: 24, size: 14, bold: true)

        // Grid and axes.
        cairo_set_line_width(cr, 0.5)
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85)
        for s in stride(from: 0.0, through: 1.0, by: 0.2) {
            cairo_move_to(cr, plotLeft, py(s))
            cairo_line_to(cr, plotLeft + plotWidth, py(s))
        }
        cairo_stroke(cr)
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1)
        cairo_set_line_width(cr, 1)
        cairo_move_to(cr, plotLeft, plotTop)
        cairo_line_to(cr, plotLeft, plotTop + plotHeight)
        cairo_line_to(cr, plotLeft + plotWidth, plotTop + plotHeight)
        cairo_stroke(cr)
        for s in stride(from: 0.0, through: 1.0, by: 0.2) {
            cairo_move_to(cr, plotLeft - 4, py(s))
            cairo_line_to(cr, plotLeft, py(s))
            cairo_stroke(cr)
            text(cr, String(format: "%.1f", s), x: plotLeft - 8, y: py(s) + 4, size: 11,
                 align: 1)
        }
        for t in plot.atRiskTimes {
            cairo_move_to(cr, px(t), plotTop + plotHeight)
            cairo_line_to(cr, px(t), plotTop + plotHeight + 4)
            cairo_stroke(cr)
            text(cr, tickLabel(t), x: px(t), y: plotTop + plotHeight + 17, size: 11, align: 0.5)
        }
        text(cr, plot.xLabel, x: plotLeft + plotWidth / 2, y: plotTop + plotHeight + 36,
             size: 12, align: 0.5)
        cairo_save(cr)
        cairo_translate(cr, 22, plotTop + plotHeight / 2)
        cairo_rotate(cr, -Double.pi / 2)
        text(cr, plot.yLabel, x: 0, y: 0, size: 12, align: 0.5)
        cairo_restore(cr)

        // Curves, then censoring marks.
        for curve in plot.curves {
            setColor(cr, curve.color)
            cairo_set_line_width(cr, 2)
            cairo_move_to(cr, px(curve.times[0]), py(curve.survival[0]))
            for i in 1..<curve.times.count where curve.times[i] <= xMax {
                cairo_line_to(cr, px(curve.times[i]), py(curve.survival[i - 1]))
                cairo_line_to(cr, px(curve.times[i]), py(curve.survival[i]))
            }
            let last = curve.censorTimes.filter { $0 <= xMax }.max() ?? 0
            let end = max(last, curve.times.last { $0 <= xMax } ?? 0)
            cairo_line_to(cr, px(end), py(curve.value(at: end)))
            cairo_stroke(cr)
            cairo_set_line_width(cr, 1.2)
            for t in curve.censorTimes where t <= xMax {
                let x = px(t), y = py(curve.value(at: t))
                cairo_move_to(cr, x - 4, y)
                cairo_line_to(cr, x + 4, y)
                cairo_move_to(cr, x, y - 4)
                cairo_line_to(cr, x, y + 4)
            }
            cairo_stroke(cr)
        }

        // Legend and annotation at the top right of the plot area.
        var legendY = plotTop + 16
        for curve in plot.curves {
            setColor(cr, curve.color)
            cairo_set_line_width(cr, 2.5)
            cairo_move_to(cr, plotLeft + plotWidth - 170, legendY - 4)
            cairo_line_to(cr, plotLeft + plotWidth - 146, legendY - 4)
            cairo_stroke(cr)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1)
            text(cr, curve.label, x: plotLeft + plotWidth - 140, y: legendY, size: 11)
            legendY += 17
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1)
        text(cr, plot.annotation, x: plotLeft + plotWidth - 170, y: legendY + 4, size: 11,
             bold: true)

        // Numbers at risk, one row per curve, aligned with the ticks.
        var rowY = plotTop + plotHeight + 58
        text(cr, "Number at risk", x: 8, y: rowY, size: 11, bold: true)
        for (c, curve) in plot.curves.enumerated() {
            rowY += 18
            setColor(cr, curve.color)
            text(cr, shortLabel(curve.label), x: 8, y: rowY, size: 11)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1)
            for (k, t) in plot.atRiskTimes.enumerated() where k < plot.atRisk[c].count {
                text(cr, "\(plot.atRisk[c][k])", x: px(t), y: rowY, size: 11, align: 0.5)
            }
        }
    }

    private static func shortLabel(_ label: String) -> String {
        let words = label.split(separator: " ")
        return words.count > 2 ? words.prefix(2).joined(separator: " ") : label
    }

    /// A whole number as digits (up to 1e15, beyond which %g's exponent form reads better and
    /// `Int` could not hold every value), anything else as %g.
    static func tickLabel(_ t: Double) -> String {
        t == t.rounded() && abs(t) < 1e15 ? String(Int(t)) : String(format: "%g", t)
    }

    /// Draws text with its baseline at y; `align` 0 = left, 0.5 = centre, 1 = right.
    private static func text(_ cr: OpaquePointer, _ string: String, x: Double, y: Double,
                             size: Double, bold: Bool = false, align: Double = 0) {
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, string, &extents)
        cairo_move_to(cr, x - align * extents.x_advance, y)
        cairo_show_text(cr, string)
    }

    private static func setColor(_ cr: OpaquePointer, _ hex: String) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        let value = UInt32(digits, radix: 16) ?? 0
        cairo_set_source_rgb(cr, Double((value >> 16) & 0xff) / 255,
                             Double((value >> 8) & 0xff) / 255, Double(value & 0xff) / 255)
    }
}

public struct PlotError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

private final class ByteSink {
    var data = Data()
}

extension PlotRenderer {
    /// The version of the cairo library in use, e.g. "1.18.0".
    public static var cairoVersion: String { String(cString: cairo_version_string()) }
}
