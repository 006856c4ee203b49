import Foundation

/// `text` with every scalar that `escape` gives a replacement for replaced by it, the others
/// kept: the one loop behind JSON string literals (`jsonQuoted`) and the control-character
/// escapes of error messages (`InputError`).
func escaping(_ text: String, _ escape: (Unicode.Scalar) -> String?) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if let replacement = escape(scalar) {
            out += replacement
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// `\n`, `\r` or `\t` for a line feed, carriage return or tab; nil for anything else.
func shortEscape(_ scalar: Unicode.Scalar) -> String? {
    switch scalar {
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\t": return "\\t"
    default: return nil
    }
}
