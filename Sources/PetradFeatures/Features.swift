@_exported import PetradImageOps
