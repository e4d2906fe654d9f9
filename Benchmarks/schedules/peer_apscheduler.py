"""The peer of Benchmarks/schedules.sh: APScheduler 3's AsyncIOScheduler (the in-process
scheduler a Python team would otherwise pick) with N cron jobs on one schedule, each an
`async def` that records when it ran. Prints `ready` once the jobs are added, then, at
`--stop-at` (epoch seconds), writes `[[job, fired_at], …]` to `--out` and exits.

    python peer_apscheduler.py --jobs 1000 --cron '1-59/2 * * * *' --stop-at EPOCH --out FILE
"""

import argparse
import asyncio
import json
import sys
import time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--cron", required=True, help="a five-field cron expression, in UTC")
    parser.add_argument("--stop-at", type=float, required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()

    fired: list = []

    async def job(index: int) -> None:
        fired.append([index, time.time()])

    scheduler = AsyncIOScheduler(timezone="UTC")
    for index in range(options.jobs):
        # One instance per job at a time and a minute's grace, as a periodic task would be set up.
        scheduler.add_job(job, CronTrigger.from_crontab(options.cron, timezone="UTC"), args=[index],
                          id=f"job-{index}", max_instances=1, misfire_grace_time=60, coalesce=True)
    scheduler.start()
    print("ready", flush=True)
    await asyncio.sleep(max(0.0, options.stop_at - time.time()))
    scheduler.shutdown(wait=False)
    with open(options.out, "w") as handle:
        json.dump(fired, handle)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
