import Foundation

/// A table of the report, laid out as in a paper: header row, body rows, notes under it.
public struct ReportTable: Sendable, Equatable {
    public var title: String
    public var header: [String]
    public var rows: [[String]]
    /// Rows printed as group headings across the table (e.g. the cohort name), by index.
    public var headingRows: Set<Int> = []
    public var notes: [String] = []
    /// The CSV/JSON file under the output folder holding the same numbers.
    public var source: String = ""
    /// False for a summary table printed without a "Table n." number.
    public var numbered = true

    public init(title: String, header: [String], rows: [[String]] = [],
                headingRows: Set<Int> = [], notes: [String] = [], source: String = "",
                numbered: Bool = true) {
        self.title = title
        self.header = header
        self.rows = rows
        self.headingRows = headingRows
        self.notes = notes
        self.source = source
        self.numbered = numbered
    }
}

/// A figure embedded in the report (an SVG image as a data URI, so the file stays
/// self-contained and the SVG's internal ids cannot clash with another figure's).
public struct ReportFigure: Sendable, Equatable {
    public var caption: String
    public var svg: Data
    public var files: [String]

    public init(caption: String, svg: Data, files: [String]) {
        self.caption = caption
        self.svg = svg
        self.files = files
    }
}

/// A block of the report: text, then tables, then figures.
public struct ReportSection: Sendable, Equatable {
    public var title: String
    public var paragraphs: [String] = []
    /// Formulas and other preformatted text, shown in monospace.
    public var code: [String] = []
    public var tables: [ReportTable] = []
    public var figures: [ReportFigure] = []
    public var subsections: [ReportSection] = []

    public init(title: String, paragraphs: [String] = [], code: [String] = [],
                tables: [ReportTable] = [], figures: [ReportFigure] = [],
                subsections: [ReportSection] = []) {
        self.title = title
        self.paragraphs = paragraphs
        self.code = code
        self.tables = tables
        self.figures = figures
        self.subsections = subsections
    }
}

/// The study report: one self-contained HTML file (inline CSS, figures as data URIs, no
/// script, no external resource), readable in any browser and printable.
public struct HTMLReport: Sendable {
    public var title: String
    public var subtitle: String
    public var warnings: [String]
    public var sections: [ReportSection]

    public init(title: String, subtitle: String, warnings: [String], sections: [ReportSection]) {
        self.title = title
        self.subtitle = subtitle
        self.warnings = warnings
        self.sections = sections
    }

    public func html() -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(htmlEscape(title))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <header><h1>\(htmlEscape(title))</h1><p class="subtitle">\(htmlEscape(subtitle))</p></header>

        """
        out += "<nav><ol>"
        for (index, section) in sections.enumerated() {
            out += "<li><a href=\"#s\(index + 1)\">\(htmlEscape(section.title))</a></li>"
        }
        if !warnings.isEmpty { out += "<li><a href=\"#warnings\">Warnings</a></li>" }
        out += "</ol></nav>\n"
        if !warnings.isEmpty {
            out += "<div class=\"warnbox\"><strong>\(warnings.count) warning"
                + (warnings.count == 1 ? "" : "s") + "</strong> (listed at the end).</div>\n"
        }
        var figureNumber = 0
        var tableNumber = 0
        for (index, section) in sections.enumerated() {
            out += render(section, id: "s\(index + 1)", level: 2, figureNumber: &figureNumber,
                          tableNumber: &tableNumber)
        }
        if !warnings.isEmpty {
            out += "<section id=\"warnings\"><h2>Warnings</h2><ul class=\"warnings\">"
            for warning in warnings { out += "<li>\(htmlEscape(warning))</li>" }
            out += "</ul></section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    private func render(_ section: ReportSection, id: String?, level: Int,
                        figureNumber: inout Int, tableNumber: inout Int) -> String {
        var out = "<section\(id.map { " id=\"\($0)\"" } ?? "")><h\(level)>"
            + htmlEscape(section.title) + "</h\(level)>\n"
        for paragraph in section.paragraphs { out += "<p>\(htmlEscape(paragraph))</p>\n" }
        for block in section.code { out += "<pre>\(htmlEscape(block))</pre>\n" }
        for table in section.tables {
            if table.numbered { tableNumber += 1 }
            out += renderTable(table, number: table.numbered ? tableNumber : nil)
        }
        if !section.figures.isEmpty { out += "<div class=\"figures\">" }
        for figure in section.figures {
            figureNumber += 1
            let data = figure.svg.base64EncodedString()
            out += "<figure><img alt=\"\(htmlEscape(figure.caption))\" "
                + "src=\"data:image/svg+xml;base64,\(data)\">"
                + "<figcaption><strong>Figure \(figureNumber).</strong> "
                + htmlEscape(figure.caption)
            if !figure.files.isEmpty {
                out += " <span class=\"files\">(" + figure.files.map(htmlEscape)
                    .joined(separator: ", ") + ")</span>"
            }
            out += "</figcaption></figure>\n"
        }
        if !section.figures.isEmpty { out += "</div>" }
        for subsection in section.subsections {
            out += render(subsection, id: nil, level: min(level + 1, 4),
                          figureNumber: &figureNumber, tableNumber: &tableNumber)
        }
        return out + "</section>\n"
    }

    private func renderTable(_ table: ReportTable, number: Int?) -> String {
        var out = "<table><caption>" + (number.map { "<strong>Table \($0).</strong> " } ?? "")
            + htmlEscape(table.title)
        if !table.source.isEmpty {
            out += " <span class=\"files\">(\(htmlEscape(table.source)))</span>"
        }
        out += "</caption>\n<thead><tr>"
        for cell in table.header { out += "<th>\(htmlEscape(cell))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for (index, row) in table.rows.enumerated() {
            if table.headingRows.contains(index) {
                out += "<tr class=\"group\"><td colspan=\"\(table.header.count)\">"
                    + htmlEscape(row.first ?? "") + "</td></tr>\n"
                continue
            }
            out += "<tr>"
            for (column, cell) in row.enumerated() {
                out += column == 0 ? "<th scope=\"row\">\(htmlEscape(cell))</th>"
                    : "<td>\(htmlEscape(cell))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>\n"
        for note in table.notes { out += "<p class=\"note\">\(htmlEscape(note))</p>\n" }
        return out
    }

    static let css = """
    body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;\
    margin:0 auto;padding:1em 2em 4em;color:#1a1a1a;line-height:1.45}
    header{border-bottom:2px solid #1f77b4;margin-bottom:1em}h1{margin-bottom:.2em}
    .subtitle{color:#555;margin-top:0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;\
    margin-top:2em}h3{margin-top:1.5em}nav ol{columns:2;font-size:.95em}
    table{border-collapse:collapse;margin:1em 0;font-size:.9em;min-width:50%}
    caption{text-align:left;padding-bottom:.4em;caption-side:top}
    thead th{border-top:2px solid #333;border-bottom:1px solid #333;text-align:left;\
    padding:.3em .8em}
    tbody th{text-align:left;font-weight:normal;padding:.25em .8em}
    tbody td{padding:.25em .8em;font-variant-numeric:tabular-nums}
    tbody tr:last-child th,tbody tr:last-child td{border-bottom:2px solid #333}
    tr.group td{font-weight:bold;background:#f3f6f9;padding-top:.5em}
    .note{font-size:.85em;color:#444;margin:.2em 0}.files{color:#777;font-size:.85em}
    pre{background:#f6f8fa;padding:.7em 1em;overflow-x:auto;font-size:.85em}
    .figures{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;flex:1 1 480px;max-width:640px}
    figure img{width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.85em}
    .warnbox{background:#fff4e5;border-left:4px solid #f0a030;padding:.5em 1em}
    ul.warnings li{margin:.3em 0}
    @media print{nav{display:none}figure{break-inside:avoid}}
    """
}

/// HTML-escapes text for element content and attribute values.
public func htmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
