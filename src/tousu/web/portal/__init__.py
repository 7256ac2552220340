"""The customer portal at /portal/: submit, track, confirm, rate, appeal (no login)."""
