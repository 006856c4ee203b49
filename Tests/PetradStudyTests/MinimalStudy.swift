/// The smallest valid study file (8 lines): one training cohort on line 3, one endpoint on
/// line 6, and `params` (an inline PyRadiomics mapping or a path) on line 8.
func minimalStudyText(params: String = "{setting: {binWidth: 0.25}}") -> String {
    """
    name: t
    cohorts:
      - {name: a, role: training, cases: cases.csv}
    clinical: {table: clinical.csv}
    endpoints:
      - {name: os, time: t, event: e}
    extraction:
      params: \(params)

    """
}
