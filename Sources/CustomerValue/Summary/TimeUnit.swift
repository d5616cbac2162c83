/// The unit durations are expressed in. Day counts are divided by 1, 7 or 30.4375
/// (the mean Gregorian month).
public enum TimeUnit: String, Sendable, Codable, CaseIterable {
    case day, week, month

    /// Days in one unit.
    public var days: Double {
        switch self {
        case .day: return 1
        case .week: return 7
        case .month: return 30.4375
        }
    }
}
