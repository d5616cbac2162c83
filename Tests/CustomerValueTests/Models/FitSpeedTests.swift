import Foundation
import Testing
@testable import CustomerValue

/// The shortcuts that make large fits fast must not change what is computed: compressed sums,
/// the weighted subsample, the warm start and the shared (x, T) terms of the predictions.
struct BGNBDFastPathTests {
    static let cdnow = BGNBD.Parameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    /// Histories simulated from the BG/NBD process with the CDNOW parameters (Fader, Hardie &
    /// Lee 2005, section 2): λ ~ Gamma(r, α), p ~ Beta(a, b), exponential waits while alive, a
    /// dropout with probability p after each repeat purchase; T uniform on 10…80 weeks.
    static func histories(_ count: Int, seed: UInt64) throws -> PurchaseData {
        var rng = SeededGenerator(seed: seed)
        var x: [Double] = [], tx: [Double] = [], T: [Double] = []
        for _ in 0..<count {
            let age = 10 + 70 * rng.nextUniform()
            let lambda = rng.nextGamma(shape: cdnow.r, rate: cdnow.alpha)
            let p = rng.nextBeta(a: cdnow.a, b: cdnow.b)
            var t = 0.0, purchases = 0.0, last = 0.0
            while true {
                t += rng.nextExponential(rate: lambda)
                guard t <= age else { break }
                purchases += 1
                last = t
                if rng.nextBernoulli(probability: p) { break }
            }
            x.append(purchases)
            tx.append(last)
            T.append(age)
        }
        return try PurchaseData(frequency: x, recency: tx, age: T)
    }

    @Test func distinctValuesIndexEveryEntry() {
        // 5,000 entries with 2,000 distinct values: the table grows twice (from 1,024 slots).
        let column = (0..<5_000).map { Double(($0 * 7) % 2_000) / 3 }
        let distinct = DistinctValues(column)
        #expect(distinct.values.count == 2_000)
        #expect(Set(distinct.values).count == 2_000)
        for i in column.indices { #expect(distinct.values[Int(distinct.index[i])] == column[i]) }
    }

    @Test func compressionGrowsItsTable() throws {
        // 6,000 customers, history i % 2,500: 2,500 distinct histories (the table starts at 1,024
        // slots), customers 0..<1,000 occur 3 times, the others twice (hand count).
        let ids = (0..<6_000).map { $0 % 2_500 }
        let data = try PurchaseData(frequency: ids.map { Double($0 % 7) }, recency: ids.map { $0 % 7 == 0 ? 0 : Double($0) / 100 },
                                    age: ids.map { Double($0) / 100 + 1 })
        #expect(data.histories == 2_500)
        #expect(data.count.prefix(1_000).allSatisfy { $0 == 3 } && data.count.dropFirst(1_000).allSatisfy { $0 == 2 })
        for (i, id) in ids.enumerated() { #expect(Int(data.historyOfCustomer[i]) == id) }
    }

    @Test func subsampleKeepsCommonHistoriesAndWeightsTheOthers() throws {
        // Histories (counts): A×10, B, C, D, E. Step 2: A (count ≥ 2) kept with 10; of the light
        // ones B, C, D, E every 2nd (C, E) with count 1·2. Total 10 + 2 + 2 = 14 (hand count).
        let data = try PurchaseData(frequency: [0, 1, 2, 3, 4], recency: [0, 1, 2, 3, 4], age: [5, 5, 5, 5, 5],
                                    counts: [10, 1, 1, 1, 1])
        let sample = try data.subsample(step: 2)
        #expect(sample.frequency == [0, 2, 4])
        #expect(sample.count == [10, 2, 2])
        #expect(sample.totalCount == data.totalCount)
    }

    /// The warm start changes the path, not the maximum: same estimates within 1e-6 relative
    /// (the optimizer's convergence test, scaled gradient ≤ 1e-8, bounds both).
    @Test func warmStartReachesTheSameMaximum() throws {
        let data = try Self.histories(10_000, seed: 3)
        let likelihood = BGNBDLikelihood(data: data)
        let evaluate: ([Double], inout [Double]) -> Double = { p, g in likelihood.evaluate(BGNBD.Parameters(p), gradient: &g) }
        let sample = try data.subsample(step: 4)
        let small = BGNBDLikelihood(data: sample)
        let warm = MaximumLikelihood.WarmStart(
            logLikelihood: { p, g in small.evaluate(BGNBD.Parameters(p), gradient: &g) }, description: "a test subsample")
        let starts = [[1.0, 5, 1, 1]]
        let plain = try MaximumLikelihood.fit(model: "bgnbd", names: BGNBD.parameterNames, customers: data.customers,
                                              starts: starts, options: .init(), logLikelihood: evaluate)
        let fast = try MaximumLikelihood.fit(model: "bgnbd", names: BGNBD.parameterNames, customers: data.customers,
                                             starts: starts, options: .init(), warmStart: warm, logLikelihood: evaluate)
        #expect(plain.converged && fast.converged)
        #expect(fast.message.contains("Newton steps"), "\(fast.message)")
        for j in 0..<4 {
            #expect(abs(fast.estimates[j] - plain.estimates[j]) <= 1e-6 * plain.estimates[j],
                    "\(BGNBD.parameterNames[j]): \(fast.estimates[j]) vs \(plain.estimates[j])")
            let (e1, e2) = (try #require(fast.errors[j]), try #require(plain.errors[j]))
            #expect(abs(e1 - e2) <= 1e-4 * e2)
        }
        #expect(abs(fast.logLikelihood - plain.logLikelihood) <= 1e-9 * abs(plain.logLikelihood))
    }

    /// A BG/NBD that hides its factorisation, so that predictions take the per-history path.
    struct Unfactored: PurchaseModel {
        let model: BGNBD
        func probabilityAlive(frequency x: Double, recency tx: Double, age T: Double) -> Double {
            model.probabilityAlive(frequency: x, recency: tx, age: T)
        }
        func conditionalExpectedPurchases(in t: Double, frequency x: Double, recency tx: Double, age T: Double) -> Double {
            model.conditionalExpectedPurchases(in: t, frequency: x, recency: tx, age: T)
        }
        func medianTimeToNextPurchase(frequency x: Double, age T: Double) -> Double {
            model.medianTimeToNextPurchase(frequency: x, age: T)
        }
        func timeToPurchase(probability q: Double, probabilityAlive alive: Double, frequency x: Double, age T: Double) -> Double? {
            model.timeToPurchase(probability: q, probabilityAlive: alive, frequency: x, age: T)
        }
    }

    /// Predictions from terms shared by (x, T) equal the per-history formulas (eq. 10 and 13 of
    /// Fader, Hardie & Lee 2005) up to rounding.
    @Test func sharedTermsGiveThePerHistoryPredictions() throws {
        let data = try Self.histories(12_000, seed: 8)
        let model = BGNBD(parameters: Self.cdnow)
        #expect(model.expectedPurchasesIfAlive(in: 1, frequency: 0, age: 0) != nil)
        #expect(Unfactored(model: model).expectedPurchasesIfAlive(in: 1, frequency: 0, age: 0) == nil)
        let monetary = (0..<data.customers).map { Double(10 + $0 % 40) }
        let spend = GammaGamma(parameters: .init(p: 6.25, q: 3.74, v: 15.44))
        let fast = CustomerPredictions.compute(data: data, monetary: monetary, model: model, spend: spend, horizon: 26,
                                               months: 12, discountRate: 0.01, unit: .week)
        let slow = CustomerPredictions.compute(data: data, monetary: monetary, model: Unfactored(model: model), spend: spend,
                                               horizon: 26, months: 12, discountRate: 0.01, unit: .week)
        let close = { (a: [Double], b: [Double]) in zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) } }
        #expect(fast.probabilityAlive == slow.probabilityAlive)
        #expect(close(fast.expectedPurchases, slow.expectedPurchases))
        #expect(close(try #require(fast.lifetimeValue), try #require(slow.lifetimeValue)))
        #expect(fast.daysToNextPurchase == slow.daysToNextPurchase)
    }
}

struct GammaGammaFastPathTests {
    static let model = GammaGamma(parameters: .init(p: 6.25, q: 3.74, v: 15.44))

    /// Customers from the model: ν ~ Gamma(q, γ), the mean of x spends Gamma(p, ν) is Gamma(px, xν).
    static func customers(_ count: Int, seed: UInt64) -> (x: [Double], m: [Double]) {
        var rng = SeededGenerator(seed: seed)
        var x: [Double] = [], m: [Double] = []
        for _ in 0..<count {
            let frequency = Double(1 + rng.next() % 9)
            let nu = rng.nextGamma(shape: 3.74, rate: 15.44)
            x.append(frequency)
            m.append(rng.nextGamma(shape: 6.25 * frequency, rate: frequency * nu))
        }
        return (x, m)
    }

    /// The summed likelihood equals the sum of the per-customer density (note 025, checked
    /// against mpmath in GammaGammaTests), times the weight; its gradient matches central differences.
    @Test func summedLikelihoodAndGradient() {
        let (x, m) = Self.customers(300, seed: 2)
        let theta = [6.25, 3.74, 15.44]
        let direct = zip(x, m).reduce(0.0) { $0 + Self.model.logLikelihood(frequency: $1.0, monetary: $1.1) }
        for weight in [1.0, 3] {
            let likelihood = GammaGammaLikelihood(frequency: x, monetary: m, weight: weight)
            var gradient = [0.0, 0, 0]
            let total = likelihood.evaluate(theta, &gradient)
            #expect(abs(total - weight * direct) <= 1e-11 * abs(weight * direct))
            let numeric = Optimizer.numericalGradient({ p in
                var g = [0.0, 0, 0]
                return likelihood.evaluate(p, &g)
            }, at: theta)
            for j in 0..<3 {
                #expect(abs(gradient[j] - numeric[j]) <= 1e-5 * max(1, abs(numeric[j])), "∂\(j): \(gradient[j]) vs \(numeric[j])")
            }
        }
    }

    /// The analytic Hessian (second derivatives of note 025's density) against central
    /// differences of the analytic gradient.
    @Test func analyticHessianMatchesDifferences() {
        let (x, m) = Self.customers(500, seed: 6)
        let likelihood = GammaGammaLikelihood(frequency: x, monetary: m, weight: 2)
        let theta = [6.25, 3.74, 15.44]
        let analytic = likelihood.hessian(theta)
        let numeric = Optimizer.numericalHessian(gradient: { p in
            var g = [0.0, 0, 0]
            _ = likelihood.evaluate(p, &g)
            return g
        }, at: theta)
        for i in 0..<3 {
            for j in 0..<3 {
                #expect(abs(analytic[i, j] - numeric[i, j]) <= 1e-6 * max(1, abs(numeric[i, j])), "[\(i), \(j)]: \(analytic[i, j]) vs \(numeric[i, j])")
            }
        }
    }

    @Test func distinctCountsOfWholeAndOtherNumbers() {
        let whole = DistinctCounts([3, 1, 3, 3, 2])
        #expect(whole.values == [1, 2, 3] && whole.counts == [1, 1, 3])
        let other = DistinctCounts([0.5, 2, 0.5])
        #expect(other.values == [0.5, 2] && other.counts == [2, 1])
    }

    /// A fit of 100,000 customers on their ``SpendMoments`` reaches the maximum of the plain
    /// fit on the customers themselves: estimates within 1e-6 relative.
    @Test func binnedFitReachesThePlainMaximum() throws {
        let (x, m) = Self.customers(100_000, seed: 4)
        let (_, fast) = try GammaGamma.fit(frequency: x, monetary: m)
        let likelihood = GammaGammaLikelihood(frequency: x, monetary: m, weight: 1)
        let plain = try MaximumLikelihood.fit(model: "gg", names: GammaGamma.parameterNames, customers: x.count,
                                              starts: [fast.estimates.map { $0 * 1.5 }], options: .init(),
                                              logLikelihood: likelihood.evaluate)
        #expect(plain.converged && fast.converged)
        for j in 0..<3 {
            #expect(abs(fast.estimates[j] - plain.estimates[j]) <= 1e-6 * plain.estimates[j],
                    "\(GammaGamma.parameterNames[j]): \(fast.estimates[j]) vs \(plain.estimates[j])")
        }
    }
}
