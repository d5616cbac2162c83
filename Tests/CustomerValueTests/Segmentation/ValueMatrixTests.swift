import Testing
@testable import CustomerValue

/// The value matrix of Marcus (1998) on a hand-computed case.
struct ValueMatrixTests {
    // F (window orders), whole-period orders and spend (AOV = spend / orders), M (window spend).
    static let input = RFMInput(
        recencyDays: [1, 2, 3, 4, 5], frequency: [5, 0, 4, 1, 2], monetary: [500, 0, 40, 20, 100],
        orders: [10, 2, 8, 1, 4], totalSpend: [1000, 400, 80, 20, 200])

    @Test func medianSplit() {
        let result = ValueMatrix().classify(Self.input)
        // AOV: 100, 200, 10, 20, 50. Medians: F of 0,1,2,4,5 → 2; AOV of 10,20,50,100,200 → 50.
        #expect(result.frequencySplit == 2 && result.averageOrderValueSplit == 50)
        // A 5 > 2, 100 > 50 → Best; B 0, 200 → Spenders; C 4, 10 → Frequent; D 1, 20 → Uncertain;
        // E sits on both medians, not above them → Uncertain.
        let cells = result.cell.map { ValueMatrix.Cell.allCases[Int($0)] }
        #expect(cells == [.best, .spenders, .frequent, .uncertain, .uncertain])
        #expect(result.cells.map(\.customers) == [1, 1, 1, 2])
        // Revenue is M: total 660; Best 500, Uncertain 20 + 100 = 120.
        #expect(result.cells[0].revenue == 500 && result.cells[3].revenue == 120)
        #expect(abs(result.cells[0].revenueShare - 500.0 / 660) < 1e-12)
        // Uncertain: mean F (1 + 2)/2 = 1.5, mean AOV (20 + 50)/2 = 35.
        #expect(result.cells[3].meanFrequency == 1.5 && result.cells[3].meanAverageOrderValue == 35)
        #expect(result.cells.map(\.name.en) == ["Best", "Spenders", "Frequent", "Uncertain"])
        #expect(result.cells[2].action?.en.contains("coupons") == true)
    }

    @Test func meanSplit() {
        let result = ValueMatrix(split: .mean).classify(Self.input)
        // Means: F 12/5 = 2.4; AOV 380/5 = 76. E: 2 < 2.4, 50 < 76 → Uncertain; the rest as with medians.
        #expect(abs(result.frequencySplit - 2.4) < 1e-12 && abs(result.averageOrderValueSplit - 76) < 1e-12)
        let cells = result.cell.map { ValueMatrix.Cell.allCases[Int($0)] }
        #expect(cells == [.best, .spenders, .frequent, .uncertain, .uncertain])
    }

    @Test func evenCountMedianIsTheMeanOfTheMiddleTwo() {
        let input = RFMInput(recencyDays: [1, 1, 1, 1], frequency: [1, 2, 3, 4], monetary: [0, 0, 0, 0],
                             orders: [1, 1, 1, 1], totalSpend: [10, 20, 30, 40])
        let result = ValueMatrix().classify(input)
        // F median (2 + 3)/2 = 2.5; AOV median 25: the top two are high in both.
        #expect(result.frequencySplit == 2.5 && result.averageOrderValueSplit == 25)
        #expect(result.cell == [3, 3, 0, 0])
    }

    @Test func noVarianceIsLowForEveryone() {
        let input = RFMInput(recencyDays: [1, 2], frequency: [3, 3], monetary: [1, 1], orders: [1, 2], totalSpend: [10, 40])
        // F constant → low for both; AOV 10 and 20, median 15 → the second is high → Spenders.
        let cells = ValueMatrix().classify(input).cell.map { ValueMatrix.Cell.allCases[Int($0)] }
        #expect(cells == [.uncertain, .spenders])
    }
}
