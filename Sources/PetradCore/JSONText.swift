import Foundation

/// A string as a JSON string literal (RFC 8259): quotes, backslashes and control characters
/// escaped, everything else kept as it is.
public func jsonQuoted(_ s: String) -> String {
    let body = escaping(s) { scalar in
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        default:
            if let short = shortEscape(scalar) { return short }
            return scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : nil
        }
    }
    return "\"" + body + "\""
}
