"""Entry point for ``python -m slipway_worker``."""

from .worker import main

if __name__ == "__main__":
    raise SystemExit(main())
