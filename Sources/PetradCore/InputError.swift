import Foundation

/// An error in something the user gave petrad: a file, one field of it, and the value found.
///
/// Every message names where the problem is and says in one sentence what to do about it, so
/// that a researcher can fix the input without reading petrad's code.
public struct InputError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var field: String
    public var value: String
    public var message: String

    public init(file: String, field: String = "", value: String = "", _ message: String) {
        self.file = file
        self.field = field
        self.value = value
        self.message = message
    }

    public var description: String {
        var parts = [file.isEmpty ? "input" : file]
        if !field.isEmpty { parts.append("field '\(field)'") }
        if !value.isEmpty { parts.append("value '\(value)'") }
        return parts.joined(separator: ", ") + ": " + message
    }
}
