"""Results as Markdown: one table per measurement, with notes under it."""

from dataclasses import dataclass, field


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, metric: str, value: str) -> None:
        self.rows.append((metric, value))

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| measure | value |", "|---|---|"]
        lines += [f"| {metric} | {value} |" for metric, value in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MiB"
