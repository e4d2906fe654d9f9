import Foundation

/// The names Wallaroo gives bin edges: `left_outlier` / `right_outlier` for the outlier bins,
/// `q_<percent>` for a Quantile baseline, `p_<value>` for an Equal baseline, and `e_<value>` for
/// windows and Provided or None baselines, where `<value>` is formatted like Rust's `{:.2e}`.
public enum DriftEdgeNames {
    public static let leftOutlier = "left_outlier"
    public static let rightOutlier = "right_outlier"

    /// `x` with two decimals in scientific notation and an exponent without sign padding or `+`,
    /// as Rust's `{:.2e}` writes it: 12.52… → `1.25e1`, 0.00125 → `1.25e-3`, −12.5 → `-1.25e1`,
    /// 0 → `0.00e0`. C's `%.2e` rounds the same way (correctly, from the exact binary value) but
    /// writes the exponent as `e+01`, so only the exponent is rewritten.
    public static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x < 0 ? "-inf" : "inf") }
        let printed = String(format: "%.2e", x)
        guard let e = printed.firstIndex(of: "e"), let exponent = Int(printed[printed.index(after: e)...]) else {
            return printed
        }
        return "\(printed[..<e])e\(exponent)"
    }

    /// `q_<100·j/k>`: an integer when k divides 100·j (`q_20`), else up to two decimals with
    /// trailing zeros dropped (`q_33.33`, `q_12.5`); the reference leaves this case open.
    public static func quantile(_ j: Int, of k: Int) -> String {
        if (100 * j) % k == 0 { return "q_\(100 * j / k)" }
        var text = String(format: "%.2f", 100 * Double(j) / Double(k))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "q_\(text)"
    }

    /// `p_<value>`: an Equal-mode baseline edge.
    public static func partition(_ edge: Double) -> String { "p_" + scientific(edge) }

    /// `e_<value>`: a window's edge, and a Provided or None baseline's.
    public static func edge(_ edge: Double) -> String { "e_" + scientific(edge) }
}
