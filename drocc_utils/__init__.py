"""DROCC: Deep Robust One-Class Classification (Goyal et al., ICML 2020)."""
