import Foundation
import Testing
@testable import CustomerValue

struct BGNBDTests {
    /// The CDNOW estimates of Fader, Hardie & Lee (2005), weeks.
    static let cdnow = BGNBD.Parameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    /// Expected values: eq. (6) of Fader, Hardie & Lee (2005) evaluated with mpmath at 30 digits
    /// (log Γ(r+x) − log Γ(r) + r log α + log[B(a,b+x)/B(a,b)(α+T)^−(r+x) + B(a+1,b+x−1)/B(a,b)(α+t_x)^−(r+x)]).
    @Test(arguments: [
        (0.0, 0.0, 38.86, -0.55471327643815844845),
        (2, 30.43, 38.86, -9.4586063070662712312),
        (7, 35.0, 38.86, -22.136944927507957971),
        (500, 38.0, 38.86, 720.33504655475955958),
        (5000, 38.8, 38.86, 18739.130519871149615),
    ])
    func perCustomerLogLikelihoodMatchesThePaper(x: Double, tx: Double, T: Double, expected: Double) {
        let value = BGNBD(parameters: Self.cdnow).logLikelihood(frequency: x, recency: tx, age: T)
        #expect(abs(value - expected) <= 1e-10 * max(1, abs(expected)), "got \(value)")
    }

    @Test func compressedLikelihoodAndGradient() throws {
        // Duplicated histories must count with their multiplicity.
        let x: [Double] = [0, 0, 2, 7, 2, 1, 500]
        let tx: [Double] = [0, 0, 30.43, 35, 30.43, 3, 38]
        let T: [Double] = [38.86, 20, 38.86, 38.86, 38.86, 10, 38.86]
        let data = try PurchaseData(frequency: x, recency: tx, age: T)
        // Distinct: (0,0,38.86) (0,0,20) (2,30.43,38.86)×2 (7,35,38.86) (1,3,10) (500,38,38.86).
        #expect(data.histories == 6 && data.customers == 7)
        let likelihood = BGNBDLikelihood(data: data)
        var gradient = [Double](repeating: 0, count: 4)
        let total = likelihood.evaluate(Self.cdnow, gradient: &gradient)
        let model = BGNBD(parameters: Self.cdnow)
        let direct = (0..<x.count).reduce(0.0) { $0 + model.logLikelihood(frequency: x[$1], recency: tx[$1], age: T[$1]) }
        #expect(abs(total - direct) < 1e-9 * abs(direct))
        // Analytic gradient against central differences.
        let numeric = Optimizer.numericalGradient({ p in
            var g = [Double](repeating: 0, count: 4)
            return likelihood.evaluate(BGNBD.Parameters(p), gradient: &g)
        }, at: Self.cdnow.array)
        for j in 0..<4 {
            #expect(abs(gradient[j] - numeric[j]) <= 1e-5 * max(1, abs(numeric[j])), "∂\(BGNBD.parameterNames[j]): \(gradient[j]) vs \(numeric[j])")
        }
    }

    @Test func badInputNamesTheRow() {
        #expect(throws: ModelInputError.self) { try PurchaseData(frequency: [1], recency: [5], age: [4]) }
        #expect(throws: ModelInputError.self) { try PurchaseData(frequency: [-1], recency: [0], age: [4]) }
        #expect(throws: ModelInputError.self) { try PurchaseData(frequency: [2], recency: [0], age: [4]) }
        do {
            _ = try PurchaseData(frequency: [0, 3], recency: [0, 9], age: [5, 8])
            Issue.record("recency above T was accepted")
        } catch let error as ModelInputError {
            #expect(error.message.hasPrefix("row 2"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func nobodyRepeatsIsAClearError() throws {
        let data = try PurchaseData(frequency: [0, 0], recency: [0, 0], age: [10, 20])
        #expect(throws: FitError.self) { try BGNBD.fit(data) }
    }

    /// Simulation with known truth: the generator draws purchases from a BG/NBD process with the
    /// CDNOW parameters; the fit on the weekly summary must recover them within 3 standard errors.
    @Test(arguments: [UInt64(1), 2])
    func recoversSimulatedParameters(seed: UInt64) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bgnbd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticConfig(customers: 20_000, seed: seed)
        config.files = [.transactions]
        let generated = try SyntheticGenerator(config: config).write(to: folder)
        let history = try TransactionLoader.load(
            path: folder.appendingPathComponent("transactions.csv").path,
            options: TransactionIngestOptions(observationEnd: generated.observationEnd))
        let summary = try CustomerSummary(history: history, options: SummaryOptions(unit: .week))
        let (_, report) = try BGNBD.fit(PurchaseData(summary: summary))
        #expect(report.converged)
        let truth = Self.cdnow.array
        for j in 0..<4 {
            let error = try #require(report.errors[j])
            let z = (report.estimates[j] - truth[j]) / error
            #expect(abs(z) < 3, "\(report.parameterNames[j]) = \(report.estimates[j]) ± \(error), truth \(truth[j])")
        }
    }
}

extension BGNBDTests {
    /// Degenerate data: every customer alike. The likelihood has no maximum inside the
    /// parameter space (heterogeneity goes to zero), so the fit must say so and stay finite.
    @Test func identicalCustomersGiveADocumentedBoundaryEstimate() throws {
        let data = try PurchaseData(frequency: Array(repeating: 1, count: 500), recency: Array(repeating: 5, count: 500),
                                    age: Array(repeating: 10, count: 500))
        let (model, report) = try BGNBD.fit(data)
        #expect(!report.converged)
        #expect(report.message.contains("boundary estimate"))
        #expect(report.estimates.allSatisfy(\.isFinite) && report.logLikelihood.isFinite)
        let alive = model.probabilityAlive(frequency: 1, recency: 5, age: 10)
        let expected = model.conditionalExpectedPurchases(in: 52, frequency: 1, recency: 5, age: 10)
        #expect(alive.isFinite && (0...1).contains(alive) && expected.isFinite && expected >= 0)
    }

    /// Heavy buyers (frequency 500 and 2000, recency close to T) among ordinary customers:
    /// the fit and every prediction stay finite.
    @Test func heavyBuyersFitAndPredictWithoutNaN() throws {
        var rng = SeededGenerator(seed: 11)
        var x: [Double] = [], tx: [Double] = [], T: [Double] = []
        for _ in 0..<2_000 {
            let f = [0.0, 0, 0, 1, 2, 3, 5, 500, 2000][Int(rng.next() % 9)]
            let age = 20 + 60 * Double(rng.next() % 1000) / 1000
            x.append(f)
            T.append(age)
            tx.append(f == 0 ? 0 : age * (0.9 + 0.1 * Double(rng.next() % 1000) / 1000))
        }
        let (model, report) = try BGNBD.fit(PurchaseData(frequency: x, recency: tx, age: T))
        #expect(report.logLikelihood.isFinite)
        for i in x.indices {
            let p = model.probabilityAlive(frequency: x[i], recency: tx[i], age: T[i])
            let e = model.conditionalExpectedPurchases(in: 52, frequency: x[i], recency: tx[i], age: T[i])
            #expect(p.isFinite && e.isFinite, "x \(x[i]): p \(p), e \(e)")
        }
    }
}
