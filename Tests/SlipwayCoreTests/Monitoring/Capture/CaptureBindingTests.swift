import Foundation
import Testing

@testable import SlipwayCore

/// Bound folders: validated and normalised to end in `/`; a binding covers `.jsonl` files
/// anywhere under its folder and nothing else; overlapping folders are told apart.
@Suite struct CaptureBindingTests {
    func binding(_ folder: String) -> CaptureBinding {
        CaptureBinding(id: "b", workspaceID: "w", modelID: "m", folder: folder, createdBy: "u", createdAt: Date())
    }

    @Test func foldersAreNormalisedToEndInASlash() throws {
        #expect(try CaptureBinding.folder("captures/model-a") == "captures/model-a/")
        #expect(try CaptureBinding.folder("captures/model-a/") == "captures/model-a/")
        #expect(try CaptureBinding.folder("c") == "c/")
    }

    @Test(arguments: ["", "/", "/abs/", "a/../b/", "a//b/", "./a/", "a\\b/", "a\u{7}b/", String(repeating: "x", count: 1100)])
    func badFoldersAreRefusedNamingTheFolder(raw: String) {
        let error = #expect(throws: SlipwayError.self) { try CaptureBinding.folder(raw) }
        #expect(error?.kind == .badRequest)
        #expect(error?.message.contains("folder") == true, "\(String(describing: error))")
        #expect(error?.message.contains("path_to_object") == false, "\(String(describing: error))")
    }

    @Test func aBindingCoversCaptureFilesUnderItsFolderOnly() {
        let bound = binding("captures/a/")
        #expect(bound.covers(path: "captures/a/x.jsonl"))
        #expect(bound.covers(path: "captures/a/2024/01/x.JSONL"))
        #expect(!bound.covers(path: "captures/a/x.csv"))
        #expect(!bound.covers(path: "captures/a/x.jsonl.tmp"))
        #expect(!bound.covers(path: "captures/ab/x.jsonl"), "a sibling folder with the same prefix")
        #expect(!bound.covers(path: "captures/x.jsonl"))
    }

    @Test func overlappingFoldersAreThoseThatHoldOneAnother() {
        let bound = binding("captures/a/")
        #expect(bound.overlaps("captures/"))
        #expect(bound.overlaps("captures/a/"))
        #expect(bound.overlaps("captures/a/deep/"))
        #expect(!bound.overlaps("captures/ab/"))
        #expect(!bound.overlaps("other/"))
    }

    @Test func onlyPendingRecordsWithAnExpiredClaimAreRetryable() {
        let now = Date(timeIntervalSince1970: 1000)
        var record = CaptureIngestion(bindingID: "b", workspaceID: "w", modelID: "m", path: "p.jsonl", version: "v", size: 1,
                                      claimToken: "t", claimedUntil: now.addingTimeInterval(1), createdAt: now, updatedAt: now)
        #expect(!record.isRetryable(at: now))
        #expect(record.isRetryable(at: now.addingTimeInterval(1)))
        record.claimedUntil = nil
        #expect(record.isRetryable(at: now))
        for status in [CaptureIngestion.Status.ingested, .failed] {
            record.status = status
            #expect(!record.isRetryable(at: now.addingTimeInterval(100)))
        }
    }
}
