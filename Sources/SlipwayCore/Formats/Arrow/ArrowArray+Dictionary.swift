import Foundation

extension ArrowArray {
    /// True for the types a dictionary may hold here: flat ones (no children).
    var isFlat: Bool { type.children.isEmpty }

    /// The rows at `positions` of a flat array; -1 makes a null row. Positions are in range.
    func gathering(_ positions: [Int]) -> ArrowArray {
        var validity = positions.map { $0 >= 0 && !isNull($0) }
        if case .null = type { validity = [] }
        func pick<T>(_ source: [T], _ placeholder: T) -> [T] {
            positions.map { $0 >= 0 ? source[$0] : placeholder }
        }
        let gathered: Values
        switch values {
        case .bools(let source): gathered = .bools(pick(source, false))
        case .integers(let source): gathered = .integers(pick(source, 0))
        case .unsignedIntegers(let source): gathered = .unsignedIntegers(pick(source, 0))
        case .floats(let source): gathered = .floats(pick(source, 0))
        case .strings(let source): gathered = .strings(pick(source, ""))
        case .bytes(let source): gathered = .bytes(pick(source, Data()))
        case .none, .lists, .fixedSizeLists, .structs: gathered = .none
        }
        return ArrowArray(unchecked: type, count: positions.count, validity: validity.isEmpty ? nil : validity, values: gathered)
    }

    /// This flat array followed by `other` (a delta dictionary batch), which has the same type.
    func appending(_ other: ArrowArray) -> ArrowArray {
        let validity: [Bool]? = (self.validity == nil && other.validity == nil)
            ? nil
            : (self.validity ?? Array(repeating: true, count: count)) + (other.validity ?? Array(repeating: true, count: other.count))
        let joined: Values
        switch (values, other.values) {
        case (.bools(let a), .bools(let b)): joined = .bools(a + b)
        case (.integers(let a), .integers(let b)): joined = .integers(a + b)
        case (.unsignedIntegers(let a), .unsignedIntegers(let b)): joined = .unsignedIntegers(a + b)
        case (.floats(let a), .floats(let b)): joined = .floats(a + b)
        case (.strings(let a), .strings(let b)): joined = .strings(a + b)
        case (.bytes(let a), .bytes(let b)): joined = .bytes(a + b)
        default: joined = .none
        }
        return ArrowArray(unchecked: type, count: count + other.count, validity: validity, values: joined)
    }
}
