@_exported import PetradFeatures
@_exported import PetradReport
