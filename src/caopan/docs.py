"""Documentation generated from code (run by cog over `docs/*.md`; checked in CI)."""

from __future__ import annotations

from caopan.domain.catalog import GROUPS, MEASURES, METRICS


def metrics_markdown() -> str:
    """The metric catalog as Markdown: measures, then the 42 metrics by group."""
    lines = ["## Measures", "", "| measure | definition |", "|---|---|"]
    lines += [f"| `{m.name}` | {m.definition} |" for m in MEASURES]
    lines += [""]
    for group in GROUPS:
        lines += [f"## {group.zh} {group.en}", ""]
        lines += [
            "| # | id | 中文名 | English | unit | formula | better |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in (m for m in METRICS if m.group == group):
            better = "higher ↑" if m.higher_is_better else "lower ↓"
            formula = m.formula.replace("|", "\\|")
            lines.append(
                f"| {m.number} | `{m.id}` | {m.zh} | {m.en} | {m.unit} | `{formula}` | {better} |"
            )
        lines.append("")
    return "\n".join(lines)
