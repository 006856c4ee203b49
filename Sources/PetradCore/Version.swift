/// petrad's version, printed by `petrad --version` and recorded in every output's provenance.
public let petradVersion = "0.1.0"
