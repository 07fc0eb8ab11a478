"""The index build engine: features, exact and approximate top-k, incremental and distributed builds."""
