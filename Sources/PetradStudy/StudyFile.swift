import Foundation
import PetradCore

/// What a cohort is for in the study: the signature and its cutoff are built on the training
/// cohort only and then applied unchanged to the validation cohorts.
public enum CohortRole: String, Sendable, CaseIterable {
    case training
    case internalValidation = "internal_validation"
    case externalValidation = "external_validation"

    /// The words the report prints.
    public var title: String {
        switch self {
        case .training: return "training"
        case .internalValidation: return "internal validation"
        case .externalValidation: return "external validation"
        }
    }
}

/// Keeps the cases whose row in another table has one of the listed values in one column, e.g.
/// the patients scanned with 3.906 mm pixels (`image_summary.csv`, column `spacing_x_mm`).
/// Numbers are compared as numbers (`3.9062` matches `3.90620`), anything else as text.
public struct CaseSelection: Sendable, Equatable {
    public var table: String
    public var idColumn: String
    public var column: String
    public var values: [String]
}

/// One cohort split into a training and a validation cohort by seeded random numbering: every
/// patient, in the order of the cases table, draws a 64-bit number from the seeded generator;
/// patients are sorted by it and the first `round(trainingFraction * n)` form the training
/// cohort (how the study assigned patients at random).
public struct CohortSplit: Sendable, Equatable {
    public var seed: UInt64
    public var trainingFraction: Double
    public var trainingName: String
    public var validationName: String
}

/// A cohort as written in the study file (before its cases are read).
public struct CohortSpec: Sendable, Equatable {
    public var name: String
    /// nil when `split` is given (the split names the roles).
    public var role: CohortRole?
    public var casesTable: String
    public var idColumn: String = "PatientID"
    public var imageColumn: String = "Image"
    public var maskColumn: String = "Mask"
    public var labelColumn: String?
    public var include: CaseSelection?
    /// Patients already in these cohorts are left out (e.g. the external proxy cohort).
    public var excludeCohorts: [String] = []
    public var split: CohortSplit?
    /// Printed with the cohort in the report (e.g. "same-centre proxy for an external cohort").
    public var note: String = ""
}

/// A survival endpoint: a time column and a 0/1 event column of the clinical table.
public struct EndpointSpec: Sendable, Equatable {
    public var name: String
    public var title: String
    public var timeColumn: String
    public var eventColumn: String
    public var timeUnit: String = "days"
}

/// A clinical covariate for the Cox tables.
public struct CovariateSpec: Sendable, Equatable {
    public enum Kind: String, Sendable { case continuous, categorical }
    public var name: String
    public var column: String
    public var kind: Kind
    /// Reference level of a categorical covariate (default: the most frequent level).
    public var reference: String?
    /// Levels merged before the fit, e.g. `Low: Intermediate` when a level has too few patients.
    public var merge: [String: String] = [:]
}

/// An imaging covariate read from the extracted features, e.g. MTV from
/// `original_shape_MeshVolume` (mm^3) scaled by 0.001 to mL.
public struct ImagingCovariateSpec: Sendable, Equatable {
    public var name: String
    public var feature: String
    public var scale: Double = 1
    public var unit: String = ""
}

/// Settings of the repeated LASSO-Cox selection.
public struct SignatureSpec: Sendable, Equatable {
    public var repeats = 100
    public var maxFeatures = 4
    public var scale = 10.0
    public var folds = 10
    public var seed: UInt64 = 1
    public var alpha = 1.0
    /// The lambda each cross-validation keeps: "lambda.min" (default) or "lambda.1se".
    public var lambdaRule = "lambda.min"
    /// Candidate features: names starting with one of these prefixes...
    public var includePrefixes = ["original_"]
    /// ...except these exact names or prefixes.
    public var exclude: [String] = []

    /// True for a feature the signature may select: it starts with one of `includePrefixes`
    /// and is neither named nor prefixed by an `exclude` entry.
    public func admits(_ name: String) -> Bool {
        includePrefixes.contains { name.hasPrefix($0) }
            && !exclude.contains { name == $0 || name.hasPrefix($0) }
    }
}

/// The cutoff rule: the score cutoff that maximises the log-rank statistic on the training
/// cohort among cutoffs leaving a high-risk share within `highRiskShare` and at least
/// `minGroupSize` patients in each group.
public struct CutoffSpec: Sendable, Equatable {
    public var highRiskShare: ClosedRange<Double> = 0.10...0.20
    public var minGroupSize = 3
    public var permutations = 1000
    public var seed: UInt64 = 7
}

/// Optional ComBat harmonisation of features across batches (scanner, centre, protocol).
public struct HarmonisationSpec: Sendable, Equatable {
    public var method = "combat"
    /// A column of `batchTable` (by patient id) naming each patient's batch.
    public var batchTable: String
    public var batchColumn: String
    public var parametric = true
}

/// Everything `petrad study` needs, read from one YAML study file. Relative paths are resolved
/// against the study file's folder. See `studies/sts-fdg-pet.yaml` for a commented example.
public struct StudyFile: Sendable, Equatable {
    public var path: String
    public var name: String
    public var description: String = ""
    public var cohorts: [CohortSpec]
    public var clinicalTable: String
    public var clinicalIdColumn = "PatientID"
    public var endpoints: [EndpointSpec]
    public var covariates: [CovariateSpec] = []
    public var imagingCovariates: [ImagingCovariateSpec] = []
    /// A PyRadiomics parameter file, or nil when `inlineParameters` is given.
    public var parameterFile: String?
    /// Where `parameterFile` is written in the study file, for the error when it cannot be read.
    public var parameterFilePosition: TextPosition?
    /// The text of an inline parameter mapping, re-emitted as YAML (cache key, report).
    public var inlineParameters: String?
    /// The inline parameter mapping as read, so that its errors name the study file's lines.
    public var inlineParameterNode: YAMLNode?
    public var convention = "pyradiomics"
    public var signature = SignatureSpec()
    public var cutoff = CutoffSpec()
    /// Cox covariates with univariate p at or below this enter the multivariate model.
    public var multivariatePThreshold = 0.1
    public var harmonisation: HarmonisationSpec?
    /// The number of cases extracted at the same time (default: all cores).
    public var threads: Int?
    /// Where some keys are set in the file ("clinical.table", "cohorts[1].cases",
    /// "cohorts[1].include.table", "imaging_covariates[1].feature", "signature.folds"), for
    /// the errors found only once the run has started: a table that cannot be read, a setting
    /// the cohort or the features cannot honour.
    public var positions: [String: TextPosition] = [:]

    /// The study file's folder; relative paths in the file are read from here.
    public var folder: String { (path as NSString).deletingLastPathComponent }

    public func resolve(_ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        return (((folder as NSString).appendingPathComponent(relative)) as NSString)
            .standardizingPath
    }
}

// MARK: - Reading

extension StudyFile {
    /// Reads and checks a study file; every unknown key or wrong type is an error naming it.
    public static func load(path: String) throws -> StudyFile {
        let root = try YAMLNode.load(path: path)
        return try StudyFile(node: root, path: path)
    }

    public init(node root: YAMLNode, path: String) throws {
        let reader = try KeyReader(file: path, node: root, key: "(document)", context: "")
        try reader.allow(["name", "description", "cohorts", "clinical", "endpoints",
                          "covariates", "imaging_covariates", "extraction", "signature",
                          "cutoff", "multivariate", "harmonisation", "threads"])
        self.path = path.hasPrefix("/") ? path
            : FileManager.default.currentDirectoryPath + "/" + path
        name = try reader.required("name").string(file: path, key: "name")
        description = try reader.optional("description")?.string(file: path, key: "description")
            ?? ""
        threads = try reader.optional("threads")?.int(file: path, key: "threads", atLeast: 1)

        let cohortsNode = try reader.required("cohorts")
        let cohortNodes = try cohortsNode.sequence(file: path, key: "cohorts")
        cohorts = try cohortNodes.enumerated().map { try Self.cohort($1, index: $0, file: path) }
        for (index, node) in cohortNodes.enumerated() {
            positions["cohorts[\(index + 1)].cases"] = node["cases"]?.position
            positions["cohorts[\(index + 1)].include.table"] = node["include"]?["table"]?.position
        }
        if cohorts.isEmpty {
            throw cohortsNode.error(file: path, key: "cohorts",
                                    "lists no cohort; give at least one")
        }

        let clinical = try reader.mapping("clinical")
        try clinical.allow(["table", "id_column"])
        clinicalTable = try clinical.required("table").string(file: path, key: "clinical.table")
        positions["clinical.table"] = clinical.optional("table")?.position
        clinicalIdColumn = try clinical.optional("id_column")?
            .string(file: path, key: "clinical.id_column") ?? "PatientID"

        let endpointsNode = try reader.required("endpoints")
        let endpointNodes = try endpointsNode.sequence(file: path, key: "endpoints")
        endpoints = try endpointNodes.enumerated().map {
            try Self.endpoint($1, index: $0, file: path)
        }
        if endpoints.isEmpty {
            throw endpointsNode.error(file: path, key: "endpoints", "lists no endpoint")
        }
        covariates = try (reader.optional("covariates")?.sequence(file: path, key: "covariates")
            ?? []).enumerated().map { try Self.covariate($1, index: $0, file: path) }
        let imagingNodes = try reader.optional("imaging_covariates")?
            .sequence(file: path, key: "imaging_covariates") ?? []
        imagingCovariates = try imagingNodes.enumerated().map {
            try Self.imagingCovariate($1, index: $0, file: path)
        }
        for (index, node) in imagingNodes.enumerated() {
            positions["imaging_covariates[\(index + 1)].feature"] = node["feature"]?.position
        }

        let extraction = try reader.mapping("extraction")
        try extraction.allow(["params", "convention"])
        let params = try extraction.required("params")
        switch params {
        case .scalar:
            parameterFile = try params.string(file: path, key: "extraction.params")
            parameterFilePosition = params.position
        case .mapping:
            inlineParameters = YAMLEmitter.emit(params)
            inlineParameterNode = params
        default:
            throw params.typeError(file: path, key: "extraction.params",
                                   expected: "a parameter file path or an inline mapping")
        }
        if let node = extraction.optional("convention") {
            convention = try node.string(file: path, key: "extraction.convention")
            guard ["pyradiomics", "ibsi"].contains(convention) else {
                throw node.error(file: path, key: "extraction.convention",
                                 "should be pyradiomics or ibsi")
            }
        }

        if let node = reader.pairs.first(where: { $0.key == "signature" })?.value {
            signature = try Self.signature(node, file: path)
            positions["signature.folds"] = node["folds"]?.position
        }
        if let node = reader.pairs.first(where: { $0.key == "cutoff" })?.value {
            cutoff = try Self.cutoff(node, file: path)
        }
        if reader.optional("multivariate") != nil {
            let multivariate = try reader.mapping("multivariate")
            try multivariate.allow(["p_threshold"])
            if let node = multivariate.optional("p_threshold") {
                multivariatePThreshold = try node.double(file: path,
                                                         key: "multivariate.p_threshold")
                guard multivariatePThreshold > 0 && multivariatePThreshold <= 1 else {
                    throw node.error(file: path, key: "multivariate.p_threshold",
                                     "should be a p-value above 0 and at most 1")
                }
            }
        }
        if let node = reader.optional("harmonisation"), !node.isNull {
            let h = try KeyReader(file: path, node: node, key: "harmonisation",
                                  context: "harmonisation.")
            try h.allow(["method", "batch_table", "batch_column", "parametric"])
            let method = try h.optional("method")?.string(file: path, key: "harmonisation.method")
                ?? "combat"
            guard method == "combat" else {
                throw h.optional("method")!.error(file: path, key: "harmonisation.method",
                                                  "should be combat (the only method petrad has)")
            }
            harmonisation = HarmonisationSpec(
                method: method,
                batchTable: try h.required("batch_table")
                    .string(file: path, key: "harmonisation.batch_table"),
                batchColumn: try h.required("batch_column")
                    .string(file: path, key: "harmonisation.batch_column"),
                parametric: try h.optional("parametric")?
                    .bool(file: path, key: "harmonisation.parametric") ?? true)
        }
        try checkNames(cohortsNode: cohortsNode, cohortNodes: cohortNodes,
                       endpointNodes: endpointNodes)
    }

    /// Checks across entries: cohort and endpoint names unique, `exclude_cohorts` naming
    /// earlier cohorts, one training cohort. The nodes give each error its place in the file.
    private func checkNames(cohortsNode: YAMLNode, cohortNodes: [YAMLNode],
                            endpointNodes: [YAMLNode]) throws {
        var seen = Set<String>()
        for (index, cohort) in cohorts.enumerated() {
            let node = cohortNodes[index]
            let key = "cohorts[\(index + 1)]"
            let names = cohort.split.map { [$0.trainingName, $0.validationName] } ?? [cohort.name]
            for name in names where !seen.insert(name).inserted {
                throw InputError(file: path, position: (node["name"] ?? node).position,
                                 field: key + ".name", value: name,
                                 "two cohorts have this name; give each its own")
            }
            let excludedNodes = node["exclude_cohorts"].flatMap {
                try? $0.sequence(file: path, key: key + ".exclude_cohorts")
            } ?? []
            for (offset, excluded) in cohort.excludeCohorts.enumerated()
            where !seen.contains(excluded) {
                let at = offset < excludedNodes.count ? excludedNodes[offset] : node
                throw InputError(file: path, position: at.position,
                                 field: key + ".exclude_cohorts", value: excluded,
                                 "names no cohort listed before this one")
            }
        }
        let all = cohorts.flatMap { c in
            c.split.map { _ in [CohortRole.training, .internalValidation] } ?? [c.role!]
        }
        if all.filter({ $0 == .training }).count != 1 {
            throw InputError(file: path, position: cohortsNode.position, field: "cohorts",
                             "needs exactly one training cohort (role: training or a split); "
                             + "found \(all.filter { $0 == .training }.count)")
        }
        var endpointNames = Set<String>()
        for (index, endpoint) in endpoints.enumerated()
        where !endpointNames.insert(endpoint.name).inserted {
            let node = endpointNodes[index]
            throw InputError(file: path, position: (node["name"] ?? node).position,
                             field: "endpoints[\(index + 1)].name", value: endpoint.name,
                             "two endpoints have this name")
        }
    }

    /// An error for a table named by `field` (a key of `positions`) that cannot be read.
    func unreadableTable(_ field: String, named name: String) -> InputError {
        let resolved = resolve(name)
        return InputError(file: path, position: positions[field], field: field, value: name,
                          "names \(resolved), which cannot be read (missing, a folder, or not "
                              + "readable)")
    }

    /// True for a file that exists, is not a folder and can be read.
    static func isReadableFile(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder)
            && !folder.boolValue && FileManager.default.isReadableFile(atPath: path)
    }

    private static func cohort(_ node: YAMLNode, index: Int, file: String) throws -> CohortSpec {
        let key = "cohorts[\(index + 1)]"
        let r = try KeyReader(file: file, node: node, key: key, context: key + ".")
        try r.allow(["name", "role", "cases", "id_column", "image_column", "mask_column",
                     "label_column", "include", "exclude_cohorts", "split", "note"])
        let note = try r.optional("note")?.string(file: file, key: key + ".note") ?? ""
        let name = try r.required("name").string(file: file, key: key + ".name")
        var spec = CohortSpec(name: name, role: nil,
                              casesTable: try r.required("cases").string(file: file,
                                                                         key: key + ".cases"))
        if let role = r.optional("role") {
            let text = try role.string(file: file, key: key + ".role")
            guard let value = CohortRole(rawValue: text) else {
                throw role.error(file: file, key: key + ".role",
                                 "should be training, internal_validation or external_validation")
            }
            spec.role = value
        }
        spec.note = note
        spec.idColumn = try r.string("id_column") ?? "PatientID"
        spec.imageColumn = try r.string("image_column") ?? "Image"
        spec.maskColumn = try r.string("mask_column") ?? "Mask"
        spec.labelColumn = try r.string("label_column")
        spec.excludeCohorts = try (r.optional("exclude_cohorts")?
            .sequence(file: file, key: key + ".exclude_cohorts") ?? [])
            .map { try $0.string(file: file, key: key + ".exclude_cohorts") }
        if let include = r.optional("include") {
            let i = try KeyReader(file: file, node: include, key: key + ".include",
                                  context: key + ".include.")
            try i.allow(["table", "id_column", "column", "values"])
            spec.include = CaseSelection(
                table: try i.required("table").string(file: file, key: key + ".include.table"),
                idColumn: try i.string("id_column")
                    ?? "PatientID",
                column: try i.required("column").string(file: file, key: key + ".include.column"),
                values: try i.required("values").sequence(file: file, key: key + ".include.values")
                    .map { try $0.string(file: file, key: key + ".include.values") })
        }
        if let split = r.optional("split") {
            let s = try KeyReader(file: file, node: split, key: key + ".split",
                                  context: key + ".split.")
            try s.allow(["seed", "training_fraction", "training_name", "validation_name"])
            let fractionNode = try s.required("training_fraction")
            let fraction = try fractionNode.double(file: file,
                                                   key: key + ".split.training_fraction")
            guard fraction > 0, fraction < 1 else {
                throw fractionNode.error(file: file, key: key + ".split.training_fraction",
                                         "should be between 0 and 1")
            }
            spec.split = CohortSplit(
                seed: try s.required("seed").seed(file: file, key: key + ".split.seed"),
                trainingFraction: fraction,
                trainingName: try s.string("training_name")
                    ?? "\(name)-training",
                validationName: try s.string("validation_name")
                    ?? "\(name)-validation")
            if let role = r.optional("role") {
                throw InputError(file: file, position: role.position, field: key + ".role",
                                 "a split cohort takes its roles from the split; remove role")
            }
        } else if spec.role == nil {
            throw InputError(file: file, position: node.position, field: key + ".role",
                             "is missing; give a role or a split")
        }
        return spec
    }

    private static func endpoint(_ node: YAMLNode, index: Int, file: String) throws
        -> EndpointSpec {
        let key = "endpoints[\(index + 1)]"
        let r = try KeyReader(file: file, node: node, key: key, context: key + ".")
        try r.allow(["name", "title", "time", "event", "time_unit"])
        let name = try r.required("name").string(file: file, key: key + ".name")
        return EndpointSpec(
            name: name,
            title: try r.optional("title")?.string(file: file, key: key + ".title") ?? name,
            timeColumn: try r.required("time").string(file: file, key: key + ".time"),
            eventColumn: try r.required("event").string(file: file, key: key + ".event"),
            timeUnit: try r.string("time_unit") ?? "days")
    }

    private static func covariate(_ node: YAMLNode, index: Int, file: String) throws
        -> CovariateSpec {
        let key = "covariates[\(index + 1)]"
        let r = try KeyReader(file: file, node: node, key: key, context: key + ".")
        try r.allow(["name", "column", "type", "reference", "merge"])
        let typeNode = try r.required("type")
        let typeText = try typeNode.string(file: file, key: key + ".type")
        guard let kind = CovariateSpec.Kind(rawValue: typeText) else {
            throw typeNode.error(file: file, key: key + ".type",
                                 "should be continuous or categorical")
        }
        var merge: [String: String] = [:]
        for pair in try r.optional("merge")?.mapping(file: file, key: key + ".merge") ?? [] {
            merge[pair.key] = try pair.value.string(file: file, key: key + ".merge")
        }
        let name = try r.required("name").string(file: file, key: key + ".name")
        return CovariateSpec(
            name: name,
            column: try r.optional("column")?.string(file: file, key: key + ".column") ?? name,
            kind: kind,
            reference: try r.optional("reference")?.string(file: file, key: key + ".reference"),
            merge: merge)
    }

    private static func imagingCovariate(_ node: YAMLNode, index: Int, file: String) throws
        -> ImagingCovariateSpec {
        let key = "imaging_covariates[\(index + 1)]"
        let r = try KeyReader(file: file, node: node, key: key, context: key + ".")
        try r.allow(["name", "feature", "scale", "unit"])
        return ImagingCovariateSpec(
            name: try r.required("name").string(file: file, key: key + ".name"),
            feature: try r.required("feature").string(file: file, key: key + ".feature"),
            scale: try r.optional("scale")?.double(file: file, key: key + ".scale") ?? 1,
            unit: try r.optional("unit")?.string(file: file, key: key + ".unit") ?? "")
    }

    private static func signature(_ node: YAMLNode, file: String) throws -> SignatureSpec {
        let r = try KeyReader(file: file, node: node, key: "signature", context: "signature.")
        try r.allow(["repeats", "max_features", "scale", "folds", "seed", "alpha",
                     "lambda_rule", "include_prefixes", "exclude"])
        var spec = SignatureSpec()
        spec.repeats = try r.optional("repeats")?.int(file: file, key: "signature.repeats")
            ?? spec.repeats
        spec.maxFeatures = try r.optional("max_features")?
            .int(file: file, key: "signature.max_features") ?? spec.maxFeatures
        spec.scale = try r.optional("scale")?.double(file: file, key: "signature.scale")
            ?? spec.scale
        spec.folds = try r.optional("folds")?.int(file: file, key: "signature.folds")
            ?? spec.folds
        spec.seed = try r.optional("seed")?.seed(file: file, key: "signature.seed") ?? 1
        spec.alpha = try r.optional("alpha")?.double(file: file, key: "signature.alpha")
            ?? spec.alpha
        if let rule = r.optional("lambda_rule") {
            spec.lambdaRule = try rule.string(file: file, key: "signature.lambda_rule")
            guard ["lambda.min", "lambda.1se"].contains(spec.lambdaRule) else {
                throw rule.error(file: file, key: "signature.lambda_rule",
                                 "should be lambda.min or lambda.1se")
            }
        }
        if let prefixes = r.optional("include_prefixes") {
            let key = "signature.include_prefixes"
            spec.includePrefixes = try prefixes.sequence(file: file, key: key)
                .map { try $0.string(file: file, key: key) }
        }
        if let exclude = r.optional("exclude") {
            spec.exclude = try exclude.sequence(file: file, key: "signature.exclude")
                .map { try $0.string(file: file, key: "signature.exclude") }
        }
        for (key, value, minimum) in [("repeats", spec.repeats, 1),
                                       ("max_features", spec.maxFeatures, 1),
                                       ("folds", spec.folds, 3)] where value < minimum {
            throw (r.optional(key) ?? node).error(file: file, key: "signature." + key,
                                                  "should be at least \(minimum)")
        }
        if let scale = r.optional("scale"), spec.scale <= 0 {
            throw scale.error(file: file, key: "signature.scale",
                              "should be > 0 (the paper's 10 multiplies the linear predictor)")
        }
        return spec
    }

    private static func cutoff(_ node: YAMLNode, file: String) throws -> CutoffSpec {
        let r = try KeyReader(file: file, node: node, key: "cutoff", context: "cutoff.")
        try r.allow(["high_risk_share", "min_group_size", "permutations", "seed"])
        var spec = CutoffSpec()
        if let share = r.optional("high_risk_share") {
            let values = try share.sequence(file: file, key: "cutoff.high_risk_share")
                .map { try $0.double(file: file, key: "cutoff.high_risk_share") }
            guard values.count == 2, values[0] > 0, values[0] <= values[1], values[1] < 1 else {
                throw share.typeError(file: file, key: "cutoff.high_risk_share",
                                      expected: "[lowest, highest] shares between 0 and 1")
            }
            spec.highRiskShare = values[0]...values[1]
        }
        spec.minGroupSize = try r.optional("min_group_size")?
            .int(file: file, key: "cutoff.min_group_size", atLeast: 1) ?? spec.minGroupSize
        spec.permutations = try r.optional("permutations")?
            .int(file: file, key: "cutoff.permutations", atLeast: 0) ?? spec.permutations
        spec.seed = try r.optional("seed")?.seed(file: file, key: "cutoff.seed") ?? 7
        return spec
    }
}

/// Reads the keys of one mapping of the study file and names unknown or missing ones, with
/// the line and column of the key (unknown) or of the mapping (missing).
struct KeyReader {
    let file: String
    let node: YAMLNode
    let pairs: [(key: String, value: YAMLNode)]
    let context: String

    /// - Parameter key: the mapping's key path, named when `node` is not a mapping.
    init(file: String, node: YAMLNode, key: String, context: String) throws {
        self.file = file
        self.node = node
        self.pairs = try node.mapping(file: file, key: key)
        self.context = context
    }

    func allow(_ keys: [String]) throws {
        for pair in pairs where !keys.contains(pair.key) {
            throw InputError(file: file, position: node.position(ofKey: pair.key),
                             field: context + pair.key,
                             "is not a study-file key here; keys are: "
                             + keys.joined(separator: ", "))
        }
    }

    func optional(_ key: String) -> YAMLNode? {
        guard let node = pairs.first(where: { $0.key == key })?.value, !node.isNull else {
            return nil
        }
        return node
    }

    /// An optional text value, its errors naming the key's full path.
    func string(_ key: String) throws -> String? {
        try optional(key)?.string(file: file, key: context + key)
    }

    func required(_ key: String) throws -> YAMLNode {
        guard let value = optional(key) else {
            throw InputError(file: file, position: node.position, field: context + key,
                             "is missing")
        }
        return value
    }

    func mapping(_ key: String) throws -> KeyReader {
        try KeyReader(file: file, node: try required(key), key: context + key,
                      context: context + key + ".")
    }
}

/// Writes a YAML tree back as block-style YAML text (used to hand an inline PyRadiomics
/// parameter mapping to the extractor and to fingerprint settings for the cache).
enum YAMLEmitter {
    static func emit(_ node: YAMLNode) -> String {
        var out = ""
        write(node, indent: 0, into: &out, inline: false)
        return out
    }

    private static func write(_ node: YAMLNode, indent: Int, into out: inout String,
                              inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch node {
        case let .scalar(text, _, plain):
            out += (plain ? text : quote(text)) + "\n"
        case .null:
            out += "null\n"
        case let .sequence(items, _):
            if items.isEmpty { out += "[]\n"; return }
            if inline { out += "\n" }
            for item in items {
                out += pad + "- "
                write(item, indent: indent + 2, into: &out, inline: true)
            }
        case let .mapping(pairs, _, _):
            if pairs.isEmpty { out += "{}\n"; return }
            if inline { out += "\n" }
            for pair in pairs {
                out += pad + quoteKey(pair.key) + ": "
                write(pair.value, indent: indent + 2, into: &out, inline: true)
            }
        }
    }

    private static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func quoteKey(_ key: String) -> String {
        key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? key : quote(key)
    }
}

extension YAMLNode {
    /// A whole number of at least `minimum`, refused naming the key and the line otherwise.
    func int(file: String, key: String, atLeast minimum: Int) throws -> Int {
        let value = try int(file: file, key: key)
        guard value >= minimum else {
            throw error(file: file, key: key, "should be at least \(minimum)")
        }
        return value
    }

    /// A random seed: a whole number of 0 or more (the seeds of set.seed-style generators).
    func seed(file: String, key: String) throws -> UInt64 {
        let value = try int(file: file, key: key)
        guard value >= 0 else { throw error(file: file, key: key, "should be 0 or more") }
        return UInt64(value)
    }
}
