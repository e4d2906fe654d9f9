import Foundation
import Testing

@testable import SlipwayCore

@Suite("Triggers")
struct TriggerTests {
    @Test func dataStoreEventMatchesPathsUnderItsFolder() throws {
        let trigger = try Trigger.dataStoreEvent(folder: "incoming", glob: "*.csv")
        #expect(trigger == .dataStoreEvent(prefix: "incoming/", glob: try GlobPattern("*.csv")))
        #expect(trigger.matches(objectPath: "incoming/a.csv"))
        #expect(!trigger.matches(objectPath: "incoming/sub/a.csv"))
        #expect(!trigger.matches(objectPath: "incoming/a.json"))
        #expect(!trigger.matches(objectPath: "other/a.csv"))
        #expect(!trigger.matches(objectPath: "incomingx/a.csv"))
        #expect(!trigger.matches(objectPath: "a.csv"))

        let deep = try Trigger.dataStoreEvent(folder: "incoming/", glob: "**/*.csv")
        #expect(deep.matches(objectPath: "incoming/a.csv"))
        #expect(deep.matches(objectPath: "incoming/2024/05/a.csv"))

        let everywhere = try Trigger.dataStoreEvent(folder: "", glob: "**")
        #expect(everywhere.matches(objectPath: "x"))
        #expect(everywhere.matches(objectPath: "a/b/c"))
    }

    @Test func invalidObjectPathsNeverMatch() throws {
        let trigger = try Trigger.dataStoreEvent(folder: "", glob: "**")
        for path in ["", "/abs", "a/../b", "a//b", "a/", "a\u{0}b"] {
            #expect(!trigger.matches(objectPath: path), "\(path.debugDescription)")
        }
    }

    @Test func otherTriggersMatchNoObject() throws {
        for trigger in [Trigger.endpoint, .manual, .schedule(try CronExpression("*/5 * * * *"))] {
            #expect(!trigger.matches(objectPath: "incoming/a.csv"))
            try trigger.validate()
        }
    }

    @Test func folderAndPrefixAreValidated() throws {
        expectBadRequest("data store trigger folder") { _ = try Trigger.dataStoreEvent(folder: "../x", glob: "*") }
        expectBadRequest("data store trigger folder") { _ = try Trigger.dataStoreEvent(folder: "/x", glob: "*") }
        expectBadRequest("glob") { _ = try Trigger.dataStoreEvent(folder: "x", glob: "") }
        expectBadRequest("must be empty or end with '/'") {
            try Trigger.dataStoreEvent(prefix: "incoming", glob: try GlobPattern("*")).validate()
        }
        try Trigger.dataStoreEvent(prefix: "", glob: try GlobPattern("*")).validate()
    }

    @Test func codableShapesRoundTrip() throws {
        let triggers: [Trigger] = [.endpoint, .manual, .schedule(try CronExpression("0 * * * *")),
                                   try .dataStoreEvent(folder: "incoming", glob: "*.csv")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let texts = try triggers.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        #expect(texts == [#"{"type":"endpoint"}"#, #"{"type":"manual"}"#, #"{"cron":"0 * * * *","type":"schedule"}"#,
                          #"{"glob":"*.csv","prefix":"incoming/","type":"data_store_event"}"#])
        for (trigger, text) in zip(triggers, texts) {
            #expect(try JSONDecoder().decode(Trigger.self, from: Data(text.utf8)) == trigger)
        }
        #expect(triggers.map(\.kind) == ["endpoint", "manual", "schedule", "data_store_event"])
        for bad in [#"{"type":"webhook"}"#, #"{"type":"schedule","cron":"61 * * * *"}"#,
                    #"{"type":"data_store_event","prefix":"incoming","glob":"*"}"#,
                    #"{"type":"data_store_event","prefix":"in/","glob":"/x"}"#, #"{"type":"schedule"}"#] {
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(Trigger.self, from: Data(bad.utf8)) }
        }
    }
}
