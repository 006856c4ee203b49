import CYaml
import Foundation

/// A YAML document as a tree, parsed by libyaml. Scalars stay text: the reader of each setting
/// converts them and reports the key, the value and where it stands in the file when the type
/// is wrong. Every node keeps libyaml's start mark (line and column, counted from 1), and a
/// mapping keeps the mark of each key, so that an unknown key can be pointed at too.
/// Equality compares content only, not positions.
public indirect enum YAMLNode: Equatable, Sendable {
    case scalar(String, at: TextPosition, plain: Bool)
    case sequence([YAMLNode], at: TextPosition)
    /// `keys[i]` is where the key of `pairs[i]` starts.
    case mapping([(key: String, value: YAMLNode)], at: TextPosition, keys: [TextPosition])
    case null(at: TextPosition)

    public static func == (a: YAMLNode, b: YAMLNode) -> Bool {
        switch (a, b) {
        case let (.scalar(x, _, _), .scalar(y, _, _)): return x == y
        case let (.sequence(x, _), .sequence(y, _)): return x == y
        case let (.mapping(x, _, _), .mapping(y, _, _)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.null, .null): return true
        default: return false
        }
    }

    /// Where the node starts: its first character, or for a block collection its first entry.
    public var position: TextPosition {
        switch self {
        case let .scalar(_, at, _), let .sequence(_, at), let .mapping(_, at, _), let .null(at):
            return at
        }
    }

    public var line: Int { position.line }

    /// Where `key` stands in this mapping (nil for other nodes or an absent key).
    public func position(ofKey key: String) -> TextPosition? {
        guard case let .mapping(pairs, _, keys) = self,
              let index = pairs.firstIndex(where: { $0.key == key }) else { return nil }
        return keys[index]
    }

    /// The value of `key` in this mapping (nil for other nodes or an absent key).
    public subscript(key: String) -> YAMLNode? {
        guard case let .mapping(pairs, _, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// Deepest nesting of lists and mappings accepted (parameter and study files use at most
    /// 4). A deeper document is refused while parsing, before its tree is built: very deep
    /// trees would exhaust the stack when walked or freed.
    public static let maximumDepth = 64

    /// Reads and parses a YAML file; an empty file is a null document.
    public static func load(path: String) throws -> YAMLNode {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(file: path, "does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, "cannot be read as UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "") throws -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw InputError(file: source, "libyaml could not start a parser")
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer -> YAMLNode in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(source: source)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                    let mark = parser.problem_mark
                    throw InputError(file: source,
                                     position: TextPosition(line: Int(mark.line) + 1,
                                                            column: Int(mark.column) + 1),
                                     "is not valid YAML: \(problem)")
                }
                defer { yaml_event_delete(&event) }
                if try builder.consume(&event) { break }
            }
            return builder.document ?? .null(at: TextPosition(line: 1, column: 1))
        }
    }

    private struct Builder {
        enum Frame {
            case sequence([YAMLNode], TextPosition)
            case mapping([(key: String, value: YAMLNode)], keys: [TextPosition],
                         pendingKey: (String, TextPosition)?, TextPosition)
        }
        let source: String
        var stack: [Frame] = []
        var document: YAMLNode?

        /// Returns true at the end of the stream.
        mutating func consume(_ event: inout yaml_event_t) throws -> Bool {
            let at = TextPosition(line: Int(event.start_mark.line) + 1,
                                  column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = String(cString: scalar.value)
                let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
                let isNull = plain && ["", "~", "null", "Null", "NULL"].contains(value)
                try add(isNull ? .null(at: at) : .scalar(value, at: at, plain: plain))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLNode.maximumDepth else {
                    throw InputError(file: source, position: at,
                                     "nests lists and mappings more than "
                                     + "\(YAMLNode.maximumDepth) levels deep; petrad's files "
                                     + "need a few levels, so the file is damaged")
                }
                stack.append(event.type == YAML_SEQUENCE_START_EVENT
                             ? .sequence([], at) : .mapping([], keys: [], pendingKey: nil, at))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                switch frame {
                case let .sequence(items, start): try add(.sequence(items, at: start))
                case let .mapping(pairs, keys, _, start):
                    try add(.mapping(pairs, at: start, keys: keys))
                }
            case YAML_ALIAS_EVENT:
                throw InputError(file: source, position: at,
                                 "uses a YAML alias, which petrad does not read; write the value out")
            default:
                break
            }
            return false
        }

        mutating func add(_ node: YAMLNode) throws {
            guard let top = stack.popLast() else {
                document = node
                return
            }
            switch top {
            case .sequence(var items, let start):
                items.append(node)
                stack.append(.sequence(items, start))
            case .mapping(var pairs, var keys, let pending, let start):
                if let pending {
                    let (key, keyPosition) = pending
                    if pairs.contains(where: { $0.key == key }) {
                        throw InputError(file: source, position: keyPosition, field: key,
                                         "appears twice in one mapping")
                    }
                    pairs.append((key, node))
                    keys.append(keyPosition)
                    stack.append(.mapping(pairs, keys: keys, pendingKey: nil, start))
                } else {
                    guard case let .scalar(text, at, _) = node else {
                        throw InputError(file: source, position: node.position,
                                         "a mapping key must be a plain value")
                    }
                    stack.append(.mapping(pairs, keys: keys, pendingKey: (text, at), start))
                }
            }
        }
    }
}

extension YAMLNode {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The pairs of a mapping, or an error naming the key whose value should have been one.
    public func mapping(file: String, key: String) throws -> [(key: String, value: YAMLNode)] {
        switch self {
        case let .mapping(pairs, _, _): return pairs
        case .null: return []
        default: throw typeError(file: file, key: key, expected: "a mapping (key: value lines)")
        }
    }

    public func sequence(file: String, key: String) throws -> [YAMLNode] {
        switch self {
        case let .sequence(items, _): return items
        case .null: return []
        case .scalar: return [self]
        default: throw typeError(file: file, key: key, expected: "a list")
        }
    }

    public func string(file: String, key: String) throws -> String {
        guard case let .scalar(text, _, _) = self else {
            throw typeError(file: file, key: key, expected: "a text value")
        }
        return text
    }

    /// A finite number: `inf`, `nan` and `1e999` are refused (no setting of a parameter or
    /// study file means them, and they would pass every `> 0` check).
    public func double(file: String, key: String) throws -> Double {
        guard case let .scalar(text, _, _) = self, let value = Double(text) else {
            throw typeError(file: file, key: key, expected: "a number")
        }
        guard value.isFinite else {
            throw typeError(file: file, key: key, expected: "a finite number")
        }
        return value
    }

    public func int(file: String, key: String) throws -> Int {
        guard case let .scalar(text, _, _) = self, let value = Int(text) else {
            throw typeError(file: file, key: key, expected: "a whole number")
        }
        return value
    }

    public func bool(file: String, key: String) throws -> Bool {
        guard case let .scalar(text, _, _) = self else {
            throw typeError(file: file, key: key, expected: "true or false")
        }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw typeError(file: file, key: key, expected: "true or false")
        }
    }

    /// The value as it appears in the file, for error messages.
    public var shortDescription: String {
        switch self {
        case let .scalar(text, _, _): return text
        case .null: return "null"
        case let .sequence(items, _): return "[" + items.map(\.shortDescription).joined(separator: ", ") + "]"
        case let .mapping(pairs, _, _):
            return "{" + pairs.map { $0.key }.joined(separator: ", ") + "}"
        }
    }

    public func typeError(file: String, key: String, expected: String) -> InputError {
        error(file: file, key: key, "should be \(expected)")
    }

    /// An error about this value: the file, the node's line and column, the key path and the
    /// value as written.
    public func error(file: String, key: String, _ message: String) -> InputError {
        InputError(file: file, position: position, field: key, value: shortDescription, message)
    }
}
