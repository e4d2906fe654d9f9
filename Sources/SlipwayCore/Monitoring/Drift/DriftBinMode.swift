import Foundation

/// How a drift baseline places its bin edges.
///
/// - `quantile`: edges at the baseline's order statistics X₍round(n·j/k)₎, so each bin holds about
///   n/k baseline values (names `q_20` … `q_100`).
/// - `equal`: equal-width edges `min + j·(max − min)/k` over the baseline's range (names `p_<value>`).
/// - `provided`: the summarizer's `providedEdges`, unchanged (names `e_<value>`, as Wallaroo prints
///   them for provided edges).
/// - `none`: no interior edges: the baseline's whole range [min, max] is one bin, whatever
///   `numBins` says. With outlier bins the score then measures only how much of a window falls
///   outside the baseline's range (a range check); without them every value lands in the one bin
///   and every score is 0.
public enum DriftBinMode: String, Sendable, Codable, CaseIterable {
    case quantile = "Quantile"
    case equal = "Equal"
    case provided = "Provided"
    case none = "None"
}
