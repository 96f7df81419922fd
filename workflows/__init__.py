"""The licensing workflow (申请 → 受理 → 鉴定评审 → 审查与发证). See docs/domain.md."""
