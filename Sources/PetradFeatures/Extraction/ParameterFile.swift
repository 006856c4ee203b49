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
    ///   than Original ("not supported yet").
    public init(parameterFile path: String) throws {
        try self.init(yaml: try YAMLNode.load(path: path), file: path)
    }

    public init(yamlText: String, file: String = "parameters") throws {
        try self.init(yaml: try YAMLNode.parse(yamlText, source: file), file: file)
    }

    init(yaml: YAMLNode, file: String) throws {
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
                    throw InputError(file: file, field: "voxelSetting",
                                     "voxel-based extraction is not supported yet")
                }
            case "convention":
                let text = try value.string(file: file, key: key)
                guard let convention = FeatureConvention(rawValue: text) else {
                    throw InputError(file: file, field: key, value: text,
                                     "should be pyradiomics or ibsi")
                }
                self.convention = convention
            default:
                throw InputError(file: file, field: key,
                                 "is not a parameter-file block; use setting, featureClass, "
                                 + "imageType or convention")
            }
        }
        try validate(file: file)
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
                throw InputError(file: file, field: "featureClass", value: name,
                                 "is not a feature class; known: \(known)")
            }
            let names = try list.sequence(file: file, key: "featureClass.\(name)").map {
                try $0.string(file: file, key: "featureClass.\(name)")
            }
            if let known = featureClass.knownFeatureNames {
                for feature in names where !known.contains(feature) {
                    throw InputError(file: file, field: "featureClass.\(name)", value: feature,
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
                guard x > 0 else {
                    throw InputError(file: file, field: field, value: "\(x)", "should be > 0")
                }
                return x
            }
            func atLeast(_ x: Int, _ low: Int) throws -> Int {
                guard x >= low else {
                    throw InputError(file: file, field: field, value: "\(x)", "should be >= \(low)")
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
                    throw InputError(file: file, field: field, value: "null", "needs a value")
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
                for s in spacing where s < 0 {
                    throw InputError(file: file, field: field, value: "\(s)", "should be >= 0")
                }
                resampledPixelSpacing = spacing
            case "interpolator":
                let text = try value.string(file: file, key: field)
                guard let interpolator = Interpolator(pyRadiomicsName: text) else {
                    throw InputError(file: file, field: field, value: text,
                                     "should be sitkBSpline, sitkLinear or sitkNearestNeighbor")
                }
                self.interpolator = interpolator
            case "padDistance": padDistance = try atLeast(value.int(file: file, key: field), 0)
            case "preCrop": preCrop = try value.bool(file: file, key: field)
            case "resegmentRange":
                let range = try doubles()
                guard (1...2).contains(range.count) else {
                    throw InputError(file: file, field: field, value: "\(range)",
                                     "needs one (lower) or two (lower, upper) values")
                }
                resegmentRange = range
            case "resegmentMode":
                let text = try value.string(file: file, key: field)
                guard let mode = Resegmentation.Mode(rawValue: text) else {
                    throw InputError(file: file, field: field, value: text,
                                     "should be absolute, relative or sigma")
                }
                resegmentMode = mode
            case "resegmentShape": resegmentShape = try value.bool(file: file, key: field)
            case "binWidth": binWidth = try positive(value.double(file: file, key: field))
            case "binCount": binCount = try atLeast(value.int(file: file, key: field), 1)
            case "voxelArrayShift": voxelArrayShift = Double(try value.int(file: file, key: field))
            case "distances":
                distances = try value.sequence(file: file, key: field).map {
                    try atLeast($0.int(file: file, key: field), 1)
                }
            case "force2D": force2D = try value.bool(file: file, key: field)
            case "force2Ddimension":
                let d = try value.int(file: file, key: field)
                guard (0...2).contains(d) else {
                    throw InputError(file: file, field: field, value: "\(d)", "should be 0, 1 or 2")
                }
                force2Ddimension = d
            case "symmetricalGLCM": symmetricalGLCM = try value.bool(file: file, key: field)
            case "weightingNorm":
                let text = try value.string(file: file, key: field)
                guard ["manhattan", "euclidean", "infinity", "no_weighting"].contains(text) else {
                    throw InputError(file: file, field: field, value: text,
                                     "should be manhattan, euclidean, infinity or no_weighting")
                }
                weightingNorm = text
            case "gldm_a": gldmAlpha = try atLeast(value.int(file: file, key: field), 0)
            case "label_channel", "sigma", "start_level", "level", "wavelet", "gradientUseSpacing",
                 "lbp2DRadius", "lbp2DSamples", "lbp2DMethod", "lbp3DLevels",
                 "lbp3DIcosphereRadius", "lbp3DIcosphereSubdivision":
                // Settings of filters and vector masks, which petrad does not have yet.
                throw InputError(file: file, field: field, value: value.shortDescription,
                                 "belongs to image filters or segmentation objects, which are "
                                 + "not supported yet; remove it")
            default:
                throw InputError(file: file, field: field, value: value.shortDescription,
                                 "is not a PyRadiomics setting")
            }
        }
    }
}
