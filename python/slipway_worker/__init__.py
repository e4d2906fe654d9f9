"""Slipway Python worker: runs a user's function for the Swift supervisor.

Launched as ``python -u -m slipway_worker --code-dir DIR --function-path
src/main.py --function-name fn``; it speaks JSON lines on stdin/stdout (see
``protocol.py``). Standard library only, Python 3.9+.
"""

__version__ = "1.0.0"
