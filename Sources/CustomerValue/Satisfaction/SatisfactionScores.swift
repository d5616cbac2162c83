import Foundation

/// Counts of survey answers per scale point: the sufficient statistics of NPS, CSAT and CES.
///
/// Answers are whole numbers on their scales (NPS 0–10, CSAT 1–5, CES 1–7), already checked by
/// the surveys schema; a blank answer is simply not added, so it never counts in `n`.
public struct SatisfactionTally: Sendable, Hashable, Codable {
    /// Answers per NPS point 0...10.
    public var nps = [Int](repeating: 0, count: 11)
    /// Answers per CSAT point 1...5 (index 0 = 1).
    public var csat = [Int](repeating: 0, count: 5)
    /// Answers per CES point 1...7 (index 0 = 1).
    public var ces = [Int](repeating: 0, count: 7)
    /// Survey rows added (with or without any answer).
    public var rows = 0

    public init() {}

    /// Adds one survey row; nil answers are blanks.
    /// - Precondition: each answer is a whole number on its scale.
    public mutating func add(nps: Double?, csat: Double?, ces: Double?) {
        rows += 1
        if let nps { self.nps[Int(nps)] += 1 }
        if let csat { self.csat[Int(csat) - 1] += 1 }
        if let ces { self.ces[Int(ces) - 1] += 1 }
    }

    /// Adds the counts of another tally.
    public mutating func merge(_ other: SatisfactionTally) {
        rows += other.rows
        for k in nps.indices { nps[k] += other.nps[k] }
        for k in csat.indices { csat[k] += other.csat[k] }
        for k in ces.indices { ces[k] += other.ces[k] }
    }

    /// The three scores of the counted answers.
    public var scores: SatisfactionScores {
        SatisfactionScores(nps: NPSScore(counts: nps), csat: CSATScore(counts: csat), ces: CESScore(counts: ces))
    }
}

/// Net Promoter Score (Reichheld 2003, "The One Number You Need to Grow", HBR) of 0–10 answers.
///
/// Promoters answer 9–10, passives 7–8, detractors 0–6. With p, d the shares of promoters and
/// detractors among the n answers, NPS = 100 (p − d) ∈ [−100, 100]. Each answer is a score
/// X ∈ {+1, 0, −1}, so Var(X) = p + d − (p − d)² and the standard error of the NPS is
/// 100 √((p + d − (p − d)²) / n); the 95% margin of error is 1.96 standard errors.
public struct NPSScore: Sendable, Hashable, Codable {
    /// NPS in points (−100...100); nil without answers.
    public var score: Double?
    /// 95% margin of error in NPS points (1.96 × standard error); nil without answers.
    public var marginOfError: Double?
    /// Standard error in NPS points; nil without answers.
    public var standardError: Double?
    public var n: Int
    public var promoters: Int
    public var passives: Int
    public var detractors: Int

    /// The NPS of answers counted per point 0...10.
    public init(counts: [Int]) {
        precondition(counts.count == 11, "NPS counts are per point 0...10")
        detractors = counts[0...6].reduce(0, +)
        passives = counts[7] + counts[8]
        promoters = counts[9] + counts[10]
        n = promoters + passives + detractors
        guard n > 0 else { return }
        let p = Double(promoters) / Double(n), d = Double(detractors) / Double(n)
        // max(0, ·): the variance is ≥ 0 in exact arithmetic; rounding can leave −1e-17.
        let se = 100 * (max(0, p + d - (p - d) * (p - d)) / Double(n)).squareRoot()
        score = 100 * (p - d)
        standardError = se
        marginOfError = 1.96 * se
    }

    enum CodingKeys: String, CodingKey {
        case score, n, promoters, passives, detractors
        case marginOfError = "moe", standardError = "standard_error"
    }

    // nil scores encode as null: the key stays in the JSON contract.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(score, forKey: .score)
        try c.encode(marginOfError, forKey: .marginOfError)
        try c.encode(standardError, forKey: .standardError)
        try c.encode(n, forKey: .n)
        try c.encode(promoters, forKey: .promoters)
        try c.encode(passives, forKey: .passives)
        try c.encode(detractors, forKey: .detractors)
    }
}

/// Customer satisfaction score of 1–5 answers: the percentage of answers 4 or 5 ("satisfied"
/// and "very satisfied"), and the mean answer.
public struct CSATScore: Sendable, Hashable, Codable {
    /// Percentage of answers 4–5 (0...100); nil without answers.
    public var score: Double?
    /// Mean answer (1...5); nil without answers.
    public var mean: Double?
    public var n: Int

    /// The CSAT of answers counted per point 1...5.
    public init(counts: [Int]) {
        precondition(counts.count == 5, "CSAT counts are per point 1...5")
        n = counts.reduce(0, +)
        guard n > 0 else { return }
        score = 100 * Double(counts[3] + counts[4]) / Double(n)
        mean = Double(counts.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(n)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(score, forKey: .score)
        try c.encode(mean, forKey: .mean)
        try c.encode(n, forKey: .n)
    }
}

/// Customer Effort Score 2.0 (Dixon, Freeman & Toman 2010, "Stop Trying to Delight Your
/// Customers", HBR; CEB's 1–7 agreement version): the mean answer and the percentage of
/// answers 5–7 ("the company made it easy").
public struct CESScore: Sendable, Hashable, Codable {
    /// Mean answer (1...7); nil without answers.
    public var mean: Double?
    /// Percentage of answers 5–7 (0...100); nil without answers.
    public var shareHigh: Double?
    public var n: Int

    /// The CES of answers counted per point 1...7.
    public init(counts: [Int]) {
        precondition(counts.count == 7, "CES counts are per point 1...7")
        n = counts.reduce(0, +)
        guard n > 0 else { return }
        mean = Double(counts.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(n)
        shareHigh = 100 * Double(counts[4] + counts[5] + counts[6]) / Double(n)
    }

    enum CodingKeys: String, CodingKey {
        case mean, n, shareHigh = "share_high"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mean, forKey: .mean)
        try c.encode(shareHigh, forKey: .shareHigh)
        try c.encode(n, forKey: .n)
    }
}

/// NPS, CSAT and CES of one set of answers.
public struct SatisfactionScores: Sendable, Hashable, Codable {
    public var nps: NPSScore
    public var csat: CSATScore
    public var ces: CESScore
}
