import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// MLflow's JSON shapes of tracked objects, and what `runs/search` and `experiments/search`
/// accept of the filter grammar.
@Suite("MLflow tracking presenters and search mapping")
struct MLflowTrackingPresenterTests {
    func object(_ value: JSONValue) -> [String: JSONValue] {
        if case .object(let object) = value { return object }
        Issue.record("not an object: \(value)")
        return [:]
    }

    @Test func runShape() {
        let run = TrackedRun(id: "abc", workspaceID: "w", experimentID: "42", name: "train", userID: "alice", status: .finished,
                             startTime: 1000, endTime: 2000, params: ["lr": "0.1"], tags: ["k": "v"],
                             metrics: [RunMetric(key: "loss", value: .nan, timestamp: 5, step: 1)],
                             inputs: [RunDatasetInput(name: "d", digest: "x", sourceType: "code", source: "{}", tags: ["a": "b"])])
        let json = object(MLflowTrackingPresenter.run(run))
        let info = object(json["info"]!)
        #expect(info["run_id"] == .string("abc") && info["run_uuid"] == .string("abc"))
        #expect(info["artifact_uri"] == .string("mlflow-artifacts:/42/abc/artifacts"))
        #expect(info["start_time"] == .number(1000) && info["end_time"] == .number(2000))
        #expect(info["status"] == .string("FINISHED") && info["lifecycle_stage"] == .string("active"))
        let data = object(json["data"]!)
        #expect(data["params"] == .array([.object(["key": .string("lr"), "value": .string("0.1")])]))
        #expect(data["metrics"] == .array([.object(["key": .string("loss"), "value": .string("NaN"), "timestamp": .number(5),
                                                    "step": .number(1)])]))
        #expect(data["tags"] == .array([.object(["key": .string("k"), "value": .string("v")]),
                                        .object(["key": .string("mlflow.runName"), "value": .string("train")])]))
        let inputs = object(json["inputs"]!)
        guard case .array(let datasets)? = inputs["dataset_inputs"], let first = datasets.first else {
            Issue.record("no dataset inputs"); return
        }
        #expect(object(object(first)["dataset"]!)["digest"] == .string("x"))
    }

    @Test func metricsPageIsTheMetricShapeWrittenDirectly() throws {
        let points = [
            RunMetric(key: "loss", value: 0.25, timestamp: 1_700_000_000_123, step: 0),
            RunMetric(key: "lo\"ss", value: .nan, timestamp: 5, step: 9_007_199_254_740_993, runID: "r1", modelID: "m-1",
                      datasetName: "train", datasetDigest: "d1"),
            RunMetric(key: "x", value: -.infinity, timestamp: -3, step: -1, runID: "r2"),
            RunMetric(key: "y", value: 1e-300, timestamp: 0, step: 2),
        ]
        let written = String(decoding: MLflowTrackingPresenter.metricsPage(points, nextPageToken: "tok"), as: UTF8.self)
        #expect(written.contains(#""step":9007199254740993,"#))
        let page = try JSONTextParser.parse(written)
        let bigStep = try JSONTextParser.parse("9007199254740993")
        var expected = points.map(MLflowTrackingPresenter.metric)
        // The writer keeps integers above 2^53 exact, where a JSONValue number cannot.
        if case .object(var second) = expected[1] { second["step"] = bigStep; expected[1] = .object(second) }
        #expect(page == .object(["metrics": .array(expected), "next_page_token": .string("tok")]))
        let text = String(decoding: MLflowTrackingPresenter.metricsPage(points.prefix(1), nextPageToken: nil), as: UTF8.self)
        #expect(text == #"{"metrics":[{"key":"loss","step":0,"timestamp":1700000000123,"value":0.25}]}"#)
        #expect(String(decoding: MLflowTrackingPresenter.metricsPage([], nextPageToken: nil), as: UTF8.self) == #"{"metrics":[]}"#)
    }

    @Test func executionRunsShowTheirUser() {
        let run = TrackedRun(id: "p-1", workspaceID: "w", experimentID: "pipeline-x", name: "p-1", userID: "bob", status: .running,
                             startTime: 1, endTime: nil, source: .execution)
        let tags = MLflowTrackingPresenter.displayedTags(run)
        #expect(tags["mlflow.user"] == "bob" && tags["mlflow.runName"] == "p-1")
        #expect(object(MLflowTrackingPresenter.runInfo(run))["end_time"] == nil)
    }

    @Test func experimentLocationsAndInfinities() {
        let experiment = Experiment(id: "7", workspaceID: "w", name: "e", artifactLocation: "7",
                                    createdAt: Date(timeIntervalSince1970: 1), updatedAt: Date(timeIntervalSince1970: 2))
        let json = object(MLflowTrackingPresenter.experiment(experiment, workspace: "default"))
        #expect(json["artifact_location"] == .string("mlflow-artifacts:/7"))
        #expect(json["creation_time"] == .number(1000) && json["last_update_time"] == .number(2000))
        #expect(json["workspace"] == .string("default"))
        #expect(MLflowTrackingPresenter.artifactURI("s3://bucket/x") == "s3://bucket/x")
        #expect(MLflowTrackingPresenter.number(.infinity) == .string("Infinity"))
        #expect(MLflowTrackingPresenter.number(-.infinity) == .string("-Infinity"))
    }

    @Test func loggedModelShape() {
        let model = LoggedModel(id: "m-1", workspaceID: "w", experimentID: "3", name: "clf", sourceRunID: "r", modelType: nil,
                                status: .ready, createdAt: 10, updatedAt: 20)
        let info = object(object(MLflowTrackingPresenter.loggedModel(model))["info"]!)
        #expect(info["artifact_uri"] == .string("mlflow-artifacts:/3/models/m-1/artifacts"))
        #expect(info["status"] == .string("LOGGED_MODEL_READY"))
        #expect(info["creation_timestamp_ms"] == .number(10))
    }

    @Test func runFilterMapsToPredicates() throws {
        let predicates = try MLflowSearchFilter.parse(
            "metrics.acc > 0.9 AND params.model = 'tree' AND tags.`a b` LIKE 'x%' AND status IN ('FINISHED') AND attributes.created >= 5 AND dataset.context = 'training'"
        ).runPredicates()
        #expect(predicates == [
            RunPredicate(.metric("acc"), .greater, .number(0.9)),
            RunPredicate(.param("model"), .equal, .text("tree")),
            RunPredicate(.tag("a b"), .like, .text("x%")),
            RunPredicate(.attribute(.status), .isIn, .texts(["FINISHED"])),
            RunPredicate(.attribute(.startTime), .greaterOrEqual, .number(5)),
            RunPredicate(.dataset(.context), .equal, .text("training")),
        ])
        #expect(try MLflowSearchFilter.runOrder("metrics.acc DESC") == RunOrder(.metric("acc"), ascending: false))
        #expect(try MLflowSearchFilter.runOrder("start_time") == RunOrder(.attribute(.startTime), ascending: true))
    }

    @Test func runFilterRefusesWrongTypesAndKeys() {
        for (filter, fragment) in [
            ("metrics.acc = 'x'", "Expected numeric value"), ("metrics.acc LIKE 'x'", "Invalid comparator"),
            ("params.p > 'x'", "Invalid comparator"), ("params.p = 1", "Expected a quoted string"),
            ("attributes.start_time = 'x'", "Expected numeric value"), ("attributes.nope = 'x'", "Invalid attribute key"),
            ("dataset.size = 'x'", "Invalid dataset key"), ("attributes.status IN (1)", "list of quoted strings"),
        ] {
            do {
                _ = try MLflowSearchFilter.parse(filter).runPredicates()
                Issue.record("\(filter) was accepted")
            } catch let error as MLflowError {
                #expect(error.code == .invalidParameterValue)
                #expect(error.message.contains(fragment), "\(filter): \(error.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func experimentFilterMapsToPredicates() throws {
        let predicates = try MLflowSearchFilter.parse("name LIKE 'a%' AND tags.team = 'x' AND creation_time > 5").experimentPredicates()
        #expect(predicates == [
            .init(.name, .like, .text("a%")), .init(.tag("team"), .equal, .text("x")), .init(.createdAt, .greater, .number(5)),
        ])
        #expect(throws: MLflowError.self) { try MLflowSearchFilter.parse("metrics.a > 1").experimentPredicates() }
        #expect(try MLflowSearchFilter.experimentOrder("last_update_time DESC") == .init(.updatedAt, ascending: false))
    }

    @Test func pageTokens() throws {
        #expect(try MLflowPageToken.offset(MLflowPageToken.encode(offset: 40)) == 40)
        #expect(try MLflowPageToken.offset(nil) == 0)
        #expect(throws: MLflowError.self) { try MLflowPageToken.offset("garbage") }
        #expect(throws: MLflowError.self) { try MLflowPageToken.offset(Data("offset:-1".utf8).base64EncodedString()) }
    }
}
