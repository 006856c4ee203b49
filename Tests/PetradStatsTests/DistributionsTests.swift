import XCTest
@testable import PetradStats

/// Distribution tails against closed forms (exact identities, not another program's output),
/// in the far tail where R's p-values below 1e-10 must still agree.
final class DistributionsTests: XCTestCase {
    /// Chi-square with even df 2k: Q = e^{-x/2} sum_{i<k} (x/2)^i / i! (Poisson identity).
    private func evenChiSquareTail(_ x: Double, _ df: Int) -> Double {
        var term = 1.0, sum = 1.0
        for i in 1..<(df / 2) {
            term *= (x / 2) / Double(i)
            sum += term
        }
        return exp(-x / 2) * sum
    }

    func testChiSquareEvenDegreesOfFreedomToRelative1e12() {
        for df in [2, 4, 6, 10, 20, 40] {
            for x in [0.5, 3, 10, 50, 120, 300] {
                let exact = evenChiSquareTail(x, df)
                let got = ChiSquare.upperTail(x, degreesOfFreedom: Double(df))
                XCTAssertEqual(got, exact, accuracy: exact * 1e-12, "df \(df) x \(x)")
            }
        }
    }

    /// df = 1: Q(x) = 2 P(Z > sqrt x). P(Z > 10) = 7.6198530241605e-24 (mpmath 30-digit
    /// ncdf(-10); R 4.2.2 pnorm(-10) prints 7.619853e-24).
    func testChiSquareOneDegreeFarTail() {
        XCTAssertEqual(ChiSquare.upperTail(100, degreesOfFreedom: 1), 1.523970604832e-23,
                       accuracy: 1.523970604832e-23 * 1e-10)
        XCTAssertEqual(Normal.upperTail(10), 7.61985302416e-24, accuracy: 7.62e-24 * 1e-10)
    }

    /// Odd df through the incomplete gamma agree with the df = 1 closed form recursion
    /// Q(x; 3) = Q(x; 1) + sqrt(2x/pi) e^{-x/2}.
    func testChiSquareThreeDegreesOfFreedom() {
        for x in [0.2, 2, 15, 60, 200] {
            let exact = erfc((x / 2).squareRoot()) + (2 * x / Double.pi).squareRoot() * exp(-x / 2)
            XCTAssertEqual(ChiSquare.upperTail(x, degreesOfFreedom: 3), exact,
                           accuracy: exact * 1e-12, "x \(x)")
        }
    }

    /// t on 1 df is Cauchy: P(T > t) = 1/2 - atan(t)/pi; on 2 df: 1/2 - t / (2 sqrt(2 + t^2)).
    func testStudentTClosedForms() {
        for t in [-3.0, -0.1, 0.0, 0.4, 2, 30, 1e4] {
            let cauchy = t > 100 ? atan(1 / t) / Double.pi : 0.5 - atan(t) / Double.pi
            XCTAssertEqual(StudentT.upperTail(t, degreesOfFreedom: 1), cauchy,
                           accuracy: abs(cauchy) * 1e-12 + 1e-300, "t \(t)")
            let two = 0.5 - t / (2 * (2 + t * t).squareRoot())
            let twoStable = t > 10 ? 1 / ((2 + t * t).squareRoot() * ((2 + t * t).squareRoot() + t))
                : two
            XCTAssertEqual(StudentT.upperTail(t, degreesOfFreedom: 2), twoStable,
                           accuracy: abs(twoStable) * 1e-11 + 1e-300, "t \(t)")
        }
    }

    /// qnorm(0.975) = 1.959963984540054 (the z README.md of the reference data uses).
    func testNormalQuantile() {
        XCTAssertEqual(Normal.quantile(0.975), 1.959963984540054, accuracy: 1e-13)
        XCTAssertEqual(Normal.quantile(0.5), 0, accuracy: 1e-15)
        XCTAssertEqual(Normal.cdf(Normal.quantile(1e-12)), 1e-12, accuracy: 1e-24)
    }
}
