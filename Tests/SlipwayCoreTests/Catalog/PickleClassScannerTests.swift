import Foundation
import Testing

@testable import SlipwayCore

/// The class of a pickle's top object, read from its first opcodes.
@Suite struct PickleClassScannerTests {
    @Test func protocolFiveStackGlobal() {
        // What pickle.dumps(KNeighborsClassifier(), protocol=5) starts with.
        var bytes: [UInt8] = [0x80, 0x05, 0x95, 0x10, 0x01, 0, 0, 0, 0, 0, 0]
        let module = Array("sklearn.neighbors._classification".utf8), name = Array("KNeighborsClassifier".utf8)
        bytes += [0x8c, UInt8(module.count)] + module + [0x94, 0x8c, UInt8(name.count)] + name + [0x94, 0x93, 0x94, 0x29]
        let found = PickleClassScanner.topClass(Data(bytes))
        #expect(found?.module == "sklearn.neighbors._classification")
        #expect(found?.name == "KNeighborsClassifier")
    }

    @Test func protocolTwoGlobal() {
        let bytes: [UInt8] = [0x80, 0x02] + Array("csklearn.svm._classes\nSVC\nq\u{0}".utf8)
        let found = PickleClassScanner.topClass(Data(bytes))
        #expect(found?.module == "sklearn.svm._classes")
        #expect(found?.name == "SVC")
    }

    @Test func anythingElseIsNotGuessed() {
        #expect(PickleClassScanner.topClass(Data()) == nil)
        #expect(PickleClassScanner.topClass(Data("PK\u{3}\u{4}zip".utf8)) == nil)
        #expect(PickleClassScanner.topClass(Data([0x80, 0x05, 0x8c, 0x40, 0x61])) == nil)
        #expect(PickleClassScanner.topClass(Data([0x80, 0x04, 0x4b, 0x01, 0x2e])) == nil)
    }
}
