"""Results as Markdown: one table per measurement, with notes under it."""

from dataclasses import dataclass, field


@dataclass
class Section:
    title: str
    # The value columns' headings: one "value", or e.g. one per engine side by side.
    columns: tuple[str, ...] = ("value",)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, metric: str, *values: str) -> None:
        padded = [*values, *[""] * (len(self.columns) - len(values))]
        self.rows.append((metric, *padded))

    def markdown(self) -> str:
        lines = [
            f"### {self.title}",
            "",
            "| " + " | ".join(("measure", *self.columns)) + " |",
            "|" + "---|" * (len(self.columns) + 1),
        ]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MiB"


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base > 0 else "n/a"
