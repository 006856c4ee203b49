import CFuzzerDriver
import Foundation
import PetradCore

/// libFuzzer entry: any bytes, parsed as YAML by libyaml into a YAMLNode tree; the tree is then
/// walked with the typed accessors a parameter file reader uses.
func fuzzYAML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let node = try? YAMLNode.parse(String(decoding: data, as: UTF8.self), source: "fuzz")
    else { return 0 }
    visit(node)
    return 0
}

func visit(_ node: YAMLNode) {
    _ = node.shortDescription
    _ = try? node.double(file: "fuzz", key: "k")
    _ = try? node.int(file: "fuzz", key: "k")
    _ = try? node.bool(file: "fuzz", key: "k")
    for pair in (try? node.mapping(file: "fuzz", key: "k")) ?? [] { visit(pair.value) }
    if case .sequence(let items, _) = node { items.forEach(visit) }
}

// libFuzzer's driver runs `fuzzYAML` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzYAML))
