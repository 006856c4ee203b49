/// The revision of the definitions behind every extracted value: feature formulas, default
/// settings, discretisation, resampling and interpolation, mask handling, and the image reading
/// and SUV conversion they start from.
///
/// Bump it by one in the same commit as any change that can change an extracted value, even
/// in the last digit; leave it for changes that keep every value identical (speed, messages,
/// refactoring). The study's extraction cache (`BatchExtractor` in PetradStudy) keys every
/// case on it besides the settings and the image and mask bytes, so that a development build
/// with changed feature code recomputes the cases instead of reusing values computed by older
/// code under the same version number. petrad's version alone cannot do this: it changes only
/// at releases. A hash of the running binary would, but it also changes with every unrelated
/// rebuild and differs between the `petrad` command and the test runner, discarding caches
/// that are still valid.
public let featureDefinitionsRevision = 1
