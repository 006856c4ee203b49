@_exported import PetradStats
