@_exported import PetradCore
