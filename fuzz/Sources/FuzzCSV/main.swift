import CFuzzerDriver
import Foundation
import PetradCore

/// libFuzzer entry: any bytes, parsed as CSV (through `parseKeepingGoodRows`); every column
/// is then read as numbers and the table written back as CSV text.
func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let table = try? CSVTable.parse(String(decoding: data, as: UTF8.self), source: "fuzz")
    else { return 0 }
    for name in table.header { _ = try? table.numericColumn(name) }
    _ = table.csvText()
    return 0
}

// libFuzzer's driver runs `fuzzCSV` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCSV))
