"""Application form schemas (申请书): built by editors from wagtailstreamforms blocks. See issue 3."""
