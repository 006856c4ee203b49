import Foundation

extension ExtractionSettings {
    /// Settings read from a PyRadiomics parameter file (YAML with the blocks `setting`,
    /// `featureClass`, `imageType`, and petrad's `convention`).
    ///
    /// Absent keys keep PyRadiomics' defaults. As in PyRadiomics, an absent or empty
    /// `featureClass` enables every class, shape2D included; a class mapped to null or `[]`
    /// enables all its non-deprecated features; a list enables exactly those, in that order.
    ///
    /// - Throws: `InputError` naming the file, key and value for an unknown key, a value of the
    ///   wrong type or out of range, an unknown feature class or feature, or an image type other
    ///   than Original ("not supported yet"). Errors found in the file start
    ///   `file:line:column:`, the place of the value (or of the key, for an unknown key).
    public init(parameterFile path: String) throws {
        try self.init(yaml: try YAMLNode.load(path: path), file: path)
    }

    public init(yamlText: String, file: String = "parameters") throws {
        try self.init(yaml: try YAMLNode.parse(yamlText, source: file), file: file)
    }

    /// Settings from a parameter mapping already parsed, e.g. one written inline in a study
    /// file (`file` is then the study file, and positions are its lines).
    public init(yaml: YAMLNode, file: String) throws {
        self.init()
        // A parameter file without featureClass enables every class, shape2D included.
        featureClasses = FeatureClass.allCases.map { ($0, nil) }
        for (key, value) in try yaml.mapping(file: file, key: "(top level)") {
            switch key {
            case "setting": try applySettings(value, file: file, prefix: "setting")
            case "featureClass": try applyFeatureClasses(value, file: file)
            case "imageType":
                let pairs = try value.mapping(file: file, key: "imageType")
                imageTypes = pairs.isEmpty ? ["Original"] : pairs.map(\.key)
                for (type, custom) in pairs where type == "Original" {
                    try applySettings(custom, file: file, prefix: "imageType.Original")
                }
            case "voxelSetting":
                if !value.isNull {
                    throw InputError(file: file, position: value.position, field: "voxelSetting",
                                     "voxel-based extraction is not supported yet")
                }
            case "ibsi": try applyIBSIOptions(value, file: file)
            case "convention":
                let text = try value.string(file: file, key: key)
                guard let convention = FeatureConvention(rawValue: text) else {
                    throw value.error(file: file, key: key, "should be pyradiomics or ibsi")
                }
                self.convention = convention
            default:
                throw InputError(file: file, position: yaml.position(ofKey: key), field: key,
                                 "is not a parameter-file block; use setting, featureClass, "
                                 + "imageType, convention or ibsi")
            }
        }
        do {
            try validate(file: file)
        } catch var error as InputError where error.position == nil {
            error.position = Self.position(of: error.field, in: yaml)
            throw error
        }
    }

    /// Where a setting named by `validate` stands: its value in `setting` or in
    /// `imageType.Original`, or for `imageType` the block itself.
    static func position(of field: String, in yaml: YAMLNode) -> TextPosition? {
        if field == "imageType" { return yaml["imageType"]?.position }
        return (yaml["imageType"]?["Original"]?[field] ?? yaml["setting"]?[field])?.position
    }

    /// The `ibsi` block (see `IBSIOptions`).
    private mutating func applyIBSIOptions(_ node: YAMLNode, file: String) throws {
        for (key, value) in try node.mapping(file: file, key: "ibsi") {
            let field = "ibsi.\(key)"
            func positive() throws -> Double {
                let x = try value.double(file: file, key: field)
                guard x > 0 else { throw value.error(file: file, key: field, "should be > 0") }
                return x
            }
            switch key {
            case "initialRounding": ibsiOptions.initialRounding = try positive()
            case "intensityRounding": ibsiOptions.intensityRounding = try positive()
            case "outlierSigma": ibsiOptions.outlierSigma = try positive()
            case "ivhBinSize": ibsiOptions.ivhBinSize = try positive()
            case "ivhBinCount":
                let n = try value.int(file: file, key: field)
                guard n >= 1 else { throw value.error(file: file, key: field, "should be >= 1") }
                ibsiOptions.ivhBinCount = n
            case "partialVolumeThreshold":
                let t = try value.double(file: file, key: field)
                guard t > 0 && t <= 1 else {
                    throw value.error(file: file, key: field, "should be in (0, 1]")
                }
                ibsiOptions.partialVolumeThreshold = t
            case "roiInterpolation":
                let text = try value.string(file: file, key: field)
                switch text {
                case "linear": ibsiOptions.roiInterpolation = .linear
                case "nearest": ibsiOptions.roiInterpolation = .nearestNeighbour
                default:
                    throw value.error(file: file, key: field, "should be linear or nearest")
                }
            default:
                throw InputError(file: file, position: node.position(ofKey: key), field: field,
                                 "is not an ibsi option; use initialRounding, intensityRounding, "
                                 + "outlierSigma, partialVolumeThreshold, roiInterpolation, "
                                 + "ivhBinSize or ivhBinCount")
            }
        }
    }

    private mutating func applyFeatureClasses(_ node: YAMLNode, file: String) throws {
        let pairs = try node.mapping(file: file, key: "featureClass")
        guard !pairs.isEmpty else {
            featureClasses = FeatureClass.allCases.map { ($0, nil) }
            return
        }
        featureClasses = []
        for (name, list) in pairs {
            guard let featureClass = FeatureClass(rawValue: name) else {
                let known = FeatureClass.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError(file: file, position: node.position(ofKey: name),
                                 field: "featureClass", value: name,
                                 "is not a feature class; known: \(known)")
            }
            let items = try list.sequence(file: file, key: "featureClass.\(name)")
            let names = try items.map { try $0.string(file: file, key: "featureClass.\(name)") }
            if let known = featureClass.knownFeatureNames {
                for item in items where !known.contains(item.shortDescription) {
                    throw item.error(file: file, key: "featureClass.\(name)",
                                     "is not a \(name) feature; known: "
                                     + known.sorted().joined(separator: ", "))
                }
            }
            featureClasses.append((featureClass, names.isEmpty ? nil : names))
        }
    }

    private mutating func applySettings(_ node: YAMLNode, file: String, prefix: String) throws {
        // PyRadiomics resamples only when both interpolator and spacing are set.
        var noInterpolator = false
        defer { if noInterpolator { resampledPixelSpacing = nil } }
        for (key, value) in try node.mapping(file: file, key: prefix) {
            let field = "\(prefix).\(key)"
            func positive(_ x: Double) throws -> Double {
                guard x > 0 else { throw value.error(file: file, key: field, "should be > 0") }
                return x
            }
            func atLeast(_ x: Int, _ low: Int, _ item: YAMLNode? = nil) throws -> Int {
                guard x >= low else {
                    throw (item ?? value).error(file: file, key: field, "should be >= \(low)")
                }
                return x
            }
            func doubles() throws -> [Double] {
                try value.sequence(file: file, key: field).map { try $0.double(file: file, key: field) }
            }
            if value.isNull {
                switch key {
                case "minimumROISize": minimumROISize = nil
                case "geometryTolerance": geometryTolerance = nil
                case "removeOutliers": removeOutliers = nil
                case "resampledPixelSpacing": resampledPixelSpacing = nil
                case "resegmentRange": resegmentRange = nil
                case "binCount": binCount = nil
                case "weightingNorm": weightingNorm = nil
                case "interpolator": noInterpolator = true
                default:
                    throw value.error(file: file, key: field, "needs a value")
                }
                continue
            }
            switch key {
            case "label": label = try atLeast(value.int(file: file, key: field), 1)
            case "minimumROIDimensions":
                minimumROIDimensions = try atLeast(value.int(file: file, key: field), 1)
            case "minimumROISize": minimumROISize = try atLeast(value.int(file: file, key: field), 1)
            case "geometryTolerance": geometryTolerance = try positive(value.double(file: file, key: field))
            case "correctMask": correctMask = try value.bool(file: file, key: field)
            case "additionalInfo": additionalInfo = try value.bool(file: file, key: field)
            case "normalize": normalize = try value.bool(file: file, key: field)
            case "normalizeScale": normalizeScale = try positive(value.double(file: file, key: field))
            case "removeOutliers": removeOutliers = try positive(value.double(file: file, key: field))
            case "resampledPixelSpacing":
                let spacing = try doubles()
                if let negative = try value.sequence(file: file, key: field)
                    .first(where: { try $0.double(file: file, key: field) < 0 }) {
                    throw negative.error(file: file, key: field, "should be >= 0")
                }
                resampledPixelSpacing = spacing
            case "interpolator":
                let text = try value.string(file: file, key: field)
                guard let interpolator = Interpolator(pyRadiomicsName: text) else {
                    throw value.error(file: file, key: field,
                                      "should be sitkBSpline, sitkLinear or sitkNearestNeighbor")
                }
                self.interpolator = interpolator
            case "padDistance": padDistance = try atLeast(value.int(file: file, key: field), 0)
            case "preCrop": preCrop = try value.bool(file: file, key: field)
            case "resegmentRange":
                let range = try doubles()
                guard (1...2).contains(range.count) else {
                    throw value.error(file: file, key: field,
                                      "needs one (lower) or two (lower, upper) values")
                }
                resegmentRange = range
            case "resegmentMode":
                let text = try value.string(file: file, key: field)
                guard let mode = Resegmentation.Mode(rawValue: text) else {
                    throw value.error(file: file, key: field,
                                      "should be absolute, relative or sigma")
                }
                resegmentMode = mode
            case "resegmentShape": resegmentShape = try value.bool(file: file, key: field)
            case "binWidth": binWidth = try positive(value.double(file: file, key: field))
            case "binCount": binCount = try atLeast(value.int(file: file, key: field), 1)
            case "voxelArrayShift": voxelArrayShift = Double(try value.int(file: file, key: field))
            case "distances":
                distances = try value.sequence(file: file, key: field).map {
                    try atLeast($0.int(file: file, key: field), 1, $0)
                }
            case "force2D": force2D = try value.bool(file: file, key: field)
            case "force2Ddimension":
                let d = try value.int(file: file, key: field)
                guard (0...2).contains(d) else {
                    throw value.error(file: file, key: field, "should be 0, 1 or 2")
                }
                force2Ddimension = d
            case "symmetricalGLCM": symmetricalGLCM = try value.bool(file: file, key: field)
            case "weightingNorm":
                let text = try value.string(file: file, key: field)
                guard ["manhattan", "euclidean", "infinity", "no_weighting"].contains(text) else {
                    throw value.error(file: file, key: field,
                                      "should be manhattan, euclidean, infinity or no_weighting")
                }
                weightingNorm = text
            case "gldm_a": gldmAlpha = try atLeast(value.int(file: file, key: field), 0)
            case "label_channel", "sigma", "start_level", "level", "wavelet", "gradientUseSpacing",
                 "lbp2DRadius", "lbp2DSamples", "lbp2DMethod", "lbp3DLevels",
                 "lbp3DIcosphereRadius", "lbp3DIcosphereSubdivision":
                // Settings of filters and vector masks, which petrad does not have yet.
                throw InputError(file: file, position: node.position(ofKey: key), field: field,
                                 value: value.shortDescription,
                                 "belongs to image filters or segmentation objects, which are "
                                 + "not supported yet; remove it")
            default:
                throw InputError(file: file, position: node.position(ofKey: key), field: field,
                                 value: value.shortDescription, "is not a PyRadiomics setting")
            }
        }
    }
}
