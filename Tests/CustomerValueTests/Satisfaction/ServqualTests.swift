import CustomerValue
import Foundation
import Testing

struct ServqualTests {
    static let config = """
        scale: [1, 7]
        dimensions:
          reliability:
            importance: 3
            items:
              R1: {expectation: E_R1, perception: P_R1}
              R2: {expectation: E_R2, perception: P_R2}
          empathy:
            importance: 1
            items:
              EM1: {expectation: E_EM1, perception: P_EM1}
        """
    static let data = """
        id,E_R1,P_R1,E_R2,P_R2,E_EM1,P_EM1
        1,7,5,6,6,5,6
        2,6,4,7,5,4,
        3,7,6,,4,6,7
        4,9,5,6,6,5,6

        """

    @Test func gapsMatchHandComputation() throws {
        let model = try ServqualModel(yaml: Self.config)
        let result = try SatisfactionTests.withFile(Self.data) { try ServqualAnalysis.analyze(path: $0, model: model) }
        // Row 4 has E_R1 = 9 outside 1–7: set aside. Respondents 1–3 remain.
        #expect(result.respondents == 3)
        #expect(result.rejected == ["out_of_scale": 1])
        #expect(result.examples.first?.line == 5 && result.examples.first?.column == "E_R1")
        // R1: gaps 5−7, 4−6, 6−7 = −2, −2, −1 → −5/3; E (7+6+7)/3 = 20/3, P (5+4+6)/3 = 5.
        // R2: respondents 1, 2 (3 has no E): 0, −2 → −1. EM1: respondents 1, 3 (2 has no P): 1, 1 → 1.
        let items = Dictionary(uniqueKeysWithValues: result.items.map { ($0.item, $0) })
        #expect(items["R1"]?.n == 3 && SatisfactionTests.close(items["R1"]?.gap, -5.0 / 3))
        #expect(SatisfactionTests.close(items["R1"]?.expectation, 20.0 / 3) && SatisfactionTests.close(items["R1"]?.perception, 5))
        #expect(items["R2"]?.n == 2 && SatisfactionTests.close(items["R2"]?.gap, -1))
        #expect(items["EM1"]?.n == 2 && SatisfactionTests.close(items["EM1"]?.gap, 1))
        // Reliability = (−5/3 − 1)/2 = −4/3; empathy = 1. Weights 3/4, 1/4:
        // weighted = .75·(−4/3) + .25·1 = −.75; unweighted = (−4/3 + 1)/2 = −1/6.
        #expect(SatisfactionTests.close(result.dimensions[0].gap, -4.0 / 3) && SatisfactionTests.close(result.dimensions[1].gap, 1))
        #expect(SatisfactionTests.close(result.dimensions[0].weight, 0.75))
        #expect(SatisfactionTests.close(result.weightedGap, -0.75))
        #expect(SatisfactionTests.close(result.unweightedGap, -1.0 / 6))
        #expect(result.ranking == ["reliability", "empathy"])
        #expect(result.dimensions.map(\.rank) == [1, 2])
    }

    @Test func equalWeightsWithoutImportance() throws {
        let model = try ServqualModel(yaml: """
            dimensions:
              a: {items: {A1: {expectation: e1, perception: p1}}}
              b: {items: {B1: {expectation: e2, perception: p2}}}
            """)
        #expect(model.weights == [0.5, 0.5])
        #expect(model.scale == 1...7)
    }

    @Test func configErrorsNameTheLine() throws {
        let partial = """
            dimensions:
              a:
                importance: 2
                items: {A1: {expectation: e1, perception: p1}}
              b:
                items: {B1: {expectation: e2}}
            """
        #expect(throws: ServqualError.self) { try ServqualModel(yaml: partial) }
        do {
            _ = try ServqualModel(yaml: partial, source: "sq.yaml")
        } catch let error as ServqualError {
            // B1 lacks its perception column: reported at its line (6).
            #expect(error.description.contains("sq.yaml: line 6") && error.description.contains("B1"))
        }
        let mixed = "dimensions:\n  a:\n    importance: 2\n    items: {A1: {expectation: e1, perception: p1}}\n  b:\n    items: {B1: {expectation: e2, perception: p2}}\n"
        #expect(throws: ServqualError.self) { try ServqualModel(yaml: mixed) }
    }

    @Test func missingColumnIsNamed() throws {
        let model = try ServqualModel(yaml: Self.config)
        let text = "E_R1,P_R1\n7,5\n"
        do {
            _ = try SatisfactionTests.withFile(text) { try ServqualAnalysis.analyze(path: $0, model: model) }
            Issue.record("expected an error")
        } catch let error as ServqualError {
            #expect(error.description.contains("E_R2") && error.description.contains("line 1"))
        }
    }
}
