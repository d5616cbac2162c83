import Foundation
import Testing
@testable import CustomerValue

/// The Gamma-Gamma fit on binned moments (``SpendMoments``) against the customers themselves.
struct GammaGammaMomentsTests {
    /// Simulated repeat buyers (note 025's model, p 6.25, q 3.74, γ 15.44) plus awkward ones:
    /// spends from 1e−3 to 1e6, x of 2.5 (not whole), 1024 and 5000 (beyond the table of whole
    /// x), and customers the fit must leave out (x = 0, m ≤ 0, m = ∞).
    static func awkwardCustomers() -> (x: [Double], m: [Double]) {
        var (x, m) = GammaGammaFastPathTests.customers(3_000, seed: 9)
        x += [1, 2, 3, 2.5, 1024, 5000, 7, 0, 4, 5]
        m += [1e-3, 0.37, 1e6, 12, 40, 2.5, 123_456.789, 30, 0, .infinity]
        return (x, m)
    }

    /// The sums in γ from the bins equal the sums over customers (CustomerSums, one term per
    /// customer) to 1e−12 relative, at γ from 0 (where they give Σ log(x m_x)) to 1e4: the
    /// series' truncation is below 1.3e−16 per term (ρ ≤ 1/128, order 7), so what is left is
    /// the rounding of summing ~3,000 terms in two orders.
    @Test func binnedSumsEqualTheCustomersSums() {
        let (x, m) = Self.awkwardCustomers()
        let moments = SpendMoments(count: x.count, frequency: x, history: nil, monetary: m)
        let kept = zip(x, m).filter { $0.0 > 0 && $0.1 > 0 && $0.1.isFinite }
        #expect(moments.customers == kept.count && moments.customers == x.count - 3)
        #expect(!moments.unusual)
        let direct = CustomerSums(x: kept.map(\.0), xm: kept.map { $0.0 * $0.1 })
        for v in [0, 1e-3, 1, 15.44, 1e4] {
            let a = moments.sums(at: v, squares: true), b = direct.evaluate(v: v)
            let squares = direct.evaluate(v: v, squares: true)
            let pairs = [(a.log, b.log), (a.xLog, b.xLog), (a.inverse, b.inverse), (a.xInverse, b.xInverse),
                         (a.inverseSquared, squares.inverseSquared), (a.xInverseSquared, squares.xInverseSquared)]
            for (k, (binned, exact)) in pairs.enumerated() {
                #expect(abs(binned - exact) <= 1e-12 * abs(exact), "γ \(v) sum \(k): \(binned) vs \(exact)")
            }
        }
        // The distinct x with their counts (in another order for the x off the whole-number table).
        let distinct = DistinctCounts(kept.map(\.0))
        let byValue = { (d: DistinctCounts) in zip(d.values, d.counts).sorted { $0.0 < $1.0 }.map { [$0.0, $0.1] } }
        #expect(byValue(moments.distinct) == byValue(distinct))
        #expect(moments.distinct.values.contains(2.5) && moments.distinct.values.contains(5000))
        // Σ m and the extremes, for the starts and the check that spend varies.
        #expect(moments.smallestM == 1e-3 && moments.largestM == 1e6)
        let sumM = kept.reduce(0) { $0 + $1.1 }
        #expect(abs(moments.sumM - sumM) <= 1e-12 * sumM)
    }

    /// Reading x through the histories of purchase data gives the moments of the plain columns,
    /// split over two threads (60,000 customers) or not.
    @Test func historiesGiveTheColumnsMoments() throws {
        let (x, m) = GammaGammaFastPathTests.customers(60_000, seed: 3)
        // T = 52 for all, recency = x (a valid history whenever x ≥ 1).
        let data = try PurchaseData(frequency: x, recency: x, age: x.map { _ in 52 })
        let viaHistories = SpendMoments(count: data.customers, frequency: data.frequency, history: data.historyOfCustomer,
                                        monetary: m)
        let plain = SpendMoments(count: x.count, frequency: x, history: nil, monetary: m)
        #expect(viaHistories.customers == 60_000)
        #expect(viaHistories.centres == plain.centres)
        #expect(viaHistories.distinct.values == plain.distinct.values && viaHistories.distinct.counts == plain.distinct.counts)
        for (a, b) in zip(viaHistories.moments, plain.moments) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
    }

    /// log L, its gradient and Hessian from the moments equal those from the customers (1e−11
    /// relative; the gradient and Hessian entries are differences of sums, so relative to the
    /// largest term).
    @Test func likelihoodFromMomentsEqualsThePerCustomerOne() {
        let (x, m) = Self.awkwardCustomers()
        let kept = zip(x, m).filter { $0.0 > 0 && $0.1 > 0 && $0.1.isFinite }
        let binned = GammaGammaLikelihood(SpendMoments(count: x.count, frequency: x, history: nil, monetary: m))
        let exact = GammaGammaLikelihood(frequency: kept.map(\.0), monetary: kept.map(\.1), weight: 1)
        for theta in [[6.25, 3.74, 15.44], [0.8, 1.5, 200], [20, 9, 3]] {
            var g1 = [0.0, 0, 0], g2 = [0.0, 0, 0]
            let l1 = binned.evaluate(theta, &g1), l2 = exact.evaluate(theta, &g2)
            #expect(abs(l1 - l2) <= 1e-11 * abs(l2), "log L at \(theta): \(l1) vs \(l2)")
            let scale = g2.map(abs).max() ?? 1
            for j in 0..<3 { #expect(abs(g1[j] - g2[j]) <= 1e-9 * scale, "∂\(j) at \(theta): \(g1[j]) vs \(g2[j])") }
            let h1 = binned.hessian(theta), h2 = exact.hessian(theta)
            var largest = 0.0
            for i in 0..<3 { for j in 0..<3 { largest = max(largest, abs(h2[i, j])) } }
            for i in 0..<3 { for j in 0..<3 { #expect(abs(h1[i, j] - h2[i, j]) <= 1e-9 * largest, "H[\(i), \(j)] at \(theta)") } }
        }
    }

    /// A spend too small for the bins (a subnormal x m_x, 2^−1024) sends the fit to the customers
    /// themselves; it converges to finite estimates, as on the data without that customer
    /// it would, and says nothing is wrong.
    @Test func subnormalSpendFallsBackToTheCustomers() throws {
        var (x, m) = GammaGammaFastPathTests.customers(2_000, seed: 21)
        x.append(1)
        m.append(Double.leastNormalMagnitude / 4)
        let moments = SpendMoments(count: x.count, frequency: x, history: nil, monetary: m)
        #expect(moments.unusual)
        let (_, report) = try GammaGamma.fit(frequency: x, monetary: m)
        #expect(report.customers == 2_001)
        #expect(report.estimates.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(report.logLikelihood.isFinite)
    }

    /// Adversarial spends: heavy tails (log-normal, σ = 3: spends over twelve orders of
    /// magnitude), two far-apart groups, and spend that barely varies (one customer 1e−9 above
    /// the rest). Each fit ends with finite estimates and log-likelihood, or a FitError; never NaN.
    @Test(arguments: ["heavy tails", "two groups", "barely varies"])
    func adversarialSpendGivesFiniteEstimates(kind: String) throws {
        var rng = SeededGenerator(seed: 77)
        var x: [Double] = [], m: [Double] = []
        for i in 0..<20_000 {
            x.append(Double(1 + i % 6))
            switch kind {
            case "heavy tails": m.append(Double.exp(3 * rng.nextStandardNormal()) * 20)
            case "two groups": m.append(i % 2 == 0 ? 1 + rng.nextUniform() : 5_000 + 100 * rng.nextUniform())
            default: m.append(i == 0 ? 5 + 1e-9 : 5)
            }
        }
        do {
            let (_, report) = try GammaGamma.fit(frequency: x, monetary: m)
            #expect(report.estimates.allSatisfy { $0.isFinite && $0 > 0 }, "\(kind): \(report.estimates)")
            #expect(report.logLikelihood.isFinite, "\(kind)")
        } catch let error as FitError {
            #expect(!error.message.isEmpty)
        }
    }
}
