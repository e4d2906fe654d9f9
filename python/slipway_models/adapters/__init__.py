"""Framework adapters; each imports its own libraries."""
