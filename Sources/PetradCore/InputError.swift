import Foundation

/// A place in a text file: line and column, both counted from 1 (the column in characters).
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// An error in something the user gave petrad: a file, one field of it, and the value found.
///
/// Every message names where the problem is and says in one sentence what to do about it, so
/// that a researcher can fix the input without reading petrad's code. With a position (YAML
/// files) the message starts `file:line:column:`, the form compilers use, which editors and
/// terminals turn into a link to the place.
public struct InputError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var position: TextPosition?
    public var field: String
    public var value: String
    public var message: String

    public init(file: String, position: TextPosition? = nil, field: String = "",
                value: String = "", _ message: String) {
        self.file = file
        self.position = position
        self.field = field
        self.value = value
        self.message = message
    }

    /// The file, field and value are printed with control characters escaped (`\r`, `\t`,
    /// `\u{1B}`): a path read from a CSV with a stray carriage return would otherwise move the
    /// cursor back on a terminal and hide the part of the message that names it.
    public var description: String {
        let place = file.isEmpty ? "input" : Self.visible(file)
        var parts: [String] = []
        if !field.isEmpty { parts.append("field '\(Self.visible(field))'") }
        if !value.isEmpty { parts.append("value '\(Self.visible(value))'") }
        guard let position else {
            return ([place] + parts).joined(separator: ", ") + ": " + message
        }
        let detail = parts.isEmpty ? "" : parts.joined(separator: ", ") + ": "
        return "\(place):\(position): " + detail + message
    }

    /// `text` with every control character (below U+0020, and U+007F) written as an escape.
    static func visible(_ text: String) -> String {
        escaping(text) { scalar in
            if let short = shortEscape(scalar) { return short }
            guard scalar.value < 0x20 || scalar.value == 0x7F else { return nil }
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
}
