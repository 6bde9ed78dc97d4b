"""Pure product rules: plain values in, decisions out. No I/O, no clock, no database."""
