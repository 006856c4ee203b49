import Foundation
import PetradImage

/// A DICOM date-time as seconds since 2000-01-01 00:00 (proleptic Gregorian, no time zone:
/// a DT offset such as "+0100" is ignored, since PET series keep every time in one zone).
public struct DICOMDateTime: Comparable, Sendable, CustomStringConvertible {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// From a DA ("YYYYMMDD", also "YYYY.MM.DD") and a TM ("HHMMSS.FFFFFF", parts may be
    /// omitted from the right; also "HH:MM:SS"). Nil when either does not parse.
    public init?(date: String, time: String) {
        let digits = date.filter { $0 != "." && $0 != "-" }.trimmingCharacters(in: .whitespaces)
        guard digits.count == 8, let year = Int(digits.prefix(4)),
              let month = Int(digits.dropFirst(4).prefix(2)), let day = Int(digits.suffix(2)),
              (1...12).contains(month), (1...31).contains(day),
              let timeOfDay = DICOMDateTime.timeOfDay(time) else { return nil }
        // Days from 2000-01-01 keep microseconds exact in a Double for centuries around it.
        let days = DICOMDateTime.days(year: year, month: month, day: day)
            - DICOMDateTime.days(year: 2000, month: 1, day: 1)
        seconds = Double(days) * 86400 + timeOfDay
    }

    /// From a DT ("YYYYMMDDHHMMSS.FFFFFF&ZZXX").
    public init?(dateTime: String) {
        var text = dateTime.trimmingCharacters(in: .whitespaces)
        if let sign = text.dropFirst(8).firstIndex(where: { $0 == "+" || $0 == "-" }) {
            text = String(text[..<sign])  // Not yet: time-zone offsets are dropped.
        }
        guard text.count >= 8 else { return nil }
        self.init(date: String(text.prefix(8)), time: String(text.dropFirst(8)))
    }

    /// Seconds since midnight of a TM value; "" is midnight.
    public static func timeOfDay(_ time: String) -> Double? {
        let text = time.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: "")
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts.first.map(String.init) ?? ""
        guard whole.count <= 6, whole.count % 2 == 0, whole.allSatisfy(\.isNumber) else {
            return nil
        }
        let padded = whole.padding(toLength: 6, withPad: "0", startingAt: 0)
        let h = Int(padded.prefix(2))!, m = Int(padded.dropFirst(2).prefix(2))!,
            s = Int(padded.suffix(2))!
        guard h < 24, m < 60, s < 61 else { return nil }
        var fraction = 0.0
        if parts.count == 2, !parts[1].isEmpty {
            guard parts[1].allSatisfy(\.isNumber), let f = Double("0." + parts[1]) else {
                return nil
            }
            fraction = f
        }
        return Double(h * 3600 + m * 60 + s) + fraction
    }

    /// Days from 1970-01-01 (Howard Hinnant's days-from-civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func < (a: DICOMDateTime, b: DICOMDateTime) -> Bool { a.seconds < b.seconds }

    /// ISO form with microseconds, "2020-11-27T09:30:10.100010".
    public var description: String {
        let dayNumber = Int((seconds / 86400).rounded(.down))
        var rest = seconds - Double(dayNumber) * 86400
        // civil-from-days
        let z = dayNumber + DICOMDateTime.days(year: 2000, month: 1, day: 1) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let micro = Int((rest * 1e6).rounded())
        rest = Double(micro) / 1e6
        let h = micro / 3_600_000_000, mi = micro / 60_000_000 % 60, s = micro / 1_000_000 % 60
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d", y, m, d, h, mi, s,
                      micro % 1_000_000)
    }
}
