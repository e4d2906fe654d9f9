import Foundation

/// What the scheduler should do for one periodic deployment at a given moment. Pure.
///
/// Catch-up policy: fires missed while the server was down (or busy) are **coalesced** into a
/// single run for the most recent missed slot, started as soon as the server is back; the
/// deployment logs say how many slots were folded into it. Nothing is silently lost, and a
/// long outage does not unleash a burst of stale runs.
public struct SchedulePlan: Sendable, Equatable {
    /// The slot to fire now, if any.
    public var fire: Date?
    /// Earlier slots folded into `fire` (0 when it is on time).
    public var coalesced: Int
    /// When to look again.
    public var nextCheck: Date?

    /// Slots counted at most when reporting how many were coalesced.
    public static let maxCounted = 10_000

    public static func plan(cron: CronExpression, lastScheduled: Date, now: Date) -> SchedulePlan {
        guard let first = cron.nextFire(after: lastScheduled) else {
            return SchedulePlan(fire: nil, coalesced: 0, nextCheck: nil)
        }
        guard first <= now else { return SchedulePlan(fire: nil, coalesced: 0, nextCheck: first) }
        var latest = first
        var count = 1
        while count < maxCounted, let next = cron.nextFire(after: latest), next <= now {
            latest = next
            count += 1
        }
        if count == maxCounted, let after = cron.nextFire(after: latest), after <= now {
            // Very frequent schedule after a long outage: jump straight to the newest slot, found by
            // bisection over the minutes in [latest, now] (a slot follows `low`, none follows `high`).
            var low = latest.timeIntervalSince1970 / 60
            var high = (now.timeIntervalSince1970 / 60).rounded(.down)
            while high - low > 1 {
                let middle = ((low + high) / 2).rounded(.down)
                if let next = cron.nextFire(after: Date(timeIntervalSince1970: middle * 60)), next <= now {
                    low = middle
                } else {
                    high = middle
                }
            }
            latest = cron.nextFire(after: Date(timeIntervalSince1970: low * 60)) ?? after
        }
        return SchedulePlan(fire: latest, coalesced: count - 1, nextCheck: cron.nextFire(after: latest))
    }
}
