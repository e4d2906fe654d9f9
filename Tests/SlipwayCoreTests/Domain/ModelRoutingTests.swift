import Foundation
import Testing

@testable import SlipwayCore

@Suite("Model routing: A/B split and shadow")
struct ModelRoutingTests {
    let split = ModelRouting.split(arms: [.init(modelVersionID: "control", weight: 3), .init(modelVersionID: "challenger", weight: 1)])

    @Test func splitChoiceIsDeterministicPerKey() {
        for index in 0..<200 {
            let key = "request-\(index)"
            #expect(split.servingModelVersion(forKey: key, own: "control") == split.servingModelVersion(forKey: key, own: "control"))
        }
        // Pinned (computed independently): the hash must not change between releases, or running
        // A/B tests would reshuffle their users.
        #expect(ModelRouting.stableHash("") == 0xf52a_15e9_a9b5_e89b)
        #expect(ModelRouting.stableHash("request-1") == 0x611a_2dc6_b4f2_ee72)
        #expect(split.servingModelVersion(forKey: "", own: "control") == "challenger")
        #expect(split.servingModelVersion(forKey: "request-1", own: "control") == "control")
        #expect(split.servingModelVersion(forKey: "user-42", own: "control") == "challenger")
    }

    @Test func splitFollowsTheWeights() {
        var counts: [String: Int] = [:]
        for index in 0..<20_000 {
            counts[split.servingModelVersion(forKey: "user-\(index)", own: "control"), default: 0] += 1
        }
        #expect(Set(counts.keys) == ["control", "challenger"])
        let share = Double(counts["challenger"]!) / 20_000
        #expect(abs(share - 0.25) < 0.02, "challenger share \(share)")
    }

    @Test func anArmWithAllTheWeightTakesEverything() {
        let lopsided = ModelRouting.split(arms: [.init(modelVersionID: "a", weight: ModelRouting.maximumWeight),
                                                 .init(modelVersionID: "b", weight: 1)])
        let picks = Set((0..<500).map { lopsided.servingModelVersion(forKey: "\($0)", own: "a") })
        #expect(picks.contains("a"))
        #expect(lopsided.invalidReason(ownModelVersionID: "a") == nil)
    }

    @Test func shadowServesTheOwnVersionAndCopiesToChallengers() {
        let shadow = ModelRouting.shadow(challengers: ["v2", "v3"])
        #expect(shadow.servingModelVersion(forKey: "anything", own: "v1") == "v1")
        #expect(shadow.shadowModelVersions == ["v2", "v3"])
        #expect(split.shadowModelVersions.isEmpty)
        #expect(shadow.invalidReason(ownModelVersionID: "v1") == nil)
    }

    @Test(arguments: [
        (ModelRouting.split(arms: [.init(modelVersionID: "v1", weight: 1)]), "at least two arms"),
        (.split(arms: [.init(modelVersionID: "v1", weight: 0), .init(modelVersionID: "v2", weight: 1)]), "between 1 and"),
        (.split(arms: [.init(modelVersionID: "v1", weight: 1), .init(modelVersionID: "v2", weight: ModelRouting.maximumWeight + 1)]),
         "between 1 and"),
        (.split(arms: [.init(modelVersionID: "v1", weight: 1), .init(modelVersionID: "v1", weight: 2)]), "more than one arm"),
        (.split(arms: [.init(modelVersionID: "v2", weight: 1), .init(modelVersionID: "v3", weight: 2)]), "must be one of the arms"),
        (.shadow(challengers: []), "at least one challenger"),
        (.shadow(challengers: ["v2", "v2"]), "appears twice"),
        (.shadow(challengers: ["v1"]), "cannot also be its challenger"),
    ])
    func invalidRoutingsSayWhy(_ routing: ModelRouting, _ reason: String) {
        let message = routing.invalidReason(ownModelVersionID: "v1")
        #expect(message?.contains(reason) == true, "\(String(describing: message))")
    }
}
