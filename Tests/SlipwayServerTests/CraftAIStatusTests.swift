import Testing

@testable import SlipwayCore
@testable import SlipwayServer

@Suite("Craft AI status spellings")
struct CraftAIStatusTests {
    @Test func statusesAreSpelledAsTheSDKExpects() {
        #expect(DeploymentStatus.allCases.map(CraftAIStatus.of) ==
            ["creation_pending", "up", "creation_failed", "down_retrying", "standby", "disabled"])
        #expect(ExecutionStatus.allCases.map(CraftAIStatus.of) == ["Pending", "Running", "Succeeded", "Skipped", "Failed", "Error"])
        #expect(CreationStatus.allCases.map(CraftAIStatus.of) == ["creation_pending", "ready", "creation_failed"])
    }
}
