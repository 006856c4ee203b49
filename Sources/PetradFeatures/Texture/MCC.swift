import Foundation

extension GLCM {
    /// Maximal Correlation Coefficient of one normalised GLCM (PyRadiomics `getMCCFeatureValue`):
    /// ```
    /// Q(i, j) = sum_k p(i, k) p(j, k) / (p_x(i) p_y(k))
    /// MCC     = sqrt(second largest eigenvalue of Q)
    /// ```
    /// `Q = Dx^-1 P Dy^-1 P^T` is similar to `S = B B^T` with `B = Dx^-1/2 P Dy^-1/2`, a
    /// symmetric positive semi-definite matrix whose largest eigenvalue is 1 with eigenvector
    /// `sqrt(p_x)`. The second eigenvalue is found by Lanczos iteration (full
    /// re-orthogonalisation, deterministic start) on S restricted to the complement of
    /// `sqrt(p_x)`, using only the matrix's non-zero entries: time proportional to the entries
    /// times the iterations, never a dense Ng x Ng eigen-decomposition. PyRadiomics adds
    /// `numpy.spacing(1)` to each denominator; leaving it out changes MCC by less than 1e-8
    /// relative for any ROI below a billion voxel pairs.
    ///
    /// A matrix with one row in use (one grey level has neighbours) has second eigenvalue 0.
    static func maximalCorrelationCoefficient(_ m: SparseMatrix, p: [Double], px: [Double],
                                              py: [Double]) -> Double {
        let n = px.count
        let active = px.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        if active < 2 { return 0 }
        let count = p.count
        var b = [Double](repeating: 0, count: count)
        for k in 0..<count {
            b[k] = p[k] / (px[Int(m.rows[k])] * py[Int(m.cols[k])]).squareRoot()
        }
        let u1 = px.map { $0.squareRoot() }

        // y = S x = B (B^T x)
        var t = [Double](repeating: 0, count: n)
        func apply(_ x: [Double], into y: inout [Double]) {
            for c in 0..<n { t[c] = 0 }
            for k in 0..<count { t[Int(m.cols[k])] += b[k] * x[Int(m.rows[k])] }
            for r in 0..<n { y[r] = 0 }
            for k in 0..<count { y[Int(m.rows[k])] += b[k] * t[Int(m.cols[k])] }
        }
        func dot(_ x: [Double], _ y: [Double]) -> Double {
            var s = 0.0
            for i in 0..<n { s += x[i] * y[i] }
            return s
        }
        func orthogonalise(_ w: inout [Double], against basis: [[Double]]) {
            for _ in 0..<2 {
                for q in basis {
                    let d = dot(w, q)
                    if d != 0 { for i in 0..<n { w[i] -= d * q[i] } }
                }
            }
        }

        // Deterministic pseudo-random start on the rows in use, orthogonal to sqrt(p_x).
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var q = [Double](repeating: 0, count: n)
        for i in 0..<n where px[i] > 0 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            q[i] = Double(seed >> 11) / Double(1 << 53) + 0.5
        }
        var basis: [[Double]] = [u1]
        orthogonalise(&q, against: basis)
        var norm = dot(q, q).squareRoot()
        if norm == 0 { return 0 }
        for i in 0..<n { q[i] /= norm }

        var alpha: [Double] = []
        var beta: [Double] = []
        var w = [Double](repeating: 0, count: n)
        var top = -Double.infinity
        var stable = 0
        // The Krylov basis grows by one vector of `n` doubles per step; 2,000 steps bound it.
        // Not yet: no restart beyond that bound (extreme eigenvalues converge long before).
        let maxSteps = min(active - 1, 2000)
        for step in 0..<maxSteps {
            basis.append(q)
            apply(q, into: &w)
            let a = dot(q, w)
            alpha.append(a)
            orthogonalise(&w, against: basis)
            norm = dot(w, w).squareRoot()
            let theta = largestTridiagonalEigenvalue(alpha, beta)
            if abs(theta - top) <= 1e-15 * max(1, abs(theta)) { stable += 1 } else { stable = 0 }
            top = theta
            if norm <= 1e-13 || stable >= 3 || step == maxSteps - 1 { break }
            beta.append(norm)
            for i in 0..<n { q[i] = w[i] / norm }
        }
        return max(0, top).squareRoot()
    }

    /// Largest eigenvalue of the symmetric tridiagonal matrix with diagonal `alpha` and
    /// off-diagonal `beta`, by bisection on Sturm sequence counts (Gershgorin start interval).
    static func largestTridiagonalEigenvalue(_ alpha: [Double], _ beta: [Double]) -> Double {
        let m = alpha.count
        var lo = Double.infinity, hi = -Double.infinity
        for i in 0..<m {
            let radius = (i > 0 ? abs(beta[i - 1]) : 0) + (i < m - 1 ? abs(beta[i]) : 0)
            lo = min(lo, alpha[i] - radius)
            hi = max(hi, alpha[i] + radius)
        }
        // Number of eigenvalues below x.
        func below(_ x: Double) -> Int {
            var count = 0
            var d = 1.0
            for i in 0..<m {
                let b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0
                d = alpha[i] - x - (i > 0 ? b2 / d : 0)
                if d == 0 { d = -Double.leastNormalMagnitude }
                if d < 0 { count += 1 }
            }
            return count
        }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid <= lo || mid >= hi { break }
            if below(mid) == m { hi = mid } else { lo = mid }
        }
        return hi
    }
}
