import Foundation

extension SUV {
    /// Enhanced PET (PS3.3 Enhanced PET Image, SOP class `enhancedPETStorage`) says in other
    /// attributes what classic PET says in Units and DecayCorrection: the values' unit in
    /// RescaleType of the Pixel Value Transformation ("BQML"), and the decay correction in
    /// DecayCorrected (0018,9758): YES with DecayCorrectionDateTime (0018,9701), the time
    /// the activity is decay-corrected to, or NO. Recoded here into the classic keywords:
    /// Units BQML; DecayCorrection START with that reference time, or NONE (per frame, from
    /// FrameAcquisitionDateTime and FrameAcquisitionDuration). MIRP reads Enhanced PET the
    /// same way, except that for NO it takes FrameReferenceDateTime (0018,9151) when present;
    /// petrad always averages the decay over the frame from its start and duration.
    ///
    /// Not yet: units given only by a Real World Value Mapping, and RescaleType other than
    /// BQML (counts, or values already in SUV), are refused.
    static func classicKeywords(enhancedPET slices: [[String: String]], file: String) throws
        -> [[String: String]] {
        try slices.map { attributes in
            var out = attributes
            let type = (attributes["RescaleType"] ?? "").uppercased()
                .trimmingCharacters(in: .whitespaces)
            guard type == "BQML" || type == "BQ/ML" else {
                throw InputError(file: file, field: "RescaleType (0028,1054)",
                                 value: attributes["RescaleType"] ?? "absent",
                                 "Enhanced PET (SOP class \(enhancedPETStorage)) is converted "
                                     + "to SUV from activity in BQML only")
            }
            out["Units"] = "BQML"
            switch attributes["DecayCorrected"]?.uppercased() {
            case "YES":
                guard attributes["DecayCorrectionDateTime"] != nil else {
                    throw InputError(file: file, field: "DecayCorrectionDateTime (0018,9701)",
                                     value: "absent", "is needed when DecayCorrected is YES")
                }
                out["DecayCorrection"] = "START"
            case "NO":
                out["DecayCorrection"] = "NONE"
            default:
                throw InputError(file: file, field: "DecayCorrected (0018,9758)",
                                 value: attributes["DecayCorrected"] ?? "absent",
                                 "should be YES or NO in Enhanced PET")
            }
            return out
        }
    }
}
