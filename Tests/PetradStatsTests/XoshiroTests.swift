import XCTest
@testable import PetradStats

/// Expected streams from the authors' reference C code (xoshiro256starstar.c seeded by four
/// splitmix64.c outputs, compiled with cc 12 on x86_64), printed in hex.
final class XoshiroTests: XCTestCase {
    func testSeedZeroMatchesReferenceC() {
        var generator = Xoshiro256StarStar(seed: 0)
        let expected: [UInt64] = [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A,
                                  0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C,
                                  0xBBA5_AD4A_1F84_2E59]
        XCTAssertEqual((0..<5).map { _ in generator.next() }, expected)
    }

    func testSeed20261206MatchesReferenceC() {
        var generator = Xoshiro256StarStar(seed: 20_261_206)
        let expected: [UInt64] = [0xBC86_0564_D8AB_3856, 0xD7FD_33E4_6321_4F77,
                                  0x9577_E89C_2C34_BCC3, 0x8584_DDEC_1C10_701C,
                                  0x7408_D24D_3323_DD56]
        XCTAssertEqual((0..<5).map { _ in generator.next() }, expected)
    }

    func testUniformIsTop53BitsScaled() {
        var generator = Xoshiro256StarStar(seed: 0)
        // 0x99EC5F36CB75F2B4 >> 11, times 2^-53.
        let top53 = UInt64(0x99EC_5F36_CB75_F2B4) >> 11
        XCTAssertEqual(generator.nextUniform(), Double(top53) * 0x1.0p-53)
    }

    func testNextIntStaysInRangeAndCoversIt() {
        var generator = Xoshiro256StarStar(seed: 7)
        var seen = Array(repeating: 0, count: 7)
        for _ in 0..<7000 { seen[generator.nextInt(below: 7)] += 1 }
        // Each of 7 values expected 1000 times; a 5-sigma band is about +-150.
        for count in seen { XCTAssertEqual(Double(count), 1000, accuracy: 150) }
    }

    func testBoundOneAlwaysGivesZero() {
        var generator = Xoshiro256StarStar(seed: 3)
        for _ in 0..<10 { XCTAssertEqual(generator.nextInt(below: 1), 0) }
    }

    func testPermutationIsAPermutationAndReproducible() {
        var a = Xoshiro256StarStar(seed: 42)
        var b = Xoshiro256StarStar(seed: 42)
        let p = a.permutation(50)
        XCTAssertEqual(p.sorted(), Array(0..<50))
        XCTAssertEqual(p, b.permutation(50))
        XCTAssertNotEqual(p, Array(0..<50))
    }
}
