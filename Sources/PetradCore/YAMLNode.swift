import CYaml
import Foundation

/// A YAML document as a tree, parsed by libyaml. Scalars stay text: the reader of each setting
/// converts them and reports the key, the line and the value when the type is wrong.
public indirect enum YAMLNode: Equatable {
    case scalar(String, line: Int, plain: Bool)
    case sequence([YAMLNode], line: Int)
    case mapping([(key: String, value: YAMLNode)], line: Int)
    case null(line: Int)

    public static func == (a: YAMLNode, b: YAMLNode) -> Bool {
        switch (a, b) {
        case let (.scalar(x, _, _), .scalar(y, _, _)): return x == y
        case let (.sequence(x, _), .sequence(y, _)): return x == y
        case let (.mapping(x, _), .mapping(y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.null, .null): return true
        default: return false
        }
    }

    public var line: Int {
        switch self {
        case let .scalar(_, line, _), let .sequence(_, line), let .mapping(_, line), let .null(line):
            return line
        }
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
                    throw InputError(file: source, field: "line \(parser.problem_mark.line + 1)",
                                     "is not valid YAML: \(problem)")
                }
                defer { yaml_event_delete(&event) }
                if try builder.consume(&event) { break }
            }
            return builder.document ?? .null(line: 1)
        }
    }

    private struct Builder {
        enum Frame {
            case sequence([YAMLNode], Int)
            case mapping([(key: String, value: YAMLNode)], pendingKey: String?, Int)
        }
        let source: String
        var stack: [Frame] = []
        var document: YAMLNode?

        /// Returns true at the end of the stream.
        mutating func consume(_ event: inout yaml_event_t) throws -> Bool {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = String(cString: scalar.value)
                let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
                let isNull = plain && ["", "~", "null", "Null", "NULL"].contains(value)
                try add(isNull ? .null(line: line) : .scalar(value, line: line, plain: plain))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLNode.maximumDepth else {
                    throw InputError(file: source, field: "line \(line)",
                                     "nests lists and mappings more than "
                                     + "\(YAMLNode.maximumDepth) levels deep; petrad's files "
                                     + "need a few levels, so the file is damaged")
                }
                stack.append(event.type == YAML_SEQUENCE_START_EVENT
                             ? .sequence([], line) : .mapping([], pendingKey: nil, line))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                switch frame {
                case let .sequence(items, start): try add(.sequence(items, line: start))
                case let .mapping(pairs, _, start): try add(.mapping(pairs, line: start))
                }
            case YAML_ALIAS_EVENT:
                throw InputError(file: source, field: "line \(line)",
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
            case .mapping(var pairs, let key, let start):
                if let key {
                    if pairs.contains(where: { $0.key == key }) {
                        throw InputError(file: source, field: key, "appears twice in one mapping")
                    }
                    pairs.append((key, node))
                    stack.append(.mapping(pairs, pendingKey: nil, start))
                } else {
                    guard case let .scalar(text, _, _) = node else {
                        throw InputError(file: source, field: "line \(node.line)",
                                         "a mapping key must be a plain value")
                    }
                    stack.append(.mapping(pairs, pendingKey: text, start))
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
        case let .mapping(pairs, _): return pairs
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

    public func double(file: String, key: String) throws -> Double {
        guard case let .scalar(text, _, _) = self, let value = Double(text) else {
            throw typeError(file: file, key: key, expected: "a number")
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
        case let .mapping(pairs, _): return "{" + pairs.map { $0.key }.joined(separator: ", ") + "}"
        }
    }

    public func typeError(file: String, key: String, expected: String) -> InputError {
        InputError(file: file, field: "\(key) (line \(line))", value: shortDescription,
                   "should be \(expected)")
    }
}
