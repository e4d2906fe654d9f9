import Foundation

/// How a model node spreads its requests over several model versions.
///
/// All versions a node may call share the node's declared inputs and outputs.
public enum ModelRouting: Sendable, Equatable, Codable {
    /// A/B test: each request is served by exactly one arm, chosen from a request key with
    /// probability proportional to the arm's weight. The node's own model version must be one of
    /// the arms (it is the control).
    case split(arms: [Arm])
    /// The node's own model version serves every request; each challenger also receives a copy,
    /// and its result is recorded but never returned.
    case shadow(challengers: [String])

    public struct Arm: Sendable, Hashable, Codable {
        public var modelVersionID: String
        /// 1 ... ``ModelRouting/maximumWeight``.
        public var weight: Int

        public init(modelVersionID: String, weight: Int) {
            self.modelVersionID = modelVersionID
            self.weight = weight
        }
    }

    /// Largest weight of one arm, so that sums never overflow.
    public static let maximumWeight = 1_000_000

    /// Every model version named by the routing, in declaration order.
    public var modelVersionIDs: [String] {
        switch self {
        case .split(let arms): arms.map(\.modelVersionID)
        case .shadow(let challengers): challengers
        }
    }

    /// Why this routing cannot be used on a node whose own model version is `own`, or nil.
    public func invalidReason(ownModelVersionID own: String) -> String? {
        switch self {
        case .split(let arms):
            guard arms.count >= 2 else { return "a split needs at least two arms" }
            if let arm = arms.first(where: { !(1...ModelRouting.maximumWeight).contains($0.weight) }) {
                return "weight \(arm.weight) of '\(arm.modelVersionID)' must be between 1 and \(ModelRouting.maximumWeight)"
            }
            guard Set(arms.map(\.modelVersionID)).count == arms.count else {
                return "a model version appears in more than one arm"
            }
            guard arms.contains(where: { $0.modelVersionID == own }) else {
                return "the node's own model version '\(own)' must be one of the arms"
            }
        case .shadow(let challengers):
            guard !challengers.isEmpty else { return "a shadow routing needs at least one challenger" }
            guard Set(challengers).count == challengers.count else { return "a challenger appears twice" }
            guard !challengers.contains(own) else {
                return "the node's own model version '\(own)' cannot also be its challenger"
            }
        }
        return nil
    }

    /// The model version whose result answers the request with this key. Deterministic: the same
    /// key always gets the same version, on every node and after every restart.
    public func servingModelVersion(forKey key: String, own: String) -> String {
        guard case .split(let arms) = self, !arms.isEmpty else { return own }
        let total = arms.reduce(UInt64(0)) { $0 + UInt64(max(0, $1.weight)) }
        guard total > 0 else { return own }
        var point = ModelRouting.stableHash(key) % total
        for arm in arms {
            let weight = UInt64(max(0, arm.weight))
            if point < weight { return arm.modelVersionID }
            point -= weight
        }
        return own
    }

    /// Model versions that receive a copy of every request without answering it.
    public var shadowModelVersions: [String] {
        if case .shadow(let challengers) = self { return challengers }
        return []
    }

    /// FNV-1a over the UTF-8 bytes, then the SplitMix64 finaliser so that low bits are mixed too.
    /// Unlike `Hasher`, it is the same in every process.
    static func stableHash(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return hash
    }
}
