public import AccessPointCore
public import Foundation

/// What the control API needs to know about the lab, and the limits it enforces.
public struct ControlAPIConfiguration: Sendable {
    /// Buckets, accounts and VPCs that access points may refer to.
    public var lab: LabConfiguration
    /// Access points per account per region (spec §3: 1,000 as the seed says; AWS's current 10,000 is settable).
    public var accessPointQuota: Int

    public init(lab: LabConfiguration, accessPointQuota: Int = 1000) {
        self.lab = lab
        self.accessPointQuota = accessPointQuota
    }
}

/// Time and randomness, injected so tests see fixed dates and aliases.
public struct ControlAPIEnvironment: Sendable {
    public var now: @Sendable () -> Date
    /// `count` random characters from `a-z0-9`, for access point aliases.
    public var randomLowercaseAlphanumerics: @Sendable (_ count: Int) -> String

    public init(
        now: @escaping @Sendable () -> Date,
        randomLowercaseAlphanumerics: @escaping @Sendable (_ count: Int) -> String
    ) {
        self.now = now
        self.randomLowercaseAlphanumerics = randomLowercaseAlphanumerics
    }

    /// The wall clock and the system's random number generator.
    public static let live = ControlAPIEnvironment(
        now: { Date() },
        randomLowercaseAlphanumerics: { count in
            let characters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
            var rng = SystemRandomNumberGenerator()
            return String((0..<count).map { _ in characters[Int(rng.next(upperBound: UInt(characters.count)))] })
        }
    )
}
