"""Application form schemas (申请书): built by editors from streamforms blocks (docs/decisions.md, decision 1)."""
