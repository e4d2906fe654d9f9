"""Slipway's stand-in for TetraScience's `ts-sdk` package, for task scripts run by Slipway.

Only `ts_sdk.task` (the `Context` a task script's function receives) is provided. The task-script
runner puts the folder holding this package ahead of the environment's packages, so it shadows a
real `ts-sdk` installed there: that one needs TetraScience's S3 buckets and kernel endpoints,
whereas this one talks to the Slipway task-runtime API.
"""
