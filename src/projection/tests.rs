//! Unit tests of the projections (edge cases of each metric and streak rule).
