@_exported import PetradImage
