import PetradCore
import PetradImage

/// How the tumour boundary is chosen. Each method starts from one voxel, the lesion's hottest
/// (see `DelineationStart`), whose SUV is called `max` below.
public enum DelineationMethod: Sendable, Equatable {
    /// Every voxel with SUV >= `suv` (default 2.5, the usual fixed FDG threshold). With a seed
    /// start only the region connected to the seed is kept; with a box, a rough mask or the
    /// whole image every voxel of that search region above the threshold is kept, so several
    /// lesions can come out.
    case fixedThreshold(suv: Double = 2.5)

    /// One connected region grown from the hottest voxel over SUV >= `fraction` × max (default
    /// 0.41, the 41 % of SUVmax of the EANM guideline, Boellaard et al. EJNMMI 2015 42:328).
    case fractionOfMaximum(fraction: Double = 0.41)

    /// Background-adaptive threshold in the spirit of Hofheinz et al.: one connected region
    /// grown over SUV >= background + f × (max − background), where the background is the mean
    /// SUV in a shell around the current region, repeated until the region stops changing.
    case backgroundAdaptive(AdaptiveThreshold = AdaptiveThreshold())

    /// The name written to the sidecar and accepted by `petrad segment --method`.
    public var name: String {
        switch self {
        case .fixedThreshold: return "fixed"
        case .fractionOfMaximum: return "fraction"
        case .backgroundAdaptive: return "adaptive"
        }
    }
}

/// Settings of the background-adaptive threshold.
///
/// ```
/// region_0   = connected region over SUV >= f × max         (background taken as 0)
/// B_k        = mean SUV of the shell gap < d(v, region_k) <= gap + thickness  (mm)
/// T_{k+1}    = B_k + f × (max − B_k)
/// region_k+1 = connected region over SUV >= T_{k+1}
/// ```
/// stopping when region_{k+1} == region_k (converged), when region_{k+1} == region_{k-1} (the
/// iteration alternates between two regions: the larger is kept, `converged` is false) or after
/// `maximumIterations` updates (the last region is kept, `converged` is false).
///
/// Default f = 0.39. Hofheinz et al. derive their threshold as the volume-reproducing
/// background-corrected threshold of phantom spheres (Hofheinz et al., Phys Med Biol 2010
/// 55:1099; the ROVER tool evaluated in Nuklearmedizin 2012 51:9) and work at about 39-40 %
/// rather than the 50 % that a straight edge would suggest, because blurring a curved surface
/// lowers the intensity at the true boundary below half the contrast. petrad's sphere tests
/// (Gaussian blur of 6-8 mm FWHM, 2-4 mm voxels, spheres of 2-6 cm) give the smallest worst-case
/// volume error at f = 0.39-0.40 (within 8 %); f = 0.5 under-estimates a 2 cm sphere by about
/// 20 %. Scanner-calibrated contrast-oriented methods (Schaefer et al., EJNMMI 2008 35:1989)
/// fit the same two-parameter form to a phantom of the scanner at hand; set `fraction` to such
/// a calibrated value when one exists.
///
/// The background shell starts `shellGap` mm (default 10, about 1.5 FWHM of a clinical PET
/// scanner, so that spill-out from the lesion stays out of it) beyond the region and is
/// `shellThickness` mm thick (default 10). Shell voxels outside the image or in an exclusion
/// mask are not used; when the shell is empty the previous background is kept and the sidecar
/// says so.
public struct AdaptiveThreshold: Sendable, Equatable {
    public var fraction: Double
    public var shellGap: Double
    public var shellThickness: Double
    public var maximumIterations: Int

    public init(fraction: Double = 0.39, shellGap: Double = 10, shellThickness: Double = 10,
                maximumIterations: Int = 30) {
        self.fraction = fraction
        self.shellGap = shellGap
        self.shellThickness = shellThickness
        self.maximumIterations = maximumIterations
    }
}

/// Where the delineation starts, and the search region that this start implies.
public enum DelineationStart: Sendable {
    /// A point in physical LPS coordinates (mm), rounded to the nearest voxel, then moved uphill
    /// to the local maximum (each step to the hottest of the neighbours, while it is hotter).
    case seedPoint(SIMD3<Double>)
    /// A voxel index (x, y, z), moved uphill like `seedPoint`.
    case seedIndex(SIMD3<Int>)
    /// A box of voxel indices, both corners included: the search region; the start is its
    /// hottest voxel.
    case box(lower: SIMD3<Int>, upper: SIMD3<Int>)
    /// A rough mask on the image grid (non-zero = inside): the search region; the start is its
    /// hottest voxel.
    case roughMask(Volume<UInt8>)
    /// The whole image: the start is its hottest voxel.
    case wholeImage
}

/// Everything that decides a delineation besides the image.
public struct DelineationSettings: Sendable {
    public var method: DelineationMethod
    public var start: DelineationStart
    /// Voxels never put in the volume nor used as background (heart, bladder, nodes): non-zero
    /// voxels of a mask on the image grid.
    public var exclusion: Volume<UInt8>?
    /// Largest distance (mm) from the centre — the seed voxel for a seed start, the hottest voxel
    /// otherwise — of a voxel centre in the volume; nil for no limit.
    public var maximumRadius: Double?
    /// Connectivity of the grown region (default 26).
    public var connectivity: Connectivity

    public init(method: DelineationMethod, start: DelineationStart,
                exclusion: Volume<UInt8>? = nil, maximumRadius: Double? = nil,
                connectivity: Connectivity = .twentySix) {
        self.method = method
        self.start = start
        self.exclusion = exclusion
        self.maximumRadius = maximumRadius
        self.connectivity = connectivity
    }
}
