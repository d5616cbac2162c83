import Numerics

/// A real number stored as its sign and the logarithm of its magnitude, so that products of
/// factors like (α+T)^(r+x) with x in the thousands neither overflow nor underflow.
///
/// Zero is `logMagnitude == −∞` (with sign +1). Products are sums of logarithms; sums are
/// computed stably with log(1 + e^−d) and log(1 − e^−d) (see
/// ``SpecialFunctions/logDiffExp(_:_:)``).
public struct SignedLog: Sendable, Hashable {
    /// log |value|; −∞ for zero, +∞ for an infinite value.
    public var logMagnitude: Double
    /// +1 or −1.
    public var sign: Double

    /// Creates the number sign · e^logMagnitude.
    /// - Parameters:
    ///   - logMagnitude: log |value|, any value including ±∞.
    ///   - sign: +1 or −1 (any negative number is taken as −1, anything else as +1).
    @inlinable
    public init(logMagnitude: Double, sign: Double = 1) {
        self.logMagnitude = logMagnitude
        self.sign = sign < 0 ? -1 : 1
    }

    /// Creates the signed logarithm of `value`.
    /// - Parameter value: any finite or infinite value; NaN gives a NaN magnitude.
    @inlinable
    public init(_ value: Double) {
        self.init(logMagnitude: Double.log(abs(value)), sign: value < 0 ? -1 : 1)
    }

    /// The number one.
    public static let one = SignedLog(logMagnitude: 0)

    /// The number zero.
    public static let zero = SignedLog(logMagnitude: -.infinity)

    /// The number as a `Double` (which may overflow to ±∞ or underflow to 0).
    @inlinable
    public var value: Double { sign * Double.exp(logMagnitude) }

    /// Whether the number is zero.
    @inlinable
    public var isZero: Bool { logMagnitude == -.infinity }

    /// The product of two numbers.
    @inlinable
    public static func * (lhs: SignedLog, rhs: SignedLog) -> SignedLog {
        SignedLog(logMagnitude: lhs.logMagnitude + rhs.logMagnitude, sign: lhs.sign * rhs.sign)
    }

    /// The quotient of two numbers.
    @inlinable
    public static func / (lhs: SignedLog, rhs: SignedLog) -> SignedLog {
        SignedLog(logMagnitude: lhs.logMagnitude - rhs.logMagnitude, sign: lhs.sign * rhs.sign)
    }

    /// The negated number.
    @inlinable
    public static prefix func - (operand: SignedLog) -> SignedLog {
        SignedLog(logMagnitude: operand.logMagnitude, sign: -operand.sign)
    }

    /// The sum of two numbers, computed in log space; exact cancellation gives zero.
    @inlinable
    public static func + (lhs: SignedLog, rhs: SignedLog) -> SignedLog {
        if lhs.isZero { return rhs }
        if rhs.isZero { return lhs }
        let (large, small) = lhs.logMagnitude >= rhs.logMagnitude ? (lhs, rhs) : (rhs, lhs)
        if large.logMagnitude == .infinity { return large }
        let gap = large.logMagnitude - small.logMagnitude
        if large.sign == small.sign {
            return SignedLog(
                logMagnitude: large.logMagnitude + Double.log(onePlus: Double.exp(-gap)), sign: large.sign)
        }
        if gap == 0 { return .zero }
        return SignedLog(logMagnitude: large.logMagnitude + SpecialFunctions.logOneMinusExp(gap), sign: large.sign)
    }

    /// The difference of two numbers, computed in log space.
    @inlinable
    public static func - (lhs: SignedLog, rhs: SignedLog) -> SignedLog {
        lhs + (-rhs)
    }
}
