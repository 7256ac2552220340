"""Calendar overrides stored by administrators (public holidays and 调休 the package lacks)."""
