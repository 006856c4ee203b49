import CFuzzerDriver
import Foundation
import PetradCore

/// libFuzzer entry: any bytes, parsed as CSV keeping the good rows (`parseKeepingGoodRows`, as
/// a clinical table is read); every column of what is kept is then read as numbers, the table
/// written back as CSV text, and each left-out row's error message made.
func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let text = String(decoding: data, as: UTF8.self)
    guard let (table, malformed) = try? CSVTable.parseKeepingGoodRows(text, source: "fuzz")
    else { return 0 }
    for name in table.header { _ = try? table.numericColumn(name) }
    _ = table.csvText()
    for row in malformed { _ = row.error.description }
    return 0
}

// libFuzzer's driver runs `fuzzCSV` on generated inputs (or on the files given as arguments).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCSV))
