import Foundation

/// Which bin of a summary a finite value falls in.
///
/// Bins are defined by `edges` as `DistributionSummary` describes them: with outlier bins the
/// bin of x is [x ≥ edges[0]] + #{ j ≥ 1 : edges[j] < x } (so bin 1 takes x = edges[0], and bin
/// j takes edges[j−1] < x ≤ edges[j]); without them it is #{ j < last : edges[j] < x }. Edges
/// are non-decreasing, so that count is the bin.
struct DriftBinner {
    /// The left edge, when the first bin is the left-outlier bin.
    let leftEdge: Double?
    /// The finite upper bounds compared with `<`: edges[1...k] with outlier bins (the right
    /// outlier is what is above edges[k]), edges[0..<k−1] without (the last bin is open).
    let bounds: [Double]
    let binCount: Int

    init(edges: [Double?]) {
        let finite = edges.compactMap { $0 }
        if edges.last.map({ $0 == nil }) ?? false {
            leftEdge = finite.first
            bounds = Array(finite.dropFirst())
        } else {
            leftEdge = nil
            bounds = Array(finite.dropLast())
        }
        binCount = edges.count
    }

    /// The bin of a finite `x`, one value at a time (the passes use a vectorised form).
    func bin(of x: Double) -> Int {
        let left = leftEdge.map { x >= $0 ? 1 : 0 } ?? 0
        return bounds.withUnsafeBufferPointer { left + Self.countBelow(x, in: $0) }
    }

    /// #{ j : bounds[j] < x } for sorted bounds, by a binary search whose steps are
    /// conditional moves rather than branches.
    @inline(__always)
    static func countBelow(_ x: Double, in bounds: UnsafeBufferPointer<Double>) -> Int {
        var base = 0
        var length = bounds.count
        while length > 1 {
            let half = length / 2
            base = bounds[base + half - 1] < x ? base + half : base
            length -= half
        }
        return length == 1 && bounds[base] < x ? base + 1 : base
    }
}
