import Foundation

/// The arguments of one petrad command: `--name value`, `--name=value`, boolean `--flag`s and
/// positionals. An option that the command does not declare is an error naming it.
public struct ParsedArguments {
    public private(set) var positionals: [String] = []
    public private(set) var options: [String: String] = [:]
    public private(set) var flags: Set<String> = []

    /// - Parameters:
    ///   - arguments: the words after the command name.
    ///   - valueOptions: options that take a value (without the leading dashes).
    ///   - flagOptions: options that take none.
    public init(_ arguments: [String], command: String, valueOptions: Set<String>,
                flagOptions: Set<String> = []) throws {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                positionals.append(word)
                continue
            }
            var name = String(word.dropFirst(2))
            var value: String? = nil
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flagOptions.contains(name) {
                flags.insert(name)
            } else if valueOptions.contains(name) {
                if value == nil {
                    // `--out --quiet`: the value was forgotten, not a folder named --quiet.
                    let next = index < arguments.count ? arguments[index] : nil
                    let nextIsOption = next.map {
                        $0.hasPrefix("--") && (valueOptions.union(flagOptions))
                            .contains(String($0.dropFirst(2).prefix { $0 != "=" }))
                    } ?? false
                    guard let next, !nextIsOption else {
                        throw InputError(file: "petrad \(command)", field: "--\(name)",
                                         value: next ?? "", "needs a value")
                    }
                    value = next
                    index += 1
                }
                options[name] = value
            } else {
                let known = (valueOptions.union(flagOptions)).sorted().map { "--\($0)" }
                throw InputError(file: "petrad \(command)", field: word,
                                 "is not an option of this command; options are: "
                                 + known.joined(separator: " "))
            }
        }
    }

    public func double(_ name: String, command: String) throws -> Double? {
        guard let text = options[name] else { return nil }
        guard let value = Double(text) else {
            throw InputError(file: "petrad \(command)", field: "--\(name)", value: text,
                             "should be a number")
        }
        return value
    }

    /// The whole number given to `--name`, refused (naming the option and value) when it is
    /// not one or is below `minimum`.
    public func int(_ name: String, command: String, minimum: Int? = nil) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let value = Int(text) else {
            throw InputError(file: "petrad \(command)", field: "--\(name)", value: text,
                             "should be a whole number")
        }
        if let minimum, value < minimum {
            throw InputError(file: "petrad \(command)", field: "--\(name)", value: text,
                             "should be at least \(minimum)")
        }
        return value
    }
}
